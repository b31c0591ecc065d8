#include "cli/ship.h"

#include "clickhouse/clickhouse_client.h"
#include "clickhouse/shipper.h"
#include "core/clock.h"
#include "core/terminal_text.h"
#include "report/report_render.h"

namespace cc::cli {

Result<ClickHouseConnection> ConnectClickHouse(const Context& ctx) {
  Result<std::unique_ptr<HttpClient>> http =
      MakeCurlHttpClient(CurlOptions{ctx.clickhouse->ca_file});
  if (!http.ok()) return http.status();
  ClickHouseConnection c;
  c.http = std::move(*http);
  c.client = std::make_unique<ClickHouseClient>(*ctx.clickhouse, *c.http);
  return c;
}

ClickHouseSchemaOptions SchemaOptionsFor(const Context& ctx) {
  ClickHouseSchemaOptions schema;
  schema.database = ctx.clickhouse->database;
  schema.cluster = ctx.cluster;
  return schema;
}

namespace {

// Rows kept encoded for the shipper: about 130,000 events. A backfill of
// more sends the rest from the ledger.
constexpr size_t kRowCacheBytes = 32u << 20;

}  // namespace

std::unique_ptr<OutboxRowCache> MakeRowCache(const Context& ctx,
                                             LedgerWriter* ledger) {
  if (!ctx.clickhouse || ledger == nullptr) return nullptr;
  auto cache = std::make_unique<OutboxRowCache>(ctx.user_label, kRowCacheBytes);
  ledger->SetOutboxTap(cache.get());
  return cache;
}

ShipOutcome ShipOutbox(const Context& ctx, LedgerWriter& ledger,
                       OutboxRowCache* cache) {
  ShipOutcome out;
  if (!ctx.clickhouse) return out;
  out.attempted = true;
  Result<ClickHouseConnection> ch = ConnectClickHouse(ctx);
  if (!ch.ok()) {
    out.problem = ch.status().message();
    return out;
  }
  SystemClock clock;
  ShipperOptions options;
  options.user = ctx.user_label;
  options.cache = cache;
  Shipper shipper(ledger.ship_queue(), *ch->client, clock, options);
  if (Status s = shipper.EnsureSchema(SchemaOptionsFor(ctx)); !s.ok()) {
    out.problem = s.message();
    out.stopped = shipper.stopped();
  } else {
    Result<ShipSummary> summary = shipper.Drain();
    if (!summary.ok()) {
      out.problem = summary.status().message();
    } else {
      out.rows_sent = summary->rows_sent;
      out.batches_sent = summary->batches_sent;
      out.rows_rejected = summary->rows_rejected;
      out.stopped = summary->stopped;
      out.problem = summary->last_error;
    }
  }
  if (Result<ShipState> st = ledger.reader().ShippingState(); st.ok()) {
    out.rows_waiting = st->pending_events;
  }
  return out;
}

std::string ShipOutcomeText(const Context& ctx, const ShipOutcome& o) {
  if (!o.attempted) return "";
  std::string text = "shipped " + WithThousands(o.rows_sent) + " rows in " +
                     WithThousands(o.batches_sent) + " batches to " +
                     TerminalSafe(ctx.clickhouse->Redacted());
  if (o.rows_rejected > 0) {
    text += "; " + WithThousands(o.rows_rejected) +
            " rows refused by ClickHouse (kept, see sync-status)";
  }
  if (o.rows_waiting > 0) {
    text += "; " + WithThousands(o.rows_waiting) + " wait in the outbox" +
            (o.stopped ? " (shipping STOPPED: " : " (will retry: ") +
            TerminalSafe(o.problem) + ")";
  }
  return text + "\n";
}

void BackgroundShipper::Start() {
  if (!ctx_.clickhouse || thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void BackgroundShipper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool BackgroundShipper::Sleep(int64_t ms) {
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms),
                 [this] { return stopping_; });
  return !stopping_;
}

void BackgroundShipper::Run() {
  Result<std::unique_ptr<ShipQueue>> ledger =
      ShipQueue::Open(ctx_.ledger_path);
  Result<ClickHouseConnection> ch = ConnectClickHouse(ctx_);
  if (!ledger.ok() || !ch.ok()) {
    PrintWarning(ctx_,
                 "shipping disabled: " +
                     (ledger.ok() ? ch.status() : ledger.status()).message());
    return;
  }
  SystemClock clock;
  ShipperOptions options;
  options.user = ctx_.user_label;
  options.request_timeout_ms = 10'000;
  options.cache = cache_;
  Shipper shipper(**ledger, *ch->client, clock, options);
  const ClickHouseSchemaOptions schema = SchemaOptionsFor(ctx_);
  const std::string target = ctx_.clickhouse->Redacted();
  int64_t schema_wait_ms = 1000;
  while (true) {
    Status s = shipper.EnsureSchema(schema);
    if (s.ok()) break;
    PrintWarning(ctx_, s.message() + (shipper.stopped()
                                          ? " (shipping STOPPED until restart)"
                                          : " (will retry)"));
    if (shipper.stopped()) return;
    if (!Sleep(schema_wait_ms)) return;
    schema_wait_ms = std::min<int64_t>(schema_wait_ms * 2, 300'000);
  }
  bool failing = false;
  while (true) {
    Result<ShipStep> step = shipper.Step(/*flush=*/false);
    if (!step.ok()) {
      PrintWarning(ctx_, "shipping: " + step.status().message());
      if (!Sleep(5'000)) return;
      continue;
    }
    switch (step->what) {
      case ShipStep::What::kSent:
      case ShipStep::What::kSplit:
      case ShipStep::What::kRejectedRow:
        if (failing) PrintWarning(ctx_, "shipping to " + target + " recovered");
        failing = false;
        continue;  // More may be due at once.
      case ShipStep::What::kStopped:
        PrintWarning(ctx_, "shipping to " + target +
                               " STOPPED (the outbox is kept): " + step->error);
        return;
      case ShipStep::What::kRetryLater:
        if (!failing) {
          PrintWarning(ctx_, "shipping to " + target +
                                 " failing, will retry: " + step->error);
        }
        failing = true;
        break;
      case ShipStep::What::kIdle:
      case ShipStep::What::kWaiting:
        break;
    }
    if (!Sleep(1'000)) return;
  }
}

}  // namespace cc::cli

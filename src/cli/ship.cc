#include "cli/ship.h"

#include "clickhouse/clickhouse_client.h"
#include "clickhouse/shipper.h"
#include "core/clock.h"
#include "core/terminal_text.h"
#include "report/report_render.h"

namespace cc::cli {

ClickHouseSchemaOptions SchemaOptionsFor(const Context& ctx) {
  ClickHouseSchemaOptions schema;
  schema.database = ctx.clickhouse->database;
  schema.cluster = ctx.cluster;
  return schema;
}

std::unique_ptr<OutboxRowCache> MakeRowCache(const Context& ctx,
                                             LedgerWriter* ledger) {
  if (!ctx.clickhouse || ledger == nullptr) return nullptr;
  auto cache = std::make_unique<OutboxRowCache>(
      ctx.user_label, OutboxRowCache::kShipperBytes);
  ledger->SetOutboxTap(cache.get());
  return cache;
}

ShipOutcome ShipOutbox(const Context& ctx, LedgerWriter& ledger,
                       OutboxRowCache* cache) {
  ShipOutcome out;
  if (!ctx.clickhouse) return out;
  out.attempted = true;
  Result<ClickHouseConnection> ch = ConnectClickHouse(*ctx.clickhouse);
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

}  // namespace cc::cli

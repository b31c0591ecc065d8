#include "cli/ship.h"

#include "clickhouse/clickhouse_client.h"
#include "clickhouse/shipper.h"
#include "core/clock.h"
#include "report/report_render.h"

namespace cc::cli {

ShipOutcome ShipOutbox(const Context& ctx, Ledger& ledger) {
  ShipOutcome out;
  if (!ctx.clickhouse) return out;
  out.attempted = true;
  Result<std::unique_ptr<HttpClient>> http =
      MakeCurlHttpClient(CurlOptions{ctx.clickhouse->ca_file});
  if (!http.ok()) {
    out.problem = http.status().message();
    return out;
  }
  ClickHouseClient client(*ctx.clickhouse, **http);
  SystemClock clock;
  ShipperOptions options;
  options.user = ctx.user_label;
  Shipper shipper(ledger, client, clock, options);
  ClickHouseSchemaOptions schema;
  schema.database = ctx.clickhouse->database;
  schema.cluster = ctx.cluster;
  if (Status s = shipper.EnsureSchema(schema); !s.ok()) {
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
  if (Result<ShipState> st = ledger.ShippingState(); st.ok()) {
    out.rows_waiting = st->pending_events;
  }
  return out;
}

std::string ShipOutcomeText(const Context& ctx, const ShipOutcome& o) {
  if (!o.attempted) return "";
  std::string text = "shipped " + WithThousands(o.rows_sent) + " rows in " +
                     WithThousands(o.batches_sent) + " batches to " +
                     ctx.clickhouse->Redacted();
  if (o.rows_rejected > 0) {
    text += "; " + WithThousands(o.rows_rejected) +
            " rows refused by ClickHouse (kept, see sync-status)";
  }
  if (o.rows_waiting > 0) {
    text += "; " + WithThousands(o.rows_waiting) + " wait in the outbox" +
            (o.stopped ? " (shipping STOPPED: " : " (will retry: ") +
            o.problem + ")";
  }
  return text + "\n";
}

}  // namespace cc::cli

// bridge reprice: recompute every event's cost with the current price table.
#include "cli/commands.h"
#include "cli/plural.h"
#include "core/json_writer.h"
#include "ledger/ledger_writer.h"
#include "report/report_render.h"

namespace cc::cli {

int RunReprice(const Context& ctx, const ParsedArgs& args) {
  Result<std::unique_ptr<LedgerWriter>> ledger = LedgerWriter::Open(
      ctx.ledger_path, ctx.Holder("bridge reprice"), ctx.prices.get());
  if (!ledger.ok()) return ErrorExit(ledger.status());
  Result<RepriceStats> r = (*ledger)->Reprice();
  if (!r.ok()) return ErrorExit(r.status());
  WarnUnpricedModels(ctx, r->unpriced_models);
  if (args.Has("--json")) {
    JsonWriter w;
    w.BeginObject()
        .Field("priceTable", r->price_version)
        .Field("events", r->events)
        .Field("eventsChanged", r->events_changed)
        .Key("costBefore")
        .Number(DollarsJsonNumber(r->cost_before_nano))
        .Key("costAfter")
        .Number(DollarsJsonNumber(r->cost_after_nano))
        .Field("unpricedEvents", r->unpriced_events)
        .Key("unpricedModels")
        .BeginArray();
    for (const std::string& m : r->unpriced_models) w.String(m);
    w.EndArray().EndObject();
    PrintOut(w.Finish());
    return kExitOk;
  }
  if (ctx.verbosity >= 0) {
    PrintOut(
        "Repriced " + Counted(r->events, "event", "events") +
        " with price table " +
        r->price_version + ": " + WithThousands(r->events_changed) +
        " changed; total cost " + FormatDollars(r->cost_before_nano, 2) +
        " -> " + FormatDollars(r->cost_after_nano, 2) +
        (r->unpriced_events > 0 ? " (" + Counted(r->unpriced_events, "event",
                                                 "events") +
                                      " without a price)"
                                : std::string()) +
        "\n");
  }
  return kExitOk;
}

}  // namespace cc::cli

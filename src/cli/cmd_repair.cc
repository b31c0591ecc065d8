// bridge repair: rebuild a damaged ledger file (RepairLedger).
#include "cli/commands.h"
#include "cli/plural.h"
#include "core/json_writer.h"
#include "ledger/ledger_repair.h"
#include "report/report_render.h"

namespace cc::cli {
namespace {

void Lines(JsonWriter& w, const char* key, const std::vector<std::string>& v) {
  w.Key(key).BeginArray();
  for (const std::string& s : v) w.String(s);
  w.EndArray();
}

std::string RepairJson(const RepairReport& r) {
  JsonWriter w;
  w.BeginObject()
      .Field("ok", r.problems_after.empty())
      .Field("damaged", !r.problems_before.empty());
  Lines(w, "damage", r.problems_before);
  w.Field("events", r.events)
      .Field("keysStoredTwice", r.keys_doubled)
      .Field("rowsMerged", r.rows_merged)
      .Field("rowsCopied", r.rows_copied);
  Lines(w, "notSaved", r.unsaved);
  Lines(w, "damageAfter", r.problems_after);
  w.EndObject();
  return w.Finish();
}

std::string RepairText(const std::string& path, const RepairReport& r) {
  std::string out;
  if (r.problems_before.empty()) {
    out += "SQLite's integrity check found no damage in " + path +
           "; rebuilt it all the same\n";
  } else {
    out += "damage found in " + path + ":\n";
    for (const std::string& p : r.problems_before) out += "  " + p + "\n";
  }
  out += "rebuilt: " + Counted(r.events, "event", "events") + ", " +
         Counted(r.rows_copied, "row", "rows") + " copied, indexes and the "
         "usage rollup built afresh\n";
  if (r.keys_doubled > 0) {
    out += Counted(r.keys_doubled, "event was", "events were") +
           " stored more than once; " +
           Counted(r.rows_merged, "extra row", "extra rows") + " merged into them (largest counts, earliest "
           "attributes)\n";
  }
  for (const std::string& u : r.unsaved) out += "not saved: " + u + "\n";
  for (const std::string& p : r.problems_after) {
    out += "still damaged: " + p + "\n";
  }
  out += r.problems_after.empty()
             ? "OK: the ledger is sound; `context-cleaner bridge validate` "
               "compares it with the transcripts\n"
             : "DAMAGED: the ledger could not be made sound\n";
  return out;
}

}  // namespace

int RunRepair(const Context& ctx, const ParsedArgs& args) {
  Result<RepairReport> r = RepairLedger(
      ctx.ledger_path, ctx.Holder("bridge repair"), ctx.prices.get());
  if (!r.ok()) return ErrorExit(r.status());
  for (const std::string& u : r->unsaved) {
    PrintWarning(ctx, "repair could not save " + u);
  }
  if (args.Has("--json")) {
    PrintOut(RepairJson(*r));
  } else if (ctx.verbosity >= 0 || !r->problems_after.empty()) {
    PrintOut(RepairText(ctx.ledger_path, *r));
  }
  return r->problems_after.empty() ? kExitOk : kExitCheckFailed;
}

}  // namespace cc::cli

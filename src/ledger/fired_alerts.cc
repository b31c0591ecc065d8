#include "ledger/fired_alerts.h"

#include "ledger/query_rows.h"
#include "ledger/sqlite_db.h"

namespace cc {
namespace {

constexpr const char* kColumns =
    "id, kind, budget, period, period_start_ms, period_end_ms, threshold_pct, "
    "unit, spent, limit_value, projected, project, source, fired_ms";

AlertKind KindFromName(std::string_view name) {
  if (name == "projection") return AlertKind::kProjection;
  if (name == "anomaly") return AlertKind::kAnomaly;
  return AlertKind::kThreshold;
}

}  // namespace

Result<bool> RecordAlert(sql::Database& db, const Alert& a,
                         const std::vector<std::string>& channels) {
  sql::Statement insert(db.handle(), std::string("INSERT OR IGNORE INTO alerts(") +
                                         kColumns +
                                         ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                         "?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  insert.BindFrom(1, a.id, std::string_view(AlertKindName(a.kind)), a.budget,
                  a.period, a.period_start_ms, a.period_end_ms,
                  int64_t{a.threshold_pct}, a.unit, a.spent, a.limit,
                  a.projected, a.project, a.source, a.fired_ms);
  if (Status s = insert.Run(); !s.ok()) return s;
  if (db.Changes() == 0) return false;
  sql::Statement due(db.handle(),
                     "INSERT OR IGNORE INTO alert_deliveries(alert_id, channel, "
                     "next_attempt_ms) VALUES(?1, ?2, ?3)");
  for (const std::string& channel : channels) {
    due.BindFrom(1, a.id, channel, a.fired_ms);
    if (Status s = due.Run(); !s.ok()) return s;
  }
  return true;
}

Result<std::vector<Alert>> ReadAlertsSince(sql::Database& db, int64_t since_ms) {
  sql::Statement st(db.handle(), std::string("SELECT ") + kColumns +
                                     " FROM alerts WHERE fired_ms >= ?1 "
                                     "ORDER BY fired_ms, id");
  st.Bind(1, since_ms);
  std::vector<Alert> out;
  Status s = ForEachRow(st, [&out](const sql::Statement& r) {
    Alert a;
    a.id = r.Text(0);
    a.kind = KindFromName(r.TextView(1));
    a.budget = r.Text(2);
    a.period = r.Text(3);
    a.period_start_ms = r.Int(4);
    a.period_end_ms = r.Int(5);
    a.threshold_pct = static_cast<int>(r.Int(6));
    a.unit = r.Text(7);
    a.spent = r.Double(8);
    a.limit = r.Double(9);
    a.projected = r.Double(10);
    a.project = r.Text(11);
    a.source = r.Text(12);
    a.fired_ms = r.Int(13);
    out.push_back(std::move(a));
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace cc

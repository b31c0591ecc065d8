#include "ledger/fired_alerts.h"

#include "ledger/query_rows.h"
#include "ledger/sqlite_db.h"

namespace cc {
namespace {

AlertKind KindFromName(std::string_view name) {
  if (name == "projection") return AlertKind::kProjection;
  if (name == "anomaly") return AlertKind::kAnomaly;
  return AlertKind::kThreshold;
}

}  // namespace

Alert AlertFromRow(const sql::Statement& row) {
  Alert a;
  a.id = row.Text(0);
  a.kind = KindFromName(row.TextView(1));
  a.budget = row.Text(2);
  a.period = row.Text(3);
  a.period_start_ms = row.Int(4);
  a.period_end_ms = row.Int(5);
  a.threshold_pct = static_cast<int>(row.Int(6));
  a.unit = row.Text(7);
  a.spent = row.Double(8);
  a.limit = row.Double(9);
  a.projected = row.Double(10);
  a.project = row.Text(11);
  a.source = row.Text(12);
  a.fired_ms = row.Int(13);
  return a;
}

Result<bool> RecordAlert(sql::Database& db, const Alert& a,
                         const std::vector<std::string>& channels) {
  sql::Statement insert(db.handle(), std::string("INSERT OR IGNORE INTO alerts(") +
                                         kAlertColumns +
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
  sql::Statement st(db.handle(), std::string("SELECT ") + kAlertColumns +
                                     " FROM alerts WHERE fired_ms >= ?1 "
                                     "ORDER BY fired_ms, id");
  st.Bind(1, since_ms);
  std::vector<Alert> out;
  Status s = ForEachRow(
      st, [&out](const sql::Statement& r) { out.push_back(AlertFromRow(r)); });
  if (!s.ok()) return s;
  return out;
}

}  // namespace cc

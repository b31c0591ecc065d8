// Alerts written into a ledger the way the evaluator (budget/) writes
// them: an `alerts` row and one `alert_deliveries` row per retrying
// channel, attempts 0, due when the alert fired. For the delivery tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "budget/alert.h"
#include "ledger/sqlite_db.h"

namespace cc::test {

// A threshold alert of budget `budget` at `pct` %, fired at `fired_ms`.
inline Alert ThresholdAlert(const std::string& budget, int pct, int64_t fired_ms) {
  Alert a;
  a.id = "threshold:" + budget + ":2026-12-08T00:00:00:" + std::to_string(pct);
  a.kind = AlertKind::kThreshold;
  a.budget = budget;
  a.period = "day";
  a.period_start_ms = 1796706000000;  // 2026-12-08T05:00:00Z
  a.period_end_ms = 1796792400000;
  a.threshold_pct = pct;
  a.unit = "usd";
  a.spent = 20.0 * pct / 100;
  a.limit = 20;
  a.projected = 31.5;
  a.fired_ms = fired_ms;
  return a;
}

// Inserts `a` and its deliveries in one transaction, on a connection of
// its own (as another process would).
inline void InsertAlert(const std::string& ledger_path, const Alert& a,
                        const std::vector<std::string>& channels) {
  Result<std::unique_ptr<sql::Database>> db = sql::Database::Open(ledger_path, false);
  ASSERT_TRUE(db.ok()) << db.status().message();
  Status s = sql::InTransaction(**db, [&]() -> Status {
    sql::Statement st((*db)->handle(), R"sql(
      INSERT INTO alerts(id, kind, budget, period, period_start_ms,
        period_end_ms, threshold_pct, unit, spent, limit_value, projected,
        project, source, fired_ms)
      VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14))sql");
    st.BindFrom(1, a.id, std::string_view(AlertKindName(a.kind)), a.budget,
                a.period, a.period_start_ms, a.period_end_ms,
                static_cast<int64_t>(a.threshold_pct), a.unit, a.spent, a.limit,
                a.projected, a.project, a.source, a.fired_ms);
    if (Status r = st.Run(); !r.ok()) return r;
    for (const std::string& channel : channels) {
      sql::Statement d((*db)->handle(),
                       "INSERT INTO alert_deliveries(alert_id, channel, next_attempt_ms) "
                       "VALUES(?1, ?2, ?3)");
      d.BindFrom(1, a.id, channel, a.fired_ms);
      if (Status r = d.Run(); !r.ok()) return r;
    }
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
}

}  // namespace cc::test

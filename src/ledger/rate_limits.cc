// The rate_limits table: storing readings (LedgerWriter) and the windows
// and totals reports ask for (LedgerReader). See ledger/rate_limits.h.
#include "ledger/rate_limits.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>
#include <string>

#include "ledger/ledger_reader.h"
#include "ledger/ledger_writer.h"
#include "ledger/query_rows.h"
#include "ledger/schema.h"
#include "ledger/sqlite_db.h"
#include "ledger/token_columns.h"

namespace cc {
namespace {

// One window of a reading with both its values.
struct WindowReading {
  RateLimitKind kind;
  double pct;
  int64_t resets_at;
};

// The windows of `r` that can be placed (both values present).
std::vector<WindowReading> WindowsOf(const RateLimitReading& r) {
  std::vector<WindowReading> out;
  if (r.five_hour_pct && r.five_hour_resets_at) {
    out.push_back({RateLimitKind::kFiveHour, *r.five_hour_pct,
                   *r.five_hour_resets_at});
  }
  if (r.seven_day_pct && r.seven_day_resets_at) {
    out.push_back({RateLimitKind::kSevenDay, *r.seven_day_pct,
                   *r.seven_day_resets_at});
  }
  return out;
}

Status CheckWindow(const WindowReading& w, int64_t seen_ms) {
  const std::string name(RateLimitKindName(w.kind));
  if (std::isnan(w.pct) || w.pct < 0 || w.pct > kMaxRateLimitPercentage) {
    return Status::InvalidArgument(
        std::string("rate_limits.")
            .append(name)
            .append(".used_percentage: expected 0 to ")
            .append(std::to_string(static_cast<int>(kMaxRateLimitPercentage)))
            .append(", got ")
            .append(std::isnan(w.pct) ? std::string("NaN")
                                      : std::to_string(w.pct)));
  }
  const int64_t seen_s = seen_ms / 1000;
  const int64_t earliest = seen_s - kRateLimitResetSlackSeconds;
  const int64_t latest = seen_s + RateLimitWindowSeconds(w.kind) +
                         kRateLimitResetSlackSeconds;
  if (w.resets_at < earliest || w.resets_at > latest) {
    return Status::InvalidArgument(
        std::string("rate_limits.")
            .append(name)
            .append(".resets_at: ")
            .append(std::to_string(w.resets_at))
            .append(" (epoch seconds) is too far from the time it was seen (")
            .append(std::to_string(seen_s))
            .append(")"));
  }
  return Status::Ok();
}

RateLimitKind KindFromName(std::string_view name) {
  return name == "seven_day" ? RateLimitKind::kSevenDay
                             : RateLimitKind::kFiveHour;
}

}  // namespace

std::string_view RateLimitKindName(RateLimitKind kind) {
  return kind == RateLimitKind::kSevenDay ? "seven_day" : "five_hour";
}

int64_t RateLimitWindowSeconds(RateLimitKind kind) {
  return kind == RateLimitKind::kSevenDay ? 7 * 24 * 3600 : 5 * 3600;
}

Status CheckRateLimitReading(const RateLimitReading& r) {
  if (r.source.size() > kMaxRateLimitSourceBytes) {
    return Status::InvalidArgument(
        std::string("rate limit source: longer than ")
            .append(std::to_string(kMaxRateLimitSourceBytes))
            .append(" bytes"));
  }
  for (const WindowReading& w : WindowsOf(r)) {
    if (Status s = CheckWindow(w, r.seen_ms); !s.ok()) return s;
  }
  return Status::Ok();
}

namespace {

// RecordRateLimits over `db` (a writer's, or a connection of its own).
Result<bool> StoreRateLimits(sql::Database& db,
                             const RateLimitReading& reading) {
  if (Status s = CheckRateLimitReading(reading); !s.ok()) return s;
  const std::vector<WindowReading> windows = WindowsOf(reading);
  if (windows.empty()) return false;
  bool stored = false;
  Status s = sql::InTransaction(db, [&]() -> Status {
    sql::Statement last(db.handle(), R"sql(
      SELECT used_percentage, resets_at FROM rate_limits
      WHERE source = ?1 AND window_kind = ?2 ORDER BY id DESC LIMIT 1)sql");
    sql::Statement insert(db.handle(), R"sql(
      INSERT INTO rate_limits(source, window_kind, used_percentage, resets_at,
        seen_ms) VALUES(?1, ?2, ?3, ?4, ?5))sql");
    for (const WindowReading& w : windows) {
      last.BindFrom(1, reading.source, RateLimitKindName(w.kind));
      Result<bool> row = last.Step();
      if (!row.ok()) return row.status();
      const bool same = *row && last.Double(0) == w.pct &&
                        last.Int(1) == w.resets_at;
      last.Reset();
      if (same) continue;
      insert.BindFrom(1, reading.source, RateLimitKindName(w.kind), w.pct,
                      w.resets_at, reading.seen_ms);
      if (Status is = insert.Run(); !is.ok()) return is;
      stored = true;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return stored;
}

}  // namespace

Result<bool> LedgerWriter::RecordRateLimits(const RateLimitReading& reading) {
  return StoreRateLimits(*db_, reading);
}

Result<bool> RecordRateLimitsAt(const std::string& ledger_path,
                                const RateLimitReading& reading,
                                int busy_timeout_ms) {
  std::error_code ec;
  if (!std::filesystem::exists(ledger_path, ec)) {
    return Status::IoError(std::string("no ledger at ").append(ledger_path));
  }
  Result<std::unique_ptr<sql::Database>> db = OpenAtCurrentSchema(ledger_path);
  if (!db.ok() && db.status().code() == Status::Code::kNotSupported) {
    return Status::NotSupported(
        std::string("the ledger ")
            .append(ledger_path)
            .append(" is not at schema ")
            .append(std::to_string(kSchemaVersion))
            .append(" (a writer, e.g. `bridge sync --once`, migrates it)"));
  }
  if (!db.ok()) return db.status();
  if (Status s = (*db)->Exec(std::string("PRAGMA busy_timeout = ")
                                 .append(std::to_string(std::max(0, busy_timeout_ms))));
      !s.ok()) {
    return s;
  }
  return StoreRateLimits(**db, reading);
}

Result<std::vector<RateLimitWindow>> LedgerReader::RateLimitWindows(
    const RateLimitFilter& filter) {
  // A window overlaps [since, until) when it ends after since and starts
  // before until.
  sql::Statement st(db_.handle(), R"sql(
    SELECT window_kind, resets_at, MAX(used_percentage), MIN(seen_ms),
      MAX(seen_ms), COUNT(*)
    FROM rate_limits
    WHERE (?1 IS NULL OR source = ?1)
      AND resets_at * 1000 > ?2
      AND (resets_at - CASE window_kind WHEN 'seven_day' THEN 604800
                                        ELSE 18000 END) * 1000 < ?3
    GROUP BY window_kind, resets_at
    ORDER BY resets_at DESC, window_kind DESC)sql");
  if (filter.source) {
    st.Bind(1, *filter.source);
  } else {
    st.BindNull(1);
  }
  st.Bind(2, filter.since_ms.value_or(INT64_MIN));
  st.Bind(3, filter.until_ms.value_or(INT64_MAX));
  std::vector<RateLimitWindow> out;
  Status s = ForEachRow(st, [&out](const sql::Statement& row) {
    RateLimitWindow w;
    w.kind = KindFromName(row.TextView(0));
    w.resets_at = row.Int(1);
    w.peak_percentage = row.Double(2);
    w.first_seen_ms = row.Int(3);
    w.last_seen_ms = row.Int(4);
    w.readings = row.Uint(5);
    out.push_back(w);
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<RateLimitRow>> LedgerReader::LatestRateLimits() {
  sql::Statement st(db_.handle(), R"sql(
    SELECT source, window_kind, used_percentage, resets_at, seen_ms
    FROM rate_limits WHERE window_kind = ?1
    ORDER BY seen_ms DESC, id DESC LIMIT 1)sql");
  std::vector<RateLimitRow> out;
  for (RateLimitKind kind : {RateLimitKind::kFiveHour, RateLimitKind::kSevenDay}) {
    st.Bind(1, RateLimitKindName(kind));
    Status s = ForEachRow(st, [&out, kind](const sql::Statement& row) {
      RateLimitRow r;
      r.source = row.Text(0);
      r.kind = kind;
      r.used_percentage = row.Double(2);
      r.resets_at = row.Int(3);
      r.seen_ms = row.Int(4);
      out.push_back(std::move(r));
    });
    if (!s.ok()) return s;
  }
  return out;
}

Result<RangeTotals> LedgerReader::TotalsBetween(
    int64_t since_ms, int64_t until_ms,
    const std::optional<std::string>& source) {
  sql::Statement st(db_.handle(), R"sql(
    SELECT COUNT(*), COALESCE(SUM(cost_nano), 0),
      COALESCE(SUM(priced = 0), 0),
      COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),
      COALESCE(SUM(cache_creation_tokens), 0),
      COALESCE(SUM(cache_creation_5m_tokens), 0),
      COALESCE(SUM(cache_creation_1h_tokens), 0),
      COALESCE(SUM(cache_read_tokens), 0),
      COALESCE(SUM(web_search_requests), 0),
      COALESCE(SUM(web_fetch_requests), 0)
    FROM events
    WHERE timestamp_ms >= ?1 AND timestamp_ms < ?2
      AND (?3 IS NULL OR source = ?3))sql");
  st.BindFrom(1, since_ms, until_ms);
  if (source) {
    st.Bind(3, *source);
  } else {
    st.BindNull(3);
  }
  RangeTotals out;
  Status s = ForEachRow(st, [&out](const sql::Statement& row) {
    out.events = row.Uint(0);
    out.cost_nano = row.Int(1);
    out.unpriced_events = row.Uint(2);
    out.tokens = TokensFromRow(row, 3);
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace cc

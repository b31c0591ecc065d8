#include "alert/alert_queue.h"

#include <algorithm>

#include "core/utf8.h"
#include "ledger/fired_alerts.h"
#include "ledger/query_rows.h"
#include "ledger/schema.h"
#include "ledger/sqlite_db.h"

namespace cc {
namespace {

constexpr const char* kLogChannel = "log";

// "?1, ?2, ..." for `n` channels bound from `first` on.
std::string Placeholders(size_t n, int first) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out.append(", ");
    out.append("?").append(std::to_string(first + static_cast<int>(i)));
  }
  return out;
}

void BindChannels(sql::Statement& st, int first,
                  const std::vector<std::string>& channels) {
  for (const std::string& c : channels) st.Bind(first++, std::string_view(c));
}

Result<bool> HasAlertTables(sql::Database& db) {
  Result<int64_t> n = db.QueryInt(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
      "name IN ('alerts', 'alert_deliveries')");
  if (!n.ok()) return n.status();
  return *n == 2;
}

}  // namespace

AlertQueue::AlertQueue(std::unique_ptr<sql::Database> db, bool has_tables)
    : db_(std::move(db)), has_tables_(has_tables) {}

AlertQueue::~AlertQueue() = default;

Result<std::unique_ptr<AlertQueue>> AlertQueue::Open(const std::string& path) {
  Result<std::unique_ptr<sql::Database>> db = OpenAtCurrentSchema(path);
  if (!db.ok()) {
    if (db.status().code() != Status::Code::kNotSupported) return db.status();
    return Status::NotSupported("alert delivery needs the ledger " + path +
                                " at schema " + std::to_string(kSchemaVersion));
  }
  return std::unique_ptr<AlertQueue>(new AlertQueue(std::move(*db), true));
}

Result<std::unique_ptr<AlertQueue>> AlertQueue::OpenReadOnly(
    const std::string& path) {
  Result<std::unique_ptr<sql::Database>> db = sql::Database::Open(path, true);
  if (!db.ok()) return db.status();
  Result<bool> has_tables = HasAlertTables(**db);
  if (!has_tables.ok()) return has_tables.status();
  return std::unique_ptr<AlertQueue>(new AlertQueue(std::move(*db), *has_tables));
}

int64_t AlertQueue::RetryDelayMs(int64_t attempts) {
  int64_t delay = kFirstRetryMs;
  for (int64_t i = 1; i < attempts && delay < kMaxRetryMs; ++i) delay *= 2;
  return std::min(delay, kMaxRetryMs);
}

Result<std::vector<DueDelivery>> AlertQueue::Due(
    int64_t now_ms, const std::vector<std::string>& channels, size_t limit) {
  std::vector<DueDelivery> out;
  if (channels.empty()) return out;
  sql::Statement st(
      db_->handle(),
      std::string("SELECT ") + kAlertColumns +
          ", d.channel, d.attempts FROM alert_deliveries d "
          "JOIN alerts a ON a.id = d.alert_id "
          "WHERE d.delivered_ms IS NULL AND d.next_attempt_ms <= ?1 "
          "AND d.channel IN (" + Placeholders(channels.size(), 3) + ") "
          "ORDER BY d.next_attempt_ms, a.fired_ms, a.id, d.channel LIMIT ?2");
  st.Bind(1, now_ms).Bind(2, static_cast<int64_t>(limit));
  BindChannels(st, 3, channels);
  Status s = ForEachRow(st, [&out](const sql::Statement& row) {
    out.push_back(DueDelivery{AlertFromRow(row), row.Text(kAlertColumnCount),
                              row.Int(kAlertColumnCount + 1)});
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::optional<int64_t>> AlertQueue::NextAttemptMs(
    const std::vector<std::string>& channels) {
  if (channels.empty()) return std::optional<int64_t>();
  sql::Statement st(db_->handle(),
                    "SELECT MIN(next_attempt_ms) FROM alert_deliveries "
                    "WHERE delivered_ms IS NULL AND next_attempt_ms < ?1 "
                    "AND channel IN (" + Placeholders(channels.size(), 2) + ")");
  st.Bind(1, kGivenUp);
  BindChannels(st, 2, channels);
  Result<bool> row = st.Step();
  if (!row.ok()) return row.status();
  std::optional<int64_t> next;
  if (*row && !st.IsNull(0)) next = st.Int(0);
  st.Reset();
  return next;
}

Status AlertQueue::MarkDelivered(const std::string& alert_id,
                                 const std::string& channel, int64_t now_ms) {
  sql::Statement st(db_->handle(), R"sql(
    UPDATE alert_deliveries SET delivered_ms = ?3, attempts = attempts + 1
    WHERE alert_id = ?1 AND channel = ?2 AND delivered_ms IS NULL)sql");
  st.BindFrom(1, alert_id, channel, now_ms);
  return st.Run();
}

Result<FailureMark> AlertQueue::MarkFailed(const std::string& alert_id,
                                           const std::string& channel,
                                           const std::string& error,
                                           int64_t now_ms, bool permanent) {
  FailureMark mark;
  const std::string stored(Utf8Prefix(error, kMaxErrorBytes));
  Status s = sql::InTransaction(*db_, [&]() -> Status {
    sql::Statement read(db_->handle(), R"sql(
      SELECT attempts FROM alert_deliveries
      WHERE alert_id = ?1 AND channel = ?2 AND delivered_ms IS NULL)sql");
    read.BindFrom(1, alert_id, channel);
    Result<bool> row = read.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();  // Delivered meanwhile, or gone.
    mark.attempts = read.Int(0) + 1;
    read.Reset();
    mark.given_up = permanent || mark.attempts >= kMaxAttempts;
    mark.next_attempt_ms =
        mark.given_up ? kGivenUp : now_ms + RetryDelayMs(mark.attempts);
    sql::Statement write(db_->handle(), R"sql(
      UPDATE alert_deliveries SET attempts = ?3, next_attempt_ms = ?4,
        last_error = ?5
      WHERE alert_id = ?1 AND channel = ?2)sql");
    write.BindFrom(1, alert_id, channel, mark.attempts, mark.next_attempt_ms,
                   stored);
    return write.Run();
  });
  if (!s.ok()) return s;
  return mark;
}

Result<std::vector<Alert>> AlertQueue::Unlogged(size_t limit) {
  sql::Statement st(
      db_->handle(),
      std::string("SELECT ") + kAlertColumns +
          " FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM alert_deliveries d "
          "WHERE d.alert_id = a.id AND d.channel = ?1) "
          "ORDER BY a.fired_ms, a.id LIMIT ?2");
  st.Bind(1, std::string_view(kLogChannel)).Bind(2, static_cast<int64_t>(limit));
  std::vector<Alert> out;
  Status s = ForEachRow(
      st, [&out](const sql::Statement& row) { out.push_back(AlertFromRow(row)); });
  if (!s.ok()) return s;
  return out;
}

Status AlertQueue::MarkLogged(const std::string& alert_id, int64_t now_ms) {
  sql::Statement st(db_->handle(), R"sql(
    INSERT OR IGNORE INTO alert_deliveries(alert_id, channel, attempts,
      next_attempt_ms, delivered_ms, last_error)
    VALUES(?1, ?2, 1, ?3, ?3, ''))sql");
  st.BindFrom(1, alert_id, std::string_view(kLogChannel), now_ms);
  return st.Run();
}

Result<AlertDeliveryHealth> AlertQueue::Health() {
  AlertDeliveryHealth h;
  if (!has_tables_) return h;
  sql::Statement counts(db_->handle(), R"sql(
    SELECT
      COALESCE(SUM(delivered_ms IS NULL AND next_attempt_ms < ?2), 0),
      COALESCE(SUM(delivered_ms IS NULL AND next_attempt_ms < ?2
                   AND attempts > 0), 0),
      COALESCE(SUM(delivered_ms IS NULL AND next_attempt_ms = ?2), 0),
      COALESCE(SUM(delivered_ms IS NOT NULL), 0),
      MIN(CASE WHEN delivered_ms IS NULL AND next_attempt_ms < ?2
               THEN next_attempt_ms END)
    FROM alert_deliveries WHERE channel <> ?1)sql");
  counts.Bind(1, std::string_view(kLogChannel)).Bind(2, kGivenUp);
  Result<bool> row = counts.Step();
  if (!row.ok()) return row.status();
  h.pending = counts.Uint(0);
  h.failing = counts.Uint(1);
  h.given_up = counts.Uint(2);
  h.delivered = counts.Uint(3);
  if (!counts.IsNull(4)) h.next_attempt_ms = counts.Int(4);
  counts.Reset();
  sql::Statement last(db_->handle(), R"sql(
    SELECT d.channel, d.alert_id, d.last_error FROM alert_deliveries d
    JOIN alerts a ON a.id = d.alert_id
    WHERE d.delivered_ms IS NULL AND d.last_error <> '' AND d.channel <> ?1
    ORDER BY a.fired_ms DESC, d.alert_id DESC, d.channel LIMIT 1)sql");
  last.Bind(1, std::string_view(kLogChannel));
  row = last.Step();
  if (!row.ok()) return row.status();
  if (*row) {
    h.last_error_channel = last.Text(0);
    h.last_error_alert = last.Text(1);
    h.last_error = last.Text(2);
  }
  last.Reset();
  return h;
}

}  // namespace cc

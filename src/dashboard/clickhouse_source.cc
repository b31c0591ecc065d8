#include "dashboard/clickhouse_source.h"

#include <poll.h>

#include <algorithm>
#include <mutex>
#include <sstream>

#include "clickhouse/tab_separated.h"
#include "clickhouse/usage_query.h"

namespace cc {
namespace {

// One row of ClickHouseSessionSql's answer; false if it is not one.
bool ParseSessionRow(const std::string& line, SessionEvent* e) {
  const std::vector<std::string> f = TsvFields(line);
  if (f.size() != 16) return false;
  e->key = f[0];
  e->model = f[2];
  e->project = f[3];
  e->source = f[4];
  e->is_sidechain = f[5] == "1";
  e->priced = f[15] == "1";
  Tokens& t = e->tokens;
  return TsvNumber(f[1], &e->timestamp_ms) && TsvNumber(f[6], &t.input) &&
         TsvNumber(f[7], &t.output) && TsvNumber(f[8], &t.cache_creation) &&
         TsvNumber(f[9], &t.cache_creation_5m) &&
         TsvNumber(f[10], &t.cache_creation_1h) &&
         TsvNumber(f[11], &t.cache_read) &&
         TsvNumber(f[12], &t.web_search_requests) &&
         TsvNumber(f[13], &t.web_fetch_requests) &&
         TsvNumber(f[14], &e->cost_nano);
}

class ClickHouseSource final : public DashboardSource {
 public:
  ClickHouseSource(std::unique_ptr<HttpClient> http, ClickHouseEndpoint endpoint,
                   std::optional<std::string> only_source, int poll_ms)
      : http_(std::move(http)),
        client_(std::move(endpoint), *http_),
        only_source_(std::move(only_source)),
        poll_ms_(poll_ms) {}

  Result<std::shared_ptr<DashboardSnapshot>> Load(int64_t now_ms) override {
    UsageFilter filter;
    filter.source = only_source_;
    std::unique_lock<std::mutex> lock(mu_);
    last_fingerprint_ = FingerprintLocked();
    Result<UsageData> usage = QueryClickHouseUsage(client_, filter);
    if (usage.ok()) {
      names_ = ProjectNamesFor(*usage, names_, [this] {
        return QueryClickHouseProjectCwds(client_);
      });
    }
    std::shared_ptr<const ProjectNames> names = names_;
    lock.unlock();
    if (!usage.ok()) return usage.status();
    auto s = std::make_shared<DashboardSnapshot>();
    s->origin = "clickhouse";
    s->origin_target = client_.endpoint().Redacted();
    s->loaded_ms = now_ms;
    s->usage = std::move(*usage);
    s->projects = std::move(names);
    for (const UsageRow& u : s->usage.rows) {
      s->last_event_ms = std::max(s->last_event_ms.value_or(INT64_MIN), u.last_ms);
    }
    s->blocks_from_ms = LastBlockStart(s->usage, now_ms);
    return s;
  }

  Result<std::vector<SessionEvent>> SessionEvents(const std::string& id,
                                                  size_t limit) override {
    std::unique_lock<std::mutex> lock(mu_);
    ClickHouseReply r = client_.Execute(ClickHouseSessionSql(
        client_.endpoint().database, id, only_source_, limit));
    lock.unlock();
    if (!r.ok) return Status::IoError(r.error.message);
    std::vector<SessionEvent> out;
    std::istringstream lines(r.body);
    for (std::string line; std::getline(lines, line);) {
      SessionEvent e;
      if (!ParseSessionRow(line, &e)) {
        return Status::IoError("ClickHouse: unexpected answer: " +
                               line.substr(0, 200));
      }
      out.push_back(std::move(e));
    }
    return out;
  }

  Change WaitForChange(int stop_fd) override {
    for (;;) {
      pollfd p{stop_fd, POLLIN, 0};
      if (poll(&p, 1, poll_ms_) > 0) return Change::kStopped;
      std::lock_guard<std::mutex> lock(mu_);
      const std::string now = FingerprintLocked();
      if (!now.empty() && now != last_fingerprint_) return Change::kData;
    }
  }

 private:
  // Cheap: no FINAL. Any insert changes it.
  std::string FingerprintLocked() {
    std::string sql = "SELECT count(), sum(change_seq) FROM `" +
                      client_.endpoint().database + "`.events";
    if (only_source_) sql += " WHERE source = " + ClickHouseQuote(*only_source_);
    ClickHouseReply r = client_.Execute(sql + " FORMAT TabSeparated");
    return r.ok ? r.body : "";
  }

  std::unique_ptr<HttpClient> http_;
  ClickHouseClient client_;
  std::optional<std::string> only_source_;
  std::shared_ptr<const ProjectNames> names_;  // Guarded by mu_.
  int poll_ms_;
  std::mutex mu_;  // One request at a time on the connection.
  std::string last_fingerprint_;
};

}  // namespace

std::string ClickHouseSessionSql(const std::string& database,
                                 const std::string& session_id,
                                 const std::optional<std::string>& only_source,
                                 size_t limit) {
  return "SELECT key, toUnixTimestamp64Milli(timestamp), model, project, "
         "source, is_sidechain, input_tokens, output_tokens, "
         "cache_creation_tokens, cache_creation_5m_tokens, "
         "cache_creation_1h_tokens, cache_read_tokens, web_search_requests, "
         "web_fetch_requests, cost_nano, priced FROM `" +
         database + "`.events FINAL WHERE session_id = " +
         ClickHouseQuote(session_id) +
         (only_source ? " AND source = " + ClickHouseQuote(*only_source) : "") +
         " ORDER BY timestamp, key LIMIT " +
         std::to_string(limit) + " FORMAT TabSeparated";
}

std::unique_ptr<DashboardSource> MakeClickHouseSource(
    std::unique_ptr<HttpClient> http, ClickHouseEndpoint endpoint,
    std::optional<std::string> only_source, int poll_ms) {
  return std::make_unique<ClickHouseSource>(std::move(http), std::move(endpoint),
                                            std::move(only_source), poll_ms);
}

}  // namespace cc

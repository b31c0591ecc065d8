#include "dashboard/clickhouse_source.h"

#include <poll.h>

#include <algorithm>
#include <mutex>
#include <sstream>

#include "clickhouse/usage_query.h"

namespace cc {
namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

// TabSeparated escapes (\t \n \\ and friends) undone.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char c = s[++i];
    out.push_back(c == 't' ? '\t' : c == 'n' ? '\n' : c == '0' ? '\0' : c);
  }
  return out;
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
    lock.unlock();
    if (!usage.ok()) return usage.status();
    auto s = std::make_shared<DashboardSnapshot>();
    s->origin = "clickhouse";
    s->origin_target = client_.endpoint().Redacted();
    s->loaded_ms = now_ms;
    s->usage = std::move(*usage);
    for (const UsageRow& u : s->usage.rows) {
      s->last_event_ms = std::max(s->last_event_ms.value_or(INT64_MIN), u.last_ms);
    }
    s->blocks_from_ms = LastBlockStart(s->usage, now_ms);
    return s;
  }

  Result<std::vector<SessionEvent>> SessionEvents(const std::string& id,
                                                  size_t limit) override {
    std::unique_lock<std::mutex> lock(mu_);
    ClickHouseReply r =
        client_.Execute(ClickHouseSessionSql(client_.endpoint().database, id, limit));
    lock.unlock();
    if (!r.ok) return Status::IoError(r.error.message);
    std::vector<SessionEvent> out;
    std::istringstream lines(r.body);
    for (std::string line; std::getline(lines, line);) {
      const std::vector<std::string> f = SplitTabs(line);
      if (f.size() != 16) return Status::IoError("ClickHouse: unexpected answer: " + line);
      SessionEvent e;
      e.key = Unescape(f[0]);
      e.timestamp_ms = std::stoll(f[1]);
      e.model = Unescape(f[2]);
      e.project = Unescape(f[3]);
      e.source = Unescape(f[4]);
      e.is_sidechain = f[5] == "1";
      e.tokens.input = std::stoull(f[6]);
      e.tokens.output = std::stoull(f[7]);
      e.tokens.cache_creation = std::stoull(f[8]);
      e.tokens.cache_creation_5m = std::stoull(f[9]);
      e.tokens.cache_creation_1h = std::stoull(f[10]);
      e.tokens.cache_read = std::stoull(f[11]);
      e.tokens.web_search_requests = std::stoull(f[12]);
      e.tokens.web_fetch_requests = std::stoull(f[13]);
      e.cost_nano = std::stoll(f[14]);
      e.priced = f[15] == "1";
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
  int poll_ms_;
  std::mutex mu_;  // One request at a time on the connection.
  std::string last_fingerprint_;
};

}  // namespace

std::string ClickHouseSessionSql(const std::string& database,
                                 const std::string& session_id, size_t limit) {
  return "SELECT key, toUnixTimestamp64Milli(timestamp), model, project, "
         "source, is_sidechain, input_tokens, output_tokens, "
         "cache_creation_tokens, cache_creation_5m_tokens, "
         "cache_creation_1h_tokens, cache_read_tokens, web_search_requests, "
         "web_fetch_requests, cost_nano, priced FROM `" +
         database + "`.events FINAL WHERE session_id = " +
         ClickHouseQuote(session_id) + " ORDER BY timestamp, key LIMIT " +
         std::to_string(limit) + " FORMAT TabSeparated";
}

std::unique_ptr<DashboardSource> MakeClickHouseSource(
    std::unique_ptr<HttpClient> http, ClickHouseEndpoint endpoint,
    std::optional<std::string> only_source, int poll_ms) {
  return std::make_unique<ClickHouseSource>(std::move(http), std::move(endpoint),
                                            std::move(only_source), poll_ms);
}

}  // namespace cc

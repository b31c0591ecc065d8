#include "clickhouse/usage_query.h"

#include <map>
#include <tuple>

#include "clickhouse/tab_separated.h"

namespace cc {
namespace {

constexpr const char* kBucketMs = "900000";

}  // namespace

std::string ClickHouseQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

std::string ClickHouseUsageSql(const std::string& database,
                               const UsageFilter& filter) {
  const std::string ms = "toUnixTimestamp64Milli(`timestamp`)";
  const std::string bucket = "intDiv(" + ms + " - ((" + ms + " % " + kBucketMs +
                             ") + " + kBucketMs + ") % " + kBucketMs + ", " +
                             kBucketMs + ")";
  std::string where = "1";
  if (filter.since_ms) {
    where += " AND " + bucket + " >= intDiv(" +
             std::to_string(*filter.since_ms) + ", " + kBucketMs + ")";
  }
  if (filter.until_ms) {
    where += " AND " + bucket + " < intDiv(" +
             std::to_string(*filter.until_ms + 900000 - 1) + ", " + kBucketMs +
             ")";
  }
  if (filter.project)
    where += " AND project = " + ClickHouseQuote(*filter.project);
  if (filter.source)
    where += " AND source = " + ClickHouseQuote(*filter.source);
  return "SELECT " + bucket +
         " AS b, project, session_id, model, source, count(), "
         "countIf(priced = 0), sum(input_tokens), sum(output_tokens), "
         "sum(cache_creation_tokens), sum(cache_creation_5m_tokens), "
         "sum(cache_creation_1h_tokens), sum(cache_read_tokens), "
         "sum(web_search_requests), sum(web_fetch_requests), sum(cost_nano), "
         "min(" +
         ms + "), max(" + ms + ") FROM `" + database + "`.events FINAL WHERE " +
         where +
         " GROUP BY b, project, session_id, model, source FORMAT TabSeparated";
}

Result<UsageData> QueryClickHouseUsage(ClickHouseClient& client,
                                       const UsageFilter& filter) {
  const std::string sql =
      ClickHouseUsageSql(client.endpoint().database, filter);
  ClickHouseReply reply = client.Execute(sql);
  if (!reply.ok) {
    return Status::IoError("reading from ClickHouse at " +
                           client.endpoint().Redacted() + ": " +
                           reply.error.message);
  }
  UsageData out;
  std::map<std::tuple<std::string, std::string, std::string, std::string>,
           uint32_t>
      dims;
  size_t start = 0;
  const std::string& body = reply.body;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    std::vector<std::string> f =
        TsvFields(std::string_view(body).substr(start, end - start));
    start = end + 1;
    if (f.size() != 18) {
      return Status::Corruption("ClickHouse answered a row of " +
                                std::to_string(f.size()) + " fields");
    }
    auto key = std::make_tuple(f[1], f[2], f[3], f[4]);
    auto [it, added] =
        dims.emplace(key, static_cast<uint32_t>(out.dims.size()));
    if (added) out.dims.push_back(UsageDim{f[1], f[2], f[3], f[4]});
    UsageRow r;
    int64_t bucket_index = 0;
    Tokens& t = r.tokens;
    const bool parsed =
        TsvNumber(f[0], &bucket_index) && TsvNumber(f[5], &r.events) &&
        TsvNumber(f[6], &r.unpriced_events) && TsvNumber(f[7], &t.input) &&
        TsvNumber(f[8], &t.output) && TsvNumber(f[9], &t.cache_creation) &&
        TsvNumber(f[10], &t.cache_creation_5m) &&
        TsvNumber(f[11], &t.cache_creation_1h) &&
        TsvNumber(f[12], &t.cache_read) &&
        TsvNumber(f[13], &t.web_search_requests) &&
        TsvNumber(f[14], &t.web_fetch_requests) &&
        TsvNumber(f[15], &r.cost_nano) && TsvNumber(f[16], &r.first_ms) &&
        TsvNumber(f[17], &r.last_ms);
    if (!parsed) {
      return Status::Corruption("ClickHouse answered a malformed number");
    }
    r.bucket_start_ms = bucket_index * 900000;
    r.dim = it->second;
    out.rows.push_back(r);
  }
  return out;
}

Result<std::vector<ProjectCwd>> QueryClickHouseProjectCwds(
    ClickHouseClient& client) {
  const std::string sql =
      std::string(
          "SELECT project, cwd, count(), "
          "min(toUnixTimestamp64Milli(`timestamp`)) FROM `")
          .append(client.endpoint().database)
          .append("`.events FINAL GROUP BY project, cwd ORDER BY project, cwd "
                  "FORMAT TabSeparated");
  ClickHouseReply reply = client.Execute(sql);
  if (!reply.ok) {
    return Status::IoError("reading from ClickHouse at " +
                           client.endpoint().Redacted() + ": " +
                           reply.error.message);
  }
  std::vector<ProjectCwd> out;
  const std::string& body = reply.body;
  for (size_t start = 0; start < body.size();) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    std::vector<std::string> f =
        TsvFields(std::string_view(body).substr(start, end - start));
    start = end + 1;
    ProjectCwd c;
    if (f.size() != 4 || !TsvNumber(f[2], &c.events) ||
        !TsvNumber(f[3], &c.first_ms)) {
      return Status::Corruption("ClickHouse answered a malformed project row");
    }
    c.project = std::move(f[0]);
    c.cwd = std::move(f[1]);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace cc

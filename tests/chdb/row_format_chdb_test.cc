// Outbox events -> RowBinary (what the shipper sends) and JSONEachRow (how
// a rejected row is kept) -> the real engine: every column arrives as the
// ledger holds it (strings with quotes and non-ASCII text, times to the
// millisecond, 64-bit counts, costs).
#include <gtest/gtest.h>

#include "chdb/chdb_test_util.h"
#include "clickhouse/row_format.h"
#include "clickhouse/schema.h"
#include "ledger/ledger_writer.h"
#include "test_util.h"

namespace cc {
namespace {

class RowFormatInChdb : public ::testing::TestWithParam<const char*> {};

TEST_P(RowFormatInChdb, EveryColumnArrivesAsTheLedgerHoldsIt) {
  const bool binary = std::string(GetParam()) == "RowBinary";
  CC_CHDB_SESSION_OR_SKIP(ch);
  test::TempDir dir;
  auto ledger = LedgerWriter::Open(dir.Join("l.db"), "test");
  ASSERT_TRUE(ledger.ok());
  Batch b;
  for (int i = 0; i < 3; ++i) {
    Event e;
    e.key = "msg_" + std::to_string(i) + ":req_\"q\"";
    e.tokens.input = uint64_t{1'000'000'000'000} + static_cast<uint64_t>(i);
    e.tokens.output = 172;
    e.tokens.cache_creation = 10;
    e.tokens.cache_creation_1h = 4;
    e.tokens.cache_read = 5;
    e.tokens.web_search_requests = 2;
    e.attributes.session_id = "s-" + std::to_string(i);
    e.attributes.project = "-home-me-projét";
    e.attributes.cwd = "/home/me/\"quoted\"\\path";
    e.attributes.git_branch = "main";
    e.attributes.version = "2.1.39";
    e.attributes.model = "claude-sonnet-4-20250514";
    e.attributes.is_sidechain = i == 1;
    e.attributes.speed = i == 2 ? "fast" : "";
    e.attributes.inference_geo = i == 0 ? "us" : "";
    e.first = Provenance{1'756'893'600'123 + i, "/f.jsonl", 0};
    b.events.push_back(e);
  }
  ASSERT_TRUE((*ledger)->Commit(b, "host-ä", 1'756'900'000'456).ok());
  std::vector<EventRow> rows;
  ASSERT_TRUE((*ledger)
                  ->ship_queue()
                  .ForEachOutboxEvent(0, INT64_MAX,
                                       [&](const EventRow& e) {
                                         rows.push_back(e);
                                       })
                  .ok());
  ASSERT_EQ(rows.size(), 3u);
  const std::string db = binary ? "cc_rows_binary" : "cc_rows_json";

  ClickHouseSchemaOptions o;
  o.database = db;
  for (const std::string& sql : ClickHouseSchemaStatements(o)) {
    ASSERT_TRUE(ch->Query(sql).ok()) << sql;
  }
  std::string data;
  for (const EventRow& e : rows) {
    if (binary) {
      AppendRowBinary(data, e, "alice");
    } else {
      AppendJsonEachRow(data, e, "alice");
    }
  }
  Result<std::string> ins =
      binary ? ch->Insert(RowBinaryInsertSql(db), data)
             : ch->Insert("INSERT INTO " + db + ".events FORMAT JSONEachRow",
                          data);
  ASSERT_TRUE(ins.ok()) << ins.status().message();

  int64_t cost = 0;
  for (const EventRow& e : rows) cost += e.cost_nano;
  EXPECT_EQ(test::QueryValue(
                ch,
                "SELECT count(), sum(input_tokens), sum(output_tokens), "
                "sum(cache_creation_1h_tokens), sum(web_search_requests), "
                "sum(cost_nano), sum(is_sidechain) FROM " + db + ".events FINAL"),
            "3\t3000000000003\t516\t12\t6\t" + std::to_string(cost) + "\t1");
  EXPECT_EQ(
      test::QueryValue(ch,
                       "SELECT key, source, user, cwd, project, speed, "
                       "inference_geo, "
                       "toUnixTimestamp64Milli(timestamp), "
                       "toUnixTimestamp64Milli(first_seen), change_seq "
                       "FROM " + db + ".events FINAL ORDER BY key LIMIT 1 "
                       "FORMAT JSONEachRow SETTINGS "
                       "output_format_json_quote_64bit_integers = 0"),
      "{\"key\":\"msg_0:req_\\\"q\\\"\",\"source\":\"host-ä\","
      "\"user\":\"alice\",\"cwd\":\"\\/home\\/me\\/\\\"quoted\\\"\\\\path\","
      "\"project\":\"-home-me-projét\",\"speed\":\"\","
      "\"inference_geo\":\"us\","
      "\"toUnixTimestamp64Milli(timestamp)\":1756893600123,"
      "\"toUnixTimestamp64Milli(first_seen)\":1756900000456,"
      "\"change_seq\":" +
          std::to_string(rows[0].change_seq) + "}");
}

INSTANTIATE_TEST_SUITE_P(Formats, RowFormatInChdb,
                         ::testing::Values("RowBinary", "JSONEachRow"));

}  // namespace
}  // namespace cc

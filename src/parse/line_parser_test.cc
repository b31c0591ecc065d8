#include "parse/line_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "core/civil_time.h"
#include "test_util.h"

namespace cc {
namespace {

class LineParserTest : public ::testing::Test {
 protected:
  LineKind Parse(const std::string& line) {
    record_ = UsageRecord();
    reason_.clear();
    return parser_.Parse(line, LineOrigin{"/p/s.jsonl", "proj", 42}, &record_,
                         &reason_);
  }

  LineParser parser_;
  UsageRecord record_;
  std::string reason_;
};

TEST_F(LineParserTest, AssistantLineYieldsARecord) {
  test::LineSpec spec;
  spec.input = 3;
  spec.output = 172;
  spec.cache_creation = 1331;
  spec.cache_read = 14874;
  ASSERT_EQ(Parse(test::AssistantLine(spec)), LineKind::kUsage) << reason_;
  EXPECT_EQ(record_.key, "msg_1:req_1");
  EXPECT_EQ(record_.tokens.input, 3u);
  EXPECT_EQ(record_.tokens.output, 172u);
  EXPECT_EQ(record_.tokens.cache_creation, 1331u);
  EXPECT_EQ(record_.tokens.cache_read, 14874u);
  EXPECT_EQ(record_.attributes.model, "claude-sonnet-4-20250514");
  EXPECT_EQ(record_.attributes.session_id, "s-1");
  EXPECT_EQ(record_.attributes.project, "proj");
  EXPECT_EQ(record_.attributes.git_branch, "main");
  EXPECT_EQ(record_.provenance.file, "/p/s.jsonl");
  EXPECT_EQ(record_.provenance.offset, 42u);
}

TEST_F(LineParserTest, KeyFallsBackToMessageIdThenUuid) {
  test::LineSpec spec;
  spec.request_id = "";
  ASSERT_EQ(Parse(test::AssistantLine(spec)), LineKind::kUsage);
  EXPECT_EQ(record_.key, "msg_1");
  spec.message_id = "";
  ASSERT_EQ(Parse(test::AssistantLine(spec)), LineKind::kUsage);
  EXPECT_EQ(record_.key, "u-1");
}

TEST_F(LineParserTest, KeyOrderDoesNotMatter) {
  const std::string line =
      R"({"timestamp":"2026-02-12T16:05:15.558Z","uuid":"u","type":"assistant",)"
      R"("requestId":"r","message":{"usage":{"output_tokens":299,)"
      R"("cache_creation":{"ephemeral_1h_input_tokens":7,"ephemeral_5m_input_tokens":5601},)"
      R"("server_tool_use":{"web_search_requests":2,"web_fetch_requests":1},)"
      R"("input_tokens":1},"id":"m","model":"claude-opus-4-6"}})";
  ASSERT_EQ(Parse(line), LineKind::kUsage) << reason_;
  EXPECT_EQ(record_.key, "m:r");
  EXPECT_EQ(record_.tokens.output, 299u);
  EXPECT_EQ(record_.tokens.cache_creation_5m, 5601u);
  EXPECT_EQ(record_.tokens.cache_creation_1h, 7u);
  EXPECT_EQ(record_.tokens.web_search_requests, 2u);
  EXPECT_EQ(record_.tokens.web_fetch_requests, 1u);
}

TEST_F(LineParserTest, ReadsTheInferenceGeoAndSpeed) {
  const std::string line =
      R"({"timestamp":"2026-11-12T16:05:15.558Z","uuid":"u","type":"assistant",)"
      R"("sessionId":"s","requestId":"r","message":{"id":"m",)"
      R"("model":"claude-opus-5","usage":{"input_tokens":1,"output_tokens":2,)"
      R"("service_tier":"standard","inference_geo":"us","speed":"fast"}}})";
  ASSERT_EQ(Parse(line), LineKind::kUsage) << reason_;
  EXPECT_EQ(record_.attributes.inference_geo, "us");
  EXPECT_EQ(record_.attributes.speed, "fast");
  // An odd value is ignored, not a reject.
  std::string odd = line;
  odd.replace(odd.find("\"us\""), 4, "17");
  ASSERT_EQ(Parse(odd), LineKind::kUsage) << reason_;
  EXPECT_EQ(record_.attributes.inference_geo, "");
}

// A resumed session's file may hold lines copied from the original that
// keep its sessionId: the line's own sessionId is the session, never the
// file's name.
TEST_F(LineParserTest, TheSessionIsTheLinesOwnNotTheFileName) {
  test::LineSpec spec;
  spec.session = "original-session";
  ASSERT_EQ(parser_.Parse(test::AssistantLine(spec),
                          LineOrigin{"/p/resumed-session.jsonl", "proj", 0},
                          &record_, &reason_),
            LineKind::kUsage)
      << reason_;
  EXPECT_EQ(record_.attributes.session_id, "original-session");
}

TEST_F(LineParserTest, ProgressLineEchoesASubagentMessage) {
  const std::string line =
      R"({"type":"progress","sessionId":"s","timestamp":"2026-02-12T16:02:52.000Z",)"
      R"("uuid":"outer","data":{"message":{"type":"assistant",)"
      R"("timestamp":"2026-02-12T16:02:51.467Z","message":{"model":"claude-sonnet-4-5-20250929",)"
      R"("id":"msg_016","usage":{"input_tokens":3,"cache_creation_input_tokens":13522,)"
      R"("output_tokens":3}},"requestId":"req_011","uuid":"inner"},)"
      R"("type":"agent_progress","agentId":"a2898e3"}})";
  ASSERT_EQ(Parse(line), LineKind::kUsage) << reason_;
  EXPECT_EQ(record_.key, "msg_016:req_011");
  EXPECT_EQ(record_.tokens.cache_creation, 13522u);
  EXPECT_EQ(record_.attributes.agent_id, "a2898e3");
  EXPECT_EQ(record_.attributes.model, "claude-sonnet-4-5-20250929");
  // The echoed message's own time, not the progress line's.
  EXPECT_EQ(record_.provenance.timestamp_ms,
            *ParseIsoTimestampMs("2026-02-12T16:02:51.467Z"));
}

TEST_F(LineParserTest, LinesWithoutUsageAreNotParsed) {
  // Broken inside, but without a usage key it is never parsed: most bytes
  // of real transcripts take this path.
  EXPECT_EQ(Parse(R"({"type":"user","message": broken })"), LineKind::kNoUsage);
  EXPECT_EQ(Parse(test::UserLine(100000)), LineKind::kNoUsage);
  // An escaped "usage" inside a string is not a key.
  EXPECT_EQ(Parse(R"({"type":"user","text":"say \"usage\": {"})"),
            LineKind::kNoUsage);
  EXPECT_EQ(Parse(R"({"type":"summary","summary":"x"})"), LineKind::kNoUsage);
}

TEST_F(LineParserTest, UsageOnNonAssistantLinesIsIgnored) {
  // Task tool results carry a "usage" object of the subagent's totals.
  EXPECT_EQ(Parse(R"({"type":"user","toolUseResult":{"usage":{"output_tokens":5}},)"
                  R"("uuid":"u","timestamp":"2025-09-03T10:00:00Z"})"),
            LineKind::kNoUsage);
  EXPECT_EQ(Parse(R"({"type":"assistant","message":{"id":"m","usage":null},)"
                  R"("uuid":"u","timestamp":"2025-09-03T10:00:00Z"})"),
            LineKind::kNoUsage);
}

TEST_F(LineParserTest, SyntheticMessagesAreKeptWithZeroUsage) {
  test::LineSpec spec;
  spec.model = "<synthetic>";
  spec.input = spec.output = spec.cache_creation = spec.cache_read = 0;
  ASSERT_EQ(Parse(test::AssistantLine(spec)), LineKind::kUsage);
  EXPECT_EQ(record_.tokens.Total(), 0u);
  EXPECT_EQ(record_.attributes.model, "<synthetic>");
}

// Issue 13: null is 0, as absent is (tools/oracle.py agrees; the e2e
// bad-input test checks both on one line).
TEST_F(LineParserTest, NullTokenCountsAreZero) {
  const std::string line =
      R"({"type":"assistant","uuid":"u","timestamp":"2025-09-03T10:00:00Z",)"
      R"("requestId":"req_n","message":{"id":"msg_n","model":"m","usage":{)"
      R"("input_tokens":2,"output_tokens":null,"cache_creation_input_tokens":null,)"
      R"("cache_read_input_tokens":null,"cache_creation":{"ephemeral_5m_input_tokens":null,)"
      R"("ephemeral_1h_input_tokens":null},"server_tool_use":{"web_search_requests":null,)"
      R"("web_fetch_requests":null}}}})";
  ASSERT_EQ(Parse(line), LineKind::kUsage) << reason_;
  Tokens expected;
  expected.input = 2;
  EXPECT_EQ(record_.tokens, expected);
}

TEST_F(LineParserTest, ToleratesBomCrlfAndBlanks) {
  std::string line = test::AssistantLine(test::LineSpec());
  EXPECT_EQ(Parse("\xEF\xBB\xBF" + line), LineKind::kUsage);
  EXPECT_EQ(Parse(line + "\r"), LineKind::kUsage);
  EXPECT_EQ(Parse(""), LineKind::kBlank);
  EXPECT_EQ(Parse(" \r"), LineKind::kBlank);
}

struct BadLine {
  std::string name;
  std::string line;
  std::string reason_part;
};

TEST_F(LineParserTest, RejectsBadUsageLinesWithAReason) {
  const std::string ok = test::AssistantLine(test::LineSpec());
  auto replace = [&ok](const std::string& from, const std::string& to) {
    std::string s = ok;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::vector<BadLine> cases = {
      {"truncated", ok.substr(0, ok.find("\"usage\"") + 20) + "}",
       "invalid JSON"},
      {"not an object", "[1, 2, 3]", "not a JSON object"},
      {"negative", replace("\"output_tokens\":2", "\"output_tokens\":-2"),
       "negative"},
      {"string", replace("\"output_tokens\":2", "\"output_tokens\":\"2\""),
       "not a number"},
      {"fraction", replace("\"output_tokens\":2", "\"output_tokens\":2.5"),
       "not an integer"},
      {"huge", replace("\"output_tokens\":2", "\"output_tokens\":1e30"),
       "not an integer"},
      {"too big", replace("\"output_tokens\":2",
                          "\"output_tokens\":18446744073709551615"),
       "implausibly large"},
      {"usage array", replace("\"usage\":{", "\"usage\":[{") , "invalid JSON"},
      {"no timestamp", replace("\"timestamp\":\"2025-09-03T10:00:00.000Z\"",
                               "\"timestamp\":null"),
       "timestamp: missing"},
      {"bad timestamp", replace("2025-09-03T10:00:00.000Z", "yesterday"),
       "timestamp: not ISO-8601"},
      {"NUL byte", replace("\"hi\"", std::string("\"h\0i\"", 5)), "NUL"},
      {"invalid UTF-8", replace("\"hi\"", "\"h\xC3\x28i\""), "UTF"},
      {"model not string", replace("\"model\":\"claude-sonnet-4-20250514\"",
                                   "\"model\":7"),
       "message.model: not a string"},
  };
  for (const BadLine& c : cases) {
    EXPECT_EQ(Parse(c.line), LineKind::kReject) << c.name;
    EXPECT_NE(reason_.find(c.reason_part), std::string::npos)
        << c.name << ": " << reason_;
  }
}

TEST_F(LineParserTest, RecognisesWholeObjects) {
  std::string line = test::AssistantLine(test::LineSpec());
  EXPECT_TRUE(parser_.IsCompleteObject(line));
  EXPECT_TRUE(parser_.IsCompleteObject(line + "\r"));
  for (size_t cut : {size_t{1}, line.size() / 3, line.size() - 1}) {
    EXPECT_FALSE(parser_.IsCompleteObject(line.substr(0, cut))) << cut;
  }
  EXPECT_FALSE(parser_.IsCompleteObject("{} {}"));
}

// Every line of the public examples: records where the README says so.
TEST(LineParserExamples, ClassifiesEachExamplePattern) {
  std::string dir = test::SharedFixturesDir();
  if (dir.empty()) GTEST_SKIP() << "../shared/fixtures not present";
  LineParser parser;
  auto count = [&](const std::string& name) {
    std::ifstream in(dir + "/examples/" + name);
    std::string line;
    int usage = 0;
    uint64_t offset = 0;
    while (std::getline(in, line)) {
      UsageRecord r;
      std::string reason;
      LineKind kind = parser.Parse(line, {name, "p", offset}, &r, &reason);
      EXPECT_NE(kind, LineKind::kReject) << name << ": " << reason;
      if (kind == LineKind::kUsage) ++usage;
      offset += line.size() + 1;
    }
    return usage;
  };
  EXPECT_EQ(count("01_summary_and_user_prompt.jsonl"), 0);
  EXPECT_EQ(count("02_streaming_split_same_message_id.jsonl"), 3);
  EXPECT_EQ(count("03_parallel_tool_use_output_tokens_grow.jsonl"), 4);
  EXPECT_EQ(count("04_user_tool_result.jsonl"), 0);
  EXPECT_EQ(count("06_v2.1.39_streaming_partial_then_final.jsonl"), 5);
  EXPECT_EQ(count("07_v2.1.39_non_message_lines.jsonl"), 0);
  EXPECT_EQ(count("08_v2.1.39_progress_lines.jsonl"), 1);
  EXPECT_EQ(count("09_v2.1.39_subagent_files.jsonl"), 2);
}

}  // namespace
}  // namespace cc

namespace cc {
namespace {

TEST_F(LineParserTest, ALoneSurrogateDoesNotLoseTheLine) {
  std::string line = test::AssistantLine(test::LineSpec());
  line.replace(line.find("\"hi\""), 4, R"("cut \ud83d")");
  ASSERT_EQ(Parse(line), LineKind::kUsage) << reason_;
  EXPECT_EQ(record_.tokens.output, 2u);
}

}  // namespace
}  // namespace cc

#include "statusline/statusline_input.h"

#include <string>

#include <gtest/gtest.h>

namespace cc {
namespace {

// Shaped as Claude Code's statusline docs show it.
constexpr const char* kDocumented = R"({
  "hook_event_name": "Status",
  "session_id": "abc123",
  "session_name": "my work",
  "transcript_path": "/home/u/.claude/projects/p/abc123.jsonl",
  "cwd": "/home/u/src/p",
  "model": {"id": "claude-opus-4-8", "display_name": "Opus 4.8"},
  "workspace": {"current_dir": "/home/u/src/p", "project_dir": "/home/u/src/p", "added_dirs": []},
  "version": "2.1.300",
  "output_style": {"name": "default"},
  "cost": {"total_cost_usd": 0.01234, "total_duration_ms": 45000,
           "total_api_duration_ms": 2300, "total_lines_added": 156, "total_lines_removed": 23},
  "context_window": {"total_input_tokens": 15234, "total_output_tokens": 4521,
    "context_window_size": 200000, "used_percentage": 8, "remaining_percentage": 92,
    "current_usage": {"input_tokens": 8500, "output_tokens": 1200,
      "cache_creation_input_tokens": 5000, "cache_read_input_tokens": 2000}},
  "exceeds_200k_tokens": false,
  "rate_limits": {"five_hour": {"used_percentage": 23.5, "resets_at": 1738425600},
                  "seven_day": {"used_percentage": 41.2, "resets_at": 1738857600}},
  "fast_mode": false,
  "effort": {"level": "high"}
})";

TEST(StatuslineInput, DocumentedShape) {
  StatuslineInput in = ParseStatuslineInput(kDocumented);
  ASSERT_TRUE(in.parsed) << in.error;
  EXPECT_EQ(in.session_id, "abc123");
  EXPECT_EQ(in.transcript_path, "/home/u/.claude/projects/p/abc123.jsonl");
  EXPECT_EQ(in.model_name, "Opus 4.8");
  EXPECT_EQ(in.model_id, "claude-opus-4-8");
  ASSERT_TRUE(in.cost_usd);
  EXPECT_DOUBLE_EQ(*in.cost_usd, 0.01234);
  ASSERT_TRUE(in.context_used_pct);
  EXPECT_DOUBLE_EQ(*in.context_used_pct, 8);
  EXPECT_EQ(in.context_used_tokens, 15500);
  ASSERT_TRUE(in.five_hour);
  EXPECT_DOUBLE_EQ(*in.five_hour->used_percentage, 23.5);
  EXPECT_EQ(in.five_hour->resets_at_s, 1738425600);
  ASSERT_TRUE(in.seven_day);
  EXPECT_EQ(in.seven_day->resets_at_s, 1738857600);
}

TEST(StatuslineInput, WithoutRateLimitsAndCurrentUsageNull) {
  StatuslineInput in = ParseStatuslineInput(
      R"({"session_id":"s","model":{"id":"m","display_name":"Sonnet"},)"
      R"("context_window":{"context_window_size":200000,"current_usage":null}})");
  ASSERT_TRUE(in.parsed);
  EXPECT_FALSE(in.five_hour);
  EXPECT_FALSE(in.seven_day);
  EXPECT_FALSE(in.context_used_pct);
  EXPECT_FALSE(in.context_used_tokens);
  EXPECT_FALSE(in.cost_usd);
}

TEST(StatuslineInput, PercentComputedFromCurrentUsage) {
  StatuslineInput in = ParseStatuslineInput(
      R"({"context_window":{"context_window_size":200000,"current_usage":)"
      R"({"input_tokens":1000,"cache_creation_input_tokens":9000,"cache_read_input_tokens":90000}}})");
  ASSERT_TRUE(in.context_used_pct);
  EXPECT_DOUBLE_EQ(*in.context_used_pct, 50);
}

TEST(StatuslineInput, OneWindowMissingAndWrongTypesAreAbsent) {
  StatuslineInput in = ParseStatuslineInput(
      R"({"model":"not an object","cost":{"total_cost_usd":"1.0"},"future_field":{"x":[1,2]},)"
      R"("rate_limits":{"seven_day":{"used_percentage":12}}})");
  ASSERT_TRUE(in.parsed);
  EXPECT_EQ(in.model_name, "");
  EXPECT_FALSE(in.cost_usd);
  EXPECT_FALSE(in.five_hour);
  ASSERT_TRUE(in.seven_day);
  EXPECT_FALSE(in.seven_day->resets_at_s);
}

TEST(StatuslineInput, GarbageSaysWhy) {
  std::string garbage(1 << 20, '\x07');
  StatuslineInput in = ParseStatuslineInput(garbage);
  EXPECT_FALSE(in.parsed);
  EXPECT_NE(in.error, "");
  EXPECT_EQ(ParseStatuslineInput("").error, "no input on stdin");
}

TEST(StatuslineInput, ACutObjectStillGivesTheModelAndCost) {
  std::string doc = kDocumented;
  StatuslineInput in = ParseStatuslineInput(doc.substr(0, doc.find("\"context_window\"")));
  EXPECT_FALSE(in.parsed);
  EXPECT_EQ(in.model_name, "Opus 4.8");
  EXPECT_EQ(in.session_id, "abc123");
  ASSERT_TRUE(in.cost_usd);
  EXPECT_DOUBLE_EQ(*in.cost_usd, 0.01234);
}

}  // namespace
}  // namespace cc

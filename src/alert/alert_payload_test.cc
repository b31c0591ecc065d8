// The payload's exact bytes, written out by hand: what a receiver parses.
#include "alert/alert_payload.h"

#include <gtest/gtest.h>

#include <cmath>

namespace cc {
namespace {

// A day budget in New York: its day starts at 05:00 UTC.
Alert DailyAt80() {
  Alert a;
  a.id = "threshold:daily:2026-12-08T00:00:00:80";
  a.kind = AlertKind::kThreshold;
  a.budget = "daily";
  a.period = "day";
  a.period_start_ms = 1796706000000;  // 2026-12-08T05:00:00Z
  a.period_end_ms = 1796792400000;    // 2026-12-09T05:00:00Z
  a.threshold_pct = 80;
  a.unit = "usd";
  a.spent = 16.2;
  a.limit = 20;
  a.projected = 24.3;
  a.fired_ms = 1796742245250;  // 2026-12-08T15:04:05.250Z
  return a;
}

TEST(AlertPayload, ThresholdAlertExactBytes) {
  EXPECT_EQ(
      AlertPayloadJson(DailyAt80()),
      "{\"id\":\"threshold:daily:2026-12-08T00:00:00:80\",\"kind\":\"threshold\","
      "\"budget\":\"daily\",\"period\":\"day\","
      "\"periodStart\":\"2026-12-08T05:00:00.000Z\","
      "\"periodEnd\":\"2026-12-09T05:00:00.000Z\",\"threshold\":80,"
      "\"unit\":\"usd\",\"spent\":16.2,\"limit\":20,\"projected\":24.3,"
      "\"project\":null,\"source\":null,\"time\":\"2026-12-08T15:04:05.250Z\","
      "\"text\":\"context-cleaner: budget 'daily' at 80 % \xE2\x80\x94 $16.20 of "
      "$20.00 today\","
      "\"content\":\"context-cleaner: budget 'daily' at 80 % \xE2\x80\x94 $16.20 of "
      "$20.00 today\"}");
}

TEST(AlertPayload, ProjectionOfATokenBlockBudgetWithFilters) {
  Alert a;
  a.id = "projection:block:2026-12-08T10:00:00:0";
  a.kind = AlertKind::kProjection;
  a.budget = "block";
  a.period = "block";
  a.period_start_ms = 1796724000000;  // 10:00Z
  a.period_end_ms = 1796742000000;    // 15:00Z
  a.unit = "tokens";
  a.spent = 2'100'000;
  a.limit = 5'000'000;
  a.projected = 6'250'000.4;
  a.project = "~/work/billing";
  a.source = "laptop";
  a.fired_ms = 1796730000000;
  EXPECT_EQ(
      AlertPayloadJson(a),
      "{\"id\":\"projection:block:2026-12-08T10:00:00:0\",\"kind\":\"projection\","
      "\"budget\":\"block\",\"period\":\"block\","
      "\"periodStart\":\"2026-12-08T10:00:00.000Z\","
      "\"periodEnd\":\"2026-12-08T15:00:00.000Z\",\"threshold\":null,"
      "\"unit\":\"tokens\",\"spent\":2100000,\"limit\":5000000,"
      "\"projected\":6250000.4,\"project\":\"~/work/billing\","
      "\"source\":\"laptop\",\"time\":\"2026-12-08T11:40:00.000Z\","
      "\"text\":\"context-cleaner: budget 'block' on course for 6,250,000 of "
      "5,000,000 tokens in this 5-hour block (2,100,000 so far) (project "
      "~/work/billing, source laptop)\","
      "\"content\":\"context-cleaner: budget 'block' on course for 6,250,000 of "
      "5,000,000 tokens in this 5-hour block (2,100,000 so far) (project "
      "~/work/billing, source laptop)\"}");
}

TEST(AlertPayload, AnomalySentence) {
  Alert a;
  a.kind = AlertKind::kAnomaly;
  a.budget = "hour";
  a.period = "hour";
  a.unit = "usd";
  a.spent = 12.4;
  a.limit = 3.104;
  EXPECT_EQ(AlertText(a),
            "context-cleaner: unusual usage \xE2\x80\x94 $12.40 this hour, above "
            "the usual bound of $3.10");
  a.unit = "tokens";
  a.spent = 1234567;
  a.limit = 1000;
  a.period = "day";
  EXPECT_EQ(AlertText(a),
            "context-cleaner: unusual usage \xE2\x80\x94 1,234,567 tokens today, "
            "above the usual bound of 1,000");
}

// Budget names and filters come from the config file and may hold
// anything: quotes, controls, bytes that are not UTF-8. The JSON stays
// valid: escaped, and U+FFFD for what is not UTF-8.
TEST(AlertPayload, HostileNamesStayValidJson) {
  Alert a = DailyAt80();
  a.budget = "a\"b\\c\n\x1b[2J\xff";
  a.project = "/p/\x7f";
  const std::string json = AlertPayloadJson(a);
  EXPECT_NE(json.find("\"budget\":\"a\\\"b\\\\c\\n\\u001b[2J\xEF\xBF\xBD\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"project\":\"/p/\\u007f\""), std::string::npos) << json;
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_EQ(json.find('\x1b'), std::string::npos);
}

TEST(AlertPayload, FiguresThatAreNotNumbers) {
  Alert a = DailyAt80();
  a.limit = 1e-7;  // Plain decimals, never an exponent.
  a.spent = std::nan("");
  a.projected = INFINITY;
  const std::string json = AlertPayloadJson(a);
  EXPECT_NE(json.find("\"spent\":null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"projected\":null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"limit\":0.0000001"), std::string::npos) << json;
  EXPECT_NE(AlertText(a).find("at 80 % \xE2\x80\x94 ? of $0.00"),
            std::string::npos)
      << AlertText(a);
}

}  // namespace
}  // namespace cc

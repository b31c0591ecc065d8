// CommandChannel: the JSON on stdin, exit 0 delivered, bounded, its output
// in the error with the URLs of its command line scrubbed.
#include "alert/command_channel.h"

#include <gtest/gtest.h>

#include <chrono>

#include "alert/alert_payload.h"
#include "test_util.h"

namespace cc {
namespace {

Alert SomeAlert() {
  Alert a;
  a.id = "threshold:daily:2026-12-08T00:00:00:80";
  a.budget = "daily";
  a.period = "day";
  a.threshold_pct = 80;
  a.unit = "usd";
  a.spent = 16.2;
  a.limit = 20;
  return a;
}

TEST(CommandChannel, GetsTheJsonOnStdinAndTheIdInItsEnvironment) {
  test::TempDir dir;
  const std::string out = dir.Join("got.json");
  const std::string env = dir.Join("env");
  CommandChannel channel("cat > '" + out + "'; printf '%s|%s' \"$CONTEXT_CLEANER_ALERT_ID\" "
                         "\"$CONTEXT_CLEANER_ALERT_TEXT\" > '" + env + "'");
  const Alert alert = SomeAlert();
  const std::string payload = AlertPayloadJson(alert);
  Status s = channel.Deliver(alert, payload, 10'000);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(test::ReadFile(out), payload);
  EXPECT_EQ(test::ReadFile(env), alert.id + "|" + AlertText(alert));
}

TEST(CommandChannel, AFailureCarriesTheTailOfItsOutput) {
  CommandChannel channel("echo 'first line'; echo 'mail: cannot connect' >&2; exit 7");
  Status s = channel.Deliver(SomeAlert(), "{}", 10'000);
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(IsPermanentFailure(s));
  EXPECT_EQ(s.message(),
            "the alert command exited with 7: first line\nmail: cannot connect");
}

TEST(CommandChannel, AHangingCommandIsKilledAtItsBound) {
  CommandChannel channel("echo started; sleep 30", /*bound_ms=*/400);
  const auto start = std::chrono::steady_clock::now();
  Status s = channel.Deliver(SomeAlert(), "{}", 10'000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(IsPermanentFailure(s));
  EXPECT_EQ(s.message(), "the alert command ran longer than 0.4 s and was killed: started");
}

TEST(CommandChannel, TheCallersTimeLimitIsTheBoundWhenShorter) {
  CommandChannel channel("sleep 30");
  const auto start = std::chrono::steady_clock::now();
  Status s = channel.Deliver(SomeAlert(), "{}", 300);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_NE(s.message().find("ran longer than 0.3 s"), std::string::npos) << s.message();
}

TEST(CommandChannel, TheSecretOfAUrlInTheCommandNeverShows) {
  const std::string url = "https://hooks.example/services/T0ABC1234/B0DEF5678/Zq9xSecret4242";
  CommandChannel channel("echo \"curl: (7) Failed to connect to " + url +
                         "\" >&2; exit 7 # '" + url + "'");
  Status s = channel.Deliver(SomeAlert(), "{}", 10'000);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "the alert command exited with 7: curl: (7) Failed to connect to [redacted]");
}

}  // namespace
}  // namespace cc

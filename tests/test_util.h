// Helpers shared by the unit tests: temporary directories, writing files,
// and hand-made transcript lines.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>

#include "core/clock.h"

namespace cc::test {

// A clock that stands where the test puts it (any thread may read it).
// Steady time moves with it.
class FakeClock final : public Clock {
 public:
  int64_t NowMs() const override { return now_ms.load(); }
  int64_t SteadyNs() const override { return now_ms.load() * 1'000'000; }
  static int64_t RealNowMs() { return SystemClock().NowMs(); }
  std::atomic<int64_t> now_ms{1'800'000'000'000};
};

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Join(const std::string& relative) const {
    return path_ + "/" + relative;
  }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& bytes);
void AppendFile(const std::string& path, const std::string& bytes);
std::string ReadFile(const std::string& path);

struct LineSpec {
  std::string message_id = "msg_1";
  std::string request_id = "req_1";
  std::string uuid = "u-1";
  std::string timestamp = "2025-09-03T10:00:00.000Z";
  std::string session = "s-1";
  std::string model = "claude-sonnet-4-20250514";
  uint64_t input = 1;
  uint64_t output = 2;
  uint64_t cache_creation = 3;
  uint64_t cache_read = 4;
};

// A Claude Code assistant line (no trailing newline).
std::string AssistantLine(const LineSpec& spec);
// A user line with a tool result of `payload_bytes` bytes of text.
std::string UserLine(size_t payload_bytes, const std::string& uuid = "u-user");

// Path of the shared fixtures, or "" when ../shared is absent.
std::string SharedFixturesDir();

// A fuzzer's damage at `at` (< size): kind 0 overwrites the byte with a
// random one, 1 drops 1 to 8 bytes, 2 inserts a random byte.
void DamageBytes(std::string* body, size_t at, uint64_t kind,
                 std::mt19937_64& rng);

}  // namespace cc::test

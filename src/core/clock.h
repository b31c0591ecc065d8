// Clock: the one seam for "now", so tests can drive time.
#pragma once

#include <chrono>
#include <cstdint>

namespace cc {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;  // Milliseconds since the Unix epoch.
  virtual int64_t SteadyNs() const = 0;  // Monotonic, for durations.
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t SteadyNs() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace cc

// DesktopChannel: a desktop notification through `notify-send`, where a
// session bus exists (DBUS_SESSION_BUS_ADDRESS set) and notify-send is on
// PATH. Best effort: never retried, bounded at 3 s, so a missing
// notification daemon never holds up the rest.
#pragma once

#include <memory>
#include <string>

#include "alert/alert_channel.h"

namespace cc {

class DesktopChannel final : public AlertChannel {
 public:
  // Null when this environment has no session bus or no notify-send.
  // `bus` is $DBUS_SESSION_BUS_ADDRESS, `path` $PATH.
  static std::unique_ptr<DesktopChannel> Create(const std::string& bus,
                                                const std::string& path);
  // From this process's environment.
  static std::unique_ptr<DesktopChannel> FromEnvironment();

  static constexpr int64_t kBoundMs = 3'000;

  const char* name() const override { return "desktop"; }
  Status Deliver(const Alert& alert, std::string_view payload,
                 int64_t time_limit_ms) override;

 private:
  explicit DesktopChannel(std::string program) : program_(std::move(program)) {}
  const std::string program_;  // notify-send's path.
};

// The notification's title: "context-cleaner: budget 'daily'".
std::string DesktopTitle(const Alert& alert);

}  // namespace cc

#include "alert/desktop_channel.h"

#include <algorithm>
#include <cstdlib>

#include "alert/alert_payload.h"
#include "alert/subprocess.h"

namespace cc {

std::unique_ptr<DesktopChannel> DesktopChannel::Create(const std::string& bus,
                                                       const std::string& path) {
  if (bus.empty()) return nullptr;
  std::string program = FindInPath("notify-send", path);
  if (program.empty()) return nullptr;
  return std::unique_ptr<DesktopChannel>(new DesktopChannel(std::move(program)));
}

std::unique_ptr<DesktopChannel> DesktopChannel::FromEnvironment() {
  const char* bus = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  const char* path = std::getenv("PATH");
  return Create(bus != nullptr ? bus : "", path != nullptr ? path : "");
}

std::string DesktopTitle(const Alert& alert) {
  if (alert.kind == AlertKind::kAnomaly) return "context-cleaner: unusual usage";
  std::string out = "context-cleaner: budget '";
  out.append(alert.budget).append("'");
  return out;
}

Status DesktopChannel::Deliver(const Alert& alert, std::string_view,
                               int64_t time_limit_ms) {
  // The sentence without its "context-cleaner: " (the title says it).
  std::string body = AlertText(alert);
  constexpr std::string_view kPrefix = "context-cleaner: ";
  if (body.rfind(kPrefix, 0) == 0) body.erase(0, kPrefix.size());
  const int64_t bound = std::max<int64_t>(std::min(kBoundMs, time_limit_ms), 1);
  Result<SubprocessOutcome> ran = RunSubprocess(
      {program_, "--app-name=context-cleaner", "--", DesktopTitle(alert), body},
      "", {}, bound, 512);
  if (!ran.ok()) return Status::IoError("notify-send: " + ran.status().message());
  if (ran->timed_out) return Status::IoError("notify-send did not return in time");
  if (ran->exit_code != 0) {
    return Status::IoError("notify-send failed (exit " +
                           std::to_string(ran->exit_code) + ")");
  }
  return Status::Ok();
}

}  // namespace cc

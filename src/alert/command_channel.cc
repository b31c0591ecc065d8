#include "alert/command_channel.h"

#include <algorithm>

#include "alert/alert_payload.h"
#include "alert/subprocess.h"
#include "alert/url_secrets.h"

namespace cc {
namespace {

constexpr size_t kOutputShownBytes = 300;

// The last line or so a failing command wrote: "...: cannot connect".
std::string Tail(const std::string& output) {
  std::string_view text = output;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.empty()) return "";
  size_t start = text.size() > kOutputShownBytes ? text.size() - kOutputShownBytes : 0;
  // Not inside a UTF-8 sequence: skip continuation bytes.
  while (start < text.size() && start > 0 &&
         (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
    ++start;
  }
  std::string out = start > 0 ? "..." : "";
  out.append(text.substr(start));
  return out;
}

}  // namespace

Status CommandChannel::Deliver(const Alert& alert, std::string_view payload,
                               int64_t time_limit_ms) {
  const int64_t bound = std::max<int64_t>(std::min(bound_ms_, time_limit_ms), 1);
  Result<SubprocessOutcome> ran = RunSubprocess(
      {"/bin/sh", "-c", command_}, payload,
      {"CONTEXT_CLEANER_ALERT_ID=" + alert.id,
       "CONTEXT_CLEANER_ALERT_TEXT=" + AlertText(alert)},
      bound);
  if (!ran.ok()) {
    return Status::IoError("the alert command: " + ran.status().message());
  }
  if (!ran->timed_out && ran->exit_code == 0) return Status::Ok();
  std::string message = "the alert command ";
  if (ran->timed_out) {
    message.append("ran longer than " + std::to_string(bound / 1000) + "." +
                   std::to_string(bound % 1000 / 100) + " s and was killed");
  } else if (ran->signal != 0) {
    message.append("died of signal " + std::to_string(ran->signal));
  } else {
    message.append("exited with " + std::to_string(ran->exit_code));
  }
  const std::string tail =
      Tail(ScrubSecretsOfUrlsIn(ran->output_tail, command_));
  if (!tail.empty()) message.append(": ").append(tail);
  return Status::IoError(message);
}

}  // namespace cc

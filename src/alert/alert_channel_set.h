// AlertChannelSet: the channels one process delivers through, made from
// the configuration (budget/alert.h: AlertChannels) and the environment.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "alert/alert_channel.h"
#include "alert/log_channel.h"
#include "core/result.h"

namespace cc {

struct AlertChannelSet {
  std::unique_ptr<AlertChannel> webhook;  // Null when not configured.
  std::unique_ptr<AlertChannel> command;  // Null when not configured.
  std::unique_ptr<AlertChannel> desktop;  // Null: off, or no session bus.
  std::unique_ptr<AlertChannel> log;      // Null only in tests.

  // The names of the retrying channels present ("webhook", "command"):
  // the deliveries AlertQueue::Due lists for this process.
  std::vector<std::string> RetryingNames() const;
  // The retrying channel called `name`, or null.
  AlertChannel* Retrying(const std::string& name) const;
};

// The webhook over libcurl (InvalidArgument when its URL is not http(s),
// without quoting it), the command, the desktop where this environment
// has a session bus and notify-send (and `config.desktop`), and the log at
// `log_path` saying each line through `say`.
Result<AlertChannelSet> MakeAlertChannels(const AlertChannels& config,
                                          const std::string& log_path,
                                          LogChannel::Say say);

}  // namespace cc

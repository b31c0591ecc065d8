#include "alert/alert_channel_set.h"

#include "alert/command_channel.h"
#include "alert/desktop_channel.h"
#include "alert/webhook_channel.h"

namespace cc {

std::vector<std::string> AlertChannelSet::RetryingNames() const {
  std::vector<std::string> names;
  for (const AlertChannel* c : {webhook.get(), command.get()}) {
    if (c != nullptr) names.emplace_back(c->name());
  }
  return names;
}

AlertChannel* AlertChannelSet::Retrying(const std::string& name) const {
  for (AlertChannel* c : {webhook.get(), command.get()}) {
    if (c != nullptr && name == c->name()) return c;
  }
  return nullptr;
}

Result<AlertChannelSet> MakeAlertChannels(const AlertChannels& config,
                                          const std::string& log_path,
                                          LogChannel::Say say) {
  AlertChannelSet set;
  if (!config.webhook_url.empty()) {
    Result<std::unique_ptr<WebhookChannel>> webhook =
        WebhookChannel::Create(config.webhook_url);
    if (!webhook.ok()) return webhook.status();
    set.webhook = std::move(*webhook);
  }
  if (!config.command.empty()) {
    set.command = std::make_unique<CommandChannel>(config.command);
  }
  if (config.desktop) set.desktop = DesktopChannel::FromEnvironment();
  set.log = std::make_unique<LogChannel>(log_path, std::move(say));
  return set;
}

}  // namespace cc

#include "cli/alert_delivery.h"

#include <cstdlib>

#include "alert/alert_dispatcher.h"
#include "alert/log_channel.h"
#include "alert/webhook_channel.h"

namespace cc::cli {
namespace {

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

// The config file's channels. Its "alerts" object is read with the
// budgets (budget/budget_config.h); without one, none but the log and the
// desktop.
AlertChannels ConfiguredAlertChannels(const Context& ctx) {
  return ctx.budgets.alerts.channels;
}

}  // namespace

Result<AlertChannels> ResolveAlertChannels(const Context& ctx) {
  AlertChannels channels = ConfiguredAlertChannels(ctx);
  std::string webhook_from = "the config's alerts.webhook";
  if (const char* url = Env("CONTEXT_CLEANER_ALERT_WEBHOOK")) {
    channels.webhook_url = url;
    webhook_from = "CONTEXT_CLEANER_ALERT_WEBHOOK";
  }
  if (const char* command = Env("CONTEXT_CLEANER_ALERT_COMMAND")) {
    channels.command = command;
  }
  if (const char* desktop = Env("CONTEXT_CLEANER_ALERT_DESKTOP")) {
    channels.desktop = std::string(desktop) != "0";
  }
  if (!channels.webhook_url.empty()) {
    // Checked now, so a bad URL is a usage error before anything runs.
    if (Status s = CheckWebhookUrl(channels.webhook_url); !s.ok()) {
      return Status::InvalidArgument(webhook_from + ": " + s.message());
    }
  }
  return channels;
}

void DeliverAlertsAfterSync(const Context& ctx, const AlertChannels& channels) {
  Result<std::unique_ptr<AlertQueue>> queue = AlertQueue::Open(ctx.ledger_path);
  if (!queue.ok()) {
    PrintWarning(ctx, "alerts not delivered: " + queue.status().message());
    return;
  }
  auto say = [&ctx](const std::string& line) { PrintWarning(ctx, line); };
  Result<AlertChannelSet> set = MakeAlertChannels(channels, DefaultAlertLogPath(), say);
  if (!set.ok()) {
    PrintWarning(ctx, "alerts not delivered: " + set.status().message());
    return;
  }
  SystemClock clock;
  AlertDispatcher dispatcher(**queue, std::move(*set), clock, say);
  Result<DispatchReport> report = dispatcher.DeliverDue(kSyncDeliveryBudgetMs);
  if (!report.ok()) {
    PrintWarning(ctx, "alerts not delivered: " + report.status().message() +
                          " (they stay due for the next run)");
    return;
  }
  if (report->out_of_time) {
    PrintWarning(ctx, "alert delivery stopped after " +
                          std::to_string(kSyncDeliveryBudgetMs / 1000) +
                          " s; the rest is delivered by the next run or the "
                          "monitor (`bridge sync-status` shows what waits)");
  }
}

}  // namespace cc::cli

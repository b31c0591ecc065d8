// StatuslineInput: the fields of Claude Code's statusline JSON that the
// line uses (CLAUDE_CODE_FACTS.md "Statusline"). Unknown fields are
// ignored; a field of the wrong type counts as absent; text that is not
// JSON leaves everything absent and says why in `error`. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/tokens.h"

namespace cc {

// One of the official plan windows: rate_limits.five_hour / seven_day.
struct RateWindow {
  std::optional<double> used_percentage;
  std::optional<int64_t> resets_at_s;  // Epoch seconds.
};

struct StatuslineInput {
  std::string session_id;
  std::string transcript_path;
  std::string cwd;
  std::string model_id;
  std::string model_name;  // model.display_name.
  std::string version;
  // cost.total_cost_usd: Claude Code's own estimate (reset by /clear).
  std::optional<double> cost_usd;
  // context_window: used_percentage, else computed from current_usage
  // (input + cache creation + cache read) over context_window_size.
  std::optional<double> context_used_pct;
  std::optional<int64_t> context_window_size;
  std::optional<int64_t> context_used_tokens;  // From current_usage.
  std::optional<RateWindow> five_hour;
  std::optional<RateWindow> seven_day;
  bool parsed = false;  // The text was a JSON object.
  std::string error;    // Why it was not ("" when it was).
};

StatuslineInput ParseStatuslineInput(std::string_view text);

}  // namespace cc

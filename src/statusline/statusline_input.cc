#include "statusline/statusline_input.h"

#include <simdjson.h>

#include <cstdlib>

namespace cc {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::string StringAt(const object& o, std::string_view key) {
  std::string_view v;
  if (o[key].get_string().get(v)) return "";
  return std::string(v);
}

std::optional<double> NumberAt(const object& o, std::string_view key) {
  element e;
  if (o[key].get(e)) return std::nullopt;
  double d = 0;
  if (e.get_double().get(d)) return std::nullopt;  // Integers convert too.
  if (d != d) return std::nullopt;
  return d;
}

std::optional<int64_t> IntegerAt(const object& o, std::string_view key) {
  std::optional<double> d = NumberAt(o, key);
  if (!d || *d < -9.2e18 || *d > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(*d);
}

std::optional<object> ObjectAt(const object& o, std::string_view key) {
  object out;
  if (o[key].get_object().get(out)) return std::nullopt;
  return out;
}

std::optional<RateWindow> WindowAt(const object& limits, std::string_view key) {
  std::optional<object> w = ObjectAt(limits, key);
  if (!w) return std::nullopt;
  RateWindow out;
  out.used_percentage = NumberAt(*w, "used_percentage");
  out.resets_at_s = IntegerAt(*w, "resets_at");
  if (!out.used_percentage && !out.resets_at_s) return std::nullopt;
  return out;
}

void ReadContextWindow(const object& cw, StatuslineInput* in) {
  in->context_window_size = IntegerAt(cw, "context_window_size");
  in->context_used_pct = NumberAt(cw, "used_percentage");
  if (std::optional<object> cu = ObjectAt(cw, "current_usage")) {
    int64_t used = 0;
    for (std::string_view k : {"input_tokens", "cache_creation_input_tokens",
                               "cache_read_input_tokens"}) {
      used += IntegerAt(*cu, k).value_or(0);
    }
    in->context_used_tokens = used;
    if (!in->context_used_pct && in->context_window_size &&
        *in->context_window_size > 0) {
      in->context_used_pct =
          100.0 * static_cast<double>(used) /
          static_cast<double>(*in->context_window_size);
    }
  }
}

// The value after the first `"key"` and its colon in text that is not
// valid JSON (cut short by the size bound or the deadline): a plain string
// (up to its first quote or backslash) or a number, else "".
std::string SalvageValue(std::string_view text, std::string_view key) {
  const std::string quoted = std::string("\"").append(key).append("\"");
  size_t at = text.find(quoted);
  if (at == std::string_view::npos) return "";
  at += quoted.size();
  while (at < text.size() && (text[at] == ' ' || text[at] == ':' ||
                              text[at] == '\n' || text[at] == '\t')) {
    ++at;
  }
  if (at >= text.size()) return "";
  if (text[at] == '"') {
    const size_t end = text.find_first_of("\"\\", at + 1);
    if (end == std::string_view::npos || end - at > 200) return "";
    return std::string(text.substr(at + 1, end - at - 1));
  }
  const size_t end = text.find_first_not_of("0123456789.eE+-", at);
  return std::string(text.substr(at, (end == std::string_view::npos ? text.size() : end) - at));
}

void Salvage(std::string_view text, StatuslineInput* in) {
  in->model_name = SalvageValue(text, "display_name");
  in->session_id = SalvageValue(text, "session_id");
  in->transcript_path = SalvageValue(text, "transcript_path");
  const std::string cost = SalvageValue(text, "total_cost_usd");
  if (!cost.empty()) {
    char* end = nullptr;
    const double d = std::strtod(cost.c_str(), &end);
    if (end != cost.c_str() && d == d && d >= 0) in->cost_usd = d;
  }
}

}  // namespace

StatuslineInput ParseStatuslineInput(std::string_view text) {
  StatuslineInput in;
  if (text.empty()) {
    in.error = "no input on stdin";
    return in;
  }
  simdjson::dom::parser parser;
  object root;
  simdjson::padded_string padded(text);
  if (auto err = parser.parse(padded).get_object().get(root)) {
    in.error = std::string("stdin is not a JSON object (") +
               simdjson::error_message(err) + ")";
    Salvage(text, &in);
    return in;
  }
  in.parsed = true;
  in.session_id = StringAt(root, "session_id");
  in.transcript_path = StringAt(root, "transcript_path");
  in.cwd = StringAt(root, "cwd");
  in.version = StringAt(root, "version");
  if (std::optional<object> model = ObjectAt(root, "model")) {
    in.model_id = StringAt(*model, "id");
    in.model_name = StringAt(*model, "display_name");
  }
  if (in.model_name.empty()) in.model_name = in.model_id;
  if (std::optional<object> cost = ObjectAt(root, "cost")) {
    in.cost_usd = NumberAt(*cost, "total_cost_usd");
  }
  if (std::optional<object> cw = ObjectAt(root, "context_window")) {
    ReadContextWindow(*cw, &in);
  }
  if (std::optional<object> limits = ObjectAt(root, "rate_limits")) {
    in.five_hour = WindowAt(*limits, "five_hour");
    in.seven_day = WindowAt(*limits, "seven_day");
  }
  return in;
}

}  // namespace cc

#include "cli/flags.h"

#include <algorithm>
#include <charconv>

#include "core/civil_time.h"

namespace cc::cli {
namespace {

const FlagSpec* Find(const std::vector<FlagSpec>& specs,
                     const std::string& name) {
  for (const FlagSpec& s : specs) {
    if (s.name == name || (!s.alias.empty() && s.alias == name)) return &s;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> ParsedArgs::Get(const std::string& name) const {
  auto it = flags.find(name);
  if (it == flags.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(const std::string& name) const {
  auto it = flags.find(name);
  return it == flags.end() ? std::vector<std::string>{} : it->second;
}

Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                             const std::vector<FlagSpec>& specs) {
  ParsedArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      out.words.push_back(arg);
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const FlagSpec* spec = Find(specs, name);
    if (spec == nullptr) {
      return Status::InvalidArgument(name + ": unknown flag (see --help)");
    }
    std::string value;
    if (!spec->value.empty()) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Status::InvalidArgument(spec->name + ": expects a value (" +
                                       spec->value + ")");
      }
    } else if (inline_value) {
      return Status::InvalidArgument(spec->name + ": takes no value");
    }
    std::vector<std::string>& values = out.flags[spec->name];
    if (!values.empty() && !spec->repeatable && !spec->value.empty()) {
      return Status::InvalidArgument(spec->name + ": given more than once");
    }
    values.push_back(value);
  }
  return out;
}

Status CheckAllowed(const ParsedArgs& args,
                    const std::vector<std::string>& allowed,
                    const std::string& command) {
  for (const auto& [name, values] : args.flags) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return Status::InvalidArgument(name + ": not a flag of '" + command +
                                     "' (see context-cleaner " + command +
                                     " --help)");
    }
  }
  return Status::Ok();
}

Result<size_t> ParsePositive(const std::string& flag, const std::string& text) {
  size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0) {
    return Status::InvalidArgument(flag + ": expected a positive number, got '" +
                                   text + "'");
  }
  return value;
}

Result<size_t> ParseJobs(const std::string& text) {
  Result<size_t> n = ParsePositive("--jobs", text);
  if (n.ok() && *n > kMaxJobs) {
    return Status::InvalidArgument("--jobs: at most " + std::to_string(kMaxJobs) +
                                   ", got " + text);
  }
  return n;
}

std::string DateFlagError(const std::string& flag, const std::string& text) {
  std::string problem = DateProblem(text);
  std::string out = flag + ": " + problem;
  if (problem.rfind("expected", 0) == 0) out.append(", got '").append(text).append("'");
  return out;
}

std::string FormatFlags(const std::vector<FlagSpec>& specs,
                        const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    const FlagSpec* s = Find(specs, name);
    if (s == nullptr) continue;
    std::string left = "  " + (s->alias.empty() ? "" : s->alias + ", ") + s->name;
    if (!s->value.empty()) left += " " + s->value;
    if (left.size() < 26) left.append(26 - left.size(), ' ');
    else left += "\n" + std::string(26, ' ');
    out += left + s->help + "\n";
  }
  return out;
}

}  // namespace cc::cli

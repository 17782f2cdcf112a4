#include "tools/inkoopctl/args.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace inkoop {

namespace {
std::string Normalise(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}
}  // namespace

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& argv,
                                 const std::set<std::string>& flags) {
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (!absl::StartsWith(word, "--") || word.size() == 2) {
      args.positional_.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    std::string value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = Normalise(name.substr(0, eq));
    } else {
      name = Normalise(name);
      if (flags.contains(name)) {
        value = "true";
      } else if (i + 1 < argv.size()) {
        value = argv[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("--", name, ": expected a value, got none"));
      }
    }
    if (args.options_.contains(name)) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": given twice"));
    }
    args.options_[name] = value;
  }
  return args;
}

std::optional<std::string> Args::Take(const std::string& name) {
  auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  std::string value = it->second;
  options_.erase(it);
  return value;
}

std::string Args::TakeOr(const std::string& name, const std::string& fallback) {
  return Take(name).value_or(fallback);
}

void Args::Set(const std::string& name, const std::string& value) {
  options_[Normalise(name)] = value;
}

bool Args::TakeFlag(const std::string& name) {
  std::optional<std::string> value = Take(name);
  return value.has_value() && *value != "false";
}

absl::Status Args::RequireAllTaken(absl::string_view command) const {
  if (options_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(command, ": unknown option --", options_.begin()->first));
}

}  // namespace inkoop

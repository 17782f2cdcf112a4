// A small argument list for inkoopctl: positional words and --name value
// options (also --name=value; a bare --flag is "true"). Names are
// normalised: "--amount-cents" and "--amount_cents" are the same option.
#ifndef INKOOP_TOOLS_INKOOPCTL_ARGS_H_
#define INKOOP_TOOLS_INKOOPCTL_ARGS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace inkoop {

class Args {
 public:
  // `flags` are options that take no value (e.g. "json").
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& argv,
                                    const std::set<std::string>& flags);

  const std::vector<std::string>& positional() const { return positional_; }
  // Removes and returns option `name`, if given.
  std::optional<std::string> Take(const std::string& name);
  std::string TakeOr(const std::string& name, const std::string& fallback);
  bool TakeFlag(const std::string& name);
  // Sets option `name` (normalised) to `value`, as if given.
  void Set(const std::string& name, const std::string& value);
  // The options not taken yet, in order of their names.
  const std::map<std::string, std::string>& rest() const { return options_; }
  // kInvalidArgument naming the first option nobody took.
  absl::Status RequireAllTaken(absl::string_view command) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> options_;
};

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_ARGS_H_

// A tiny model of the budget rules, independent of the engine's code, and a
// seeded stream of budget commands over several regions: what integration
// tests compare the real engine with.
#ifndef INKOOP_TESTS_INTEGRATION_BUDGET_MODEL_H_
#define INKOOP_TESTS_INTEGRATION_BUDGET_MODEL_H_

#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "inkoop/v1/commands.pb.h"
#include "tests/integration/cluster.h"

namespace inkoop::testing {

// What the budget commands imply: which are accepted, and the budgets and
// plans they leave.
struct Model {
  struct Year {
    bool budget_set = false;
    int64_t budget = 0;
    std::map<std::string, int64_t> plan;
    int64_t Planned() const {
      int64_t sum = 0;
      for (const auto& [lot, cents] : plan) sum += cents;
      return sum;
    }
  };
  std::map<std::pair<std::string, int32_t>, Year> years;

  bool Accepts(const v1::Command& command) {
    if (command.has_set_budget()) {
      const v1::SetBudget& set = command.set_budget();
      Year& year = years[{set.municipality(), set.year()}];
      if (set.amount_cents() < 0 || set.amount_cents() < year.Planned()) return false;
      year.budget_set = true;
      year.budget = set.amount_cents();
      return true;
    }
    const v1::SubmitLocalPlan& plan = command.submit_local_plan();
    Year& year = years[{plan.municipality(), plan.year()}];
    int64_t sum = 0;
    for (const v1::LotAmount& lot : plan.lots()) sum += lot.amount_cents();
    if (!year.budget_set || sum > year.budget) return false;
    year.plan.clear();
    for (const v1::LotAmount& lot : plan.lots()) year.plan[lot.lot()] = lot.amount_cents();
    return true;
  }
};

inline const std::vector<std::string> kLots = {"ambulatory", "specialist", "housing"};

inline std::string MunicipalityOf(const std::string& region, int i) {
  return absl::StrCat(region, "-m", i);
}

inline std::vector<v1::Command> RandomCommands(std::mt19937_64& random,
                                               const std::vector<std::string>& regions, int count) {
  std::vector<v1::Command> commands;
  for (int i = 0; i < count; ++i) {
    const std::string& region = regions[random() % regions.size()];
    const std::string municipality = MunicipalityOf(region, static_cast<int>(random() % 3));
    const int32_t year = 2015 + static_cast<int32_t>(random() % 2);
    if (random() % 2 == 0) {
      // Now and then a negative amount, which must be refused.
      const int64_t cents =
          random() % 20 == 0 ? -100 : static_cast<int64_t>(random() % 1'000'000'000);
      commands.push_back(SetBudget(region, municipality, year, cents));
    } else {
      std::map<std::string, int64_t> lots;
      for (const std::string& lot : kLots) {
        if (random() % 3 != 0) lots[lot] = static_cast<int64_t>(random() % 400'000'000);
      }
      if (lots.empty()) lots["ambulatory"] = 1;
      commands.push_back(SubmitPlan(region, municipality, year, lots));
    }
  }
  return commands;
}

// Framework adoptions for `regions`, three municipalities each.
inline std::vector<v1::Command> Frameworks(const std::vector<std::string>& regions) {
  std::vector<v1::Command> frameworks;
  for (const std::string& region : regions) {
    frameworks.push_back(AdoptFramework(
        region, {MunicipalityOf(region, 0), MunicipalityOf(region, 1), MunicipalityOf(region, 2)},
        kLots));
  }
  return frameworks;
}

}  // namespace inkoop::testing

#endif  // INKOOP_TESTS_INTEGRATION_BUDGET_MODEL_H_

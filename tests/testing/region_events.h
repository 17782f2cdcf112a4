// Sealed events of a small region for store, projection and ctl tests.
// Header-only.
#ifndef INKOOP_TESTS_TESTING_REGION_EVENTS_H_
#define INKOOP_TESTS_TESTING_REGION_EVENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/envelope.h"
#include "inkoop/v1/events.pb.h"
#include "tests/testing/domain_matchers.h"

namespace inkoop::testing {

// The events of a region with municipality "Delft", provider "p1" and
// contract "C-1" whose amounts and names depend on `scale` and `name`, then
// `extra`, chained and sealed as the engine writes them.
inline std::vector<v1::Event> RegionEvents(const std::string& region, int64_t scale,
                                           const std::string& name,
                                           const std::vector<v1::Event>& extra = {}) {
  std::vector<v1::Event> events = {
      EventOf(R"pb(framework_adopted {
                     framework_id: "F"
                     municipalities: "Delft"
                     lots { code: "ambulatory" name: "Ambulatory" }
                     period_start: "2016-01-01"
                     period_end: "2017-12-31"
                   })pb"),
      EventOf(absl::StrCat(R"pb(budget_set { municipality: "Delft" year: 2016 amount_cents: )pb",
                           scale * 1000, " }")),
      EventOf(absl::StrCat(R"pb(provider_registered { provider_id: "p1" name: ")pb", name,
                           "\" }")),
      EventOf(absl::StrCat(R"pb(contract_signed {
                                  contract_id: "C-1"
                                  provider_id: "p1"
                                  lot: "ambulatory"
                                  term_start: "2016-01-01"
                                  term_end: "2016-12-31"
                                  ceilings { municipality: "Delft" ceiling_cents: )pb",
                           scale, " } }")),
  };
  events.insert(events.end(), extra.begin(), extra.end());
  std::string previous;
  for (size_t i = 0; i < events.size(); ++i) {
    events[i].set_region(region);
    events[i].set_sequence(i + 1);
    events[i].set_event_id(absl::StrCat(region, "/", i + 1));
    events[i].set_previous_hash(previous);
    Seal(events[i]);
    previous = events[i].hash();
  }
  return events;
}

}  // namespace inkoop::testing

#endif  // INKOOP_TESTS_TESTING_REGION_EVENTS_H_

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/decide.h"
#include "engine/domain/framework.h"

namespace inkoop {

namespace {

absl::Status CheckChain(const RegionState& state, const v1::Event& event) {
  if (event.region() != state.region) {
    return absl::FailedPreconditionError(absl::StrCat("event ", event.event_id(), ": region '",
                                                      event.region(), "' is not '", state.region,
                                                      "'"));
  }
  if (event.sequence() != state.sequence.value() + 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event ", event.event_id(), ": expected sequence ", state.sequence.value() + 1,
        " of region '", state.region, "', got ", event.sequence()));
  }
  if (event.previous_hash() != state.last_hash) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event ", event.event_id(), ": previous_hash ", absl::BytesToHexString(event.previous_hash()),
        " does not match the hash of event ", state.sequence.value(), " ",
        absl::BytesToHexString(state.last_hash)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AdvanceChain(RegionState& state, const v1::Event& event) {
  if (absl::Status chained = CheckChain(state, event); !chained.ok()) return chained;
  state.sequence = Sequence(event.sequence());
  state.last_hash = event.hash();
  return absl::OkStatus();
}

absl::Status Evolve(RegionState& state, const v1::Event& event) {
  if (absl::Status chained = CheckChain(state, event); !chained.ok()) return chained;
  switch (event.payload_case()) {
    case v1::Event::kFrameworkAdopted:
      ApplyFrameworkAdopted(state, event.framework_adopted());
      break;
    case v1::Event::kBudgetSet:
      ApplyBudgetSet(state, event.budget_set());
      break;
    case v1::Event::kLocalPlanSubmitted:
      ApplyLocalPlanSubmitted(state, event.local_plan_submitted());
      break;
    case v1::Event::PAYLOAD_NOT_SET:
      return absl::DataLossError(absl::StrCat(
          "event ", event.event_id(), ": payload unknown to this build (schema_version ",
          event.schema_version(), "); a newer schema may have written it"));
  }
  state.sequence = Sequence(event.sequence());
  state.last_hash = event.hash();
  return absl::OkStatus();
}

}  // namespace inkoop

#include "engine/domain/decide.h"

#include "absl/strings/str_cat.h"
#include "engine/domain/budget.h"
#include "engine/domain/framework.h"
#include "engine/domain/roles.h"

namespace inkoop {

namespace {

absl::Status CheckEnvelope(const RegionState& state, const v1::Command& command) {
  if (command.region() != state.region) {
    return absl::InvalidArgumentError(absl::StrCat("region: expected '", state.region, "', got '",
                                                   command.region(), "'"));
  }
  if (command.actor().id().empty()) {
    return absl::InvalidArgumentError("actor.id: expected who acts, got ''");
  }
  if (command.actor().role() == v1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("actor.role: expected municipality, bureau, provider or auditor for actor '",
                     command.actor().id(), "', got none"));
  }
  if (command.actor().role() == v1::ROLE_AUDITOR) {
    return absl::PermissionDeniedError(absl::StrCat("role rule: auditor '", command.actor().id(),
                                                    "' only reads and may not submit commands"));
  }
  if (command.has_expected_sequence() &&
      command.expected_sequence() != state.sequence.value()) {
    return absl::AbortedError(absl::StrCat("expected_sequence: region '", state.region,
                                           "' is at sequence ", state.sequence.value(),
                                           ", command expected ", command.expected_sequence()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> Decide(const RegionState& state,
                                              const v1::Command& command) {
  if (absl::Status status = CheckEnvelope(state, command); !status.ok()) return status;
  const v1::Actor& actor = command.actor();
  switch (command.body_case()) {
    case v1::Command::kAdoptFramework:
      return DecideAdoptFramework(state, actor, command.adopt_framework());
    case v1::Command::kSetBudget:
      return DecideSetBudget(state, actor, command.set_budget());
    case v1::Command::kSubmitLocalPlan:
      return DecideSubmitLocalPlan(state, actor, command.submit_local_plan());
    case v1::Command::BODY_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "body: expected a command (adopt_framework, set_budget, submit_local_plan, ...), got none "
      "this engine knows");
}

}  // namespace inkoop

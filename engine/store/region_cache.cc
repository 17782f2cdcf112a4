#include "engine/store/region_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/status_macros.h"

namespace inkoop {

namespace {

std::string ResultKey(absl::string_view region, absl::string_view command_id) {
  return absl::StrCat(region, absl::string_view("\0", 1), command_id);
}

}  // namespace

RegionCache::RegionCache(StateStore* store, size_t budget_bytes)
    : store_(store), budget_bytes_(budget_bytes) {}

absl::StatusOr<RegionState*> RegionCache::Region(const std::string& region) {
  touched_.insert(region);
  auto it = regions_.find(region);
  if (it != regions_.end()) return &it->second;
  RegionState state;
  state.region = region;
  if (store_ != nullptr) {
    ASSIGN_OR_RETURN(state, store_->LoadRegion(region));
  }
  return &regions_.emplace(region, std::move(state)).first->second;
}

absl::Status RegionCache::Prefetch(RegionState& state, const v1::Command& command) {
  if (store_ == nullptr) return absl::OkStatus();
  switch (command.body_case()) {
    case v1::Command::kRecordClaim:  // a claim id must be new
      RETURN_IF_ERROR(store_->LoadAssignment(state, command.record_claim().assignment_id()));
      return store_->LoadClaim(state, command.record_claim().claim_id());
    case v1::Command::kRequestAssignment:  // an assignment id must be new
      return store_->LoadAssignment(state, command.request_assignment().assignment_id());
    case v1::Command::kAssignCare:
      return store_->LoadAssignment(state, command.assign_care().assignment_id());
    case v1::Command::kGrantAssignment:
      return store_->LoadAssignment(state, command.grant_assignment().assignment_id());
    case v1::Command::kRefuseAssignment:
      return store_->LoadAssignment(state, command.refuse_assignment().assignment_id());
    case v1::Command::kStartCare:
      return store_->LoadAssignment(state, command.start_care().assignment_id());
    case v1::Command::kStopCare:
      return store_->LoadAssignment(state, command.stop_care().assignment_id());
    case v1::Command::kSwitchProvider:  // the new id must be new
      RETURN_IF_ERROR(
          store_->LoadAssignment(state, command.switch_provider().new_assignment_id()));
      return store_->LoadAssignment(state, command.switch_provider().assignment_id());
    case v1::Command::kRecordPayment:
      return store_->LoadClaim(state, command.record_payment().claim_id());
    case v1::Command::kRequestPlacement:  // a placement id must be new
      return store_->LoadPlacement(state, command.request_placement().placement_id());
    case v1::Command::kAcceptPlacement:
      return store_->LoadPlacement(state, command.accept_placement().placement_id());
    case v1::Command::kRefusePlacement:
      return store_->LoadPlacement(state, command.refuse_placement().placement_id());
    default:
      return absl::OkStatus();
  }
}

absl::Status RegionCache::Prefetch(RegionState& state, const v1::Event& event) {
  if (store_ == nullptr) return absl::OkStatus();
  // A recorded claim is written whole; a payment adds to the stored claim.
  // Events after the first one of an assignment change the stored one.
  switch (event.payload_case()) {
    case v1::Event::kPaymentRecorded:
      return store_->LoadClaim(state, event.payment_recorded().claim_id());
    case v1::Event::kClaimRecorded:
      return store_->LoadAssignment(state, event.claim_recorded().assignment_id());
    case v1::Event::kCareAssigned:  // may answer a request
      return store_->LoadAssignment(state, event.care_assigned().assignment_id());
    case v1::Event::kAssignmentRefused:
      return store_->LoadAssignment(state, event.assignment_refused().assignment_id());
    case v1::Event::kCareStarted:
      return store_->LoadAssignment(state, event.care_started().assignment_id());
    case v1::Event::kCareStopped:
      return store_->LoadAssignment(state, event.care_stopped().assignment_id());
    // Open requests are resident; loading is a no-op unless a log names a
    // placed one again.
    case v1::Event::kPlacementRefused:
      return store_->LoadPlacement(state, event.placement_refused().placement_id());
    case v1::Event::kPlacementAccepted:
      return store_->LoadPlacement(state, event.placement_accepted().placement_id());
    case v1::Event::kPlacementEscalated:
      return store_->LoadPlacement(state, event.placement_escalated().placement_id());
    default:
      return absl::OkStatus();
  }
}

absl::StatusOr<std::optional<v1::CommandResult>> RegionCache::Result(
    const std::string& region, const std::string& command_id) {
  if (auto it = results_.find(ResultKey(region, command_id)); it != results_.end()) {
    return it->second;
  }
  if (store_ == nullptr) return std::nullopt;
  return store_->LoadResult(region, command_id);
}

void RegionCache::RememberResult(const v1::CommandResult& result) {
  results_.try_emplace(ResultKey(result.region(), result.command_id()), result);
}

void RegionCache::Stage(StoreBatch& batch) {
  if (store_ == nullptr) return;
  for (const std::string& region : touched_) {
    auto it = regions_.find(region);
    if (it != regions_.end()) store_->StageRegion(it->second, batch);
  }
  for (const auto& [key, result] : results_) store_->StageResult(result, batch);
}

size_t RegionCache::history_bytes() const {
  size_t entries = results_.size();
  for (const auto& [name, state] : regions_) {
    entries += state.claims.size() + state.assignments.size() + state.indicators.size();
  }
  return entries * kHistoryEntryBytes;
}

void RegionCache::Written() {
  touched_.clear();
  if (store_ == nullptr) return;
  results_.clear();  // stored: read back from the store when asked again
  // Placed requests leave memory at once; open ones stay resident.
  for (auto& [name, state] : regions_) {
    state.placements.EvictCleanIf(
        [](const v1::PlacementRecord& p) { return p.status() == v1::PLACEMENT_STATUS_PLACED; });
  }
  if (history_bytes() <= budget_bytes_) return;
  // Everything is clean now; claims, assignments and indicators are read
  // again on demand.
  for (auto& [name, state] : regions_) {
    state.claims.EvictClean();
    state.assignments.EvictClean();
    state.indicators.EvictClean();
  }
}

void RegionCache::Discard() {
  if (store_ == nullptr) return;
  for (const std::string& region : touched_) regions_.erase(region);
  touched_.clear();
  results_.clear();
}

}  // namespace inkoop

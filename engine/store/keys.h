// Keys of the state store (engine/store/state_store.h).
//
// Family "state": one key per entity, region first, so that a region's data
// is one key range and each kind of entity one range inside it:
//   <region length BE16><region><kind><id>
// with kind one of the constants below and id as the kind defines it
// (budget years: <municipality length BE16><municipality><year BE32>).
//
// Family "default" (meta): "offset\0<topic>\0<partition BE32>" -> next offset
// to read (BE64), "metric\0<name>" -> counter (BE64), "layout" -> the layout
// version of the database, "held\0<region length BE16><region><hash>" -> an
// event waiting for its signature.
#ifndef INKOOP_ENGINE_STORE_KEYS_H_
#define INKOOP_ENGINE_STORE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace inkoop {

enum class EntityKind : char {
  kHeader = 'H',     // RegionHeader
  kFramework = 'F',  // FrameworkSnapshot
  kBudget = 'B',     // MunicipalitySnapshot with the one year of the key
  kProvider = 'P',   // ProviderRecord
  kTender = 'T',     // TenderRecord
  kContract = 'C',   // ContractRecord
  kCase = 'S',       // ContinuityCaseRecord
  kOrder = 'O',      // PurchaseOrderRecord, id = year BE32
  kClaim = 'K',      // ClaimRecord
  kAssignment = 'G', // AssignmentRecord
  kPlacement = 'L',  // PlacementRecord
  kIndicator = 'I',  // IndicatorRecord, id = IndicatorKey
  kResult = 'R',     // CommandResult, id = command id
  kActorKey = 'A',   // ActorKeyRecord, id = key id
};

std::string EncodeBigEndian32(uint32_t value);
std::string EncodeBigEndian64(uint64_t value);
uint64_t DecodeBigEndian64(absl::string_view bytes);  // bytes.size() must be 8

// <region length BE16><region>: the prefix of all of a region's keys.
std::string RegionPrefix(absl::string_view region);
// The prefix of one kind of entity of a region.
std::string KindPrefix(absl::string_view region, EntityKind kind);
std::string EntityKey(absl::string_view region, EntityKind kind, absl::string_view id);
std::string YearId(int32_t year);
std::string BudgetId(absl::string_view municipality, int32_t year);
// The region a state key belongs to; nullopt when `key` is not one.
std::optional<std::string> RegionOfKey(absl::string_view key);

std::string OffsetKey(absl::string_view topic, int32_t partition);
// "held\0<key>": an event the admission holds until a signature vouches
// for it (engine/admission.h), a ParkedEvent without reason.
inline constexpr absl::string_view kHeldPrefix("held\0", 5);
std::string HeldKey(absl::string_view admission_key);
std::string MetricKey(absl::string_view name);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_STORE_KEYS_H_

// Column families and keys of the projection database, beside the state
// store's own (engine/store/keys.h: "default" with offsets and metrics,
// "state" with one key per entity, region first):
//
//   budgets  <region prefix><municipality length BE16><municipality><year BE32> -> BudgetView
//   parked   "<topic>\0<partition BE32><offset BE64>" -> ParkedEvent
//   chain    <region prefix><sequence BE64> -> the hash of the event applied at that sequence
//   index    <region prefix><dimension><value length BE16><value><contract id> -> ""
//            secondary indexes of the contracts: dimension 'P' provider,
//            'L' lot, 'M' a municipality with a ceiling, 'S' status (the
//            enum number as text); kept with the contracts in every batch
//
// Providers, tenders, contracts and cases are read straight from the state
// family (region, kind, id): the entity record is its own read model.
#ifndef INKOOP_PROJECTIONS_KEYS_H_
#define INKOOP_PROJECTIONS_KEYS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/store/keys.h"
#include "engine/store/state_store.h"

namespace inkoop {

inline constexpr char kBudgetsFamily[] = "budgets";
inline constexpr char kParkedFamily[] = "parked";
inline constexpr char kChainFamily[] = "chain";
inline constexpr char kIndexFamily[] = "index";

// Positions of the projection's own families in the state store.
inline constexpr int kBudgets = kFirstExtraFamily;
inline constexpr int kParked = kFirstExtraFamily + 1;
inline constexpr int kChain = kFirstExtraFamily + 2;
inline constexpr int kIndex = kFirstExtraFamily + 3;

// The projection's families, in the order of the positions above.
std::vector<std::string> ProjectionFamilies();

std::string BudgetKey(absl::string_view region, absl::string_view municipality, int32_t year);
std::string BudgetPrefix(absl::string_view region, absl::string_view municipality);
std::string ParkedKey(absl::string_view topic, int32_t partition, int64_t offset);
std::string ChainKey(absl::string_view region, uint64_t sequence);
// The dimensions of the contract indexes.
enum class ContractIndex : char {
  kProvider = 'P',
  kLot = 'L',
  kMunicipality = 'M',
  kStatus = 'S',
};
// The prefix of the index entries of `value` in one dimension; the entry
// of a contract is the prefix and its id.
std::string ContractIndexPrefix(absl::string_view region, ContractIndex dimension,
                                absl::string_view value);

// Meta family: "checkpoint\0<region prefix>" -> the region's latest
// SignedCheckpoint.
std::string CheckpointKey(absl::string_view region);

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_KEYS_H_

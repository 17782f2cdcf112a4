// The state of one region, as the region's events made it. The engine
// decides on it, the projector serves it, audit replay rebuilds it: all three
// build it with the same Evolve (evolve.h).
//
// Plain values, deterministic iteration order (btree maps), no I/O.
#ifndef INKOOP_ENGINE_DOMAIN_STATE_H_
#define INKOOP_ENGINE_DOMAIN_STATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/time/civil_time.h"
#include "engine/domain/entity_table.h"
#include "engine/domain/ids.h"
#include "inkoop/v1/common.pb.h"
#include "inkoop/v1/snapshot.pb.h"

namespace inkoop {

struct LotInfo {
  std::string code;
  std::string name;
  int position = 0;  // order in the framework, for display
  v1::LotScope scope = v1::LOT_SCOPE_UNSPECIFIED;  // unspecified = regional
};

// Days after the end of care in which it may still be claimed, when the
// framework does not say.
inline constexpr int32_t kDefaultClaimWindowDays = 56;

struct Framework {
  bool adopted = false;
  std::string id;
  absl::CivilDay period_start;
  absl::CivilDay period_end;
  absl::btree_set<std::string> municipalities;
  absl::btree_map<std::string, LotInfo> lots;        // by code
  absl::btree_map<std::string, v1::LotRules> rules;  // by lot code; every lot has an entry
  std::vector<std::string> quality_indicators;
  // Time moves only by ClockAdvanced (adopted with clock_start).
  bool manual_clock = false;
  int32_t claim_window_days = kDefaultClaimWindowDays;
  v1::EqualisationAgreement equalisation;  // key unspecified: none agreed
  // The region's earlier frameworks, oldest first; each is in force for the
  // years of its own period (FrameworkOfYear).
  std::vector<Framework> predecessors;
  // The region's transition arrangements, by id (held by the latest
  // framework and carried to its successor).
  absl::btree_map<std::string, v1::TransitionArrangementAdopted, std::less<>> arrangements;
};

// Money of one municipality on one lot in one year.
struct LotBudget {
  int64_t planned_cents = 0;    // from the local procurement plan (and shifts)
  int64_t committed_cents = 0;  // sum of contract ceilings on this lot
};

struct YearBudget {
  bool budget_set = false;
  v1::BudgetSource source = v1::BUDGET_SOURCE_UNSPECIFIED;
  int64_t budget_cents = 0;
  bool plan_submitted = false;
  absl::btree_map<std::string, LotBudget> lots;  // by lot code
  std::vector<std::string> priorities;
  absl::btree_map<int, int64_t> reservations;  // by v1::ReservationKind
  bool closed = false;
  int64_t equalisation_cents = 0;  // drawn (+) or paid in (-) by risk equalisation
  int64_t closed_cost_cents = 0;   // the year's cost at its close (YearClosed.cost_cents)
  // The fluctuation fund: deposits are set aside like reservations (not
  // plannable); draws are money received for the year's costs.
  int64_t fund_deposited_cents = 0;
  int64_t fund_drawn_cents = 0;
};

struct Municipality {
  EntityTable<int32_t, YearBudget> years;
};

struct RegionState {
  std::string region;
  Sequence sequence;      // of the last event applied
  std::string last_hash;  // hash of that event (raw bytes)
  // The region's clock: the latest occurred_at of its events, unix
  // microseconds. Business time of a region only moves forward.
  int64_t clock_micros = 0;
  Framework framework;
  absl::btree_map<std::string, Municipality> municipalities;
  // Entity records, by id. Each is one key in the state store; the tables
  // remember what changed so the store writes only that. Claims and
  // indicators grow with history: the store keeps them on disk and loads the
  // ones a command or event names (engine/store/state_store.h).
  EntityTable<std::string, v1::ProviderRecord> providers;
  EntityTable<std::string, v1::TenderRecord> tenders;
  EntityTable<std::string, v1::ContractRecord> contracts;
  EntityTable<std::string, v1::ClaimRecord> claims;
  // Clients' assignments (assignments.h), by id; on disk like claims.
  EntityTable<std::string, v1::AssignmentRecord> assignments;
  EntityTable<std::string, v1::ContinuityCaseRecord> cases;
  // Closed-care placement requests (placement.h), by id. Every open one is
  // here; placed ones stay on disk and are loaded when named.
  EntityTable<std::string, v1::PlacementRecord> placements;
  EntityTable<int32_t, v1::PurchaseOrderRecord> purchase_orders;  // by year
  // Latest report per contract, indicator and period: key
  // "<contract>\0<indicator number>\0<period_start>".
  EntityTable<std::string, v1::IndicatorRecord> indicators;
  absl::btree_set<int32_t> equalised_years;
  // The fluctuation fund: every deposit less every draw, never negative.
  int64_t fund_balance_cents = 0;
  // Population-level indicator baselines by "<municipality>\0<indicator
  // number>" (case-level ones live on their contract).
  absl::btree_map<std::string, v1::IndicatorBaseline> population_baselines;
  // Memberships of the joint arrangement by municipality (membership.h); a
  // municipality of a framework without one is a member without a term.
  absl::btree_map<std::string, v1::Membership> memberships;
  // The registry of actors: every key ever registered, by key id
  // (engine/domain/registry.h).
  EntityTable<std::string, v1::ActorKeyRecord> actor_keys;
};

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_STATE_H_

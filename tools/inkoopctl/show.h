// inkoopctl show / parked: read the projection database.
#ifndef INKOOP_TOOLS_INKOOPCTL_SHOW_H_
#define INKOOP_TOOLS_INKOOPCTL_SHOW_H_

#include <string>

#include "inkoop/v1/snapshot.pb.h"
#include "inkoop/v1/views.pb.h"
#include "projections/enum_words.h"
#include "tools/inkoopctl/access.h"
#include "tools/inkoopctl/args.h"

namespace inkoop {

// A readable table of one contract: each municipality's ceiling with what
// it claimed and was paid, a region-wide contract's shared ceiling and the
// claims of members without one of their own, instalments and settlements.
std::string FormatContract(const v1::ContractRecord& c);

// A readable table of one budget view.
std::string FormatBudget(const v1::BudgetView& view);

// Exit code: 0 shown, 1 nothing to show, 2 bad input, 3 database unreadable.
// Client-level reads (assignments, placements, registrations --overdue) are
// recorded in `access` before anything is shown (access.h); null: refused.
int RunShow(const std::string& db, Args& args, bool json, AccessSink* access);
int RunParked(const std::string& db, Args& args, bool json);

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_SHOW_H_

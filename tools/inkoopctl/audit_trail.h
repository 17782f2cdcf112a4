// The audit trail of one contract, one municipality (in one year or all) or
// one provider: every event that touched it, in order, with time, actor and
// role, command id and what it changed ("ceiling Delft: 1,200,000.00 ->
// 1,500,000.00").
//
// Pure: fed a region's events in order, AuditTrail applies each with the
// domain's Evolve and compares the subject's part of the state before and
// after, field by field (protobuf reflection, so a field added to a record
// shows up without code here). No Kafka, no RocksDB, no clock. Not
// thread-safe.
#ifndef INKOOP_TOOLS_INKOOPCTL_AUDIT_TRAIL_H_
#define INKOOP_TOOLS_INKOOPCTL_AUDIT_TRAIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/domain/state.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

struct AuditSubject {
  enum class Kind { kContract, kMunicipality, kProvider };
  Kind kind = Kind::kContract;
  std::string id;    // contract id, municipality name or provider id
  int32_t year = 0;  // municipality only; 0 = every year
};

// One event that touched the subject.
struct AuditRow {
  uint64_t sequence = 0;
  std::string event_id;
  std::string occurred_at;  // RFC 3339 UTC; empty when the event has none
  std::string recorded_at;  // RFC 3339 UTC; empty when the event has none
  std::string actor;
  std::string role;        // "bureau", "municipality", "provider", "auditor", "system"
  std::string command_id;
  std::string event;       // the payload's name: "contract_amended"
  // What changed, one line per field: "status: active -> suspended". Money
  // in euros, enums as words, "(none)" for an empty text or list. Empty when
  // the event names the subject but changed nothing of it.
  std::vector<std::string> effects;
};

// What counts as touching the subject, and the effects listed:
//   contract C      its ContractRecord, every field; events whose payload
//                   names C (contract_id, from_/to_contract_id).
//   municipality M  the year budgets of M (year Y, or every year): budget,
//                   source, plan, planned and committed per lot,
//                   reservations, closed, equalisation; the ceilings and
//                   claimed money of M on every contract whose term covers Y;
//                   events whose payload names M (municipality,
//                   municipalities) and, for one year, carries year Y.
//   provider P      its ProviderRecord; the status of each of its
//                   contracts; events whose payload names P.
class AuditTrail {
 public:
  explicit AuditTrail(AuditSubject subject);

  // Applies `event` to `state` with Evolve and records a row when the event
  // touched the subject. Returns Evolve's error, if any; then `state` is
  // unchanged and no row is recorded.
  absl::Status Apply(RegionState& state, const v1::Event& event);

  const AuditSubject& subject() const { return subject_; }
  const std::vector<AuditRow>& rows() const { return rows_; }

 private:
  AuditSubject subject_;
  std::vector<AuditRow> rows_;
};

// Aligned columns under a header line (seq, occurred_at, actor, role,
// command_id, event, effects); an event's further effects continue on lines
// of their own under the effects column; "-" for no effects.
std::string FormatAuditTable(const std::vector<AuditRow>& rows);

// One JSON array of objects with the keys sequence (a number), event_id,
// occurred_at, recorded_at, actor, role, command_id, event and effects (an
// array of strings), one object per line.
std::string FormatAuditJson(const std::vector<AuditRow>& rows);

// A header line and one line per row, the fields of AuditRow in order, the
// effects joined by "; "; RFC 4180: fields with a comma, quote or line break
// quoted, quotes doubled, lines ended by CRLF.
std::string FormatAuditCsv(const std::vector<AuditRow>& rows);

}  // namespace inkoop

#endif  // INKOOP_TOOLS_INKOOPCTL_AUDIT_TRAIL_H_

// A region's history as Open Contracting Data Standard (OCDS 1.1) releases,
// release package and record package. Pure: no I/O, no clock.
//
// One contracting process (ocid "<prefix>-<region>-<tender id>") per tender
// or admission (open house); a contract signed without a tender is a direct
// award, its own process ("<prefix>-<region>-<contract id>"). Each event that
// changes what OCDS describes becomes one release: tender, bid or application
// (tenderUpdate), award or admission (award), negotiated award (awardUpdate),
// cancellation (tenderCancellation), contract, amendment, extension and
// continuity transfer (contractAmendment), suspension and resumption
// (contractUpdate), termination and expiry (contractTermination), payment
// and instalment (implementation). Release ids are "<region>-<sequence>".
//
// Personal data never leaves: no client, assignment, placement,
// registration, claim or access data is read into a release (claim ids can
// carry client pseudonyms, so a payment is named by its event).
//
// Money is exact: amounts are printed from integer cents as euros with two
// decimals, never through a float. Output is deterministic: the same events
// give the same bytes.
//
// Not thread-safe. Memory grows with the region's history (the domain state
// and every release).
#ifndef INKOOP_TOOLS_OCDS_OCDS_H_
#define INKOOP_TOOLS_OCDS_OCDS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop {

struct OcdsOptions {
  std::string ocid_prefix = "ocds-inkoop";  // ocid = prefix + "-" + region + "-" + process id
  std::string publisher = "inkoop";         // publisher.name of the packages
  // The packages' uri (required by OCDS); empty: "urn:inkoop:ocds:<region>".
  std::string uri;
  absl::Time published = absl::UnixEpoch();  // publishedDate of the packages
  // Set: events that occurred (occurred_at) after it produce no release.
  std::optional<absl::Time> as_of;
};

class OcdsExport {
 public:
  OcdsExport(std::string region, OcdsOptions options);
  ~OcdsExport();
  OcdsExport(const OcdsExport&) = delete;
  OcdsExport& operator=(const OcdsExport&) = delete;

  // The next event of the region, in sequence order from its first (events
  // of other regions are ignored and produce nothing). Returns the releases
  // it produced, each a JSON object, so that a subscriber can publish each
  // new release as its event is committed. The event goes through the
  // domain's Evolve: an event that does not continue the region's chain is
  // kFailedPrecondition and changes nothing.
  absl::StatusOr<std::vector<std::string>> Add(const v1::Event& event);

  // The OCDS release package of every release so far, in event order.
  std::string ReleasePackage() const;
  // The OCDS record package: per ocid (in order of its first release) the
  // releases, the compiledRelease and the versionedRelease, merged by the
  // OCDS 1.1 merge rules.
  std::string RecordPackage() const;

 private:
  struct Processes;  // the region's state and its contracting processes
  std::unique_ptr<Processes> processes_;
};

}  // namespace inkoop

#endif  // INKOOP_TOOLS_OCDS_OCDS_H_

// What integration tests share: the real broker's address, a topic prefix of
// their own, and the real inkoopd / inkoop-projector processes.
#ifndef INKOOP_TESTS_INTEGRATION_CLUSTER_H_
#define INKOOP_TESTS_INTEGRATION_CLUSTER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "engine/kafka/kafka.h"
#include "inkoop/v1/commands.pb.h"
#include "inkoop/v1/events.pb.h"
#include "inkoop/v1/results.pb.h"
#include "projections/reader.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"
#include "tools/client/actor_keys.h"
#include "tools/client/submitter.h"

namespace inkoop::testing {

// Broker from INKOOP_TEST_BROKERS (ctest sets it; deploy/test.sh starts it).
std::string TestBrokers();

// Options with a topic prefix no other test uses; the topics exist (3
// partitions) when this returns.
KafkaOptions FreshTopics(const std::string& test_name, int partitions = 3);

// Starts the real binaries against `options`; logs go to `dir`, the
// engine's state store to dir/inkoopd-state (a later --state_dir in `extra`
// overrides it). Both use the signing key at SigningKeyPath(dir), the
// projector trusting it through its key file line (<path>.pub).
std::string SigningKeyPath(const TempDir& dir);
std::unique_ptr<ChildProcess> StartEngine(const KafkaOptions& options, const TempDir& dir,
                                          const std::vector<std::string>& extra = {});
std::unique_ptr<ChildProcess> StartProjector(const KafkaOptions& options, const TempDir& dir,
                                             const std::string& db,
                                             const std::vector<std::string>& extra = {});

// The scenario keys every test's actors sign with (tools/client/actor_keys.h).
// The engines StartEngine starts trust the key of actor "bureau" as a
// founding key (its key file in FoundersPath(dir)).
ActorKeys& TestActorKeys();
std::string FoundersPath(const TempDir& dir);
// A submitter that signs with TestActorKeys().
absl::StatusOr<std::unique_ptr<Submitter>> ConnectSigned(const KafkaOptions& options,
                                                         absl::Duration timeout);
// The PEM file of `actor`'s test key in `dir`, for inkoopctl --key.
std::string ActorKeyFile(const TempDir& dir, const std::string& actor);

// Every committed event / result, per partition in offset order.
std::vector<v1::Event> ReadAllEvents(const KafkaOptions& options, int partitions = 3);
std::vector<v1::CommandResult> ReadAllResults(const KafkaOptions& options, int partitions = 3);

// Waits until the projection in `db` has every region of `sequences` at its
// sequence and returns a reader of it; null (and a test failure naming the
// projector's log) when `deadline` passes first.
std::unique_ptr<ProjectionReader> AwaitProjection(const std::string& db,
                                                  const std::map<std::string, uint64_t>& sequences,
                                                  absl::Time deadline,
                                                  const std::string& projector_log);

// Commands for a region with a framework of `municipalities` and lots; the
// adoption registers the test keys of "bureau", the municipalities and the
// scenario clock actor.
v1::Command AdoptFramework(const std::string& region,
                           const std::vector<std::string>& municipalities,
                           const std::vector<std::string>& lots);
v1::Command SetBudget(const std::string& region, const std::string& municipality, int32_t year,
                      int64_t cents);
v1::Command SubmitPlan(const std::string& region, const std::string& municipality, int32_t year,
                       const std::map<std::string, int64_t>& lots);

// The commands of a generated haaglanden region year (tools/loadgen/
// region_year.h) ending after `claims` claims of `clients` clients, on the
// scenario clock and signed with TestActorKeys(); empty (and a test
// failure) when the options are refused.
std::vector<v1::Command> RegionYearCommands(int64_t claims, int32_t clients);

}  // namespace inkoop::testing

#endif  // INKOOP_TESTS_INTEGRATION_CLUSTER_H_

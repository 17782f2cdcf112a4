// A fixture for tests of Decide/Evolve: a region's state, commands on a
// given day, accepting a command as the handler would, and tables of
// refused variants of a command with the code and message each must carry.
#ifndef INKOOP_TESTS_TESTING_DOMAIN_TEST_H_
#define INKOOP_TESTS_TESTING_DOMAIN_TEST_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/domain/decide.h"
#include "engine/domain/state.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace inkoop::testing {

inline constexpr char kTestRegion[] = "haaglanden";

// Sets the day the command happens on (CommandDay).
inline void On(v1::Command& command, int year, int month, int day) {
  const absl::Time time = absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
  command.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(time));
}

// A command of `actor` on 2016-02-01 with `text` (text format) merged in.
inline v1::Command CommandOf(const v1::Actor& actor, const std::string& text = "") {
  v1::Command command;
  command.set_command_id("cmd");
  command.set_region(kTestRegion);
  *command.mutable_actor() = actor;
  On(command, 2016, 2, 1);
  EXPECT_TRUE(google::protobuf::TextFormat::MergeFromString(text, &command)) << text;
  return command;
}

// What a refusal must carry: its code and a part of its message.
struct Expected {
  absl::StatusCode code;
  std::string message;
};
inline Expected Invalid(std::string m) { return {absl::StatusCode::kInvalidArgument, m}; }
inline Expected Broken(std::string m) { return {absl::StatusCode::kFailedPrecondition, m}; }
inline Expected Unknown(std::string m) { return {absl::StatusCode::kNotFound, m}; }
inline Expected Denied(std::string m) { return {absl::StatusCode::kPermissionDenied, m}; }

// One refused variant of a command: `change` edits the command and a copy of
// the state it is decided on.
struct Refusal {
  std::string name;
  std::function<void(v1::Command&, RegionState&)> change;
  Expected expected;
};

class DomainTest : public ::testing::Test {
 protected:
  DomainTest() { state_.region = kTestRegion; }

  // Decides and evolves, filling in the envelope as the handler does.
  void Accept(const v1::Command& command) {
    absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, command);
    ASSERT_THAT(events, IsOk()) << command.ShortDebugString();
    for (v1::Event& event : *events) {
      event.set_region(kTestRegion);
      event.set_sequence(state_.sequence.value() + 1);
      event.set_previous_hash(state_.last_hash);
      ASSERT_THAT(Evolve(state_, event), IsOk());
    }
  }

  // The single event `command` yields.
  v1::Event DecideOne(const v1::Command& command) {
    absl::StatusOr<std::vector<v1::Event>> events = Decide(state_, command);
    EXPECT_THAT(events, IsOk());
    EXPECT_EQ(events.ok() ? events->size() : 0u, 1u);
    return events.ok() && events->size() == 1 ? (*events)[0] : v1::Event();
  }

  void ExpectRefusals(const v1::Command& base, const std::vector<Refusal>& refusals) {
    for (const Refusal& refusal : refusals) {
      SCOPED_TRACE(refusal.name);
      v1::Command command = base;
      RegionState state = state_;
      refusal.change(command, state);
      EXPECT_THAT(Decide(state, command),
                  StatusIs(refusal.expected.code, ::testing::HasSubstr(refusal.expected.message)));
    }
  }

  RegionState state_;
};

}  // namespace inkoop::testing

#endif  // INKOOP_TESTS_TESTING_DOMAIN_TEST_H_

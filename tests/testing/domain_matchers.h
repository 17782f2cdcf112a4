// Matchers and builders shared by the domain unit tests. Header-only.
//
//   EqualsProto(expected)  a message equal to `expected` field by field
//                          (MessageDifferencer); a mismatch prints the diff.
//   Produces(events)       a StatusOr<std::vector<v1::Event>>, as Decide
//                          returns it, that is OK and whose events match the
//                          matcher `events`.
//   ParseText<T>(text)     a T from protobuf text format; text that does not
//                          parse fails the current test.
//   EventOf(text)          an event with the payload `text`, e.g.
//                          "claim_recorded { ... }".
//   Actor(id, role), Bureau(), Provider(id), Municipality(name)
//                          actors; nothing else of a command is filled in.
//
// Region-, date- or fixture-bound command builders stay in their test files.
#ifndef INKOOP_TESTS_TESTING_DOMAIN_MATCHERS_H_
#define INKOOP_TESTS_TESTING_DOMAIN_MATCHERS_H_

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "inkoop/v1/common.pb.h"
#include "inkoop/v1/events.pb.h"

namespace inkoop::testing {

MATCHER_P(EqualsProto, expected, "equals " + expected.ShortDebugString()) {
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  const bool equal = differencer.Compare(expected, arg);
  *result_listener << diff;
  return equal;
}

MATCHER_P(Produces, events,
          "is OK and its events " + ::testing::DescribeMatcher<std::vector<v1::Event>>(events)) {
  if (!arg.ok()) {
    *result_listener << "which is " << arg.status().ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(events, *arg, result_listener);
}

template <typename T>
T ParseText(const std::string& text) {
  T message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

inline v1::Event EventOf(const std::string& text) { return ParseText<v1::Event>(text); }

inline v1::Actor Actor(const std::string& id, v1::Role role) {
  v1::Actor actor;
  actor.set_id(id);
  actor.set_role(role);
  return actor;
}

inline v1::Actor Bureau() { return Actor("bureau", v1::ROLE_BUREAU); }
inline v1::Actor Provider(const std::string& id) { return Actor(id, v1::ROLE_PROVIDER); }
inline v1::Actor Municipality(const std::string& name) {
  return Actor(name, v1::ROLE_MUNICIPALITY);
}

}  // namespace inkoop::testing

#endif  // INKOOP_TESTS_TESTING_DOMAIN_MATCHERS_H_

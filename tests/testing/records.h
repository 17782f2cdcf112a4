// Records of the events topic as the engine writes them, signed with a fixed
// test key, for projection, store and ctl tests. Header-only.
#ifndef INKOOP_TESTS_TESTING_RECORDS_H_
#define INKOOP_TESTS_TESTING_RECORDS_H_

#include <string>
#include <vector>

#include "engine/envelope.h"
#include "engine/signing.h"
#include "inkoop/v1/events.pb.h"
#include "projections/projection.h"

namespace inkoop::testing {

// The same key in every test: seed 32 bytes of 0x2a.
inline const SigningKey& TestSigningKey() {
  static const SigningKey* key = new SigningKey(SigningKey::FromSeed(std::string(32, '\x2a')).value());
  return *key;
}

inline KeyRing TestKeyRing() {
  KeyRing ring;
  ring.Trust(TestSigningKey());
  return ring;
}

inline ProjectionOptions TestProjectionOptions() {
  ProjectionOptions options;
  options.keys = TestKeyRing();
  return options;
}

// `event` as a record signed with the test key: a transaction of its own.
inline std::string Signed(const v1::Event& event) {
  return SealedRecord(event, &TestSigningKey());
}
// `event` as a record without signature: one before the last of a
// transaction, or a forgery.
inline std::string Unsigned(const v1::Event& event) { return SealedRecord(event, nullptr); }

// `events` as one transaction: only the last signed.
inline std::vector<std::string> Transaction(const std::vector<v1::Event>& events) {
  std::vector<std::string> records;
  for (size_t i = 0; i < events.size(); ++i) {
    records.push_back(i + 1 == events.size() ? Signed(events[i]) : Unsigned(events[i]));
  }
  return records;
}

}  // namespace inkoop::testing

#endif  // INKOOP_TESTS_TESTING_RECORDS_H_

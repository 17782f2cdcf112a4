// Small distinct types for numbers that must never be swapped: a region's
// event sequence number and a Kafka offset.
#ifndef INKOOP_ENGINE_DOMAIN_IDS_H_
#define INKOOP_ENGINE_DOMAIN_IDS_H_

#include <compare>
#include <cstdint>

namespace inkoop {

template <typename Tag, typename T>
class Number {
 public:
  constexpr Number() = default;
  constexpr explicit Number(T value) : value_(value) {}
  constexpr T value() const { return value_; }
  constexpr Number next() const { return Number(value_ + 1); }
  constexpr auto operator<=>(const Number&) const = default;

 private:
  T value_{};
};

// Position of an event in its region's history: 1, 2, 3, ... (0 = none yet).
using Sequence = Number<struct SequenceTag, uint64_t>;
// Position of a message in a Kafka partition.
using Offset = Number<struct OffsetTag, int64_t>;

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_IDS_H_

// Enumeration values as the words people read and type: the CLI's tables,
// its --status filters and the HTTP API's query parameters.
#ifndef INKOOP_PROJECTIONS_ENUM_WORDS_H_
#define INKOOP_PROJECTIONS_ENUM_WORDS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace inkoop {

// An enum value as a word: CONTRACT_STATUS_ACTIVE -> "active",
// FUNDING_MODEL_PER_UNIT -> "per unit" (the prefix all its values share is
// dropped); the number when `value` is not one of the enum's.
std::string EnumWord(const google::protobuf::EnumDescriptor& type, int value);

// The value a word names: "active", "ACTIVE" or "CONTRACT_STATUS_ACTIVE"
// (case-insensitive; "_" and " " alike). The unspecified value (0) is never
// a word. nullopt when no value of `type` is named.
std::optional<int> ParseEnumWord(const google::protobuf::EnumDescriptor& type,
                                 absl::string_view word);

// "active, suspended or terminated": the words of `type`, for an error.
std::string EnumWords(const google::protobuf::EnumDescriptor& type);

}  // namespace inkoop

#endif  // INKOOP_PROJECTIONS_ENUM_WORDS_H_

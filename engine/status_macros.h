// RETURN_IF_ERROR / ASSIGN_OR_RETURN for absl::Status and absl::StatusOr.
// Debian's Abseil (20220623) ships no status macros of its own.
#ifndef INKOOP_ENGINE_STATUS_MACROS_H_
#define INKOOP_ENGINE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define INKOOP_CONCAT_INNER_(a, b) a##b
#define INKOOP_CONCAT_(a, b) INKOOP_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::absl::Status inkoop_status_ = (expr);          \
    if (!inkoop_status_.ok()) return inkoop_status_; \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(INKOOP_CONCAT_(inkoop_statusor_, __LINE__), lhs, expr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                           \
  if (!statusor.ok()) return statusor.status();     \
  lhs = std::move(statusor).value()

#endif  // INKOOP_ENGINE_STATUS_MACROS_H_

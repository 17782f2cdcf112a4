#include "engine/domain/roles.h"

#include "absl/strings/str_cat.h"

namespace inkoop {

absl::string_view RoleName(v1::Role role) {
  switch (role) {
    case v1::ROLE_MUNICIPALITY:
      return "municipality";
    case v1::ROLE_BUREAU:
      return "bureau";
    case v1::ROLE_PROVIDER:
      return "provider";
    case v1::ROLE_AUDITOR:
      return "auditor";
    case v1::ROLE_SYSTEM:
      return "system";
    case v1::ROLE_CLOCK:
      return "clock";
    case v1::ROLE_PLACEMENT_COORDINATOR:
      return "placement coordinator";
    default:
      return "unspecified";
  }
}

absl::Status RequireRole(const v1::Actor& actor, v1::Role role, absl::string_view action) {
  if (actor.role() != role) {
    return absl::PermissionDeniedError(absl::StrCat("role rule: only the ", RoleName(role), " may ",
                                                    action, "; actor '", actor.id(), "' is ",
                                                    RoleName(actor.role())));
  }
  return absl::OkStatus();
}

absl::Status RequireOwnMunicipality(const v1::Actor& actor, absl::string_view municipality,
                                    absl::string_view action) {
  if (actor.role() != v1::ROLE_MUNICIPALITY || actor.id() != municipality) {
    return absl::PermissionDeniedError(absl::StrCat("role rule: only municipality '", municipality,
                                                    "' itself may ", action, "; actor '",
                                                    actor.id(), "' is ", RoleName(actor.role())));
  }
  return absl::OkStatus();
}

}  // namespace inkoop

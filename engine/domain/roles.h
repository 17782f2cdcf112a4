// Who may do what: shared checks that every refusal names.
#ifndef INKOOP_ENGINE_DOMAIN_ROLES_H_
#define INKOOP_ENGINE_DOMAIN_ROLES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "inkoop/v1/common.pb.h"

namespace inkoop {

absl::string_view RoleName(v1::Role role);

// kPermissionDenied unless the actor has `role`; `action` names what was
// attempted ("publish a tender").
absl::Status RequireRole(const v1::Actor& actor, v1::Role role, absl::string_view action);

// kPermissionDenied unless the actor is the municipality `municipality`
// itself: a municipality acts only on its own budget and plan.
absl::Status RequireOwnMunicipality(const v1::Actor& actor, absl::string_view municipality,
                                    absl::string_view action);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_ROLES_H_

// Defaults from the environment (INKOOP_BROKERS, INKOOP_TOPIC_PREFIX, ...).
#ifndef INKOOP_ENGINE_ENVIRONMENT_H_
#define INKOOP_ENGINE_ENVIRONMENT_H_

#include <cstdlib>
#include <string>

namespace inkoop {

// The value of environment variable `name`, or `fallback` when it is unset
// or empty.
inline std::string EnvironmentOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace inkoop

#endif  // INKOOP_ENGINE_ENVIRONMENT_H_

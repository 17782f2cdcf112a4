// One-line log records on stderr: "<UTC time> <I|W|E> <program>: <message>".
// Thread-safe (each record is one write).
#ifndef INKOOP_ENGINE_LOG_H_
#define INKOOP_ENGINE_LOG_H_

#include "absl/strings/string_view.h"

namespace inkoop {

void SetLogProgram(absl::string_view program);
void LogInfo(absl::string_view message);
void LogWarning(absl::string_view message);
void LogError(absl::string_view message);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_LOG_H_

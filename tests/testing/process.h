// Real processes for integration and crash tests: start a binary with its
// output in a log file, signal it (SIGKILL for crash tests), wait for it.
#ifndef INKOOP_TESTS_TESTING_PROCESS_H_
#define INKOOP_TESTS_TESTING_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace inkoop::testing {

class ChildProcess {
 public:
  // Starts argv[0] with the arguments; stdout and stderr append to `log_path`.
  ChildProcess(std::vector<std::string> argv, std::string log_path);
  // Kills (SIGKILL) and reaps a process still running.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  void Signal(int signal);
  // Waits up to `timeout`; the exit status (as from waitpid), or nullopt if
  // it still runs.
  std::optional<int> Wait(absl::Duration timeout);
  const std::string& log_path() const { return log_path_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string log_path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a command to completion, capturing stdout and stderr.
RunResult RunProgram(const std::vector<std::string>& argv);

// The last lines of a file (for failure messages).
std::string Tail(const std::string& path, int lines = 30);

}  // namespace inkoop::testing

#endif  // INKOOP_TESTS_TESTING_PROCESS_H_

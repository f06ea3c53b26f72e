#pragma once
#include <chrono>
#include <string>
#include <vector>

namespace dc::core {

struct ProcessOutcome {
  int exit_code = -1;       // the program's exit status; -1 when it was killed by a signal or timed out
  bool timed_out = false;
  std::string out, err;     // what it wrote on stdout and stderr
  bool ok() const { return exit_code == 0 && !timed_out; }
};

// Runs a program with an argument vector (never through a shell: every argument reaches it literally), the
// caller's environment, no stdin, and a time limit after which it is killed. Throws std::runtime_error when the
// program cannot be started.
ProcessOutcome run_process(const std::vector<std::string>& argv,
                           std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Quotes one argument for a POSIX shell ('...' with embedded quotes escaped): how an argument vector crosses an
// ssh hop, whose remote side joins and re-parses the command line.
std::string shell_quote(const std::string& argument);

}  // namespace dc::core

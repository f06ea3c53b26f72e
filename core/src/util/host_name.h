#pragma once
// This machine's name, as pass runs record it (with the pid: how a run of a dead process is recognised).
#include <string>
#include <unistd.h>

namespace dc::core {

inline std::string host_name() {
  char host[256] = {};
  return ::gethostname(host, sizeof host - 1) == 0 ? std::string(host) : std::string("localhost");
}

}  // namespace dc::core

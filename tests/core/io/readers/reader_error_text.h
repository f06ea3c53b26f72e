#pragma once
// How reader problems read to a user, for the bad-input tests: "file:line: message", one per line.
#include "dc/core/model/drive.h"

#include <string>

namespace dc::test {

inline std::string describe(const dc::core::IngestError& e) {
  return e.path + (e.line > 0 ? ":" + std::to_string(e.line) : std::string()) + ": " + e.message;
}

inline std::string all_errors(const dc::core::Drive& d) {
  std::string s;
  for (const auto& e : d.errors) s += describe(e) + "\n";
  return s;
}

}  // namespace dc::test

#include "dc/core/model/finding.h"

#include <stdexcept>

namespace dc::core {

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "?";
}

Severity severity_from_string(const std::string& text) {
  for (Severity s : {Severity::Info, Severity::Warning, Severity::Error})
    if (text == to_string(s)) return s;
  throw std::invalid_argument("unknown severity '" + text + "'");
}

}  // namespace dc::core

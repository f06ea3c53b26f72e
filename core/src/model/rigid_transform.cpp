#include "dc/core/model/rigid_transform.h"

#include <stdexcept>

namespace dc::core {

const char* to_string(CalibrationSource source) {
  switch (source) {
    case CalibrationSource::File: return "file";
    case CalibrationSource::Refined: return "refined";
    case CalibrationSource::Generated: return "generated";
  }
  return "?";
}

CalibrationSource calibration_source_from_string(const std::string& text) {
  if (text == "file") return CalibrationSource::File;
  if (text == "refined") return CalibrationSource::Refined;
  if (text == "generated") return CalibrationSource::Generated;
  throw std::invalid_argument("unknown calibration source '" + text + "'");
}

}  // namespace dc::core

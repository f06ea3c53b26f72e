#pragma once
#include "dc/core/model/time_stamp.h"

#include <cstdint>
#include <map>
#include <string>

namespace dc::core {

// One row of the catalog's drive list.
struct DriveSummary {
  std::int64_t id = 0;
  std::string name, format, root;
  std::string time_zone;
  bool timestamped = true;
  TimestampNs start_ns = 0, end_ns = 0;
  std::map<std::string, std::int64_t> frames_per_sensor;
  std::int64_t samples = 0;
  std::int64_t labels = 0;  // current boxes of every source; DontCare regions are not labels
  double duration_s() const { return static_cast<double>(end_ns - start_ns) * 1e-9; }
};

}  // namespace dc::core

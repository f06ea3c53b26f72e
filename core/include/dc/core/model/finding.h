#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/time_stamp.h"

#include <cstdint>
#include <string>

namespace dc::core {

enum class Severity { Info, Warning, Error };
const char* to_string(Severity severity);

// Result of one validation check.
struct Finding {
  std::string check;            // e.g. "timestamp-gap"
  Severity severity = Severity::Warning;
  TimestampNs start_ns = 0, end_ns = 0;
  std::int64_t sample_index = -1;
  std::string sensor;
  std::string message;
  std::string details_json = "{}";
  ReviewState review = ReviewState::Unreviewed;
};

}  // namespace dc::core

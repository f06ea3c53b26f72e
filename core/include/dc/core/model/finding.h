#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/time_stamp.h"

#include <cstdint>
#include <string>

namespace dc::core {

enum class Severity { Info, Warning, Error };
const char* to_string(Severity severity);
Severity severity_from_string(const std::string& text);  // throws std::invalid_argument

// Result of one validation check.
struct Finding {
  std::string check;            // e.g. "timestamp-gap"
  Severity severity = Severity::Warning;
  TimestampNs start_ns = 0, end_ns = 0;
  std::int64_t id = 0;          // catalog id; 0 until stored
  std::int64_t sample_key = -1;  // the sample's lidar frame index (stable across re-ingest); -1 for a span
  std::string sensor;
  std::string message;
  std::string details_json = "{}";
  ReviewState review = ReviewState::Unreviewed;
  std::string reviewer;          // who set `review` ("" when never reviewed)
  TimestampNs reviewed_ns = 0;  // when
};

}  // namespace dc::core

#pragma once
#include "dc/core/model/frame.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <vector>

namespace dc::core::data_qc {

// One frame a check flagged: its position in the sensor's time order and what was measured.
struct Flag {
  std::size_t position = 0;
  const Frame* frame = nullptr;
  nlohmann::json value;
};

// Groups flags into runs of consecutive positions, so one lasting problem (a covered lens, a dead laser) is one
// finding rather than one per frame.
std::vector<std::vector<Flag>> consecutive_runs(std::vector<Flag> flags);
std::vector<const Frame*> frames_of(const std::vector<Flag>& run);
nlohmann::json values_of(const std::vector<Flag>& run);

// Median of a copy of the values (upper median for even counts); 0 when empty.
double median_of(std::vector<double> values);

}  // namespace dc::core::data_qc

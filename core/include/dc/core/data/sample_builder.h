#pragma once
#include "dc/core/model/frame.h"
#include "dc/core/model/sample.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

// Builds lidar-keyed samples: for each lidar frame (in time order) the nearest frame of every other sensor. A frame
// farther than `max_skew_ns` from the sweep is not taken (the sample has no frame of that sensor); without a value
// the limit is one period of that sensor (its median frame interval).
std::vector<Sample> build_samples(const std::vector<Frame>& frames, const std::string& lidar_sensor,
                                  std::optional<std::int64_t> max_skew_ns = {});

}  // namespace dc::core

#pragma once
#include "dc/core/frame.h"
#include "dc/core/sample.h"

#include <string>
#include <vector>

namespace dc::core {

// Builds lidar-keyed samples: for each lidar frame (in time order) the nearest frame of every other sensor.
std::vector<Sample> build_samples(const std::vector<Frame>& frames, const std::string& lidar_sensor);

}  // namespace dc::core

#pragma once
#include "dc/core/model/time_stamp.h"

#include <cstdint>
#include <vector>

namespace dc::core::generator {

// Timestamps of every message, KITTI-like: lidar sweeps at the nominal rate with a little jitter (the timestamp is
// when the scanner faces forward), each sweep starting where the previous one ended, cameras triggered at that
// moment and stamped a few milliseconds later, OXTS records close by.
class DriveTiming {
 public:
  DriveTiming(std::uint64_t seed, int frames, double lidar_rate_hz, TimestampNs start, int camera_count);

  TimestampNs start() const { return start_; }
  double seconds(TimestampNs t) const { return static_cast<double>(t - start_) * 1e-9; }  // since the first sweep

  std::vector<TimestampNs> lidar, lidar_start, lidar_end, oxts;
  std::vector<std::vector<TimestampNs>> cameras;  // image_02, image_03

 private:
  TimestampNs start_;
};

}  // namespace dc::core::generator

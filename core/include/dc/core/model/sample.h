#pragma once
#include "dc/core/model/time_stamp.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dc::core {

// The time-synchronized bundle around one lidar sweep: the nearest frame of every other sensor within the
// maximum skew. A sample is identified by its lidar frame (`key()`), which re-ingest preserves; `index` is only its
// position in time order, for display.
struct Sample {
  struct Member {
    std::string sensor;
    std::int64_t frame_index = 0;  // Frame::index of that sensor's nearest frame
    std::int64_t skew_ns = 0;      // member timestamp - lidar timestamp
  };
  std::int64_t index = 0;          // sample number within the drive (0-based, lidar order)
  TimestampNs timestamp_ns = 0;    // the lidar sweep's timestamp
  std::string lidar_sensor;
  std::int64_t lidar_frame_index = 0;
  std::vector<Member> members;     // every non-lidar sensor with a frame within the maximum skew

  std::int64_t key() const { return lidar_frame_index; }
  const Member* member(const std::string& sensor) const {
    for (const auto& m : members)
      if (m.sensor == sensor) return &m;
    return nullptr;
  }
};

}  // namespace dc::core

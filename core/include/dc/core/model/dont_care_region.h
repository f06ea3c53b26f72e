#pragma once
#include "dc/core/model/time_stamp.h"

#include <cstdint>

namespace dc::core {

// A KITTI "DontCare" area: an image region (camera 2 pixels) where objects are not labeled. It is not a box in the
// lidar frame and never counts as a label.
struct DontCareRegion {
  std::int64_t frame_index = 0;  // lidar frame (the sample's key)
  TimestampNs timestamp_ns = 0;
  double bbox2d[4] = {0, 0, 0, 0};  // left top right bottom in image_02 pixels
};

}  // namespace dc::core

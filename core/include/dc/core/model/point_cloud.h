#pragma once
#include <cstddef>
#include <vector>

namespace dc::core {

// Lidar points as packed x y z intensity float32 (KITTI's .bin layout), in the lidar frame.
struct PointCloud {
  std::vector<float> xyzi;
  std::size_t size() const { return xyzi.size() / 4; }
  const float* point(std::size_t i) const { return xyzi.data() + 4 * i; }
};

}  // namespace dc::core

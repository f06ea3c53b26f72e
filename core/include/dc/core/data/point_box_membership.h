#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/point_cloud.h"

#include <cstdint>
#include <vector>

namespace dc::core {

// For every point, the index of the first box (in `boxes` order) that contains it, or -1. Runs on the dc_gpu
// points_in_boxes kernel (CUDA when present), the project's one point-in-box test.
std::vector<std::int32_t> first_box_per_point(const PointCloud& cloud, const std::vector<BoxLabel>& boxes);

}  // namespace dc::core

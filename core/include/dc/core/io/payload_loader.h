#pragma once
#include "dc/core/model/frame.h"
#include "dc/core/model/point_cloud.h"

#include <filesystem>
#include <opencv2/core/mat.hpp>

namespace dc::core {

// On-demand payload loading. All throw ParseError naming the file on missing, truncated or corrupt input.
PointCloud load_velodyne_bin(const std::filesystem::path& file);
cv::Mat load_image(const std::filesystem::path& file);  // BGR 8-bit (or 8-bit gray)
PointCloud load_point_cloud(const Frame& frame);
cv::Mat load_image(const Frame& frame);

}  // namespace dc::core

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
// A decoded image as load_image gives it: 8-bit (16-bit keeps its top byte, float [0, 1] is scaled), BGR or gray
// (alpha dropped). Throws ParseError naming `source` for more than 4 channels.
cv::Mat image_to_8bit(const cv::Mat& decoded, const std::filesystem::path& source);

}  // namespace dc::core

#pragma once
#include "io/readers/ros/ros_header.h"
#include "io/readers/ros/ros_message.h"

#include <opencv2/core/mat.hpp>
#include <string>

namespace dc::core {

// sensor_msgs/Image or CompressedImage as core's load_image gives images: 8-bit BGR or 8-bit gray, owning its pixels.
struct RosImage {
  RosHeader header;
  cv::Mat image;
  std::string encoding;  // Image: its encoding; CompressedImage: its format string
};

// sensor_msgs/Image: rgb8 bgr8 rgba8 bgra8 mono8 mono16 (top byte kept as load_image does: x/256 rounded),
// rgb16 bgr16 rgba16 bgra16, 8UC1 8UC3 8UC4 16UC1, bayer_rggb8/bggr8/gbrg8/grbg8 (OpenCV demosaic), uyvy/yuv422 and
// yuyv/yuv422_yuy2; `step` padding and is_bigendian honoured. Throws ParseError (msg.source()) for other encodings
// and when width, height, step and the data size disagree.
RosImage image_from_ros(const RosMessage& msg);

// sensor_msgs/CompressedImage holding a JPEG or PNG (the format string is only checked for compressedDepth, which
// is refused). The image size in the JPEG/PNG header is checked (at most 2^26 pixels) before decoding.
RosImage compressed_image_from_ros(const RosMessage& msg);

}  // namespace dc::core

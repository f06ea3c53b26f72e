// Serialized ROS messages (ROS 1 and CDR) of the fixed schemas DriveCurator converts: the first input byte picks the
// type and flavour, the rest is the message. RosMessageDecoder::decode, every value read back, then the converter.
#include "dc/core/io/parse_error.h"
#include "fuzz_support.h"
#include "io/readers/ros/ros_camera_info_conversion.h"
#include "io/readers/ros/ros_image_conversion.h"
#include "io/readers/ros/ros_message_decoder.h"
#include "io/readers/ros/ros_nav_sat_fix_conversion.h"
#include "io/readers/ros/ros_odometry_conversion.h"
#include "io/readers/ros/ros_point_cloud_conversion.h"
#include "io/readers/ros/ros_tf_conversion.h"
#include "ros_message_writer.h"
#include "ros_walk.h"

#include <span>
#include <vector>

namespace {

using dc::core::generator::RosFlavor;
using dc::core::generator::RosMessageKind;
using dc::core::generator::RosMessageWriter;

constexpr RosMessageKind kKinds[] = {RosMessageKind::PointCloud2, RosMessageKind::Image,
                                     RosMessageKind::CompressedImage, RosMessageKind::CameraInfo,
                                     RosMessageKind::TFMessage, RosMessageKind::Odometry, RosMessageKind::NavSatFix};
constexpr std::size_t kKindCount = sizeof kKinds / sizeof kKinds[0];

// Decoders for kind k: [2k] ROS 1, [2k + 1] ROS 2 (CDR).
const std::vector<dc::core::RosMessageDecoder>& decoders() {
  static const std::vector<dc::core::RosMessageDecoder> all = [] {
    std::vector<dc::core::RosMessageDecoder> d;
    for (RosMessageKind kind : kKinds)
      for (RosFlavor flavor : {RosFlavor::Ros1, RosFlavor::Ros2}) {
        const RosMessageWriter writer(flavor);
        const auto schema = writer.schema(kind);
        d.push_back(dc::core::RosMessageDecoder::from_schema(schema.name, schema.encoding, schema.text,
                                                             writer.message_encoding()));
      }
    return d;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t pick = data[0] % (2 * kKindCount);
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);
  try {
    const dc::core::RosMessage msg = decoders()[pick].decode(bytes);
    dc::fuzz::walk_message(msg);
    switch (kKinds[pick / 2]) {
      case RosMessageKind::PointCloud2: (void)dc::core::point_cloud_from_ros(msg); break;
      case RosMessageKind::Image: (void)dc::core::image_from_ros(msg); break;
      case RosMessageKind::CompressedImage: (void)dc::core::compressed_image_from_ros(msg); break;
      case RosMessageKind::CameraInfo: (void)dc::core::camera_info_from_ros(msg); break;
      case RosMessageKind::TFMessage: (void)dc::core::transforms_from_ros(msg); break;
      case RosMessageKind::Odometry: (void)dc::core::odometry_from_ros(msg); break;
      case RosMessageKind::NavSatFix: (void)dc::core::nav_sat_fix_from_ros(msg); break;
    }
  } catch (const dc::core::ParseError&) {
  }
  return 0;
}

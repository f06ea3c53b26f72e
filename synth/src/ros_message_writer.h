#pragma once
#include <Eigen/Geometry>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace dc::core::generator {

// ROS 1 (schema "ros1msg", message encoding "ros1") or ROS 2 (schema "ros2msg", message encoding "cdr").
enum class RosFlavor { Ros1, Ros2 };
enum class RosMessageKind { PointCloud2, Image, CompressedImage, CameraInfo, TFMessage, Odometry, NavSatFix };

// An MCAP schema record's content: name ("sensor_msgs/msg/PointCloud2" for ROS 2, "sensor_msgs/PointCloud2" for
// ROS 1), encoding ("ros2msg" / "ros1msg") and the full text with every dependency, laid out as the recorders
// write it (rosbag2's MCAP storage for ROS 2, genmsg's full text for ROS 1).
struct RosSchemaText {
  std::string name;
  std::string encoding;
  std::string text;
};

struct RosHeaderData {
  std::int64_t stamp_ns = 0;
  std::string frame_id;
  std::uint32_t seq = 0;  // ROS 1 only
};

struct RosPointFieldData {
  std::string name;
  std::uint32_t offset = 0;
  std::uint8_t datatype = 7;  // 1 INT8 .. 8 FLOAT64
  std::uint32_t count = 1;
};

struct RosPointCloud2Data {
  RosHeaderData header;
  std::uint32_t height = 1;
  std::uint32_t width = 0;
  std::vector<RosPointFieldData> fields;
  bool is_bigendian = false;
  std::uint32_t point_step = 0;
  std::uint32_t row_step = 0;
  std::vector<std::uint8_t> data;
  bool is_dense = true;
};

struct RosImageData {
  RosHeaderData header;
  std::uint32_t height = 0;
  std::uint32_t width = 0;
  std::string encoding;
  std::uint8_t is_bigendian = 0;
  std::uint32_t step = 0;
  std::vector<std::uint8_t> data;
};

struct RosCompressedImageData {
  RosHeaderData header;
  std::string format;  // "jpeg", "png"
  std::vector<std::uint8_t> data;
};

struct RosRegionOfInterestData {
  std::uint32_t x_offset = 0, y_offset = 0, height = 0, width = 0;
  bool do_rectify = false;
};

struct RosCameraInfoData {
  RosHeaderData header;
  std::uint32_t height = 0;
  std::uint32_t width = 0;
  std::string distortion_model = "plumb_bob";
  std::vector<double> d;
  std::array<double, 9> k{};
  std::array<double, 9> r{1, 0, 0, 0, 1, 0, 0, 0, 1};
  std::array<double, 12> p{};
  std::uint32_t binning_x = 0, binning_y = 0;
  RosRegionOfInterestData roi;
};

// geometry_msgs/TransformStamped: header.frame_id is the parent, the transform maps child points into it.
struct RosTransformData {
  RosHeaderData header;
  std::string child_frame_id;
  Eigen::Vector3d translation = Eigen::Vector3d::Zero();
  Eigen::Quaterniond rotation = Eigen::Quaterniond::Identity();
};

struct RosOdometryData {
  RosHeaderData header;
  std::string child_frame_id;
  Eigen::Vector3d position = Eigen::Vector3d::Zero();
  Eigen::Quaterniond orientation = Eigen::Quaterniond::Identity();
  std::array<double, 36> pose_covariance{};
  Eigen::Vector3d linear = Eigen::Vector3d::Zero();
  Eigen::Vector3d angular = Eigen::Vector3d::Zero();
  std::array<double, 36> twist_covariance{};
};

struct RosNavSatFixData {
  RosHeaderData header;
  std::int8_t status = 0;     // NavSatStatus.status
  std::uint16_t service = 1;  // NavSatStatus.service (GPS)
  double latitude = 0, longitude = 0, altitude = 0;
  std::array<double, 9> position_covariance{};
  std::uint8_t position_covariance_type = 0;
};

// Serializes the message types DriveCurator reads from recordings, in ROS 1 or ROS 2 (CDR, little endian unless
// asked for big endian) form, byte for byte as the ROS client libraries do.
class RosMessageWriter {
 public:
  explicit RosMessageWriter(RosFlavor flavor, bool cdr_big_endian = false)
      : flavor_(flavor), big_endian_(cdr_big_endian && flavor == RosFlavor::Ros2) {}

  RosFlavor flavor() const { return flavor_; }
  const char* message_encoding() const { return flavor_ == RosFlavor::Ros2 ? "cdr" : "ros1"; }
  RosSchemaText schema(RosMessageKind kind) const { return schema(kind, flavor_); }
  static RosSchemaText schema(RosMessageKind kind, RosFlavor flavor);

  std::vector<std::uint8_t> point_cloud2(const RosPointCloud2Data& m) const;
  std::vector<std::uint8_t> image(const RosImageData& m) const;
  std::vector<std::uint8_t> compressed_image(const RosCompressedImageData& m) const;
  std::vector<std::uint8_t> camera_info(const RosCameraInfoData& m) const;
  std::vector<std::uint8_t> tf_message(const std::vector<RosTransformData>& transforms) const;
  std::vector<std::uint8_t> odometry(const RosOdometryData& m) const;
  std::vector<std::uint8_t> nav_sat_fix(const RosNavSatFixData& m) const;

 private:
  RosFlavor flavor_;
  bool big_endian_;
};

// Packed float32 x y z intensity points (KITTI's layout) as an unordered PointCloud2: fields x y z intensity at
// offsets 0 4 8 12, point_step 16, little endian.
RosPointCloud2Data make_xyzi_point_cloud2(const std::vector<float>& xyzi, RosHeaderData header);

}  // namespace dc::core::generator

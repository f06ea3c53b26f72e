#pragma once
#include "dc/core/io/drive_reader.h"

namespace dc::core {

// An MCAP recording of ROS 1 or ROS 2 messages (one .mcap file) as one drive.
//
// Sensors are the topics of supported schemas: sensor_msgs/PointCloud2 (lidar), Image and CompressedImage
// (camera), NavSatFix and nav_msgs/Odometry (gnss_imu). The sensor name is the topic made safe ("/cam_front/
// image_raw" -> "cam_front_image_raw"), Sensor::model keeps the topic, Sensor::frame_id is the messages' header
// frame_id (for Odometry the child_frame_id: the body whose pose it gives). CameraInfo topics give intrinsics to
// the cameras with the same frame_id or under the same topic namespace; tf2_msgs/TFMessage topics (/tf_static, and
// /tf edges that never change) build the tf tree from which every sensor gets T_<sensor frame>_from_<lidar frame>.
// Other topics are skipped with a note; missing CameraInfo or tf is reported, never fatal.
//
// Frames: one per message, timestamp = header stamp (only the Header prefix is decoded at ingest), log and publish
// times kept beside it; Frame::file is the .mcap, offset the Chunk record (or the top-level Message record),
// inner_offset the Message record in the decompressed chunk, size the message data size. Damage (truncation, bad
// chunks, undecodable headers) is recorded as ingest errors and the rest is read.
class McapDriveReader : public DriveReader {
 public:
  std::string format() const override { return "mcap"; }
  bool detect(const std::filesystem::path& path) const override;
  std::vector<Drive> read(const std::filesystem::path& path, const Progress& progress) const override;  // one drive
};

}  // namespace dc::core

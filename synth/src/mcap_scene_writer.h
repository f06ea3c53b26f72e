#pragma once
#include "drive_timing.h"
#include "ego_trajectory.h"
#include "mcap_writer.h"
#include "ros_message_writer.h"
#include "sensor_rig.h"

#include <Eigen/Geometry>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <opencv2/core/mat.hpp>
#include <string>
#include <tuple>
#include <vector>

namespace dc::core::generator {

// The synthetic drive as one MCAP recording, the way a ROS 1 or ROS 2 vehicle records it:
// <out>/<date>_drive_<NNNN>_sync.mcap (the KITTI drive's name), chunked (zstd by default), with summary and indexes.
//
// Topics (frame ids "world", "imu", "velo", "cam2", "cam3"):
//   /velodyne_points              PointCloud2, the KITTI .bin points: x y z intensity float32 at 0 4 8 12 and ring
//                                 uint16 at 16, packed (point_step 18, as the Velodyne driver packs), ring = beam
//                                 (0 = top), stamp = sweep time (KITTI's velodyne timestamps.txt)
//   /cam2/image_raw               Image bgr8, the KITTI image_02 pixels, stamp = camera time
//   /cam3/image_raw/compressed    CompressedImage PNG (lossless) of image_03, when the rig has two cameras
//   /camN/camera_info             CameraInfo with each image: K = P_rect[:, :3], P = P_rect (KITTI's), D zeros, R = I
//   /tf_static                    TFMessage: imu <- velo, velo <- cam2, velo <- cam3. header.frame_id = parent,
//                                 child_frame_id = child, the transform is T_parent_from_child. The KITTI text's
//                                 rotations (seven digits, not exactly orthonormal) are projected onto SO(3); the
//                                 translations are kept so that T_child_from_parent has KITTI's translation exactly.
//   /gps/fix                      NavSatFix at the OXTS rate, lat/lon/alt as in the KITTI OXTS record
//   /odom                         Odometry world <- imu (the generator's world, z up, imu at its height above the
//                                 road), twist in the imu frame
// Log time = header stamp + a recorder delay of 1..3 ms, fixed by the seed per message; publish time = log time
// (as rosbag2 and the ROS 1 recorder store it). ROS 1 header seq and the MCAP sequence are the frame number.
//
// Frames may be made on several threads in any order: the write_* calls and finish_frame() are thread-safe; messages
// are held until no unfinished frame can hold an earlier one, so the file is in log-time order and only the frames
// in flight are buffered. Every write throws std::runtime_error naming the file when it fails.
class McapSceneWriter {
 public:
  static constexpr std::uint32_t kPointStep = 18;

  McapSceneWriter(const std::filesystem::path& out, const std::string& date, int drive_number, std::uint64_t seed,
                  RosFlavor flavor, const SensorRig& rig, const DriveTiming& timing, int lidar_beams,
                  McapWriterCompression compression = McapWriterCompression::zstd);
  ~McapSceneWriter();
  McapSceneWriter(const McapSceneWriter&) = delete;
  McapSceneWriter& operator=(const McapSceneWriter&) = delete;

  const std::filesystem::path& file() const { return file_; }
  const std::string& drive_name() const { return name_; }  // "<date>_drive_<NNNN>_sync"

  void write_lidar(int frame, const std::vector<float>& xyzi);
  void write_image(int camera, int frame, const cv::Mat& bgr);
  // `oxts_record` is the OXTS line of this frame (lat lon alt ... as OxtsWriter writes it); `state` the ego then.
  void write_oxts(int frame, const std::string& oxts_record, const EgoTrajectory::State& state);
  // Every write of `frame` is done: what can no longer be preceded goes to the file.
  void finish_frame(int frame);
  // Writes what is left, the summary and the footer. Every frame must have been finished.
  void close();

 private:
  enum Slot { kTfStatic, kLidar, kImage2, kInfo2, kImage3, kInfo3, kFix, kOdom, kSlots };
  struct Pending {
    std::uint64_t publish_time = 0;
    std::uint32_t sequence = 0;
    std::vector<std::uint8_t> data;
  };
  using Key = std::tuple<std::uint64_t, int, int>;  // log time, frame, slot

  RosHeaderData header(std::int64_t stamp, const std::string& frame_id, int frame) const;
  std::uint64_t log_time(std::int64_t stamp, int frame, Slot slot) const;
  void queue(int frame, Slot slot, std::int64_t stamp, std::vector<std::uint8_t> data);
  void emit_before(std::uint64_t limit);  // caller holds mutex_
  std::vector<RosTransformData> static_transforms(std::int64_t stamp) const;

  std::filesystem::path file_;
  std::string name_;
  std::uint64_t seed_;
  RosMessageWriter ros_;
  const SensorRig& rig_;
  const DriveTiming& timing_;
  std::vector<double> beam_elevations_;          // radians, beam 0 first
  std::vector<Eigen::Matrix<double, 3, 4>> P_;   // P_rect of each camera, from the rig's calibration text

  std::mutex mutex_;
  std::unique_ptr<McapWriter> writer_;
  std::uint16_t channels_[kSlots] = {};
  std::map<Key, Pending> pending_;
  std::vector<char> finished_;
  std::size_t finished_prefix_ = 0;              // frames [0, prefix) are finished
  std::vector<std::uint64_t> earliest_from_;     // earliest log time any frame >= k can have
  bool closed_ = false;
};

}  // namespace dc::core::generator

#pragma once
#include "dc/core/model/time_stamp.h"
#include "drive_timing.h"
#include "frame_labeler.h"
#include "sensor_rig.h"
#include "synthetic_scene.h"

#include <Eigen/Geometry>
#include <cstdint>
#include <filesystem>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

namespace dc::core::generator {

// The synthetic drive as a nuScenes root: <root>/v1.0-synthetic/*.json (one scene), <root>/samples/<channel>/ for
// keyframes and <root>/sweeps/<channel>/ for the sweeps between them. Every lidar sweep is a sample_data; a
// keyframe (a nuScenes sample, with boxes) every `keyframe_every()` sweeps (rate / 2 Hz: 5 at 10 Hz), the first sweep
// included, as nuScenes samples at 2 Hz. Cameras: image_02 -> CAM_FRONT, image_03 (the right camera of KITTI's stereo pair, also facing
// forward) -> CAM_FRONT_RIGHT; an image is a keyframe with its sweep.
//
// Frames: the ego frame is the IMU dropped to the ground (nuScenes' ego poses lie on the road, z = 0); the global
// frame is the generator's world. Calibrated sensors are the rig's extrinsics with the rotations made orthonormal
// (KITTI prints them with seven digits). Boxes are the KITTI tracklet boxes of the same frames, put into the global
// frame by dc::core::nuscenes_box_from_lidar, so both layouts carry the same labels.
// Points are .pcd.bin: x y z intensity ring (ring = the beam, 0 = top), intensity as in the KITTI .bin (0..1).
// Payload writes are safe from several threads; every write throws std::runtime_error naming the file.
class NuScenesWriter {
 public:
  static constexpr const char* kVersion = "v1.0-synthetic";

  // Clears this layout's version folder and channel folders left under `root` by an earlier run.
  NuScenesWriter(const std::filesystem::path& root, const std::string& date, int drive_number, std::uint64_t seed,
                 const SensorRig& rig, const DriveTiming& timing, int lidar_beams, double lidar_rate_hz);

  const std::filesystem::path& root() const { return root_; }
  const std::string& scene_name() const { return scene_name_; }
  int keyframe_every() const { return keyframe_every_; }
  bool keyframe(int frame) const { return frame % keyframe_every_ == 0; }
  static const char* camera_channel(int camera);  // 0 -> "CAM_FRONT", 1 -> "CAM_FRONT_RIGHT"

  void write_lidar(int frame, const std::vector<float>& xyzi) const;
  void write_image(int camera, int frame, const cv::Mat& bgr) const;
  // Writes every table; `labels[k]` are the boxes of sweep k (only keyframes' are written). Returns the instances.
  int write_tables(const SyntheticScene& scene, const std::vector<std::vector<FrameLabel>>& labels) const;

  // Transforms as written (rotations orthonormal).
  Eigen::Isometry3d T_ego_from_lidar() const { return T_ego_from_lidar_; }
  Eigen::Isometry3d T_ego_from_camera(int camera) const { return T_ego_from_cam_[static_cast<std::size_t>(camera)]; }
  static Eigen::Isometry3d T_global_from_ego(const EgoTrajectory::State& state);

 private:
  std::filesystem::path file_of(const std::string& channel, int frame, TimestampNs t, const char* ext) const;
  std::string relative(const std::filesystem::path& file) const;
  std::string token(const std::string& kind, std::int64_t a = 0, std::int64_t b = 0) const;

  std::filesystem::path root_;
  std::string scene_name_, log_name_, date_;
  std::uint64_t seed_;
  const SensorRig& rig_;
  const DriveTiming& timing_;
  int beams_;
  int keyframe_every_ = 5;
  std::vector<double> beam_elevations_;  // radians, beam 0 first
  Eigen::Isometry3d T_ego_from_lidar_;
  std::vector<Eigen::Isometry3d> T_ego_from_cam_;
};

}  // namespace dc::core::generator

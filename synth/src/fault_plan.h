#pragma once
#include "dc/synth/fault_spec.h"
#include "drive_timing.h"
#include "ego_trajectory.h"

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace dc::core::generator {

// The faults of one generated drive (GeneratorOptions::inject), answering what each frame of each sensor gets,
// and collecting what was done for <drive>/injected.json. Frames are indices of the generated drive (the clean
// twin's file numbers); drive_frame() maps them to file numbers once drops have renumbered the files.
// Everything may be called from the generator's workers: the queries are const, notes are locked.
class FaultPlan {
 public:
  // Throws std::invalid_argument for a bad spec or for faults on frames that a drop removes.
  FaultPlan(const std::vector<std::string>& specs, const DriveShape& drive, std::uint64_t seed);

  bool empty() const { return specs_.empty(); }
  const std::vector<FaultSpec>& specs() const { return specs_; }

  // Lidar: beams to silence in this sweep (empty: none), then NaN coordinates for some points.
  std::vector<bool> dead_beams(int frame) const;
  void damage_points(int frame, std::vector<float>& xyzi);

  // Cameras: dT applied to T_cam_from_velo when rendering (identity when the camera is not drifted at this frame),
  // and black / overexposed / blur on the rendered image.
  Eigen::Matrix4d camera_drift(const std::string& camera, int frame) const;
  void damage_image(const std::string& camera, int frame, cv::Mat& bgr);

  // OXTS: the position and heading jumps. resolve_oxts() must run first: a jump's sideways direction is the true
  // heading at its first record.
  void resolve_oxts(const std::function<EgoTrajectory::State(int)>& true_state_at_record);
  EgoTrajectory::State oxts_state(int frame, EgoTrajectory::State state) const;

  // Timestamp faults on the stamps that get written (the content stays rendered at the true times).
  void damage_timing(DriveTiming& timing) const;

  // Drops: removed frames, and the file number a kept frame ends up with (-1: removed).
  bool dropped(const std::string& sensor, int frame) const;
  int drive_frame(const std::string& sensor, int frame) const;
  std::vector<std::int64_t> without_dropped(const std::string& sensor, const std::vector<std::int64_t>& values) const;

  // Adds a detail to spec i's entry in injected.json.
  void note(std::size_t spec, const std::string& key, nlohmann::json value);
  std::string report_json() const;

 private:
  std::vector<int> dropped_frames(const std::string& sensor) const;  // ascending

  std::vector<FaultSpec> specs_;
  DriveShape drive_;
  std::uint64_t seed_;
  std::vector<Eigen::Vector2d> gnss_offsets_;  // per spec (gnss-jump only), world metres
  std::vector<nlohmann::json> details_;        // per spec
  std::mutex details_mutex_;
};

}  // namespace dc::core::generator

#pragma once
#include "dc/core/catalog/catalog.h"
#include "dc/core/model/camera_intrinsics.h"
#include "dc/core/model/drive.h"
#include "dc/core/model/sample.h"

#include <Eigen/Geometry>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

// A camera's intrinsics and where it sits relative to the lidar, as the sample's calibration gives them.
struct CameraModel {
  CameraIntrinsics intrinsics;
  Eigen::Isometry3d T_cam_from_lidar = Eigen::Isometry3d::Identity();
};

// An open drive: read once from the catalog, then immutable, so loader threads may read it without locks. What
// both the viewer and a headless pass use to walk a drive's samples.
class DriveSession {
public:
  // Both throw CatalogError when the drive is unknown or the catalog cannot be read.
  static std::shared_ptr<const DriveSession> open(const Catalog& catalog, const std::string& drive_name);
  static std::shared_ptr<const DriveSession> open(const std::filesystem::path& catalog_file,
                                                  const std::string& drive_name);
  // A shard of the drive for a cluster task: its samples [first_sample, end_sample) in time order (end -1: to the
  // end) and the frames from the shard's first sample time up to the next shard's, so every frame belongs to one
  // shard. Sample keys stay the drive's. Throws std::invalid_argument for a range outside the drive.
  static std::shared_ptr<const DriveSession> open_shard(const Catalog& catalog, const std::string& drive_name,
                                                        int first_sample, int end_sample);
  // From an already loaded drive and its samples (samples are rebuilt from the frames when empty).
  DriveSession(Drive drive, std::vector<Sample> samples);

  const Drive& drive() const { return drive_; }
  const std::string& name() const { return drive_.name; }
  const std::string& lidar_sensor() const { return lidar_sensor_; }

  // Samples, in lidar time order (index i is samples()[i]).
  int sample_count() const { return static_cast<int>(samples_.size()); }
  const std::vector<Sample>& samples() const { return samples_; }
  const Sample& sample(int i) const { return samples_.at(static_cast<std::size_t>(i)); }
  const std::vector<TimestampNs>& sample_times() const { return sample_times_; }
  int nearest_sample(TimestampNs t) const;  // -1 when there are no samples
  TimestampNs start_ns() const;             // earliest frame or sample time (0 when empty)
  TimestampNs end_ns() const;

  bool timestamped() const { return drive_.timestamped; }  // false: times are only an order (KITTI object split)

  // Sensors with frames: lidar first, then cameras, then GNSS/IMU, then anything else (by name within a kind).
  const std::vector<std::string>& sensor_names() const { return sensor_names_; }
  const Sensor* sensor(const std::string& name) const { return drive_.find_sensor(name); }
  // One sensor's frames in time order (empty for an unknown sensor).
  const std::vector<Frame>& frames(const std::string& sensor) const;
  const Frame* frame(const std::string& sensor, std::int64_t frame_index) const;
  const Frame* lidar_frame(int sample) const;

  // Camera sensors with frames: color cameras first (what reviewers look at), gray ones (image_00/01) last.
  const std::vector<std::string>& camera_sensors() const { return camera_sensors_; }
  // Typical interval between a sensor's frames (median), the default maximum skew of a sample member; 0 when the
  // sensor has fewer than two frames.
  std::int64_t sensor_period_ns(const std::string& sensor) const;

  // Labels of the sample's lidar frame.
  const std::vector<BoxLabel>& labels(int sample) const;
  // DontCare regions of the sample's lidar frame (image_2 pixels).
  const std::vector<DontCareRegion>& dont_care(int sample) const;
  int label_count(int sample) const { return static_cast<int>(labels(sample).size()); }

  // Calibration valid at the sample's time (nullptr when none covers it).
  const Calibration* calibration(int sample) const;
  // Ego pose for the sample: the GNSS/IMU member of the sample, else the pose nearest in time.
  std::optional<Pose> pose(int sample) const;
  // Where the ego was at time t: the two GNSS/IMU fixes around t interpolated (translation linearly, rotation by
  // slerp), the nearest fix outside their span; none without poses. Tracking across samples needs this: the fix a
  // sample is matched with lies up to half a GNSS period away, which at driving speed moves every object by
  // decimetres from sample to sample.
  std::optional<Eigen::Isometry3d> T_world_from_imu_at(TimestampNs t) const;
  const std::vector<Pose>& poses() const { return drive_.poses; }
  // Maps IMU-frame points to the lidar frame; identity when the calibration has no such extrinsic.
  Eigen::Isometry3d T_lidar_from_imu(int sample) const;
  // Camera extrinsic T_cam_from_lidar from the sample's calibration, when present.
  std::optional<Eigen::Isometry3d> T_camera_from_lidar(int sample, const std::string& camera_sensor) const;
  // The camera's intrinsics (keyed by sensor name) and extrinsic (by the sensor's frame id) from the sample's
  // calibration; none when either is missing.
  std::optional<CameraModel> camera_model(int sample, const std::string& camera_sensor) const;
  // The same from a given calibration instead of the sample's (a refined one the viewer overlays on request).
  std::optional<CameraModel> camera_model(const Calibration& calibration, const std::string& camera_sensor) const;

  // The ego trajectory (IMU origin of every pose within [t - behind_s, t + ahead_s]) expressed in the lidar frame
  // of `sample`, in time order. Empty when the drive has no poses.
  std::vector<Eigen::Vector3d> ego_path(int sample, double behind_s = std::numeric_limits<double>::infinity(),
                                        double ahead_s = std::numeric_limits<double>::infinity()) const;

private:
  std::string frame_id_of(const std::string& sensor, const char* fallback) const;
  const Pose* nearest_pose(TimestampNs t) const;

  Drive drive_;
  std::vector<Sample> samples_;
  std::vector<TimestampNs> sample_times_;
  std::string lidar_sensor_;
  std::string gnss_sensor_;
  std::vector<std::string> sensor_names_;
  std::map<std::string, std::vector<Frame>> frames_by_sensor_;
  std::map<std::string, std::map<std::int64_t, std::size_t>> frame_slot_;  // sensor -> frame index -> position
  std::map<std::int64_t, std::vector<BoxLabel>> labels_by_frame_;
  std::map<std::int64_t, std::vector<DontCareRegion>> dont_care_by_frame_;
  std::vector<std::string> camera_sensors_;
  std::map<std::string, std::int64_t> period_ns_;
};

}  // namespace dc::core

#pragma once
#include "dc/core/catalog/catalog.h"
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

namespace dc::widgets {

// An open drive: read once from the catalog, then immutable, so loader threads may read it without locks.
class DriveSession {
public:
  // Both throw dc::core::CatalogError when the drive is unknown or the catalog cannot be read.
  static std::shared_ptr<const DriveSession> open(const dc::core::Catalog& catalog, const std::string& drive_name);
  static std::shared_ptr<const DriveSession> open(const std::filesystem::path& catalog_file,
                                                  const std::string& drive_name);
  // From an already loaded drive and its samples (samples are rebuilt from the frames when empty).
  DriveSession(dc::core::Drive drive, std::vector<dc::core::Sample> samples);

  const dc::core::Drive& drive() const { return drive_; }
  const std::string& name() const { return drive_.name; }
  const std::string& lidar_sensor() const { return lidar_sensor_; }

  // Samples, in lidar time order (index i is samples()[i]).
  int sample_count() const { return static_cast<int>(samples_.size()); }
  const std::vector<dc::core::Sample>& samples() const { return samples_; }
  const dc::core::Sample& sample(int i) const { return samples_.at(static_cast<std::size_t>(i)); }
  const std::vector<dc::core::TimestampNs>& sample_times() const { return sample_times_; }
  int nearest_sample(dc::core::TimestampNs t) const;  // -1 when there are no samples
  dc::core::TimestampNs start_ns() const;             // earliest frame or sample time (0 when empty)
  dc::core::TimestampNs end_ns() const;

  // Sensors with frames: lidar first, then cameras, then GNSS/IMU, then anything else (by name within a kind).
  const std::vector<std::string>& sensor_names() const { return sensor_names_; }
  const dc::core::Sensor* sensor(const std::string& name) const { return drive_.find_sensor(name); }
  // One sensor's frames in time order (empty for an unknown sensor).
  const std::vector<dc::core::Frame>& frames(const std::string& sensor) const;
  const dc::core::Frame* frame(const std::string& sensor, std::int64_t frame_index) const;
  const dc::core::Frame* lidar_frame(int sample) const;

  // Labels of the sample's lidar frame.
  const std::vector<dc::core::BoxLabel>& labels(int sample) const;
  int label_count(int sample) const { return static_cast<int>(labels(sample).size()); }

  // Calibration valid at the sample's time (nullptr when none covers it).
  const dc::core::Calibration* calibration(int sample) const;
  // Ego pose for the sample: the GNSS/IMU member of the sample, else the pose nearest in time.
  std::optional<dc::core::Pose> pose(int sample) const;
  const std::vector<dc::core::Pose>& poses() const { return drive_.poses; }
  // Maps IMU-frame points to the lidar frame; identity when the calibration has no such extrinsic.
  Eigen::Isometry3d T_lidar_from_imu(int sample) const;
  // Camera extrinsic T_cam_from_lidar from the sample's calibration, when present.
  std::optional<Eigen::Isometry3d> T_camera_from_lidar(int sample, const std::string& camera_sensor) const;

  // The ego trajectory (IMU origin of every pose within [t - behind_s, t + ahead_s]) expressed in the lidar frame
  // of `sample`, in time order. Empty when the drive has no poses.
  std::vector<Eigen::Vector3d> ego_path(int sample, double behind_s = std::numeric_limits<double>::infinity(),
                                        double ahead_s = std::numeric_limits<double>::infinity()) const;

private:
  std::string frame_id_of(const std::string& sensor, const char* fallback) const;
  const dc::core::Pose* nearest_pose(dc::core::TimestampNs t) const;

  dc::core::Drive drive_;
  std::vector<dc::core::Sample> samples_;
  std::vector<dc::core::TimestampNs> sample_times_;
  std::string lidar_sensor_;
  std::string gnss_sensor_;
  std::vector<std::string> sensor_names_;
  std::map<std::string, std::vector<dc::core::Frame>> frames_by_sensor_;
  std::map<std::string, std::map<std::int64_t, std::size_t>> frame_slot_;  // sensor -> frame index -> position
  std::map<std::int64_t, std::vector<dc::core::BoxLabel>> labels_by_frame_;
};

}  // namespace dc::widgets

#include "dc/core/data/drive_session.h"

#include "dc/core/catalog/catalog_error.h"
#include "dc/core/data/sample_builder.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace dc::core {


std::shared_ptr<const DriveSession> DriveSession::open(const Catalog& catalog,
                                                       const std::string& drive_name) {
  auto summary = catalog.find_drive(drive_name);
  if (!summary) throw CatalogError(catalog.path().string() + ": no drive named '" + drive_name + "'");
  Drive drive = catalog.load_drive(summary->name);
  return std::make_shared<const DriveSession>(std::move(drive), catalog.samples(summary->id));
}

std::shared_ptr<const DriveSession> DriveSession::open(const std::filesystem::path& catalog_file,
                                                       const std::string& drive_name) {
  Catalog catalog(catalog_file);
  return open(catalog, drive_name);
}

std::shared_ptr<const DriveSession> DriveSession::open_shard(const Catalog& catalog, const std::string& drive_name,
                                                             int first_sample, int end_sample) {
  auto summary = catalog.find_drive(drive_name);
  if (!summary) throw CatalogError(catalog.path().string() + ": no drive named '" + drive_name + "'");
  Drive drive = catalog.load_drive(summary->name);
  std::vector<Sample> samples = catalog.samples(summary->id);
  std::sort(samples.begin(), samples.end(), [](const auto& a, const auto& b) {
    return a.timestamp_ns != b.timestamp_ns ? a.timestamp_ns < b.timestamp_ns : a.index < b.index;
  });
  const int count = static_cast<int>(samples.size());
  const int end = end_sample < 0 ? count : end_sample;
  if (first_sample < 0 || first_sample >= end || end > count)
    throw std::invalid_argument("samples " + std::to_string(first_sample) + ":" + std::to_string(end_sample) +
                                " are outside drive '" + drive.name + "' (" + std::to_string(count) + " samples)");
  const TimestampNs from = first_sample == 0 ? std::numeric_limits<TimestampNs>::min()
                                             : samples[static_cast<std::size_t>(first_sample)].timestamp_ns;
  const TimestampNs to = end == count ? std::numeric_limits<TimestampNs>::max()
                                      : samples[static_cast<std::size_t>(end)].timestamp_ns;
  std::erase_if(drive.frames, [&](const Frame& f) { return f.timestamp_ns < from || f.timestamp_ns >= to; });
  std::vector<Sample> shard(samples.begin() + first_sample, samples.begin() + end);
  return std::make_shared<const DriveSession>(std::move(drive), std::move(shard));
}

namespace {
int kind_rank(const Sensor* s) {
  if (!s) return 3;
  switch (s->kind) {
    case SensorKind::Lidar:
      return 0;
    case SensorKind::Camera:
      return 1;
    case SensorKind::GnssImu:
      return 2;
  }
  return 3;
}
}  // namespace

DriveSession::DriveSession(Drive drive, std::vector<Sample> samples)
    : drive_(std::move(drive)), samples_(std::move(samples)) {
  lidar_sensor_ = drive_.lidar_sensor();
  for (const auto& s : drive_.sensors)
    if (s.kind == SensorKind::GnssImu && gnss_sensor_.empty()) gnss_sensor_ = s.name;
  if (samples_.empty() && !lidar_sensor_.empty()) samples_ = build_samples(drive_.frames, lidar_sensor_);
  std::sort(samples_.begin(), samples_.end(), [](const auto& a, const auto& b) {
    return a.timestamp_ns != b.timestamp_ns ? a.timestamp_ns < b.timestamp_ns : a.index < b.index;
  });
  sample_times_.reserve(samples_.size());
  for (const auto& s : samples_) sample_times_.push_back(s.timestamp_ns);

  for (const auto& f : drive_.frames) frames_by_sensor_[f.sensor].push_back(f);
  for (auto& [sensor, frames] : frames_by_sensor_) {
    std::stable_sort(frames.begin(), frames.end(), [](const auto& a, const auto& b) {
      return a.timestamp_ns != b.timestamp_ns ? a.timestamp_ns < b.timestamp_ns : a.index < b.index;
    });
    auto& slots = frame_slot_[sensor];
    for (std::size_t i = 0; i < frames.size(); ++i) slots[frames[i].index] = i;
    sensor_names_.push_back(sensor);
  }
  std::stable_sort(sensor_names_.begin(), sensor_names_.end(), [this](const auto& a, const auto& b) {
    const int ra = kind_rank(drive_.find_sensor(a)), rb = kind_rank(drive_.find_sensor(b));
    return ra != rb ? ra < rb : a < b;
  });

  std::sort(drive_.poses.begin(), drive_.poses.end(),
            [](const auto& a, const auto& b) { return a.timestamp_ns < b.timestamp_ns; });
  for (const auto& l : drive_.labels) labels_by_frame_[l.frame_index].push_back(l);
  for (const auto& r : drive_.dont_care) dont_care_by_frame_[r.frame_index].push_back(r);

  for (const auto& name : sensor_names_) {
    const auto* s = drive_.find_sensor(name);
    if (s && s->kind == SensorKind::Camera) camera_sensors_.push_back(name);
  }
  std::stable_sort(camera_sensors_.begin(), camera_sensors_.end(), [](const std::string& a, const std::string& b) {
    auto gray = [](const std::string& n) { return n == "image_00" || n == "image_01"; };
    return !gray(a) && gray(b);
  });
  for (const auto& [sensor, frames] : frames_by_sensor_) {
    std::vector<std::int64_t> gaps;
    for (std::size_t i = 1; i < frames.size(); ++i) gaps.push_back(frames[i].timestamp_ns - frames[i - 1].timestamp_ns);
    if (gaps.empty()) continue;
    std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
    period_ns_[sensor] = gaps[gaps.size() / 2];
  }
}

std::int64_t DriveSession::sensor_period_ns(const std::string& sensor) const {
  auto it = period_ns_.find(sensor);
  return it == period_ns_.end() ? 0 : it->second;
}

const std::vector<DontCareRegion>& DriveSession::dont_care(int sample) const {
  static const std::vector<DontCareRegion> none;
  if (sample < 0 || sample >= sample_count()) return none;
  auto it = dont_care_by_frame_.find(samples_[static_cast<std::size_t>(sample)].lidar_frame_index);
  return it == dont_care_by_frame_.end() ? none : it->second;
}

std::optional<CameraModel> DriveSession::camera_model(int sample, const std::string& camera) const {
  const auto* calib = calibration(sample);
  if (!calib) return std::nullopt;
  return camera_model(*calib, camera);
}

std::optional<CameraModel> DriveSession::camera_model(const Calibration& calib, const std::string& camera) const {
  auto intrinsics = calib.cameras.find(camera);
  auto T = calib.transform(frame_id_of(camera, camera.c_str()), frame_id_of(lidar_sensor_, "velo"));
  if (intrinsics == calib.cameras.end() || !T) return std::nullopt;
  return CameraModel{intrinsics->second, *T};
}

int DriveSession::nearest_sample(TimestampNs t) const {
  if (sample_times_.empty()) return -1;
  auto it = std::lower_bound(sample_times_.begin(), sample_times_.end(), t);
  if (it == sample_times_.end()) return sample_count() - 1;
  int i = static_cast<int>(it - sample_times_.begin());
  if (i > 0 && t - sample_times_[static_cast<std::size_t>(i - 1)] <= *it - t) --i;
  return i;
}

TimestampNs DriveSession::start_ns() const {
  TimestampNs t = sample_times_.empty() ? 0 : sample_times_.front();
  for (const auto& [sensor, frames] : frames_by_sensor_)
    if (!frames.empty() && (t == 0 || frames.front().timestamp_ns < t)) t = frames.front().timestamp_ns;
  return t;
}

TimestampNs DriveSession::end_ns() const {
  TimestampNs t = sample_times_.empty() ? 0 : sample_times_.back();
  for (const auto& [sensor, frames] : frames_by_sensor_)
    if (!frames.empty() && frames.back().timestamp_ns > t) t = frames.back().timestamp_ns;
  return t;
}

const std::vector<Frame>& DriveSession::frames(const std::string& sensor) const {
  static const std::vector<Frame> none;
  auto it = frames_by_sensor_.find(sensor);
  return it == frames_by_sensor_.end() ? none : it->second;
}

const Frame* DriveSession::frame(const std::string& sensor, std::int64_t frame_index) const {
  auto s = frame_slot_.find(sensor);
  if (s == frame_slot_.end()) return nullptr;
  auto f = s->second.find(frame_index);
  if (f == s->second.end()) return nullptr;
  return &frames_by_sensor_.at(sensor)[f->second];
}

const Frame* DriveSession::lidar_frame(int sample) const {
  if (sample < 0 || sample >= sample_count()) return nullptr;
  const auto& s = samples_[static_cast<std::size_t>(sample)];
  return frame(s.lidar_sensor.empty() ? lidar_sensor_ : s.lidar_sensor, s.lidar_frame_index);
}

const std::vector<BoxLabel>& DriveSession::labels(int sample) const {
  static const std::vector<BoxLabel> none;
  if (sample < 0 || sample >= sample_count()) return none;
  auto it = labels_by_frame_.find(samples_[static_cast<std::size_t>(sample)].lidar_frame_index);
  return it == labels_by_frame_.end() ? none : it->second;
}

const Calibration* DriveSession::calibration(int sample) const {
  if (sample < 0 || sample >= sample_count()) return nullptr;
  return drive_.calibration_at(sample_times_[static_cast<std::size_t>(sample)]);
}

const Pose* DriveSession::nearest_pose(TimestampNs t) const {
  const auto& poses = drive_.poses;
  if (poses.empty()) return nullptr;
  auto it = std::lower_bound(poses.begin(), poses.end(), t,
                             [](const Pose& p, TimestampNs v) { return p.timestamp_ns < v; });
  if (it == poses.end()) return &poses.back();
  if (it != poses.begin() && t - std::prev(it)->timestamp_ns <= it->timestamp_ns - t) --it;
  return &*it;
}

std::optional<Pose> DriveSession::pose(int sample) const {
  if (sample < 0 || sample >= sample_count()) return std::nullopt;
  const auto& s = samples_[static_cast<std::size_t>(sample)];
  // The sample's GNSS member is the fix the sample builder matched; its time finds the pose.
  TimestampNs t = s.timestamp_ns;
  for (const auto& m : s.members)
    if (m.sensor == gnss_sensor_) t = s.timestamp_ns + m.skew_ns;
  const auto* p = nearest_pose(t);
  return p ? std::optional<Pose>(*p) : std::nullopt;
}

std::optional<Eigen::Isometry3d> DriveSession::T_world_from_imu_at(TimestampNs t) const {
  const auto& poses = drive_.poses;
  if (poses.empty()) return std::nullopt;
  const auto after = std::lower_bound(poses.begin(), poses.end(), t,
                                      [](const Pose& p, TimestampNs time) { return p.timestamp_ns < time; });
  if (after == poses.begin()) return poses.front().T_world_from_imu;
  if (after == poses.end()) return poses.back().T_world_from_imu;
  const Pose& a = *(after - 1);
  const Pose& b = *after;
  if (b.timestamp_ns == a.timestamp_ns) return b.T_world_from_imu;
  const double f = static_cast<double>(t - a.timestamp_ns) / static_cast<double>(b.timestamp_ns - a.timestamp_ns);
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() = Eigen::Quaterniond(a.T_world_from_imu.linear())
                   .slerp(f, Eigen::Quaterniond(b.T_world_from_imu.linear()))
                   .toRotationMatrix();
  T.translation() = (1 - f) * a.T_world_from_imu.translation() + f * b.T_world_from_imu.translation();
  return T;
}

std::string DriveSession::frame_id_of(const std::string& sensor, const char* fallback) const {
  const auto* s = drive_.find_sensor(sensor);
  return s && !s->frame_id.empty() ? s->frame_id : std::string(fallback);
}

Eigen::Isometry3d DriveSession::T_lidar_from_imu(int sample) const {
  const auto* calib = calibration(sample);
  if (!calib) return Eigen::Isometry3d::Identity();
  auto t = calib->transform(frame_id_of(lidar_sensor_, "velo"), frame_id_of(gnss_sensor_, "imu"));
  return t ? *t : Eigen::Isometry3d::Identity();
}

std::optional<Eigen::Isometry3d> DriveSession::T_camera_from_lidar(int sample, const std::string& camera) const {
  const auto* calib = calibration(sample);
  if (!calib) return std::nullopt;
  return calib->transform(frame_id_of(camera, camera.c_str()), frame_id_of(lidar_sensor_, "velo"));
}

std::vector<Eigen::Vector3d> DriveSession::ego_path(int sample, double behind_s, double ahead_s) const {
  std::vector<Eigen::Vector3d> path;
  const auto here = pose(sample);
  if (!here) return path;
  // p_lidar = T_lidar_from_imu * T_imu_from_world(now) * T_world_from_imu(k) * 0
  const Eigen::Isometry3d T_lidar_from_world = T_lidar_from_imu(sample) * here->T_world_from_imu.inverse();
  const double t0 = static_cast<double>(here->timestamp_ns);
  for (const auto& p : drive_.poses) {
    const double dt = (static_cast<double>(p.timestamp_ns) - t0) * 1e-9;
    if (dt < -behind_s || dt > ahead_s) continue;
    path.push_back(T_lidar_from_world * p.T_world_from_imu.translation());
  }
  return path;
}

}  // namespace dc::core

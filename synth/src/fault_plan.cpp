#include "fault_plan.h"

#include "lidar_ray_caster.h"
#include "rng.h"

#include <Eigen/Geometry>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace dc::core::generator {

namespace {

constexpr double kDeg = 180.0 / std::numbers::pi;

TimestampNs ns(double seconds) {
  return static_cast<TimestampNs>(std::llround(seconds * 1e9));
}

// One random stream per (spec, frame): independent of worker order and of the other specs' frames.
Rng fault_rng(std::uint64_t seed, std::size_t spec, int frame) {
  return Rng(seed, Purpose::Faults, (static_cast<std::uint64_t>(spec) << 32) | static_cast<std::uint32_t>(frame));
}

bool is_camera(const std::string& sensor) {
  return sensor.rfind("image_", 0) == 0;
}

// dT acting on camera-frame points: R = Ry(yaw) * Rx(pitch) * Rz(roll), then + (x, y, z).
Eigen::Matrix4d drift_of(const FaultSpec& s) {
  const Eigen::Matrix3d R = (Eigen::AngleAxisd(s.yaw, Eigen::Vector3d::UnitY()) *
                             Eigen::AngleAxisd(s.pitch, Eigen::Vector3d::UnitX()) *
                             Eigen::AngleAxisd(s.roll, Eigen::Vector3d::UnitZ()))
                                .toRotationMatrix();
  Eigen::Matrix4d T = Eigen::Matrix4d::Identity();
  T.topLeftCorner<3, 3>() = R;
  T.topRightCorner<3, 1>() = Eigen::Vector3d(s.x, s.y, s.z);
  return T;
}

nlohmann::json rows(const Eigen::Matrix4d& T) {
  nlohmann::json out = nlohmann::json::array();
  for (int r = 0; r < 4; ++r) out.push_back({T(r, 0), T(r, 1), T(r, 2), T(r, 3)});
  return out;
}

double blur_sigma(int width) {
  return std::max(3.0, width / 100.0);  // strong: edges smeared over several percent of the image
}

// The frames a spec names that must still exist in the written drive (checked against drops).
std::vector<int> needed_frames(const FaultSpec& s) {
  std::vector<int> frames;
  switch (s.kind) {
    case FaultKind::Drop:
    case FaultKind::TimeJitter:
    case FaultKind::CalibDrift:
      break;  // a drop needs nothing; jitter and drift apply to whatever frames remain
    case FaultKind::TimeJump:
    case FaultKind::GnssJump:
    case FaultKind::HeadingJump:
      frames.push_back(s.first);
      break;
    case FaultKind::DuplicateTime:
    case FaultKind::Frozen:
      frames.push_back(s.first - 1);  // the source frame
      [[fallthrough]];
    default:
      for (int f = s.first; f <= s.last; ++f) frames.push_back(f);
  }
  return frames;
}

}  // namespace

FaultPlan::FaultPlan(const std::vector<std::string>& specs, const DriveShape& drive, std::uint64_t seed)
    : drive_(drive), seed_(seed) {
  for (const auto& text : specs) specs_.push_back(parse_fault_spec(text, drive));
  for (const auto& s : specs_) {
    for (int f : needed_frames(s)) {
      for (const auto& d : specs_) {
        if (d.kind != FaultKind::Drop || d.sensor != s.sensor || f < d.first || f > d.last) continue;
        throw std::invalid_argument("invalid fault spec '" + s.text + "': frame " + std::to_string(f) + " of " +
                                    s.sensor + " is removed by '" + d.text + "'");
      }
    }
  }
  gnss_offsets_.assign(specs_.size(), Eigen::Vector2d::Zero());
  details_.assign(specs_.size(), nlohmann::json::object());

  const std::vector<double> elevations = LidarRayCaster::elevations_deg(drive.lidar_beams);
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const FaultSpec& s = specs_[i];
    nlohmann::json& d = details_[i];
    switch (s.kind) {
      case FaultKind::Drop:
        d["representation"] =
            "removed: the frames' payload files and timestamps lines (timestamps_start/_end too for "
            "velodyne_points, tracklet poses too) are deleted and later files renumbered, so the drive shows a "
            "timing gap of the dropped periods";
        d["count"] = s.last - s.first + 1;
        break;
      case FaultKind::TimeJump:
        d["offset_s"] = s.value;
        break;
      case FaultKind::TimeJitter:
        d["max_abs_s"] = s.value;
        d["distribution"] = "uniform";
        break;
      case FaultKind::DuplicateTime:
        d["copied_from_frame"] = s.first - 1;
        break;
      case FaultKind::DeadRings: {
        d["rings"] = s.rings;
        nlohmann::json el = nlohmann::json::array();
        for (int r : s.rings) el.push_back(elevations[r]);
        d["elevations_deg"] = el;
        d["ring_numbering"] = "0 = top beam (highest elevation), counting downwards";
        break;
      }
      case FaultKind::NanPoints:
        d["requested"] = static_cast<int>(s.value);
        break;
      case FaultKind::Black:
        d["pixels"] = "value / 64 (0..3)";
        break;
      case FaultKind::Overexposed:
        d["pixels"] = "255 - (255 - value) / 64 (252..255)";
        break;
      case FaultKind::Blur:
        break;  // sigma depends on the image: noted when applied
      case FaultKind::Frozen:
        d["source_frame"] = s.first - 1;
        d["pixels"] = "the source frame's PNG file, byte for byte";
        break;
      case FaultKind::Truncate:
        break;  // sizes noted when applied
      case FaultKind::GnssJump:
        d["offset_m"] = s.value;
        d["direction"] = "left of the true heading at the first record (negative: right)";
        break;
      case FaultKind::HeadingJump:
        d["offset_rad"] = s.value;
        d["offset_deg"] = s.value * kDeg;
        break;
      case FaultKind::CalibDrift:
        d["from"] = s.first;
        d["roll_deg"] = s.roll * kDeg;
        d["pitch_deg"] = s.pitch * kDeg;
        d["yaw_deg"] = s.yaw * kDeg;
        d["x_m"] = s.x;
        d["y_m"] = s.y;
        d["z_m"] = s.z;
        d["convention"] =
            "images rendered with T_cam_from_velo' = dT * T_cam_from_velo; dT acts on camera-frame points "
            "(x right, y down, z forward): R = Ry(yaw) * Rx(pitch) * Rz(roll), then + (x, y, z); the "
            "calibration files hold the original T_cam_from_velo";
        d["dT"] = rows(drift_of(s));
        break;
    }
  }
}

std::vector<bool> FaultPlan::dead_beams(int frame) const {
  std::vector<bool> dead;
  for (const auto& s : specs_) {
    if (s.kind != FaultKind::DeadRings || frame < s.first || frame > s.last) continue;
    dead.resize(drive_.lidar_beams, false);
    for (int r : s.rings) dead[r] = true;
  }
  return dead;
}

void FaultPlan::damage_points(int frame, std::vector<float>& xyzi) {
  const std::size_t count = xyzi.size() / 4;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const FaultSpec& s = specs_[i];
    if (s.kind != FaultKind::NanPoints || s.first != frame) continue;
    // A partial Fisher-Yates shuffle picks distinct points; a sweep with fewer points loses all of them.
    std::vector<std::size_t> order(count);
    for (std::size_t k = 0; k < count; ++k) order[k] = k;
    const std::size_t n = std::min(count, static_cast<std::size_t>(s.value));
    Rng rng = fault_rng(seed_, i, frame);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t j = k + static_cast<std::size_t>(rng.uniform() * static_cast<double>(count - k));
      std::swap(order[k], order[std::min(j, count - 1)]);
      for (int c = 0; c < 3; ++c) xyzi[order[k] * 4 + c] = std::numeric_limits<float>::quiet_NaN();
    }
    note(i, "points", n);
  }
}

Eigen::Matrix4d FaultPlan::camera_drift(const std::string& camera, int frame) const {
  Eigen::Matrix4d T = Eigen::Matrix4d::Identity();
  for (const auto& s : specs_)
    if (s.kind == FaultKind::CalibDrift && s.sensor == camera && frame >= s.first) T = drift_of(s) * T;
  return T;
}

void FaultPlan::damage_image(const std::string& camera, int frame, cv::Mat& bgr) {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const FaultSpec& s = specs_[i];
    if (s.sensor != camera || s.first != frame) continue;
    switch (s.kind) {
      case FaultKind::Black:  // a capped lens or failed exposure: only the darkest levels are left
        for (int v = 0; v < bgr.rows; ++v)
          for (auto* p = bgr.ptr<std::uint8_t>(v), *end = p + bgr.cols * bgr.channels(); p != end; ++p) *p >>= 6;
        break;
      case FaultKind::Overexposed:
        for (int v = 0; v < bgr.rows; ++v)
          for (auto* p = bgr.ptr<std::uint8_t>(v), *end = p + bgr.cols * bgr.channels(); p != end; ++p)
            *p = static_cast<std::uint8_t>(255 - ((255 - *p) >> 6));
        break;
      case FaultKind::Blur: {
        cv::Mat blurred;
        cv::GaussianBlur(bgr, blurred, cv::Size(0, 0), blur_sigma(bgr.cols));
        bgr = blurred;
        note(i, "sigma_px", blur_sigma(bgr.cols));
        break;
      }
      default:
        break;
    }
  }
}

void FaultPlan::resolve_oxts(const std::function<EgoTrajectory::State(int)>& true_state_at_record) {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const FaultSpec& s = specs_[i];
    if (s.kind != FaultKind::GnssJump) continue;
    const double h = true_state_at_record(s.first).heading;
    gnss_offsets_[i] = s.value * Eigen::Vector2d(-std::sin(h), std::cos(h));  // left of the heading
    note(i, "east_m", gnss_offsets_[i].x());
    note(i, "north_m", gnss_offsets_[i].y());
  }
}

EgoTrajectory::State FaultPlan::oxts_state(int frame, EgoTrajectory::State state) const {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const FaultSpec& s = specs_[i];
    if (frame < s.first) continue;
    if (s.kind == FaultKind::GnssJump) state.xy += gnss_offsets_[i];
    if (s.kind == FaultKind::HeadingJump) state.heading += s.value;
  }
  return state;
}

void FaultPlan::damage_timing(DriveTiming& timing) const {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const FaultSpec& s = specs_[i];
    std::vector<TimestampNs>* stamps = nullptr;
    if (s.sensor == "velodyne_points") stamps = &timing.lidar;
    else if (s.sensor == "oxts") stamps = &timing.oxts;
    else if (is_camera(s.sensor)) stamps = &timing.cameras[std::stoi(s.sensor.substr(6)) - 2];
    if (!stamps) continue;
    const std::vector<TimestampNs> before = *stamps;
    auto& t = *stamps;
    switch (s.kind) {
      case FaultKind::TimeJump:
        for (int k = s.first; k < static_cast<int>(t.size()); ++k) t[k] += ns(s.value);
        break;
      case FaultKind::TimeJitter: {
        Rng rng = fault_rng(seed_, i, 0);
        for (auto& v : t) v += ns(rng.uniform(-s.value, s.value));
        break;
      }
      case FaultKind::DuplicateTime:
        t[s.first] = t[s.first - 1];
        break;
      default:
        continue;
    }
    // A sweep's start and end move with its timestamp, so the three lidar files stay consistent.
    if (s.sensor == "velodyne_points")
      for (std::size_t k = 0; k < t.size(); ++k) {
        timing.lidar_start[k] += t[k] - before[k];
        timing.lidar_end[k] += t[k] - before[k];
      }
  }
}

std::vector<int> FaultPlan::dropped_frames(const std::string& sensor) const {
  std::vector<int> frames;
  for (const auto& s : specs_)
    if (s.kind == FaultKind::Drop && s.sensor == sensor)
      for (int f = s.first; f <= s.last; ++f) frames.push_back(f);
  std::sort(frames.begin(), frames.end());
  frames.erase(std::unique(frames.begin(), frames.end()), frames.end());
  return frames;
}

bool FaultPlan::dropped(const std::string& sensor, int frame) const {
  for (const auto& s : specs_)
    if (s.kind == FaultKind::Drop && s.sensor == sensor && frame >= s.first && frame <= s.last) return true;
  return false;
}

int FaultPlan::drive_frame(const std::string& sensor, int frame) const {
  if (dropped(sensor, frame)) return -1;
  int before = 0;
  for (int f : dropped_frames(sensor)) before += f < frame ? 1 : 0;
  return frame - before;
}

std::vector<std::int64_t> FaultPlan::without_dropped(const std::string& sensor,
                                                     const std::vector<std::int64_t>& values) const {
  std::vector<std::int64_t> kept;
  for (std::size_t k = 0; k < values.size(); ++k)
    if (!dropped(sensor, static_cast<int>(k))) kept.push_back(values[k]);
  return kept;
}

void FaultPlan::note(std::size_t spec, const std::string& key, nlohmann::json value) {
  std::lock_guard lock(details_mutex_);
  details_.at(spec)[key] = std::move(value);
}

std::string FaultPlan::report_json() const {
  nlohmann::json faults = nlohmann::json::array();
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const FaultSpec& s = specs_[i];
    nlohmann::json entry;
    entry["spec"] = s.text;
    entry["kind"] = fault_kind_name(s.kind);
    entry["sensor"] = s.sensor;
    std::vector<int> frames;
    if (s.kind == FaultKind::TimeJump || s.kind == FaultKind::GnssJump || s.kind == FaultKind::HeadingJump) {
      frames.push_back(s.first);
    } else {
      for (int f = s.first; f <= s.last; ++f)
        if (s.kind == FaultKind::Drop || !dropped(s.sensor, f)) frames.push_back(f);
    }
    entry["frames"] = frames;
    nlohmann::json details = details_[i];
    if (s.kind == FaultKind::Drop) {
      // Where the gap is in the written drive: between these two file numbers (null: at the drive's start/end).
      int before = s.first - 1, after = s.last + 1;
      while (before >= 0 && dropped(s.sensor, before)) --before;
      while (after < drive_.frames && dropped(s.sensor, after)) ++after;
      details["gap_between_drive_frames"] = {
          before >= 0 ? nlohmann::json(drive_frame(s.sensor, before)) : nlohmann::json(nullptr),
          after < drive_.frames ? nlohmann::json(drive_frame(s.sensor, after)) : nlohmann::json(nullptr)};
    } else if (!dropped_frames(s.sensor).empty()) {
      // Later drops renumbered the files: the frames as the written drive numbers them.
      std::vector<int> renumbered;
      for (int f : frames) renumbered.push_back(drive_frame(s.sensor, f));
      if (renumbered != frames) details["drive_frames"] = renumbered;
    }
    entry["details"] = details;
    faults.push_back(entry);
  }
  return nlohmann::json{{"faults", faults}}.dump(2) + "\n";
}

}  // namespace dc::core::generator

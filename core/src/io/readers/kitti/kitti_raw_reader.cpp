#include "io/readers/kitti/kitti_raw_reader.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/file_check.h"
#include "io/readers/folder_paths.h"
#include "io/readers/kitti/kitti_calibration_file.h"
#include "io/readers/kitti/oxts_parser.h"
#include "io/readers/payload_check.h"
#include "io/readers/timestamp_file.h"
#include "io/readers/kitti/tracklet_xml_parser.h"

#include <cstdio>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <system_error>

namespace dc::core {

namespace fs = std::filesystem;

namespace {

struct SensorSpec {
  const char* name;
  SensorKind kind;
  const char* frame_id;
  const char* model;
  const char* extension;
};

// All KITTI raw sensors run at 10 Hz (the lidar triggers the cameras).
constexpr SensorSpec kSensors[] = {
    {"image_00", SensorKind::Camera, "cam0", "FL2-14S3M-C", ".png"},
    {"image_01", SensorKind::Camera, "cam1", "FL2-14S3M-C", ".png"},
    {"image_02", SensorKind::Camera, "cam2", "FL2-14S3C-C", ".png"},
    {"image_03", SensorKind::Camera, "cam3", "FL2-14S3C-C", ".png"},
    {"velodyne_points", SensorKind::Lidar, "velo", "HDL-64E", ".bin"},
    {"oxts", SensorKind::GnssImu, "imu", "OXTS RT3003", ".txt"},
};
constexpr double kRateHz = 10.0;
// KITTI raw timestamps are the wall clock of the recording car in Karlsruhe.
constexpr const char* kKittiTimeZone = "Europe/Berlin";

std::string frame_file_name(std::int64_t index, const char* extension) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%010lld%s", static_cast<long long>(index), extension);
  return buf;
}

Eigen::Isometry3d isometry(const Eigen::Matrix3d& R, const Eigen::Vector3d& t) {
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() = R;
  T.translation() = t;
  return T;
}

class RawDriveParser {
public:
  RawDriveParser(const fs::path& root, Drive& drive, const Progress& progress)
      : root_(root), drive_(drive), progress_(progress) {}

  void read_calibration();
  void read_sensor(const SensorSpec& spec);
  void read_poses();
  void read_tracklets();

private:
  void error(const fs::path& path, int line, const std::string& message) {
    drive_.errors.push_back(IngestError::make(path.string(), line, message, drive_.name));
  }
  void check_cancel() const {
    if (progress_.cancelled()) throw Cancelled();
  }
  // Data files whose frame number has no line in timestamps.txt are never indexed: say so.
  void report_unstamped(const fs::path& data_dir, const SensorSpec& spec, const std::vector<TimestampLine>& stamps);
  void error(const ParseError& e) { error(e.file(), e.line(), e.message()); }
  std::optional<KittiCalibrationFile> open_calibration(const char* name);

  fs::path root_;
  Drive& drive_;
  const Progress& progress_;
  std::vector<std::pair<std::int64_t, fs::path>> oxts_files_;  // frame index, file (existing only)
  std::map<std::int64_t, TimestampNs> oxts_times_;
  std::map<std::int64_t, TimestampNs> lidar_times_;
};

std::optional<KittiCalibrationFile> RawDriveParser::open_calibration(const char* name) {
  const fs::path file = root_.parent_path() / name;
  if (!exists_any(file)) {
    error(file, 0, "calibration file missing");
    return std::nullopt;
  }
  try {
    auto calib = KittiCalibrationFile::read(file);
    for (const auto& p : calib.problems()) error(p.path, p.line, p.message);
    return calib;
  } catch (const ParseError& e) {
    error(e);
    return std::nullopt;
  }
}

void RawDriveParser::read_calibration() {
  Calibration calib;  // one for the whole drive, open validity
  auto cam_to_cam = open_calibration("calib_cam_to_cam.txt");
  auto velo_to_cam = open_calibration("calib_velo_to_cam.txt");
  auto imu_to_velo = open_calibration("calib_imu_to_velo.txt");

  std::optional<Eigen::Isometry3d> T_cam0unrect_from_velo;
  if (velo_to_cam) {
    try {
      T_cam0unrect_from_velo = isometry(velo_to_cam->rotation("R"), velo_to_cam->vector3("T"));
      calib.set_transform({"cam0_unrect", "velo", *T_cam0unrect_from_velo, CalibrationSource::File});
    } catch (const ParseError& e) {
      error(e);
    }
  }
  if (imu_to_velo) {
    try {
      calib.set_transform(
          {"velo", "imu", isometry(imu_to_velo->rotation("R"), imu_to_velo->vector3("T")), CalibrationSource::File});
    } catch (const ParseError& e) {
      error(e);
    }
  }

  std::optional<Eigen::Matrix3d> R_rect_00;
  if (cam_to_cam) {
    try {
      R_rect_00 = cam_to_cam->rotation("R_rect_00");
    } catch (const ParseError& e) {
      error(e);
    }
  }
  for (const auto& spec : kSensors) {
    if (spec.kind != SensorKind::Camera || !is_dir(root_ / spec.name) || !cam_to_cam) continue;
    const std::string suffix = std::string(spec.name).substr(6);  // "00".."03"
    try {
      // Synced data is rectified: the projection is P_rect = K [I | t], no distortion.
      const Eigen::Matrix<double, 3, 4> P = cam_to_cam->projection34("P_rect_" + suffix);
      const auto size = cam_to_cam->numbers("S_rect_" + suffix, 2);
      if (!(size[0] >= 1 && size[0] <= 100000 && size[1] >= 1 && size[1] <= 100000))
        throw ParseError(cam_to_cam->file(), cam_to_cam->line_of("S_rect_" + suffix),
                         "S_rect_" + suffix + ": image size must be 1..100000 pixels");
      CameraIntrinsics intr;
      intr.K = P.leftCols<3>();
      intr.width = static_cast<int>(size[0]);
      intr.height = static_cast<int>(size[1]);
      calib.cameras[spec.name] = intr;
      if (R_rect_00 && T_cam0unrect_from_velo) {
        Eigen::Isometry3d T_cam_from_rect0 = Eigen::Isometry3d::Identity();
        T_cam_from_rect0.translation() = intr.K.inverse() * P.col(3);
        Eigen::Isometry3d R_rect = Eigen::Isometry3d::Identity();
        R_rect.linear() = *R_rect_00;
        calib.set_transform({spec.frame_id, "velo", T_cam_from_rect0 * R_rect * *T_cam0unrect_from_velo,
                             CalibrationSource::File});
      }
    } catch (const ParseError& e) {
      error(e);
    }
  }
  if (!calib.cameras.empty() || !calib.extrinsics.empty()) drive_.calibrations.push_back(std::move(calib));
}

void RawDriveParser::read_sensor(const SensorSpec& spec) {
  const fs::path dir = root_ / spec.name;
  drive_.sensors.push_back({spec.name, spec.kind, kRateHz, spec.frame_id, spec.model});

  const fs::path stamps_file = dir / "timestamps.txt";
  std::vector<TimestampLine> stamps;
  if (!exists_any(stamps_file)) {
    error(stamps_file, 0, "timestamps file missing; sensor has no frames");
    return;
  }
  try {
    stamps = read_timestamp_file(stamps_file, drive_.name, drive_.errors, drive_.time_zone);
  } catch (const ParseError& e) {
    error(e);
    return;
  }

  const fs::path data_dir = dir / "data";
  const bool have_data = is_dir(data_dir);
  if (!have_data && !stamps.empty())
    error(data_dir, 0, "folder missing; " + std::to_string(stamps.size()) + " frames have no payload");

  std::size_t missing = 0;
  std::string first_missing;
  for (const auto& s : stamps) {
    check_cancel();
    Frame f;
    f.sensor = spec.name;
    f.index = s.index;
    f.timestamp_ns = s.timestamp_ns;
    if (have_data) {
      const fs::path file = data_dir / frame_file_name(s.index, spec.extension);
      std::error_code ec;
      const std::optional<std::string> unusable = file_problem(file);
      const std::uintmax_t size = unusable ? 0 : fs::file_size(file, ec);
      if (unusable && exists_any(file)) {
        // A FIFO, folder or unreadable file: the frame stays (labels keep their sample), without payload.
        error(file, 0, *unusable + "; frame kept without payload");
      } else if (unusable || ec) {
        if (missing++ == 0) first_missing = file.filename().string();
      } else {
        f.file = file.string();
        f.size = size;
        // Header-only checks: payloads are decoded on demand, not at ingest.
        std::optional<std::string> problem;
        if (spec.kind == SensorKind::Lidar) problem = check_velodyne_bin_size(size);
        else if (spec.kind == SensorKind::Camera) problem = check_png(file);
        if (problem) error(file, 0, *problem);
        if (spec.kind == SensorKind::GnssImu) oxts_files_.emplace_back(s.index, file);
      }
    }
    if (spec.kind == SensorKind::GnssImu) oxts_times_[s.index] = s.timestamp_ns;
    if (spec.kind == SensorKind::Lidar) lidar_times_[s.index] = s.timestamp_ns;
    drive_.frames.push_back(std::move(f));
  }
  if (missing > 0)
    error(data_dir, 0,
          std::to_string(missing) + " of " + std::to_string(stamps.size()) + " payload files missing (first: " +
              first_missing + "); frames kept without payload");
  if (have_data) report_unstamped(data_dir, spec, stamps);
}

void RawDriveParser::report_unstamped(const fs::path& data_dir, const SensorSpec& spec,
                                      const std::vector<TimestampLine>& stamps) {
  std::set<std::int64_t> stamped;
  for (const auto& s : stamps) stamped.insert(s.index);
  std::set<std::string> unstamped;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data_dir, ec)) {
    const fs::path& p = entry.path();
    const std::string stem = p.stem().string();
    if (p.extension() != spec.extension || stem.size() != 10 || stem.find_first_not_of("0123456789") != std::string::npos)
      continue;
    if (!stamped.count(std::stoll(stem))) unstamped.insert(p.filename().string());
  }
  if (ec) error(data_dir, 0, "cannot list folder: " + ec.message());
  if (unstamped.empty()) return;
  std::string message = std::to_string(unstamped.size()) + " files have no timestamp in " + spec.name +
                        "/timestamps.txt and are not indexed (first: " + *unstamped.begin() + ")";
  if (spec.kind == SensorKind::GnssImu) message += "; no pose for them";
  error(data_dir, 0, message);
}

void RawDriveParser::read_poses() {
  OxtsPoseBuilder builder;
  for (const auto& [index, file] : oxts_files_) {
    check_cancel();
    try {
      const OxtsRecord record = read_oxts_file(file);
      drive_.poses.push_back(builder.add(record, oxts_times_.at(index)));
    } catch (const ParseError& e) {
      error(e.file(), e.line(), e.message() + "; pose skipped");
    }
  }
}

void RawDriveParser::read_tracklets() {
  const fs::path file = root_ / "tracklet_labels.xml";
  if (!exists_any(file)) return;  // tracklets are optional; a FIFO or folder of that name is reported
  TrackletParseResult parsed;
  try {
    parsed = parse_tracklets(file);
  } catch (const ParseError& e) {
    error(e.file(), e.line(), e.message() + "; no labels read");
    return;
  }
  for (const auto& p : parsed.problems) error(p);
  // A box is placed in time by its lidar sweep; without one it would sit at 1970, so it is dropped and counted.
  std::size_t without_time = 0;
  std::int64_t first_frame = -1;
  for (auto& box : parsed.boxes) {
    auto it = lidar_times_.find(box.frame_index);
    if (it == lidar_times_.end()) {
      if (without_time++ == 0) first_frame = box.frame_index;
      continue;
    }
    box.timestamp_ns = it->second;
    drive_.labels.push_back(std::move(box));
  }
  if (without_time > 0)
    error(file, 0,
          std::to_string(without_time) + " boxes refer to frames without a lidar timestamp (first: frame " +
              std::to_string(first_frame) + "); dropped");
}

}  // namespace

bool KittiRawReader::detect(const fs::path& folder) const {
  const fs::path p = normalized_absolute(folder);
  static const std::regex kName(R"(.+_drive_.+_sync)");
  if (!std::regex_match(p.filename().string(), kName) || !is_dir(p)) return false;
  for (const auto& spec : kSensors)
    if (is_dir(p / spec.name)) return true;
  return false;
}

std::vector<Drive> KittiRawReader::read(const fs::path& path, const Progress& progress) const {
  std::vector<Drive> drives;
  drives.push_back(read_drive(path, progress));
  return drives;
}

Drive KittiRawReader::read_drive(const fs::path& folder, const Progress& progress) const {
  const fs::path root = normalized_absolute(folder);
  if (!is_dir(root)) throw ParseError(root, "drive folder not found");
  if (!detect(root))
    throw ParseError(root, "not a KITTI raw drive (expected <date>_drive_<NNNN>_sync with image_0X, "
                           "velodyne_points or oxts folders)");
  Drive drive;
  drive.name = root.filename().string();
  drive.format = format();
  drive.root = root.string();
  drive.time_zone = kKittiTimeZone;

  RawDriveParser parser(root, drive, progress);
  parser.read_calibration();
  for (const auto& spec : kSensors) {
    if (progress.cancelled()) throw Cancelled();
    if (is_dir(root / spec.name)) parser.read_sensor(spec);
  }
  parser.read_poses();
  parser.read_tracklets();
  return drive;
}

}  // namespace dc::core

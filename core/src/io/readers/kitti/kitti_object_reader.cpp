#include "io/readers/kitti/kitti_object_reader.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/file_check.h"
#include "io/readers/folder_paths.h"
#include "io/readers/kitti/kitti_calibration_file.h"
#include "io/readers/kitti/kitti_label_file.h"
#include "io/readers/payload_check.h"
#include "io/readers/png_header.h"
#include "io/readers/text_util.h"

#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <system_error>

namespace dc::core {

namespace fs = std::filesystem;

namespace {

// The object split has no timestamps: frames are independent snapshots. They get index * 100 ms since the epoch
// (KITTI's 10 Hz nominal rate) so that time-keyed code (samples, per-frame calibration validity) works.
constexpr TimestampNs kFramePeriodNs = 100'000'000;
constexpr const char* kLidar = "velodyne";
constexpr const char* kCamera = "image_2";

std::string frame_file_name(std::int64_t index, const char* extension) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06lld%s", static_cast<long long>(index), extension);
  return buf;
}

Eigen::Isometry3d isometry34(const Eigen::Matrix<double, 3, 4>& m) {
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() = m.leftCols<3>();
  T.translation() = m.col(3);
  return T;
}

RigidTransform transform(std::string to, std::string from, const Eigen::Isometry3d& T, TimestampNs from_ns,
                         TimestampNs to_ns) {
  RigidTransform t;
  t.to_frame = std::move(to);
  t.from_frame = std::move(from);
  t.T_to_from = T;
  t.source = CalibrationSource::File;
  t.valid_from_ns = from_ns;
  t.valid_to_ns = to_ns;
  return t;
}

class ObjectSplitParser {
public:
  ObjectSplitParser(const fs::path& root, Drive& drive, const Progress& progress)
      : root_(root), drive_(drive), progress_(progress) {}

  // Frame numbers of `dir`/*`extension`; other names are reported.
  std::set<std::int64_t> list(const char* dir, const char* extension);
  // One frame per index of the split; a missing or unusable payload is reported and the frame kept with file ""
  // so that the labels of that frame stay attached to a sample.
  void read_payloads(const char* sensor, const char* extension, const std::set<std::int64_t>& indexes);
  // Calibration of one frame, or nothing when it is missing or unusable.
  std::optional<Calibration> read_calibration(std::int64_t index);
  void read_labels(std::int64_t index, const std::optional<Calibration>& calib);

private:
  void error(const fs::path& path, int line, const std::string& message) {
    drive_.errors.push_back(IngestError::make(path.string(), line, message, drive_.name));
  }
  void error(const ParseError& e) { error(e.file(), e.line(), e.message()); }

  fs::path root_;
  Drive& drive_;
  const Progress& progress_;
  std::map<std::int64_t, PngHeader> image_headers_;
};

std::set<std::int64_t> ObjectSplitParser::list(const char* dir, const char* extension) {
  std::set<std::int64_t> out;
  const fs::path folder = root_ / dir;
  if (!is_dir(folder)) return out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const fs::path& p = entry.path();
    if (p.extension() != extension || p.filename().string().front() == '.') continue;
    const std::string stem = p.stem().string();
    long long index = 0;
    if (stem.find_first_not_of("0123456789") != std::string::npos || !parse_int(stem, index)) {
      error(p, 0, std::string("file name is not a frame number (expected NNNNNN") + extension + "); ignored");
      continue;
    }
    out.insert(index);
  }
  if (ec) error(folder, 0, "cannot list folder: " + ec.message());
  return out;
}

void ObjectSplitParser::read_payloads(const char* sensor, const char* extension,
                                      const std::set<std::int64_t>& indexes) {
  std::size_t missing = 0;
  std::string first_missing;
  const bool lidar = std::string(sensor) == kLidar;
  for (std::int64_t index : indexes) {
    if (progress_.cancelled()) throw Cancelled();
    const fs::path file = root_ / sensor / frame_file_name(index, extension);
    Frame f{sensor, index, index * kFramePeriodNs, "", 0, 0};
    if (auto problem = file_problem(file)) {
      if (!exists_any(file)) {
        if (missing++ == 0) first_missing = file.filename().string();
      } else {
        error(file, 0, *problem + "; frame kept without payload");
      }
      drive_.frames.push_back(std::move(f));
      continue;
    }
    std::error_code ec;
    f.file = file.string();
    f.size = fs::file_size(file, ec);
    if (ec) error(file, 0, "cannot stat: " + ec.message());
    else if (lidar) {
      if (auto problem = check_velodyne_bin_size(f.size)) error(file, 0, *problem);
    } else {
      try {
        image_headers_[index] = read_png_header(file);
      } catch (const ParseError& e) {
        error(e);
      }
    }
    drive_.frames.push_back(std::move(f));
  }
  if (missing > 0)
    error(root_ / sensor, 0,
          std::to_string(missing) + " payload files missing (first: " + first_missing +
              "); frames kept without payload");
}

std::optional<Calibration> ObjectSplitParser::read_calibration(std::int64_t index) {
  const fs::path file = root_ / "calib" / frame_file_name(index, ".txt");
  if (!exists_any(file)) {
    error(file, 0, "calibration missing for frame " + std::to_string(index));
    return std::nullopt;
  }
  const TimestampNs from = index * kFramePeriodNs, to = from + kFramePeriodNs;
  Calibration calib;
  calib.valid_from_ns = from;
  calib.valid_to_ns = to;
  std::optional<KittiCalibrationFile> text;
  try {
    text = KittiCalibrationFile::read(file);
  } catch (const ParseError& e) {
    error(e);
    return std::nullopt;
  }
  for (const auto& p : text->problems()) error(p.path, p.line, p.message);
  try {
    // Required: without these there is no lidar-camera geometry for the frame.
    const Eigen::Matrix<double, 3, 4> P2 = text->projection34("P2");
    const Eigen::Matrix3d R0_rect = text->rotation("R0_rect");
    const Eigen::Isometry3d T_cam0_from_velo = isometry34(text->rigid34("Tr_velo_to_cam"));

    CameraIntrinsics intr;
    intr.K = P2.leftCols<3>();
    if (auto h = image_headers_.find(index); h != image_headers_.end()) {
      intr.width = h->second.width;
      intr.height = h->second.height;
    }
    calib.cameras[kCamera] = intr;

    Eigen::Isometry3d T_rect = Eigen::Isometry3d::Identity();
    T_rect.linear() = R0_rect;
    const Eigen::Isometry3d T_rect0_from_velo = T_rect * T_cam0_from_velo;
    // P2 = K [I | t] with t the offset of camera 2 from rectified camera 0.
    Eigen::Isometry3d T_cam2_from_rect0 = Eigen::Isometry3d::Identity();
    T_cam2_from_rect0.translation() = intr.K.inverse() * P2.col(3);
    calib.set_transform(transform("cam2", "velo", T_cam2_from_rect0 * T_rect0_from_velo, from, to));
    calib.set_transform(transform("cam0", "velo", T_rect0_from_velo, from, to));
  } catch (const ParseError& e) {
    error(e.file(), e.line(), e.message() + "; frame " + std::to_string(index) + " has no calibration");
    return std::nullopt;
  }
  // Optional: a bad IMU entry costs only that transform.
  if (text->has("Tr_imu_to_velo")) {
    try {
      calib.set_transform(transform("velo", "imu", isometry34(text->rigid34("Tr_imu_to_velo")), from, to));
    } catch (const ParseError& e) {
      error(e);
    }
  }
  return calib;
}

void ObjectSplitParser::read_labels(std::int64_t index, const std::optional<Calibration>& calib) {
  const fs::path file = root_ / "label_2" / frame_file_name(index, ".txt");
  if (!exists_any(file)) return;
  if (!calib) {
    // Without a valid lidar-camera transform the boxes cannot be placed; storing them would put them wrong.
    error(file, 0, "labels not placed: frame " + std::to_string(index) + " has no usable calibration");
    return;
  }
  std::vector<KittiLabelRow> rows;
  try {
    rows = read_kitti_label_file(file, drive_.name, drive_.errors);
  } catch (const ParseError& e) {
    error(e);
    return;
  }
  const Eigen::Isometry3d T_rect_from_lidar = *calib->transform("cam0", "velo");
  for (const auto& row : rows) {
    if (row.type == "DontCare") {
      // An image region only: its 3D fields are placeholders, so it is kept as a region, not as a box.
      DontCareRegion r;
      r.frame_index = index;
      r.timestamp_ns = index * kFramePeriodNs;
      for (int i = 0; i < 4; ++i) r.bbox2d[i] = row.bbox[i];
      drive_.dont_care.push_back(r);
      continue;
    }
    BoxLabel b = lidar_box_from_kitti(row.box, T_rect_from_lidar);
    b.frame_index = index;
    b.timestamp_ns = index * kFramePeriodNs;
    b.category = row.type;
    b.score = row.score.value_or(1.0);
    b.source = LabelSource::GroundTruth;
    b.truncated = row.truncated;
    b.occlusion = row.occluded;
    b.alpha = row.alpha;
    for (int i = 0; i < 4; ++i) b.bbox2d[i] = row.bbox[i];
    drive_.labels.push_back(std::move(b));
  }
}

}  // namespace

bool KittiObjectReader::detect(const fs::path& folder) const {
  const fs::path p = normalized_absolute(folder);
  const std::string name = p.filename().string();
  if (name != "training" && name != "testing") return false;
  return is_dir(p / "calib") && (is_dir(p / kLidar) || is_dir(p / kCamera));
}

std::vector<Drive> KittiObjectReader::read(const fs::path& path, const Progress& progress) const {
  std::vector<Drive> drives;
  drives.push_back(read_drive(path, progress));
  return drives;
}

Drive KittiObjectReader::read_drive(const fs::path& folder, const Progress& progress) const {
  const fs::path root = normalized_absolute(folder);
  if (!is_dir(root)) throw ParseError(root, "split folder not found");
  if (!detect(root))
    throw ParseError(root, "not a KITTI object split (expected training/ or testing/ with calib/ and "
                           "velodyne/ or image_2/)");
  Drive drive;
  drive.name = root.parent_path().filename().string() + "/" + root.filename().string();
  drive.format = format();
  drive.root = root.string();
  drive.timestamped = false;  // unrelated snapshots: index * 100 ms is only an order

  ObjectSplitParser parser(root, drive, progress);
  const auto lidar = parser.list(kLidar, ".bin");
  const auto images = parser.list(kCamera, ".png");
  const auto calibs = parser.list("calib", ".txt");
  const auto labels = parser.list("label_2", ".txt");
  // Testing splits have image_2 and calib and velodyne, but no labels.
  if (is_dir(root / kLidar)) drive.sensors.push_back({kLidar, SensorKind::Lidar, 10.0, "velo", "HDL-64E"});
  if (is_dir(root / kCamera)) drive.sensors.push_back({kCamera, SensorKind::Camera, 10.0, "cam2", "FL2-14S3C-C"});
  std::set<std::int64_t> all = lidar;
  all.insert(images.begin(), images.end());
  all.insert(calibs.begin(), calibs.end());
  all.insert(labels.begin(), labels.end());
  // Every frame of the split gets a slot in each sensor folder that exists, so a deleted file is reported.
  if (is_dir(root / kLidar)) parser.read_payloads(kLidar, ".bin", all);
  if (is_dir(root / kCamera)) parser.read_payloads(kCamera, ".png", all);
  for (std::int64_t index : all) {
    if (progress.cancelled()) throw Cancelled();
    auto calib = parser.read_calibration(index);
    parser.read_labels(index, calib);
    if (calib) drive.calibrations.push_back(std::move(*calib));
  }
  return drive;
}

}  // namespace dc::core

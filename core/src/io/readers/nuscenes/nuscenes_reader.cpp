#include "io/readers/nuscenes/nuscenes_reader.h"

#include "dc/core/io/nuscenes_box_conversion.h"
#include "dc/core/io/parse_error.h"
#include "dc/core/util/logging.h"
#include "io/readers/file_check.h"
#include "io/readers/folder_paths.h"
#include "io/readers/nuscenes/nuscenes_tables.h"
#include "io/readers/payload_check.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

namespace dc::core {

namespace fs = std::filesystem;
using namespace nuscenes;

namespace {

constexpr std::uint64_t kPcdPointBytes = 20;  // x y z intensity ring, float32 each
constexpr const char* kEgoFrame = "ego";
constexpr const char* kEgoPoseSensor = "ego_pose";

bool is_version_dir(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > 1 && name[0] == 'v' && is_dir(p) && is_file(p / "scene.json") && is_file(p / "sample.json");
}

// nuScenes timestamps are microseconds since the Unix epoch (UTC).
std::optional<TimestampNs> ns_from_us(std::int64_t us) {
  using namespace std::chrono;
  static const std::int64_t kEndUs =
      duration_cast<microseconds>(sys_days{year{kMaxTimestampYear + 1} / 1 / 1}.time_since_epoch()).count();
  if (us < 0 || us >= kEndUs) return std::nullopt;
  return us * 1000;
}

// Many records with the same problem make one error: the count and the first example.
class ProblemCount {
public:
  ProblemCount(fs::path file, std::string what) : file_(std::move(file)), what_(std::move(what)) {}
  // `example` makes the first record's description: called once, so millions of records cost a count each.
  template <class Example>
  void add(Example&& example) {
    if (count_++ == 0) first_ = std::string(example());
  }
  void report(std::vector<IngestError>& out, const std::string& drive) const {
    if (count_ > 0)
      out.push_back(IngestError::make(file_.string(), 0,
                                      std::to_string(count_) + " " + what_ + " (first: " + first_ + ")", drive));
  }

private:
  fs::path file_;
  std::string what_;
  std::size_t count_ = 0;
  std::string first_;
};

struct Item {
  const SampleDataRecord* sd = nullptr;
  const CalibratedSensorRecord* cs = nullptr;
  TimestampNs t = 0;
};

struct LidarKey {
  std::int64_t index = 0;
  TimestampNs t = 0;
  std::optional<Eigen::Isometry3d> T_global_from_ego, T_ego_from_lidar;
};

std::optional<Eigen::Isometry3d> isometry_of(const std::array<double, 3>& t, const std::array<double, 4>& q) {
  auto rotation = nuscenes_quaternion(q);
  if (!rotation) return std::nullopt;
  return nuscenes_isometry(Eigen::Vector3d(t[0], t[1], t[2]), *rotation);
}

// KITTI's occlusion levels from nuScenes' visibility bins (fraction of the object visible in the cameras).
int occlusion_of(const std::string& level) {
  if (level == "v80-100") return 0;
  if (level == "v60-80" || level == "v40-60") return 1;
  if (level == "v0-40") return 2;
  return -1;
}

class SceneBuilder {
public:
  SceneBuilder(const Tables& t, const fs::path& dataroot, const Progress& progress)
      : t_(t), dataroot_(dataroot), progress_(progress) {}

  Drive build(const SceneRecord& scene, const std::vector<std::uint32_t>& sample_data_rows,
              const std::vector<std::uint32_t>& annotation_rows);

private:
  fs::path table(const char* name) const { return t_.version_dir / (std::string(name) + ".json"); }
  std::string tok(const Token& token) const { return t_.pool.text(token); }
  void error(Drive& d, const fs::path& path, const std::string& message) const {
    d.errors.push_back(IngestError::make(path.string(), 0, message, d.name));
  }
  void check_cancel() const {
    if (progress_.cancelled()) throw Cancelled();
  }

  void read_frames(Drive& d, const std::map<std::string, std::vector<Item>>& channels,
                   const std::map<std::string, SensorKind>& kinds, const std::string& lidar);
  void read_payload(Drive& d, const Item& item, SensorKind kind, Frame& f, ProblemCount& missing,
                    ProblemCount& outside) const;
  void read_calibrations(Drive& d, const std::map<std::string, std::vector<Item>>& channels,
                         const std::map<std::string, SensorKind>& kinds);
  void read_poses(Drive& d, const std::map<std::string, std::vector<Item>>& channels);
  void read_labels(Drive& d, const std::vector<std::uint32_t>& annotation_rows);

  const Tables& t_;
  fs::path dataroot_;
  const Progress& progress_;
  std::unordered_map<Token, LidarKey, TokenHash> key_of_sample_;
};

Drive SceneBuilder::build(const SceneRecord& scene, const std::vector<std::uint32_t>& sample_data_rows,
                          const std::vector<std::uint32_t>& annotation_rows) {
  Drive d;
  d.name = scene.name.empty() ? "scene-" + tok(scene.token) : scene.name;
  d.format = "nuscenes";
  d.root = dataroot_.string() + "#" + tok(scene.token);
  d.time_zone = "";  // nuScenes stamps are UTC
  key_of_sample_.clear();

  if (t_.log.present && !scene.log.empty() && !t_.log.find(scene.log))
    error(d, table("scene"), "scene " + tok(scene.token) + " refers to log " + tok(scene.log) + ", not in log.json");
  if (!scene.first_sample.empty() && !t_.sample.find(scene.first_sample))
    error(d, table("scene"),
          "scene " + tok(scene.token) + " refers to first sample " + tok(scene.first_sample) + ", not in sample.json");

  ProblemCount no_calibration(table("sample_data"),
                              "sample_data records refer to a calibrated_sensor token missing from "
                              "calibrated_sensor.json; not read");
  ProblemCount no_sensor(table("calibrated_sensor"),
                         "sample_data records have a calibrated_sensor whose sensor token is missing from sensor.json; "
                         "not read");
  ProblemCount bad_time(table("sample_data"),
                        "sample_data records have a timestamp outside the years " + std::to_string(kMinTimestampYear) +
                            ".." + std::to_string(kMaxTimestampYear) + " (microseconds since 1970); not read");
  ProblemCount other_modality(table("sensor"), "sample_data records of a sensor that is neither lidar nor camera "
                                               "(nor radar); not read");

  std::map<std::string, std::vector<Item>> channels;
  std::map<std::string, SensorKind> kinds;
  for (std::uint32_t row : sample_data_rows) {
    const SampleDataRecord& sd = t_.sample_data.rows[row];
    const CalibratedSensorRecord* cs = t_.calibrated_sensor.find(sd.calibrated_sensor);
    if (!cs) {
      no_calibration.add(
          [&] { return "sample_data " + tok(sd.token) + " -> calibrated_sensor " + tok(sd.calibrated_sensor); });
      continue;
    }
    const SensorRecord* sensor = t_.sensor.find(cs->sensor);
    if (!sensor) {
      no_sensor.add([&] {
        return "sample_data " + tok(sd.token) + ": calibrated_sensor " + tok(cs->token) + " -> sensor " +
               tok(cs->sensor);
      });
      continue;
    }
    SensorKind kind;
    if (sensor->modality == "lidar")
      kind = SensorKind::Lidar;
    else if (sensor->modality == "camera")
      kind = SensorKind::Camera;
    else {
      other_modality.add([&] { return sensor->channel + " (modality '" + sensor->modality + "')"; });
      continue;
    }
    if (sensor->channel.empty() || sensor->channel == kEgoPoseSensor) {
      other_modality.add([&] { return "sensor " + tok(sensor->token) + " with channel '" + sensor->channel + "'"; });
      continue;
    }
    const auto t = ns_from_us(sd.timestamp_us);
    if (!t) {
      bad_time.add([&] { return "sample_data " + tok(sd.token) + ": " + std::to_string(sd.timestamp_us); });
      continue;
    }
    channels[sensor->channel].push_back({&sd, cs, *t});
    kinds.emplace(sensor->channel, kind);
  }
  for (auto& [channel, items] : channels)
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
      if (a.t != b.t) return a.t < b.t;
      if (a.sd->token.hi != b.sd->token.hi) return a.sd->token.hi < b.sd->token.hi;
      return a.sd->token.lo < b.sd->token.lo;
    });
  for (const ProblemCount* p : {&no_calibration, &no_sensor, &bad_time, &other_modality}) p->report(d.errors, d.name);

  // The drive's lidar: LIDAR_TOP, else the first lidar channel.
  std::string lidar;
  for (const auto& [channel, kind] : kinds)
    if (kind == SensorKind::Lidar && (lidar.empty() || channel == "LIDAR_TOP")) lidar = channel;

  read_frames(d, channels, kinds, lidar);
  read_calibrations(d, channels, kinds);
  read_poses(d, channels);
  read_labels(d, annotation_rows);
  return d;
}

void SceneBuilder::read_frames(Drive& d, const std::map<std::string, std::vector<Item>>& channels,
                               const std::map<std::string, SensorKind>& kinds, const std::string& lidar) {
  std::vector<std::string> order;
  if (!lidar.empty()) order.push_back(lidar);
  for (SensorKind kind : {SensorKind::Lidar, SensorKind::Camera})
    for (const auto& [channel, k] : kinds)
      if (k == kind && channel != lidar) order.push_back(channel);

  ProblemCount outside(table("sample_data"),
                       "sample_data file names are absolute or leave the dataset root; frames kept without payload");
  for (const std::string& channel : order) {
    check_cancel();
    const SensorKind kind = kinds.at(channel);
    const std::vector<Item>& items = channels.at(channel);
    // Nominal rate from the median period (real nuScenes: lidar 20 Hz, cameras 12 Hz).
    double rate = 0;
    if (items.size() > 1) {
      std::vector<TimestampNs> gaps;
      for (std::size_t i = 1; i < items.size(); ++i) gaps.push_back(items[i].t - items[i - 1].t);
      std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
      const TimestampNs median = gaps[gaps.size() / 2];
      if (median > 0) rate = std::round(10.0 * 1e9 / static_cast<double>(median)) / 10.0;
    }
    d.sensors.push_back({channel, kind, rate, channel, ""});

    ProblemCount missing(dataroot_, "of " + std::to_string(items.size()) + " " + channel +
                                        " payload files missing; frames kept without payload");
    for (std::size_t k = 0; k < items.size(); ++k) {
      const Item& item = items[k];
      Frame f;
      f.sensor = channel;
      f.index = static_cast<std::int64_t>(k);
      f.timestamp_ns = item.t;
      read_payload(d, item, kind, f, missing, outside);
      if (channel == lidar && item.sd->key_frame && !item.sd->sample.empty()) {
        LidarKey key;
        key.index = f.index;
        key.t = f.timestamp_ns;
        key.T_ego_from_lidar = isometry_of(item.cs->translation, item.cs->rotation);
        if (const EgoPoseRecord* ep = t_.ego_pose.find(item.sd->ego_pose))
          key.T_global_from_ego = isometry_of(ep->translation, ep->rotation);
        key_of_sample_.try_emplace(item.sd->sample, key);
      }
      d.frames.push_back(std::move(f));
    }
    missing.report(d.errors, d.name);
  }
  outside.report(d.errors, d.name);
}

void SceneBuilder::read_payload(Drive& d, const Item& item, SensorKind kind, Frame& f, ProblemCount& missing,
                                ProblemCount& outside) const {
  const std::string& name = item.sd->filename;
  // The name's components are checked on its text: this runs for every frame, and splitting a path into
  // components allocates for each.
  bool escapes = name.empty() || name.front() == '/';
  bool normal = true;  // no "." or empty component: root / name is lexically normal already (the root is)
  for (std::size_t start = 0; !escapes && start <= name.size();) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    const std::string_view part = std::string_view(name).substr(start, end - start);
    escapes = part == "..";
    normal = normal && !part.empty() && part != ".";
    start = end + 1;
  }
  if (escapes) {
    outside.add([&] { return "sample_data " + tok(item.sd->token) + ": '" + name + "'"; });
    return;
  }
  const fs::path file = normal ? dataroot_ / name : (dataroot_ / name).lexically_normal();
  if (const auto problem = file_problem(file)) {
    if (*problem != "not found" && *problem != "broken symbolic link" && exists_any(file))
      error(d, file, *problem + " (sample_data " + tok(item.sd->token) + "); frame kept without payload");
    else
      missing.add([&] { return name + ", sample_data " + tok(item.sd->token); });
    return;
  }
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) {
    error(d, file, "cannot stat: " + ec.message() + "; frame kept without payload");
    return;
  }
  f.file = file.string();
  f.size = size;
  // Header-only checks: payloads are decoded on demand.
  std::string problem;
  if (kind == SensorKind::Lidar) {
    if (size == 0) problem = "truncated: 0 bytes";
    else if (size > kMaxPointFileBytes)
      problem = "implausible size " + std::to_string(size) + " bytes for one lidar sweep (limit " +
                std::to_string(kMaxPointFileBytes) + " bytes)";
    else if (size % kPcdPointBytes != 0)
      problem = "size " + std::to_string(size) + " is not a multiple of 20 bytes (x y z intensity ring float32)";
  } else if (size == 0) {
    problem = "empty image file";
  }
  if (!problem.empty()) error(d, file, problem + " (sample_data " + tok(item.sd->token) + ")");
}

void SceneBuilder::read_calibrations(Drive& d, const std::map<std::string, std::vector<Item>>& channels,
                                     const std::map<std::string, SensorKind>& kinds) {
  // A channel's calibrated sensor normally stays the same through a scene; where one changes, a new calibration
  // interval starts at the first frame that uses the new one.
  std::set<TimestampNs> changes;
  for (const auto& [channel, items] : channels)
    for (std::size_t i = 1; i < items.size(); ++i)
      if (!(items[i].cs->token == items[i - 1].cs->token)) changes.insert(items[i].t);
  std::vector<TimestampNs> starts{INT64_MIN};
  starts.insert(starts.end(), changes.begin(), changes.end());

  std::set<std::pair<std::uint64_t, std::uint64_t>> reported;  // calibrated sensors already complained about
  auto complain = [&](const CalibratedSensorRecord& cs, const std::string& what) {
    if (reported.insert({cs.token.hi, cs.token.lo}).second)
      error(d, table("calibrated_sensor"), "calibrated_sensor " + tok(cs.token) + ": " + what);
  };
  for (std::size_t j = 0; j < starts.size(); ++j) {
    Calibration calib;
    calib.valid_from_ns = starts[j];
    calib.valid_to_ns = j + 1 < starts.size() ? starts[j + 1] : INT64_MAX;
    for (const auto& [channel, items] : channels) {
      // The frame in force at the interval's start (the first frame before the channel's first one).
      auto it = std::upper_bound(items.begin(), items.end(), calib.valid_from_ns,
                                 [](TimestampNs t, const Item& item) { return t < item.t; });
      const Item& item = it == items.begin() ? items.front() : *std::prev(it);
      const CalibratedSensorRecord& cs = *item.cs;
      if (const auto T = isometry_of(cs.translation, cs.rotation))
        calib.set_transform({kEgoFrame, channel, *T, CalibrationSource::File});
      else
        complain(cs, "rotation is not a unit quaternion (w x y z); no extrinsic for " + channel);
      if (kinds.at(channel) != SensorKind::Camera) continue;
      if (!cs.has_intrinsic) {
        complain(cs, "camera " + channel + " has no camera_intrinsic");
        continue;
      }
      const std::int64_t w = item.sd->width, h = item.sd->height;
      if (!(w >= 1 && w <= 100000 && h >= 1 && h <= 100000)) {
        error(d, table("sample_data"), "sample_data " + tok(item.sd->token) + ": image size " + std::to_string(w) +
                                           " x " + std::to_string(h) + " must be 1..100000 pixels; no intrinsics for " +
                                           channel);
        continue;
      }
      CameraIntrinsics intr;
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) intr.K(r, c) = cs.intrinsic[static_cast<std::size_t>(r * 3 + c)];
      if (!(intr.K(0, 0) > 0 && intr.K(1, 1) > 0) || !intr.K.allFinite()) {
        complain(cs, "camera_intrinsic of " + channel + " has no positive focal length");
        continue;
      }
      intr.width = static_cast<int>(w);
      intr.height = static_cast<int>(h);
      calib.cameras[channel] = intr;  // nuScenes images are undistorted: distortion stays zero
    }
    if (!calib.cameras.empty() || !calib.extrinsics.empty()) d.calibrations.push_back(std::move(calib));
  }
}

// Poses: nuScenes' ego frame is the project's "imu" (the GNSS/IMU sensor "ego_pose", frame "ego"), and its global
// map frame is the project's world. Unlike KITTI (world = first pose), the first pose is not the identity: poses are
// map coordinates, so every scene of a location shares one world frame.
void SceneBuilder::read_poses(Drive& d, const std::map<std::string, std::vector<Item>>& channels) {
  ProblemCount dangling(table("sample_data"), "sample_data records refer to an ego_pose token missing from "
                                              "ego_pose.json; frames kept without pose");
  ProblemCount bad(table("ego_pose"), "ego poses have a timestamp out of range or a rotation that is not a unit "
                                      "quaternion; not read");
  std::map<TimestampNs, Pose> poses;
  for (const auto& [channel, items] : channels) {
    for (const Item& item : items) {
      const EgoPoseRecord* ep = t_.ego_pose.find(item.sd->ego_pose);
      if (!ep) {
        dangling.add([&] { return "sample_data " + tok(item.sd->token) + " -> ego_pose " + tok(item.sd->ego_pose); });
        continue;
      }
      const auto t = ns_from_us(ep->timestamp_us);
      const auto T = isometry_of(ep->translation, ep->rotation);
      if (!t || !T) {
        bad.add([&] { return "ego_pose " + tok(ep->token); });
        continue;
      }
      if (poses.count(*t)) continue;
      Pose p;
      p.timestamp_ns = *t;
      p.T_world_from_imu = *T;
      const Eigen::Matrix3d R = T->linear();
      p.yaw = std::atan2(R(1, 0), R(0, 0));
      p.pitch = std::asin(std::clamp(-R(2, 0), -1.0, 1.0));
      p.roll = std::atan2(R(2, 1), R(2, 2));
      p.altitude_m = T->translation().z();
      poses.emplace(*t, p);
    }
  }
  dangling.report(d.errors, d.name);
  bad.report(d.errors, d.name);
  for (auto& [t, p] : poses) d.poses.push_back(p);
  if (!d.poses.empty()) d.sensors.push_back({kEgoPoseSensor, SensorKind::GnssImu, 0.0, kEgoFrame, "nuScenes ego_pose"});
}

void SceneBuilder::read_labels(Drive& d, const std::vector<std::uint32_t>& annotation_rows) {
  const fs::path annotations = table("sample_annotation");
  ProblemCount no_keyframe(annotations, "boxes belong to a sample without a lidar keyframe in this scene; dropped");
  ProblemCount no_pose(annotations, "boxes belong to a lidar keyframe without a usable ego pose or lidar "
                                    "calibration; dropped");
  ProblemCount bad_box(annotations, "boxes have a size that is not positive or a rotation that is not a unit "
                                    "quaternion; dropped");
  ProblemCount no_instance(annotations, "boxes refer to an instance token missing from instance.json; kept as Misc");
  ProblemCount no_category(table("instance"), "instances refer to a category token missing from category.json; "
                                              "their boxes kept as Misc");
  ProblemCount no_attribute(annotations, "attribute tokens of boxes are missing from attribute.json; ignored");
  ProblemCount no_visibility(annotations, "visibility tokens of boxes are missing from visibility.json; ignored");
  for (std::uint32_t row : annotation_rows) {
    check_cancel();
    const AnnotationRecord& a = t_.sample_annotation.rows[row];
    auto key = key_of_sample_.find(a.sample);
    if (key == key_of_sample_.end()) {
      no_keyframe.add([&] { return "sample_annotation " + tok(a.token) + " -> sample " + tok(a.sample); });
      continue;
    }
    if (!key->second.T_global_from_ego || !key->second.T_ego_from_lidar) {
      no_pose.add([&] { return "sample_annotation " + tok(a.token) + " in sample " + tok(a.sample); });
      continue;
    }
    const auto rotation = nuscenes_quaternion(a.rotation);
    bool size_ok = true;
    for (double s : a.size) size_ok = size_ok && s > 0 && s < 1000;
    if (!rotation || !size_ok) {
      bad_box.add([&] { return "sample_annotation " + tok(a.token); });
      continue;
    }
    NuScenesBox box;
    box.center = Eigen::Vector3d(a.translation[0], a.translation[1], a.translation[2]);
    box.wlh = Eigen::Vector3d(a.size[0], a.size[1], a.size[2]);
    box.rotation = *rotation;
    BoxLabel label = lidar_box_from_nuscenes(box, *key->second.T_global_from_ego, *key->second.T_ego_from_lidar);
    label.frame_index = key->second.index;
    label.timestamp_ns = key->second.t;
    label.track_id = tok(a.instance);
    label.source = LabelSource::GroundTruth;

    std::string category;
    if (const InstanceRecord* instance = t_.instance.find(a.instance)) {
      if (const NamedRecord* c = t_.category.find(instance->category))
        category = c->name;
      else
        no_category.add([&] { return "instance " + tok(instance->token) + " -> category " + tok(instance->category); });
    } else {
      no_instance.add([&] { return "sample_annotation " + tok(a.token) + " -> instance " + tok(a.instance); });
    }
    bool without_rider = false;
    for (const Token& at : a.attributes) {
      if (const NamedRecord* attribute = t_.attribute.find(at))
        without_rider |= attribute->name == "cycle.without_rider";
      else
        no_attribute.add([&] { return "sample_annotation " + tok(a.token) + " -> attribute " + tok(at); });
    }
    if (!a.visibility.empty()) {
      if (const NamedRecord* v = t_.visibility.find(a.visibility))
        label.occlusion = occlusion_of(v->name);
      else
        no_visibility.add([&] { return "sample_annotation " + tok(a.token) + " -> visibility " + tok(a.visibility); });
    }
    label.category = project_category_from_nuscenes(category, without_rider);
    label.source_category = category;
    d.labels.push_back(std::move(label));
  }
  for (const ProblemCount* p :
       {&no_keyframe, &no_pose, &bad_box, &no_instance, &no_category, &no_attribute, &no_visibility})
    p->report(d.errors, d.name);
  std::stable_sort(d.labels.begin(), d.labels.end(), [](const BoxLabel& a, const BoxLabel& b) {
    return a.frame_index != b.frame_index ? a.frame_index < b.frame_index : a.track_id < b.track_id;
  });
}

// The drives of one version folder; scenes already read from another version are skipped.
std::vector<Drive> read_version(const fs::path& version_dir, const fs::path& dataroot, std::set<std::string>& seen,
                                const Progress& progress) {
  const Tables t = read_tables(version_dir, progress);
  if (t.radar_records > 0)
    log_info(version_dir.string() + ": " + std::to_string(t.radar_records) +
             " radar sample_data records not read (radar channels are not supported)");

  std::vector<IngestError> version_errors;
  ProblemCount sample_without_scene(t.version_dir / "sample.json",
                                    "samples refer to a scene token missing from scene.json; not read");
  ProblemCount data_without_sample(t.version_dir / "sample_data.json",
                                   "sample_data records refer to a sample token missing from sample.json; not read");
  ProblemCount box_without_sample(t.version_dir / "sample_annotation.json",
                                  "boxes refer to a sample token missing from sample.json; dropped");
  std::vector<int> scene_of_sample(t.sample.rows.size(), -1);
  for (std::size_t i = 0; i < t.sample.rows.size(); ++i) {
    const SampleRecord& s = t.sample.rows[i];
    auto it = t.scene.index.find(s.scene);
    if (it == t.scene.index.end())
      sample_without_scene.add([&] { return "sample " + t.pool.text(s.token) + " -> scene " + t.pool.text(s.scene); });
    else
      scene_of_sample[i] = static_cast<int>(it->second);
  }
  std::vector<std::vector<std::uint32_t>> data_of_scene(t.scene.rows.size()), boxes_of_scene(t.scene.rows.size());
  for (std::size_t i = 0; i < t.sample_data.rows.size(); ++i) {
    const SampleDataRecord& sd = t.sample_data.rows[i];
    auto it = t.sample.index.find(sd.sample);
    if (it == t.sample.index.end())
      data_without_sample.add(
          [&] { return "sample_data " + t.pool.text(sd.token) + " -> sample " + t.pool.text(sd.sample); });
    else if (scene_of_sample[it->second] >= 0)
      data_of_scene[static_cast<std::size_t>(scene_of_sample[it->second])].push_back(static_cast<std::uint32_t>(i));
  }
  for (std::size_t i = 0; i < t.sample_annotation.rows.size(); ++i) {
    const AnnotationRecord& a = t.sample_annotation.rows[i];
    auto it = t.sample.index.find(a.sample);
    if (it == t.sample.index.end())
      box_without_sample.add(
          [&] { return "sample_annotation " + t.pool.text(a.token) + " -> sample " + t.pool.text(a.sample); });
    else if (scene_of_sample[it->second] >= 0)
      boxes_of_scene[static_cast<std::size_t>(scene_of_sample[it->second])].push_back(static_cast<std::uint32_t>(i));
  }
  for (const ProblemCount* p : {&sample_without_scene, &data_without_sample, &box_without_sample})
    p->report(version_errors, "");

  std::vector<Drive> drives;
  SceneBuilder builder(t, dataroot, progress);
  const double total = static_cast<double>(t.scene.rows.size());
  for (std::size_t i = 0; i < t.scene.rows.size(); ++i) {
    if (progress.cancelled()) throw Cancelled();
    const SceneRecord& scene = t.scene.rows[i];
    if (!seen.insert(t.pool.text(scene.token)).second) continue;
    progress(static_cast<double>(i), total, "reading nuScenes " + scene.name);
    drives.push_back(builder.build(scene, data_of_scene[i], boxes_of_scene[i]));
  }
  // Problems of the tables themselves concern every scene; records that belong to no scene go to the first.
  for (Drive& d : drives)
    for (const IngestError& e : t.problems) d.errors.push_back(IngestError::make(e.path, e.line, e.message, d.name));
  if (!drives.empty())
    for (const IngestError& e : version_errors)
      drives.front().errors.push_back(IngestError::make(e.path, e.line, e.message, drives.front().name));
  return drives;
}

}  // namespace

bool NuScenesReader::detect(const fs::path& path) const {
  const fs::path p = normalized_absolute(path);
  if (!is_dir(p)) return false;
  if (is_version_dir(p)) return true;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(p, fs::directory_options::skip_permission_denied, ec))
    if (is_version_dir(entry.path())) return true;
  return false;
}

std::vector<Drive> NuScenesReader::read(const fs::path& path, const Progress& progress) const {
  const fs::path root = normalized_absolute(path);
  if (!is_dir(root)) throw ParseError(root, "nuScenes root folder not found");
  fs::path dataroot = root;
  std::vector<fs::path> versions;
  if (is_version_dir(root)) {
    dataroot = root.parent_path();
    versions.push_back(root);
  } else {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root, fs::directory_options::skip_permission_denied, ec))
      if (is_version_dir(entry.path())) versions.push_back(entry.path());
    std::sort(versions.begin(), versions.end());
  }
  if (versions.empty())
    throw ParseError(root, "not a nuScenes root (expected a version folder such as v1.0-mini with scene.json and "
                           "sample.json)");

  std::vector<Drive> drives;
  std::vector<ParseError> failures;
  std::set<std::string> seen;
  for (const auto& version : versions) {
    try {
      for (Drive& d : read_version(version, dataroot, seen, progress)) drives.push_back(std::move(d));
    } catch (const ParseError& e) {
      failures.push_back(e);
    }
  }
  // One broken version folder (a half-extracted v1.0-test beside v1.0-trainval) does not hide the others.
  if (drives.empty() && !failures.empty()) throw failures.front();
  for (Drive& d : drives)
    for (const ParseError& e : failures)
      d.errors.push_back(IngestError::make(e.file().string(), e.line(), e.message() + "; that version not read", d.name));
  return drives;
}

}  // namespace dc::core

#include "nuscenes_writer.h"

#include "dc/core/io/nuscenes_box_conversion.h"
#include "lidar_ray_caster.h"
#include "rng.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <Eigen/LU>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <regex>
#include <stdexcept>

namespace dc::core::generator {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

constexpr const char* kLidar = "LIDAR_TOP";
constexpr const char* kCameras[] = {"CAM_FRONT", "CAM_FRONT_RIGHT"};

// nuScenes' visibility table, verbatim (tokens "1".."4").
constexpr const char* kVisibility[][3] = {
    {"1", "v0-40", "visibility of whole object is between 0 and 40%"},
    {"2", "v40-60", "visibility of whole object is between 40 and 60%"},
    {"3", "v60-80", "visibility of whole object is between 60 and 80%"},
    {"4", "v80-100", "visibility of whole object is between 80 and 100%"},
};

std::int64_t microseconds(TimestampNs t) { return (t >= 0 ? t + 500 : t - 500) / 1000; }

// KITTI's seven-digit rotations are not exactly orthonormal: the nearest rotation (polar decomposition).
Eigen::Isometry3d rigid(const Eigen::Matrix4d& m) {
  Eigen::JacobiSVD<Eigen::Matrix3d> svd(m.topLeftCorner<3, 3>(), Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::Matrix3d R = svd.matrixU() * svd.matrixV().transpose();
  if (R.determinant() < 0) {
    Eigen::Matrix3d U = svd.matrixU();
    U.col(2) *= -1;
    R = U * svd.matrixV().transpose();
  }
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() = R;
  T.translation() = m.topRightCorner<3, 1>();
  return T;
}

ojson translation_json(const Eigen::Vector3d& t) { return ojson::array({t.x(), t.y(), t.z()}); }
ojson rotation_json(const Eigen::Matrix3d& R) {
  Eigen::Quaterniond q(R);
  q.normalize();
  if (q.w() < 0) q.coeffs() *= -1;  // one of the two equal quaternions, w >= 0 as nuScenes writes them
  return ojson::array({q.w(), q.x(), q.y(), q.z()});
}

void write_json(const fs::path& file, const ojson& table) {
  const std::string text = table.dump(0);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.put('\n');
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

const char* category_name(ObjectClass cls) {
  switch (cls) {
    case ObjectClass::Car: return "vehicle.car";
    case ObjectClass::Pedestrian: return "human.pedestrian.adult";
    case ObjectClass::Cyclist: return "vehicle.bicycle";
  }
  return "movable_object.debris";
}

const char* attribute_name(const SceneObject& o) {
  switch (o.cls) {
    case ObjectClass::Car: return o.speed != 0 ? "vehicle.moving" : "vehicle.parked";
    case ObjectClass::Pedestrian: return o.speed != 0 ? "pedestrian.moving" : "pedestrian.standing";
    case ObjectClass::Cyclist: return "cycle.with_rider";
  }
  return "vehicle.stopped";
}

// Reads a .pcd.bin back (x y z intensity ring) to count the points in each box, as nuScenes' num_lidar_pts.
std::vector<float> read_pcd_bin(const fs::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  const auto size = static_cast<std::size_t>(in.tellg());
  std::vector<float> v(size / sizeof(float));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  return v;
}

int points_in_box(const std::vector<float>& xyzir, const BoxLabel& box) {
  const double c = std::cos(box.yaw), s = std::sin(box.yaw);
  int n = 0;
  for (std::size_t i = 0; i + 4 < xyzir.size(); i += 5) {
    const Eigen::Vector3d d = Eigen::Vector3d(xyzir[i], xyzir[i + 1], xyzir[i + 2]) - box.center;
    const double along = c * d.x() + s * d.y(), across = -s * d.x() + c * d.y();
    if (std::abs(along) <= box.length / 2 && std::abs(across) <= box.width / 2 && std::abs(d.z()) <= box.height / 2)
      ++n;
  }
  return n;
}

}  // namespace

const char* NuScenesWriter::camera_channel(int camera) {
  if (camera < 0 || camera >= static_cast<int>(std::size(kCameras)))
    throw std::invalid_argument("nuScenes writer: no channel for camera " + std::to_string(camera));
  return kCameras[camera];
}

Eigen::Isometry3d NuScenesWriter::T_global_from_ego(const EgoTrajectory::State& state) {
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() = Eigen::AngleAxisd(state.heading, Eigen::Vector3d::UnitZ()).toRotationMatrix();
  T.translation() = Eigen::Vector3d(state.xy.x(), state.xy.y(), 0.0);
  return T;
}

NuScenesWriter::NuScenesWriter(const fs::path& root, const std::string& date, int drive_number, std::uint64_t seed,
                               const SensorRig& rig, const DriveTiming& timing, int lidar_beams, double lidar_rate_hz)
    : root_(root), seed_(seed), rig_(rig), timing_(timing), beams_(lidar_beams) {
  if (!std::regex_match(date, std::regex(R"(\d{4}_\d{2}_\d{2})")))
    throw std::invalid_argument("drive date must look like 2011_09_26, got '" + date + "'");
  if (drive_number < 0 || drive_number > 9999)
    throw std::invalid_argument("drive number must be 0..9999, got " + std::to_string(drive_number));
  if (rig.cameras().size() > std::size(kCameras))
    throw std::invalid_argument("nuScenes writer: at most two cameras");
  char number[8];
  std::snprintf(number, sizeof number, "%04d", drive_number);
  scene_name_ = std::string("scene-") + number;
  date_ = date;
  std::replace(date_.begin(), date_.end(), '_', '-');
  log_name_ = "synthetic-" + date_ + "-drive-" + number;
  keyframe_every_ = std::max(1, static_cast<int>(std::lround(lidar_rate_hz / 2.0)));
  for (double e : LidarRayCaster::elevations_deg(beams_)) beam_elevations_.push_back(e * std::numbers::pi / 180.0);

  // The ego frame: the IMU dropped to the ground.
  Eigen::Matrix4d T_ego_from_imu = Eigen::Matrix4d::Identity();
  T_ego_from_imu(2, 3) = rig.imu_height();
  const Eigen::Matrix4d T_ego_from_velo = T_ego_from_imu * rig.T_imu_from_velo();
  T_ego_from_lidar_ = rigid(T_ego_from_velo);
  for (const auto& cam : rig.cameras()) T_ego_from_cam_.push_back(rigid(T_ego_from_velo * cam.T_cam_from_velo.inverse()));

  std::error_code ec;
  fs::remove_all(root_ / kVersion, ec);
  std::vector<std::string> channels{kLidar};
  for (std::size_t c = 0; c < rig.cameras().size(); ++c) channels.push_back(kCameras[c]);
  for (const char* stale : {kLidar, kCameras[0], kCameras[1]})
    for (const char* kind : {"samples", "sweeps"}) fs::remove_all(root_ / kind / stale, ec);
  for (const fs::path& dir : {root_ / kVersion}) {
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
  }
  for (const auto& channel : channels)
    for (const char* kind : {"samples", "sweeps"}) {
      fs::create_directories(root_ / kind / channel, ec);
      if (ec) throw std::runtime_error("cannot create " + (root_ / kind / channel).string() + ": " + ec.message());
    }
}

fs::path NuScenesWriter::file_of(const std::string& channel, int frame, TimestampNs t, const char* ext) const {
  // nuScenes names payloads <log>__<channel>__<microseconds>.<ext>.
  return root_ / (keyframe(frame) ? "samples" : "sweeps") / channel /
         (log_name_ + "__" + channel + "__" + std::to_string(microseconds(t)) + ext);
}

std::string NuScenesWriter::relative(const fs::path& file) const { return file.lexically_relative(root_).generic_string(); }

std::string NuScenesWriter::token(const std::string& kind, std::int64_t a, std::int64_t b) const {
  // 32 hex digits that depend only on the seed and what the record is, so the same seed gives the same bytes.
  std::uint64_t h = 0xcbf29ce484222325ull ^ seed_;
  for (char ch : kind) h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ull;
  const std::uint64_t w0 = mix64(h ^ mix64(static_cast<std::uint64_t>(a) * 2 + 1) ^ mix64(~static_cast<std::uint64_t>(b)));
  const std::uint64_t w1 = mix64(w0 ^ 0x9E3779B97F4A7C15ull);
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(w0),
                static_cast<unsigned long long>(w1));
  return text;
}

void NuScenesWriter::write_lidar(int frame, const std::vector<float>& xyzi) const {
  const fs::path file = file_of(kLidar, frame, timing_.lidar[static_cast<std::size_t>(frame)], ".pcd.bin");
  std::vector<float> out;
  out.reserve(xyzi.size() / 4 * 5);
  for (std::size_t i = 0; i + 3 < xyzi.size(); i += 4) {
    const double x = xyzi[i], y = xyzi[i + 1], z = xyzi[i + 2];
    // Rays leave the sensor's origin, so a point's elevation names its beam.
    const double elevation = std::atan2(z, std::hypot(x, y));
    std::size_t ring = 0;
    for (std::size_t b = 1; b < beam_elevations_.size(); ++b)
      if (std::abs(beam_elevations_[b] - elevation) < std::abs(beam_elevations_[ring] - elevation)) ring = b;
    out.insert(out.end(), {xyzi[i], xyzi[i + 1], xyzi[i + 2], xyzi[i + 3], static_cast<float>(ring)});
  }
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size() * sizeof(float)));
  if (!f) throw std::runtime_error("cannot write " + file.string());
}

void NuScenesWriter::write_image(int camera, int frame, const cv::Mat& bgr) const {
  const fs::path file = file_of(camera_channel(camera), frame,
                                timing_.cameras[static_cast<std::size_t>(camera)][static_cast<std::size_t>(frame)], ".jpg");
  if (!cv::imwrite(file.string(), bgr, {cv::IMWRITE_JPEG_QUALITY, 95}))
    throw std::runtime_error("cannot write " + file.string());
}

int NuScenesWriter::write_tables(const SyntheticScene& scene, const std::vector<std::vector<FrameLabel>>& labels) const {
  const int frames = static_cast<int>(timing_.lidar.size());
  const std::size_t cameras = rig_.cameras().size();
  const fs::path dir = root_ / kVersion;
  // Ego poses at the written (microsecond) stamps, so poses and stamps agree (a pose computed at the nanosecond
  // time but stamped 0.4 us off looks like a jump between the close camera stamps).
  auto state_at = [&](TimestampNs t) { return scene.ego().state_at(timing_.seconds(microseconds(t) * 1000)); };

  // log, sensor, calibrated_sensor
  const std::string log_token = token("log");
  write_json(dir / "log.json", ojson::array({ojson{{"token", log_token},
                                                   {"logfile", log_name_},
                                                   {"vehicle", "synthetic"},
                                                   {"date_captured", date_},
                                                   {"location", "karlsruhe-synthetic"}}}));
  ojson sensors = ojson::array(), calibrated = ojson::array();
  auto add_sensor = [&](const std::string& channel, const char* modality, const Eigen::Isometry3d& T,
                        const ojson& intrinsic) {
    sensors.push_back({{"token", token("sensor/" + channel)}, {"channel", channel}, {"modality", modality}});
    calibrated.push_back({{"token", token("calibrated_sensor/" + channel)},
                          {"sensor_token", token("sensor/" + channel)},
                          {"translation", translation_json(T.translation())},
                          {"rotation", rotation_json(T.linear())},
                          {"camera_intrinsic", intrinsic}});
  };
  add_sensor(kLidar, "lidar", T_ego_from_lidar_, ojson::array());
  for (std::size_t c = 0; c < cameras; ++c) {
    const Eigen::Matrix3d& K = rig_.cameras()[c].K;
    ojson k = ojson::array();
    for (int r = 0; r < 3; ++r) k.push_back(ojson::array({K(r, 0), K(r, 1), K(r, 2)}));
    add_sensor(kCameras[c], "camera", T_ego_from_cam_[c], k);
  }
  write_json(dir / "sensor.json", sensors);
  write_json(dir / "calibrated_sensor.json", calibrated);

  // scene, sample
  std::vector<int> keyframes;
  for (int k = 0; k < frames; ++k)
    if (keyframe(k)) keyframes.push_back(k);
  auto sample_token = [&](int k) { return token("sample", k); };
  const std::string scene_token = token("scene");
  write_json(dir / "scene.json",
             ojson::array({ojson{{"token", scene_token},
                                 {"log_token", log_token},
                                 {"nbr_samples", keyframes.size()},
                                 {"first_sample_token", sample_token(keyframes.front())},
                                 {"last_sample_token", sample_token(keyframes.back())},
                                 {"name", scene_name_},
                                 {"description", "synthetic drive, seed " + std::to_string(seed_)}}}));
  ojson samples = ojson::array();
  for (std::size_t i = 0; i < keyframes.size(); ++i) {
    const int k = keyframes[i];
    samples.push_back({{"token", sample_token(k)},
                       {"timestamp", microseconds(timing_.lidar[static_cast<std::size_t>(k)])},
                       {"prev", i > 0 ? sample_token(keyframes[i - 1]) : ""},
                       {"next", i + 1 < keyframes.size() ? sample_token(keyframes[i + 1]) : ""},
                       {"scene_token", scene_token}});
  }
  write_json(dir / "sample.json", samples);

  // sample_data and ego_pose: every sweep and image; a sweep belongs to its nearest keyframe's sample.
  auto owner = [&](int k) {
    const int below = k / keyframe_every_ * keyframe_every_;
    const int above = below + keyframe_every_;
    return above < frames && above - k < k - below ? above : below;
  };
  ojson data = ojson::array(), poses = ojson::array();
  auto add_stream = [&](const std::string& channel, const std::vector<TimestampNs>& stamps, const char* ext,
                        const char* fileformat, int width, int height) {
    for (int k = 0; k < frames; ++k) {
      const TimestampNs t = stamps[static_cast<std::size_t>(k)];
      const std::string ego_token = token("ego_pose/" + channel, k);
      const Eigen::Isometry3d T = T_global_from_ego(state_at(t));
      poses.push_back({{"token", ego_token},
                       {"timestamp", microseconds(t)},
                       {"rotation", rotation_json(T.linear())},
                       {"translation", translation_json(T.translation())}});
      data.push_back({{"token", token("sample_data/" + channel, k)},
                      {"sample_token", sample_token(owner(k))},
                      {"ego_pose_token", ego_token},
                      {"calibrated_sensor_token", token("calibrated_sensor/" + channel)},
                      {"timestamp", microseconds(t)},
                      {"fileformat", fileformat},
                      {"is_key_frame", keyframe(k)},
                      {"height", height},
                      {"width", width},
                      {"filename", relative(file_of(channel, k, t, ext))},
                      {"prev", k > 0 ? token("sample_data/" + channel, k - 1) : ""},
                      {"next", k + 1 < frames ? token("sample_data/" + channel, k + 1) : ""}});
    }
  };
  add_stream(kLidar, timing_.lidar, ".pcd.bin", "pcd", 0, 0);
  for (std::size_t c = 0; c < cameras; ++c)
    add_stream(kCameras[c], timing_.cameras[c], ".jpg", "jpg", rig_.cameras()[c].width, rig_.cameras()[c].height);
  write_json(dir / "sample_data.json", data);
  write_json(dir / "ego_pose.json", poses);

  // category, attribute, visibility
  ojson categories = ojson::array(), attributes = ojson::array(), visibility = ojson::array();
  for (ObjectClass cls : {ObjectClass::Car, ObjectClass::Pedestrian, ObjectClass::Cyclist})
    categories.push_back({{"token", token(std::string("category/") + category_name(cls))},
                          {"name", category_name(cls)},
                          {"description", ""}});
  for (const char* name : {"vehicle.moving", "vehicle.parked", "pedestrian.moving", "pedestrian.standing",
                           "cycle.with_rider"})
    attributes.push_back({{"token", token(std::string("attribute/") + name)}, {"name", name}, {"description", ""}});
  for (const auto& v : kVisibility) visibility.push_back({{"description", v[2]}, {"token", v[0]}, {"level", v[1]}});
  write_json(dir / "category.json", categories);
  write_json(dir / "attribute.json", attributes);
  write_json(dir / "visibility.json", visibility);

  // sample_annotation, instance: the tracklet boxes of the keyframes, linked per object.
  struct Box {
    int object, frame;
    BoxLabel label;
    int points;
    const FrameLabel* source;
  };
  std::vector<std::vector<Box>> by_object(scene.objects().size());
  for (int k : keyframes) {
    const std::vector<float> points =
        labels[static_cast<std::size_t>(k)].empty()
            ? std::vector<float>{}
            : read_pcd_bin(file_of(kLidar, k, timing_.lidar[static_cast<std::size_t>(k)], ".pcd.bin"));
    for (const FrameLabel& l : labels[static_cast<std::size_t>(k)]) {
      const SceneObject& o = scene.objects()[static_cast<std::size_t>(l.object)];
      BoxLabel b;
      b.center = Eigen::Vector3d(l.tx, l.ty, l.tz + o.height / 2);
      b.length = o.length;
      b.width = o.width;
      b.height = o.height;
      b.yaw = l.rz;
      by_object[static_cast<std::size_t>(l.object)].push_back({l.object, k, b, points_in_box(points, b), &l});
    }
  }
  ojson annotations = ojson::array(), instances = ojson::array();
  auto annotation_token = [&](int object, int k) { return token("sample_annotation", object, k); };
  for (std::size_t i = 0; i < by_object.size(); ++i) {
    const auto& boxes = by_object[i];
    if (boxes.empty()) continue;
    const SceneObject& o = scene.objects()[i];
    const std::string instance = token("instance", static_cast<std::int64_t>(i));
    instances.push_back({{"token", instance},
                         {"category_token", token(std::string("category/") + category_name(o.cls))},
                         {"nbr_annotations", boxes.size()},
                         {"first_annotation_token", annotation_token(boxes.front().object, boxes.front().frame)},
                         {"last_annotation_token", annotation_token(boxes.back().object, boxes.back().frame)}});
    for (std::size_t j = 0; j < boxes.size(); ++j) {
      const Box& b = boxes[j];
      const Eigen::Isometry3d T_global_from_ego =
          NuScenesWriter::T_global_from_ego(state_at(timing_.lidar[static_cast<std::size_t>(b.frame)]));
      const NuScenesBox nb = nuscenes_box_from_lidar(b.label, T_global_from_ego, T_ego_from_lidar_);
      const double visible = 1.0 - b.source->occluded_fraction;
      const char* visibility_token = visible >= 0.8 ? "4" : visible >= 0.6 ? "3" : visible >= 0.4 ? "2" : "1";
      annotations.push_back(
          {{"token", annotation_token(b.object, b.frame)},
           {"sample_token", sample_token(b.frame)},
           {"instance_token", instance},
           {"visibility_token", visibility_token},
           {"attribute_tokens", ojson::array({token(std::string("attribute/") + attribute_name(o))})},
           {"translation", translation_json(nb.center)},
           {"size", ojson::array({nb.wlh.x(), nb.wlh.y(), nb.wlh.z()})},
           {"rotation", ojson::array({nb.rotation.w(), nb.rotation.x(), nb.rotation.y(), nb.rotation.z()})},
           {"prev", j > 0 ? annotation_token(boxes[j - 1].object, boxes[j - 1].frame) : ""},
           {"next", j + 1 < boxes.size() ? annotation_token(boxes[j + 1].object, boxes[j + 1].frame) : ""},
           {"num_lidar_pts", b.points},
           {"num_radar_pts", 0}});
    }
  }
  write_json(dir / "sample_annotation.json", annotations);
  write_json(dir / "instance.json", instances);
  return static_cast<int>(instances.size());
}

}  // namespace dc::core::generator

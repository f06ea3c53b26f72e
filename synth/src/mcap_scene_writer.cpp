#include "mcap_scene_writer.h"

#include "io/readers/kitti/kitti_calibration_file.h"
#include "lidar_ray_caster.h"
#include "number_format.h"
#include "rng.h"

#include <Eigen/SVD>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numbers>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace dc::core::generator {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kStaticLeadNs = 50'000'000;  // the static transform publisher starts before the sensors
constexpr double kMinDelay = 1e-3, kMaxDelay = 3e-3;  // recorder delay between stamp and log time, seconds

std::span<const std::uint8_t> bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// rosbag2 stores the publisher's QoS with each channel; /tf_static is latched (transient local).
std::string ros2_qos(bool latched) {
  const char* forever = "\n    sec: 2147483647\n    nsec: 4294967295";
  std::string yaml = "- history: 3\n  depth: 0\n  reliability: 1\n  durability: ";
  yaml += latched ? "1" : "2";
  yaml += std::string("\n  deadline:") + forever + "\n  lifespan:" + forever + "\n  liveliness: 1\n" +
          "  liveliness_lease_duration:" + forever + "\n  avoid_ros_namespace_conventions: false";
  return yaml;
}

// Nearest rotation (SVD) to a 3x3 that KITTI's seven printed digits keep from being exactly orthonormal.
Eigen::Matrix3d nearest_rotation(const Eigen::Matrix3d& m) {
  const Eigen::JacobiSVD<Eigen::Matrix3d> svd(m, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::Matrix3d d = Eigen::Matrix3d::Identity();
  d(2, 2) = (svd.matrixU() * svd.matrixV().transpose()).determinant() < 0 ? -1 : 1;
  return svd.matrixU() * d * svd.matrixV().transpose();
}

// The TransformStamped (parent <- child) for a calibration given as T_child_from_parent: its inverse keeps the
// translation exactly, so the reader's T_child_from_parent has the calibration's translation.
RosTransformData edge(const Eigen::Matrix4d& T_child_from_parent, const std::string& parent, const std::string& child,
                      const RosHeaderData& header) {
  const Eigen::Matrix3d R = nearest_rotation(T_child_from_parent.topLeftCorner<3, 3>());
  const Eigen::Vector3d t = T_child_from_parent.topRightCorner<3, 1>();
  RosTransformData d;
  d.header = header;
  d.header.frame_id = parent;
  d.child_frame_id = child;
  d.rotation = Eigen::Quaterniond(R.transpose()).normalized();
  d.translation = -(R.transpose() * t);
  return d;
}

std::vector<double> record_values(const std::string& record) {
  std::istringstream in(record);
  std::vector<double> values;
  std::string word;
  while (in >> word) values.push_back(parse_double(word));
  return values;
}

}  // namespace

McapSceneWriter::McapSceneWriter(const fs::path& out, const std::string& date, int drive_number, std::uint64_t seed,
                                 RosFlavor flavor, const SensorRig& rig, const DriveTiming& timing, int lidar_beams,
                                 McapWriterCompression compression)
    : seed_(seed), ros_(flavor), rig_(rig), timing_(timing) {
  if (!std::regex_match(date, std::regex(R"(\d{4}_\d{2}_\d{2})")))
    throw std::invalid_argument("drive date must look like 2011_09_26, got '" + date + "'");
  if (drive_number < 0 || drive_number > 9999)
    throw std::invalid_argument("drive number must be 0..9999, got " + std::to_string(drive_number));
  if (rig.cameras().empty() || rig.cameras().size() > 2)
    throw std::invalid_argument("MCAP scene writer: the rig must have 1 or 2 cameras");
  char number[8];
  std::snprintf(number, sizeof number, "%04d", drive_number);
  name_ = date + "_drive_" + number + "_sync";
  file_ = out / (name_ + ".mcap");
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw std::runtime_error("cannot create " + out.string() + ": " + ec.message());

  for (double e : LidarRayCaster::elevations_deg(lidar_beams)) beam_elevations_.push_back(e * std::numbers::pi / 180);
  const auto calib = KittiCalibrationFile::parse(rig.cam_to_cam_text(), "generated calib_cam_to_cam.txt");
  for (const auto& cam : rig.cameras()) P_.push_back(calib.matrix34("P_rect_0" + std::to_string(cam.number)));

  McapWriterOptions options;
  options.compression = compression;
  options.profile = flavor == RosFlavor::Ros2 ? "ros2" : "ros1";
  options.library = "drivecurator synth";
  writer_ = std::make_unique<McapWriter>(file_, options);

  std::map<RosMessageKind, std::uint16_t> schemas;
  auto channel = [&](Slot slot, RosMessageKind kind, const std::string& topic) {
    if (!schemas.count(kind)) {
      const RosSchemaText s = ros_.schema(kind);
      schemas[kind] = writer_->add_schema(s.name, s.encoding, bytes_of(s.text));
    }
    const bool latched = slot == kTfStatic;
    std::map<std::string, std::string> metadata;
    if (flavor == RosFlavor::Ros2) metadata["offered_qos_profiles"] = ros2_qos(latched);
    else metadata = {{"callerid", "/drivecurator_synth"}, {"latching", latched ? "1" : "0"}};
    channels_[slot] = writer_->add_channel(schemas[kind], topic, ros_.message_encoding(), metadata);
  };
  channel(kTfStatic, RosMessageKind::TFMessage, "/tf_static");
  channel(kLidar, RosMessageKind::PointCloud2, "/velodyne_points");
  channel(kImage2, RosMessageKind::Image, "/cam2/image_raw");
  channel(kInfo2, RosMessageKind::CameraInfo, "/cam2/camera_info");
  if (rig.cameras().size() > 1) {
    channel(kImage3, RosMessageKind::CompressedImage, "/cam3/image_raw/compressed");
    channel(kInfo3, RosMessageKind::CameraInfo, "/cam3/camera_info");
  }
  channel(kFix, RosMessageKind::NavSatFix, "/gps/fix");
  channel(kOdom, RosMessageKind::Odometry, "/odom");

  // A frame's messages are logged no earlier than its earliest stamp (delays are positive).
  const std::size_t frames = timing.lidar.size();
  finished_.assign(frames, 0);
  earliest_from_.assign(frames + 1, std::numeric_limits<std::uint64_t>::max());
  for (std::size_t k = frames; k-- > 0;) {
    std::int64_t t = std::min(timing.lidar[k], timing.oxts[k]);
    for (const auto& cam : timing.cameras) t = std::min(t, cam[k]);
    earliest_from_[k] = std::min(earliest_from_[k + 1], static_cast<std::uint64_t>(std::max<std::int64_t>(t, 0)));
  }

  const std::int64_t stamp = timing.lidar.front() - kStaticLeadNs;
  queue(-1, kTfStatic, stamp, ros_.tf_message(static_transforms(stamp)));
}

McapSceneWriter::~McapSceneWriter() = default;  // an unclosed writer finishes the file in McapWriter's destructor

std::vector<RosTransformData> McapSceneWriter::static_transforms(std::int64_t stamp) const {
  const RosHeaderData h = header(stamp, "", 0);
  std::vector<RosTransformData> edges;
  edges.push_back(edge(rig_.T_imu_from_velo().inverse(), "imu", "velo", h));  // KITTI's calib_imu_to_velo
  for (const auto& cam : rig_.cameras())
    edges.push_back(edge(cam.T_cam_from_velo, "velo", "cam" + std::to_string(cam.number), h));
  return edges;
}

RosHeaderData McapSceneWriter::header(std::int64_t stamp, const std::string& frame_id, int frame) const {
  RosHeaderData h;
  h.stamp_ns = stamp;
  h.frame_id = frame_id;
  h.seq = static_cast<std::uint32_t>(std::max(frame, 0));
  return h;
}

std::uint64_t McapSceneWriter::log_time(std::int64_t stamp, int frame, Slot slot) const {
  // One stream per message, so the delays do not depend on which thread makes which frame.
  Rng rng(seed_, Purpose::Timing, 1 + static_cast<std::uint64_t>(frame + 1) * kSlots + static_cast<std::uint64_t>(slot));
  const auto delay = static_cast<std::int64_t>(std::llround(rng.uniform(kMinDelay, kMaxDelay) * 1e9));
  return static_cast<std::uint64_t>(std::max<std::int64_t>(stamp + delay, 0));
}

void McapSceneWriter::queue(int frame, Slot slot, std::int64_t stamp, std::vector<std::uint8_t> data) {
  const std::uint64_t t = log_time(stamp, frame, slot);
  Pending p{t, static_cast<std::uint32_t>(std::max(frame, 0)), std::move(data)};
  std::lock_guard lock(mutex_);
  if (closed_) throw std::logic_error("McapSceneWriter: write after close");
  pending_.insert_or_assign(Key{t, frame, slot}, std::move(p));
}

void McapSceneWriter::write_lidar(int frame, const std::vector<float>& xyzi) {
  const auto k = static_cast<std::size_t>(frame);
  RosPointCloud2Data m;
  m.header = header(timing_.lidar.at(k), "velo", frame);
  m.width = static_cast<std::uint32_t>(xyzi.size() / 4);
  m.fields = {{"x", 0, 7, 1}, {"y", 4, 7, 1}, {"z", 8, 7, 1}, {"intensity", 12, 7, 1}, {"ring", 16, 4, 1}};
  m.point_step = kPointStep;
  m.row_step = kPointStep * m.width;
  m.data.resize(std::size_t{m.row_step});
  bool dense = true;
  for (std::size_t i = 0; i < m.width; ++i) {
    const float* p = &xyzi[i * 4];
    // Rays leave the sensor's origin, so a point's elevation names its beam.
    const double elevation = std::atan2(double{p[2]}, std::hypot(double{p[0]}, double{p[1]}));
    std::size_t ring = 0;
    for (std::size_t b = 1; b < beam_elevations_.size(); ++b)
      if (std::abs(beam_elevations_[b] - elevation) < std::abs(beam_elevations_[ring] - elevation)) ring = b;
    std::uint8_t* out = &m.data[i * kPointStep];
    std::memcpy(out, p, 16);  // float32 little endian, as the host
    out[16] = static_cast<std::uint8_t>(ring & 0xFF);
    out[17] = static_cast<std::uint8_t>(ring >> 8);
    dense = dense && std::isfinite(p[0]) && std::isfinite(p[1]) && std::isfinite(p[2]);
  }
  m.is_dense = dense;
  queue(frame, kLidar, m.header.stamp_ns, ros_.point_cloud2(m));
}

void McapSceneWriter::write_image(int camera, int frame, const cv::Mat& bgr) {
  if (camera < 0 || camera >= static_cast<int>(rig_.cameras().size()) || bgr.type() != CV_8UC3)
    throw std::invalid_argument("McapSceneWriter: no camera " + std::to_string(camera) + " or not an 8-bit BGR image");
  const auto& cam = rig_.cameras()[static_cast<std::size_t>(camera)];
  const std::string frame_id = "cam" + std::to_string(cam.number);
  const std::int64_t stamp = timing_.cameras.at(static_cast<std::size_t>(camera)).at(static_cast<std::size_t>(frame));
  if (camera == 0) {
    RosImageData m;
    m.header = header(stamp, frame_id, frame);
    m.height = static_cast<std::uint32_t>(bgr.rows);
    m.width = static_cast<std::uint32_t>(bgr.cols);
    m.encoding = "bgr8";
    m.step = m.width * 3;
    m.data.resize(std::size_t{m.step} * m.height);
    for (int r = 0; r < bgr.rows; ++r) std::memcpy(&m.data[std::size_t{m.step} * r], bgr.ptr(r), m.step);
    queue(frame, kImage2, stamp, ros_.image(m));
  } else {
    RosCompressedImageData m;
    m.header = header(stamp, frame_id, frame);
    m.format = "bgr8; png compressed bgr8";  // image_transport's compressed format string
    if (!cv::imencode(".png", bgr, m.data)) throw std::runtime_error("cannot encode PNG for " + file_.string());
    queue(frame, kImage3, stamp, ros_.compressed_image(m));
  }

  RosCameraInfoData info;
  info.header = header(stamp, frame_id, frame);
  info.width = static_cast<std::uint32_t>(cam.width);
  info.height = static_cast<std::uint32_t>(cam.height);
  info.d.assign(5, 0.0);
  const Eigen::Matrix<double, 3, 4>& P = P_[static_cast<std::size_t>(camera)];
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) info.k[static_cast<std::size_t>(r * 3 + c)] = cam.K(r, c);
    for (int c = 0; c < 4; ++c) info.p[static_cast<std::size_t>(r * 4 + c)] = P(r, c);
  }
  queue(frame, camera == 0 ? kInfo2 : kInfo3, stamp, ros_.camera_info(info));
}

void McapSceneWriter::write_oxts(int frame, const std::string& oxts_record, const EgoTrajectory::State& state) {
  const std::int64_t stamp = timing_.oxts.at(static_cast<std::size_t>(frame));
  const std::vector<double> v = record_values(oxts_record);
  if (v.size() < 25) throw std::invalid_argument("McapSceneWriter: not an OXTS record: " + oxts_record);

  RosNavSatFixData fix;
  fix.header = header(stamp, "imu", frame);
  fix.status = 0;  // STATUS_FIX
  fix.service = 1;
  fix.latitude = v[0];
  fix.longitude = v[1];
  fix.altitude = v[2];
  const double variance = v[23] * v[23];  // pos_accuracy (m) on every axis
  fix.position_covariance = {variance, 0, 0, 0, variance, 0, 0, 0, variance};
  fix.position_covariance_type = 1;  // approximated
  queue(frame, kFix, stamp, ros_.nav_sat_fix(fix));

  RosOdometryData odom;
  odom.header = header(stamp, "world", frame);
  odom.child_frame_id = "imu";
  odom.position = {state.xy.x(), state.xy.y(), rig_.imu_height()};
  odom.orientation = Eigen::Quaterniond(Eigen::AngleAxisd(state.heading, Eigen::Vector3d::UnitZ()));
  odom.linear = {state.speed, 0, 0};
  odom.angular = {0, 0, state.yaw_rate};
  queue(frame, kOdom, stamp, ros_.odometry(odom));
}

void McapSceneWriter::finish_frame(int frame) {
  std::lock_guard lock(mutex_);
  if (frame < 0 || static_cast<std::size_t>(frame) >= finished_.size())
    throw std::invalid_argument("McapSceneWriter: no frame " + std::to_string(frame));
  finished_[static_cast<std::size_t>(frame)] = 1;
  while (finished_prefix_ < finished_.size() && finished_[finished_prefix_]) ++finished_prefix_;
  emit_before(earliest_from_[finished_prefix_]);
}

void McapSceneWriter::emit_before(std::uint64_t limit) {
  while (!pending_.empty() && std::get<0>(pending_.begin()->first) < limit) {
    const auto& [key, p] = *pending_.begin();
    writer_->add_message(channels_[std::get<2>(key)], std::get<0>(key), p.publish_time, p.sequence, p.data);
    pending_.erase(pending_.begin());
  }
}

void McapSceneWriter::close() {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  if (finished_prefix_ != finished_.size()) throw std::logic_error("McapSceneWriter: close() before every frame");
  emit_before(std::numeric_limits<std::uint64_t>::max());
  writer_->close();
  closed_ = true;
}

}  // namespace dc::core::generator

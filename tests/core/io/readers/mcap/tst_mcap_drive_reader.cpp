// McapDriveReader on recordings written here with the project's MCAP writer and ROS encoders: sensors, frames
// timed by their header stamps (log times kept), calibration composed from /tf_static and CameraInfo, poses from
// NavSatFix + Odometry, every container layout, ROS 1 and ROS 2, damage reported; payloads loaded back exactly;
// the frames' MCAP places survive the catalog; data-qc's clock-offset check on a lagging topic.
#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "dc/core/io/ingester.h"
#include "dc/core/io/parse_error.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/passes/pass_registry.h"
#include "io/readers/mcap/mcap_drive_reader.h"
#include "io/readers/mcap/mcap_payload_loader.h"
#include "mcap_writer.h"
#include "ros_message_writer.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

using namespace dc::core;
using namespace dc::core::generator;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000'000'000;  // ns
constexpr std::int64_t kPeriod = 100'000'000;            // 10 Hz
constexpr int kSweeps = 5;
constexpr std::int64_t kLogLag = 20'000'000;        // every topic is logged 20 ms after its stamp...
constexpr std::int64_t kFrontLag = 500'000'000;     // ...but the front camera 0.5 s late
constexpr int kImageW = 8, kImageH = 6;
constexpr double kLat0 = 49.0, kLon0 = 8.4;

struct Options {
  RosFlavor flavor = RosFlavor::Ros2;
  McapWriterCompression compression = McapWriterCompression::zstd;
  bool chunked = true;
  bool summary = true;
  bool message_indexes = true;
  std::uint64_t chunk_size = 768 * 1024;
  bool tf = true;
  bool camera_info = true;
  bool bad_header = false;  // one extra lidar message whose bytes end inside the header
  bool tf_on_tf = false;     // the fixed transforms on /tf every sweep (no /tf_static), with odom <- base_link
  bool odometry = true;
  bool fix = true;
};

// What the tests expect, written down independently of the reader.
std::vector<float> sweep_points(int sweep) {
  std::vector<float> xyzi;
  for (int k = 0; k < 40; ++k) {
    xyzi.push_back(1.0f + 0.25f * static_cast<float>(k) + 0.5f * static_cast<float>(sweep));
    xyzi.push_back(-2.0f + 0.125f * static_cast<float>(k));
    xyzi.push_back(0.0625f * static_cast<float>(k % 7) - 1.0f);
    xyzi.push_back(static_cast<float>((k * 13 + sweep) % 100));
  }
  return xyzi;
}

cv::Mat front_image(int i) {
  cv::Mat m(kImageH, kImageW, CV_8UC3);
  for (int y = 0; y < kImageH; ++y)
    for (int x = 0; x < kImageW; ++x)
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(10 * x + i), static_cast<uchar>(20 * y + i),
                                        static_cast<uchar>(x * y + 3 * i));
  return m;
}

cv::Mat side_image(int i) {
  cv::Mat m(kImageH, kImageW, CV_8UC3);
  for (int y = 0; y < kImageH; ++y)
    for (int x = 0; x < kImageW; ++x)
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(200 - 7 * x), static_cast<uchar>(5 * i + y),
                                        static_cast<uchar>(90 + x + y));
  return m;
}

Eigen::Quaterniond rpy_quaternion(double roll, double pitch, double yaw) {
  return Eigen::Quaterniond(Eigen::AngleAxisd(yaw, Eigen::Vector3d::UnitZ()) *
                            Eigen::AngleAxisd(pitch, Eigen::Vector3d::UnitY()) *
                            Eigen::AngleAxisd(roll, Eigen::Vector3d::UnitX()));
}

// Static transforms (parent <- child): lidar on the base, the front camera on a mount on the base, the side
// camera on the base, the GPS antenna on the base.
struct Tf {
  std::string parent, child;
  Eigen::Vector3d t;
  Eigen::Quaterniond q;
};
const std::vector<Tf>& static_tfs() {
  static const std::vector<Tf> tfs = {
      {"base_link", "lidar_link", {1.2, 0.0, 1.8}, rpy_quaternion(0.0, 0.02, 0.01)},
      {"base_link", "cam_mount", {1.5, 0.1, 1.4}, rpy_quaternion(0.01, 0.0, -0.03)},
      {"cam_mount", "cam_front_optical", {0.05, -0.02, 0.0}, rpy_quaternion(-M_PI / 2, 0.0, -M_PI / 2)},
      {"base_link", "cam_side_optical", {0.8, 0.7, 1.3}, rpy_quaternion(-M_PI / 2, 0.0, 0.0)},
      {"base_link", "gps", {0.0, 0.0, 2.0}, Eigen::Quaterniond::Identity()},
  };
  return tfs;
}

Eigen::Isometry3d iso(const Tf& tf) {
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() = tf.q.normalized().toRotationMatrix();
  T.translation() = tf.t;
  return T;
}

struct FixData {
  double lat, lon, alt, yaw, speed;
};
FixData fix_at(int i) {
  return {kLat0 + 1e-5 * i, kLon0 + 2e-5 * i, 110.0 + 0.1 * i, 0.3 + 0.05 * i, 8.0 + i};
}

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

struct Written {
  fs::path file;
  std::vector<McapWriter::ChunkPlace> chunks;
};

Written write_recording(const fs::path& file, const Options& o) {
  McapWriterOptions wo;
  wo.compression = o.compression;
  wo.chunked = o.chunked;
  wo.summary = o.summary;
  wo.summary_offsets = o.summary;
  wo.message_indexes = o.message_indexes;
  wo.chunk_size = o.chunk_size;
  wo.profile = o.flavor == RosFlavor::Ros2 ? "ros2" : "ros1";
  McapWriter w(file, wo);
  const RosMessageWriter ros(o.flavor);
  std::map<RosMessageKind, std::uint16_t> schema;
  const auto channel = [&](RosMessageKind kind, const std::string& topic) {
    if (!schema.count(kind)) {
      const RosSchemaText s = ros.schema(kind);
      schema[kind] = w.add_schema(s.name, s.encoding, bytes_of(s.text));
    }
    return w.add_channel(schema[kind], topic, ros.message_encoding());
  };
  const auto lidar = channel(RosMessageKind::PointCloud2, "/lidar/points");
  const auto front = channel(RosMessageKind::Image, "/cam_front/image_raw");
  const auto side = channel(RosMessageKind::CompressedImage, "/cam_side/image_raw/compressed");
  const auto fix = o.fix ? channel(RosMessageKind::NavSatFix, "/gps/fix") : std::uint16_t(0);
  const auto odom = o.odometry ? channel(RosMessageKind::Odometry, "/odom") : std::uint16_t(0);
  std::uint16_t front_info = 0, side_info = 0, tf_static = 0;
  if (o.camera_info) {
    front_info = channel(RosMessageKind::CameraInfo, "/cam_front/camera_info");
    side_info = channel(RosMessageKind::CameraInfo, "/cam_side/camera_info");
  }
  if (o.tf) tf_static = channel(RosMessageKind::TFMessage, o.tf_on_tf ? "/tf" : "/tf_static");
  const std::string diag_text = "DiagnosticStatus[] status\n";
  const auto diag_schema = w.add_schema("diagnostic_msgs/msg/DiagnosticArray",
                                        o.flavor == RosFlavor::Ros2 ? "ros2msg" : "ros1msg", bytes_of(diag_text));
  const auto diag = w.add_channel(diag_schema, "/diagnostics", ros.message_encoding());

  std::uint32_t seq = 0;
  const auto add = [&](std::uint16_t ch, std::int64_t stamp, std::int64_t lag, const std::vector<std::uint8_t>& data) {
    const auto log = static_cast<std::uint64_t>(stamp + lag);
    w.add_message(ch, log, log + 1'000'000, seq++, data);
  };
  const auto header = [](std::int64_t stamp, const std::string& frame) {
    RosHeaderData h;
    h.stamp_ns = stamp;
    h.frame_id = frame;
    return h;
  };

  const auto fixed_tfs = [&](std::int64_t stamp) {
    std::vector<RosTransformData> list;
    for (const auto& t : static_tfs()) {
      RosTransformData d;
      d.header = header(stamp, t.parent);
      d.child_frame_id = t.child;
      d.translation = t.t;
      d.rotation = t.q;
      list.push_back(d);
    }
    return list;
  };
  if (o.tf && !o.tf_on_tf) add(tf_static, kT0, 0, ros.tf_message(fixed_tfs(kT0)));
  for (int i = 0; i < kSweeps; ++i) {
    const std::int64_t t = kT0 + i * kPeriod;
    if (o.tf && o.tf_on_tf) {
      auto list = fixed_tfs(t);
      RosTransformData body;
      body.header = header(t + 2'000'000, "odom");
      body.child_frame_id = "base_link";
      body.translation = Eigen::Vector3d(3.0 * i, 0, 0);
      body.rotation = rpy_quaternion(0, 0, fix_at(i).yaw);
      list.push_back(body);
      add(tf_static, t, kLogLag, ros.tf_message(list));
    }
    if (o.camera_info) {
      RosCameraInfoData ci;
      ci.header = header(t + 1'000'000, "cam_front_optical");
      ci.width = kImageW;
      ci.height = kImageH;
      ci.d = {0.1, -0.2, 0.001, 0.002, 0.05};
      ci.k = {400.5, 0, 4.1, 0, 401.5, 3.2, 0, 0, 1};
      ci.p = {400.5, 0, 4.1, 0, 0, 401.5, 3.2, 0, 0, 0, 1, 0};
      add(front_info, ci.header.stamp_ns, kLogLag, ros.camera_info(ci));
      ci.header.frame_id = "some_other_frame";  // matched by its topic namespace instead
      ci.d = {};
      ci.distortion_model = "";
      ci.k = {300, 0, 3.5, 0, 310, 2.5, 0, 0, 1};
      add(side_info, ci.header.stamp_ns, kLogLag, ros.camera_info(ci));
    }
    add(lidar, t, kLogLag, ros.point_cloud2(make_xyzi_point_cloud2(sweep_points(i), header(t, "/lidar_link"))));
    if (o.bad_header && i == 2) add(lidar, t + 50'000'000, kLogLag, {0x00, 0x01, 0x00, 0x00, 0x07});

    RosImageData img;
    img.header = header(t + 5'000'000, "cam_front_optical");
    img.width = kImageW;
    img.height = kImageH;
    img.encoding = "bgr8";
    img.step = kImageW * 3;
    const cv::Mat f = front_image(i);
    img.data.assign(f.data, f.data + f.total() * 3);
    add(front, img.header.stamp_ns, kFrontLag, ros.image(img));

    RosCompressedImageData c;
    c.header = header(t + 7'000'000, "cam_side_optical");
    c.format = "png";
    cv::imencode(".png", side_image(i), c.data);
    add(side, c.header.stamp_ns, kLogLag, ros.compressed_image(c));

    const FixData fd = fix_at(i);
    RosNavSatFixData nav;
    nav.header = header(t + 2'000'000, "gps");
    nav.latitude = fd.lat;
    nav.longitude = fd.lon;
    nav.altitude = fd.alt;
    if (o.fix) add(fix, nav.header.stamp_ns, kLogLag, ros.nav_sat_fix(nav));

    if (!o.odometry) {
      add(diag, t, kLogLag, {0, 1, 0, 0, 0, 0, 0, 0});
      continue;
    }
    RosOdometryData od;
    od.header = header(t + 2'000'000, "odom");
    od.child_frame_id = "base_link";
    od.position = Eigen::Vector3d(3.0 * i, 0.5 * i, 0.0);
    od.orientation = rpy_quaternion(0.01, -0.02, fd.yaw);
    od.linear = Eigen::Vector3d(fd.speed, 0, 0);
    add(odom, od.header.stamp_ns, kLogLag, ros.odometry(od));

    add(diag, t, kLogLag, {0, 1, 0, 0, 0, 0, 0, 0});
  }
  w.close();
  return {file, w.chunks()};
}

bool has_error(const Drive& d, std::initializer_list<std::string> parts) {
  for (const auto& e : d.errors)
    if (std::all_of(parts.begin(), parts.end(),
                    [&](const std::string& p) { return e.message.find(p) != std::string::npos; }))
      return true;
  return false;
}

QByteArray errors_of(const Drive& d) {
  std::string s;
  for (const auto& e : d.errors) s += e.message + "\n";
  return QByteArray::fromStdString(s);
}

using dc::test::frames_of;

Drive read(const fs::path& file) { return McapDriveReader().read_single(file); }

bool same_points(const PointCloud& cloud, const std::vector<float>& xyzi) {
  return cloud.xyzi.size() == xyzi.size() && std::equal(xyzi.begin(), xyzi.end(), cloud.xyzi.begin());
}

bool same_image(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

const char* kLidar = "lidar_points";
const char* kFront = "cam_front_image_raw";
const char* kSide = "cam_side_image_raw_compressed";

}  // namespace

Q_DECLARE_METATYPE(McapWriterCompression)

class TestMcapDriveReader : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  fs::path path(const std::string& name) const { return fs::path(tmp_.path().toStdString()) / name; }

 private slots:
  void detect() {
    const McapDriveReader r;
    QCOMPARE(r.format(), std::string("mcap"));
    const auto file = write_recording(path("detect.mcap"), {}).file;
    QVERIFY(r.detect(file));
    QVERIFY(!r.detect(path("detect.bag")));
    fs::create_directories(path("folder.mcap"));
    QVERIFY(!r.detect(path("folder.mcap")));
    QCOMPARE(detect_reader(file), reader_for_format("mcap"));
    QVERIFY(reader_for_format("mcap") != nullptr);
    // Not MCAP at all: the one case that throws.
    {
      std::ofstream(path("junk.mcap")) << "this is not an mcap file";
    }
    QVERIFY_THROWS_EXCEPTION(ParseError, read(path("junk.mcap")));
  }

  void ros2_recording() {
    const auto file = write_recording(path("drive_ros2.mcap"), {}).file;
    const Drive d = read(file);
    QCOMPARE(d.name, std::string("drive_ros2"));
    QCOMPARE(d.format, std::string("mcap"));
    QCOMPARE(d.root, fs::absolute(file).lexically_normal().string());

    // Sensors: names from topics, the topic kept as the model, header frame ids (leading '/' dropped).
    QCOMPARE(d.sensors.size(), std::size_t(5));
    QCOMPARE(d.lidar_sensor(), std::string(kLidar));
    const std::map<std::string, std::tuple<SensorKind, std::string, std::string>> want = {
        {kLidar, {SensorKind::Lidar, "lidar_link", "/lidar/points"}},
        {kFront, {SensorKind::Camera, "cam_front_optical", "/cam_front/image_raw"}},
        {kSide, {SensorKind::Camera, "cam_side_optical", "/cam_side/image_raw/compressed"}},
        {"gps_fix", {SensorKind::GnssImu, "gps", "/gps/fix"}},
        {"odom", {SensorKind::GnssImu, "base_link", "/odom"}},
    };
    for (const auto& [name, w] : want) {
      const Sensor* s = d.find_sensor(name);
      QVERIFY2(s, name.c_str());
      QCOMPARE(s->kind, std::get<0>(w));
      QCOMPARE(s->frame_id, std::get<1>(w));
      QCOMPARE(s->model, std::get<2>(w));
      QCOMPARE(s->rate_hz, 10.0);
      const auto frames = frames_of(d, name);
      QCOMPARE(frames.size(), std::size_t(kSweeps));
    }
    // Frames: timestamp = header stamp, log and publish time kept, places inside the file.
    const std::map<std::string, std::pair<std::int64_t, std::int64_t>> offsets = {
        {kLidar, {0, kLogLag}}, {kFront, {5'000'000, kFrontLag}}, {kSide, {7'000'000, kLogLag}},
        {"gps_fix", {2'000'000, kLogLag}}, {"odom", {2'000'000, kLogLag}}};
    for (const auto& [name, o] : offsets) {
      const auto frames = frames_of(d, name);
      for (int i = 0; i < kSweeps; ++i) {
        const Frame& f = *frames[static_cast<std::size_t>(i)];
        QCOMPARE(f.index, std::int64_t(i));
        QCOMPARE(f.timestamp_ns, kT0 + i * kPeriod + o.first);
        QVERIFY(f.log_time_ns && f.publish_time_ns);
        QCOMPARE(*f.log_time_ns, f.timestamp_ns + o.second);
        QCOMPARE(*f.publish_time_ns, *f.log_time_ns + 1'000'000);
        QCOMPARE(f.file, d.root);
        QVERIFY(f.offset > 8 && f.offset < fs::file_size(file));
        QVERIFY(f.size > 0);
      }
    }
    // The lidar message's data: CDR header 4 + PointCloud2 with 40 points of 16 bytes.
    QVERIFY(frames_of(d, kLidar)[0]->size > 40 * 16);

    // Calibration: T_cam_from_lidar composed by hand from the written static transforms.
    QCOMPARE(d.calibrations.size(), std::size_t(1));
    const Calibration& c = d.calibrations[0];
    const auto& tfs = static_tfs();
    const Eigen::Isometry3d T_base_lidar = iso(tfs[0]), T_base_mount = iso(tfs[1]), T_mount_front = iso(tfs[2]),
                            T_base_side = iso(tfs[3]), T_base_gps = iso(tfs[4]);
    const Eigen::Isometry3d want_front = (T_base_mount * T_mount_front).inverse() * T_base_lidar;
    const Eigen::Isometry3d want_side = T_base_side.inverse() * T_base_lidar;
    const Eigen::Isometry3d want_gps = T_base_gps.inverse() * T_base_lidar;
    const auto front = c.transform("cam_front_optical", "lidar_link");
    const auto side = c.transform("cam_side_optical", "lidar_link");
    const auto gps = c.transform("gps", "lidar_link");
    QVERIFY(front && side && gps);
    QVERIFY((front->matrix() - want_front.matrix()).cwiseAbs().maxCoeff() < 1e-9);
    QVERIFY((side->matrix() - want_side.matrix()).cwiseAbs().maxCoeff() < 1e-9);
    QVERIFY((gps->matrix() - want_gps.matrix()).cwiseAbs().maxCoeff() < 1e-9);
    // And the other direction, as the viewer asks for it (lidar <- camera).
    const auto back = c.transform("lidar_link", "cam_front_optical");
    QVERIFY(back && (back->matrix() - want_front.inverse().matrix()).cwiseAbs().maxCoeff() < 1e-9);
    // A sanity check that needs no composition: the front camera looks forward, so the lidar's +x axis is its +z.
    QVERIFY((front->linear() * Eigen::Vector3d::UnitX()).z() > 0.99);

    // Intrinsics: the front camera by frame_id, the side camera by topic namespace.
    QVERIFY(c.cameras.count(kFront) && c.cameras.count(kSide));
    const CameraIntrinsics& fi = c.cameras.at(kFront);
    QCOMPARE(fi.K(0, 0), 400.5);
    QCOMPARE(fi.K(1, 1), 401.5);
    QCOMPARE(fi.K(0, 2), 4.1);
    QCOMPARE(fi.K(1, 2), 3.2);
    QCOMPARE(fi.K(2, 2), 1.0);
    QCOMPARE(fi.width, kImageW);
    QCOMPARE(fi.height, kImageH);
    QCOMPARE(fi.distortion, (std::array<double, 5>{0.1, -0.2, 0.001, 0.002, 0.05}));
    const CameraIntrinsics& si = c.cameras.at(kSide);
    QCOMPARE(si.K(0, 0), 300.0);
    QCOMPARE(si.K(1, 2), 2.5);
    QCOMPARE(si.distortion, (std::array<double, 5>{0, 0, 0, 0, 0}));

    // Poses: one per fix, lat/lon/alt as written, heading from the Odometry at the same time, positions by the
    // Mercator projection with the first fix's scale (KITTI devkit), relative to the first pose.
    QCOMPARE(d.poses.size(), std::size_t(kSweeps));
    constexpr double R = 6378137.0;
    const double scale = std::cos(kLat0 * M_PI / 180.0);
    const auto mercator = [&](const FixData& f) {
      return Eigen::Vector3d(scale * f.lon * M_PI * R / 180.0,
                             scale * R * std::log(std::tan((90.0 + f.lat) * M_PI / 360.0)), f.alt);
    };
    const Eigen::Matrix3d R0 = rpy_quaternion(0.01, -0.02, fix_at(0).yaw).toRotationMatrix();
    for (int i = 0; i < kSweeps; ++i) {
      const Pose& p = d.poses[static_cast<std::size_t>(i)];
      const FixData f = fix_at(i);
      QCOMPARE(p.timestamp_ns, kT0 + i * kPeriod + 2'000'000);
      QCOMPARE(p.latitude_deg, f.lat);
      QCOMPARE(p.longitude_deg, f.lon);
      QCOMPARE(p.altitude_m, f.alt);
      QVERIFY(std::abs(p.yaw - f.yaw) < 1e-9);
      QVERIFY(std::abs(p.roll - 0.01) < 1e-9);
      QVERIFY(std::abs(p.pitch + 0.02) < 1e-9);
      QCOMPARE(p.forward_velocity_mps, f.speed);
      const Eigen::Vector3d want_t = R0.transpose() * (mercator(f) - mercator(fix_at(0)));
      QVERIFY2((p.T_world_from_imu.translation() - want_t).norm() < 1e-6,
               qPrintable(QString("pose %1").arg(i)));
      const Eigen::Matrix3d want_R = R0.transpose() * rpy_quaternion(0.01, -0.02, f.yaw).toRotationMatrix();
      QVERIFY((p.T_world_from_imu.linear() - want_R).cwiseAbs().maxCoeff() < 1e-9);
    }
    // The Mercator step between fixes is metres, as 1e-5 deg of latitude should be (R * 1e-5 * pi / 180 = 1.113 m
    // near the first fix, where the projection's scale makes it true to length).
    QVERIFY(std::abs((mercator(fix_at(1)) - mercator(fix_at(0))).y() - 1.113) < 0.02);

    // The unknown topic is skipped with a note naming topic and schema; nothing else is wrong.
    QVERIFY2(has_error(d, {"/diagnostics", "diagnostic_msgs/msg/DiagnosticArray", "not a supported"}),
             errors_of(d).constData());
    QVERIFY2(d.errors.size() == 1, errors_of(d).constData());
  }

  void ros1_gives_the_same_drive() {
    const Drive a = read(write_recording(path("same_ros2.mcap"), {}).file);
    Options o;
    o.flavor = RosFlavor::Ros1;
    const Drive b = read(write_recording(path("same_ros1.mcap"), o).file);
    QCOMPARE(b.sensors.size(), a.sensors.size());
    for (std::size_t i = 0; i < a.sensors.size(); ++i) {
      QCOMPARE(b.sensors[i].name, a.sensors[i].name);
      QCOMPARE(b.sensors[i].kind, a.sensors[i].kind);
      QCOMPARE(b.sensors[i].frame_id, a.sensors[i].frame_id);
    }
    QCOMPARE(b.frames.size(), a.frames.size());
    for (std::size_t i = 0; i < a.frames.size(); ++i) {
      QCOMPARE(b.frames[i].sensor, a.frames[i].sensor);
      QCOMPARE(b.frames[i].index, a.frames[i].index);
      QCOMPARE(b.frames[i].timestamp_ns, a.frames[i].timestamp_ns);
      QCOMPARE(b.frames[i].log_time_ns, a.frames[i].log_time_ns);
    }
    QCOMPARE(b.calibrations.size(), std::size_t(1));
    for (const auto& e : a.calibrations[0].extrinsics) {
      const auto t = b.calibrations[0].transform(e.to_frame, e.from_frame);
      QVERIFY(t && (t->matrix() - e.T_to_from.matrix()).cwiseAbs().maxCoeff() < 1e-12);
    }
    QCOMPARE(b.calibrations[0].cameras.size(), std::size_t(2));
    QCOMPARE(b.calibrations[0].cameras.at(kFront).K, a.calibrations[0].cameras.at(kFront).K);
    QCOMPARE(b.poses.size(), a.poses.size());
    for (std::size_t i = 0; i < a.poses.size(); ++i)
      QVERIFY(a.poses[i].T_world_from_imu.isApprox(b.poses[i].T_world_from_imu, 1e-12));
    // And the payloads decode the same.
    QVERIFY(same_points(load_point_cloud(*frames_of(b, kLidar)[3]), sweep_points(3)));
    QVERIFY(same_image(load_image(*frames_of(b, kFront)[3]), front_image(3)));
    QVERIFY2(b.errors.size() == 1, errors_of(b).constData());
  }

  void layouts_data() {
    QTest::addColumn<McapWriterCompression>("compression");
    QTest::addColumn<bool>("chunked");
    QTest::addColumn<bool>("summary");
    QTest::addColumn<bool>("indexes");
    for (auto c : {McapWriterCompression::none, McapWriterCompression::zstd, McapWriterCompression::lz4}) {
      const char* cn = c == McapWriterCompression::none ? "none" : c == McapWriterCompression::zstd ? "zstd" : "lz4";
      for (bool summary : {true, false})
        for (bool indexes : {true, false})
          QTest::addRow("%s summary=%d indexes=%d", cn, summary, indexes) << c << true << summary << indexes;
    }
    QTest::addRow("unchunked summary") << McapWriterCompression::none << false << true << false;
    QTest::addRow("unchunked no summary") << McapWriterCompression::none << false << false << false;
  }

  void layouts() {
    QFETCH(McapWriterCompression, compression);
    QFETCH(bool, chunked);
    QFETCH(bool, summary);
    QFETCH(bool, indexes);
    Options o;
    o.compression = compression;
    o.chunked = chunked;
    o.summary = summary;
    o.message_indexes = indexes;
    o.chunk_size = 2048;  // several chunks
    const std::string name = "layout_" + std::string(QTest::currentDataTag()).substr(0, 4) +
                             std::to_string(chunked) + std::to_string(summary) + std::to_string(indexes) + ".mcap";
    const Written w = write_recording(path(name), o);
    QVERIFY(!chunked || w.chunks.size() > 3);
    const Drive d = read(w.file);
    QVERIFY2(d.errors.size() == 1, errors_of(d).constData());  // the unknown topic only
    QCOMPARE(d.sensors.size(), std::size_t(5));
    QCOMPARE(d.frames.size(), std::size_t(5 * kSweeps));
    for (const auto* f : frames_of(d, kLidar)) {
      QCOMPARE(f->timestamp_ns, kT0 + f->index * kPeriod);
      if (!chunked) QCOMPARE(f->inner_offset, std::uint64_t(0));
    }
    QCOMPARE(d.calibrations.size(), std::size_t(1));
    QCOMPARE(d.poses.size(), std::size_t(kSweeps));
    McapPayloadLoader::instance().clear();
    for (int i = 0; i < kSweeps; ++i) {
      QVERIFY(same_points(load_point_cloud(*frames_of(d, kLidar)[static_cast<std::size_t>(i)]), sweep_points(i)));
      QVERIFY(same_image(load_image(*frames_of(d, kFront)[static_cast<std::size_t>(i)]), front_image(i)));
      QVERIFY(same_image(load_image(*frames_of(d, kSide)[static_cast<std::size_t>(i)]), side_image(i)));
    }
  }

  void payloads() {
    const auto file = write_recording(path("payloads.mcap"), {}).file;
    const Drive d = read(file);
    McapPayloadLoader::instance().clear();
    const auto lidar = frames_of(d, kLidar);
    QVERIFY(same_points(load_point_cloud(*lidar[2]), sweep_points(2)));
    QVERIFY(same_points(load_point_cloud(*lidar[0]), sweep_points(0)));
    QVERIFY(same_image(load_image(*frames_of(d, kFront)[1]), front_image(1)));
    QVERIFY(same_image(load_image(*frames_of(d, kSide)[4]), side_image(4)));
    // The wrong loader for a topic, and a frame that is not where the catalog says, are errors naming the file.
    QVERIFY_THROWS_EXCEPTION(ParseError, load_image(*lidar[1]));
    QVERIFY_THROWS_EXCEPTION(ParseError, load_point_cloud(*frames_of(d, kFront)[1]));
    Frame moved = *lidar[1];
    moved.inner_offset += 1;
    QVERIFY_THROWS_EXCEPTION(ParseError, load_point_cloud(moved));
    Frame no_clock = *lidar[1];
    no_clock.log_time_ns.reset();
    QVERIFY_THROWS_EXCEPTION(ParseError, load_point_cloud(no_clock));
    // A rewritten file is reopened, not served from the stale index.
    Options o;
    o.compression = McapWriterCompression::lz4;
    write_recording(file, o);
    fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(5));
    const Drive again = read(file);
    QVERIFY(same_points(load_point_cloud(*frames_of(again, kLidar)[2]), sweep_points(2)));
  }

  void missing_tf_and_camera_info() {
    Options o;
    o.tf = false;
    o.camera_info = false;
    const Drive d = read(write_recording(path("bare.mcap"), o).file);
    QCOMPARE(d.sensors.size(), std::size_t(5));
    QCOMPARE(d.frames.size(), std::size_t(5 * kSweeps));
    QVERIFY(d.calibrations.empty());
    QVERIFY2(has_error(d, {"no tf topic", "lidar_link"}), errors_of(d).constData());
    QVERIFY2(has_error(d, {kFront, "no CameraInfo"}), errors_of(d).constData());
    QVERIFY2(has_error(d, {kSide, "no CameraInfo"}), errors_of(d).constData());
    QCOMPARE(d.poses.size(), std::size_t(kSweeps));  // NavSatFix + Odometry need no tf
    QVERIFY(same_points(load_point_cloud(*frames_of(d, kLidar)[1]), sweep_points(1)));

    // With tf but a sensor frame that no transform reaches: that one extrinsic is reported, the others stored.
    Options o2;
    o2.camera_info = false;
    const Drive d2 = read(write_recording(path("tf_only.mcap"), o2).file);
    QCOMPARE(d2.calibrations.size(), std::size_t(1));
    QVERIFY(d2.calibrations[0].cameras.empty());
    QVERIFY(d2.calibrations[0].transform("cam_front_optical", "lidar_link"));
    // Odometry's frame (base_link) is in the tree too.
    QVERIFY(d2.calibrations[0].transform("base_link", "lidar_link"));
  }

  void transforms_on_tf() {
    // ROS 1 bags often carry the fixed joints on /tf at a rate: edges that never change are extrinsics, and the
    // changing odom <- base_link edge gives the poses their heading when there is no Odometry topic.
    Options o;
    o.flavor = RosFlavor::Ros1;
    o.tf_on_tf = true;
    o.odometry = false;
    const Drive d = read(write_recording(path("tf_dynamic.mcap"), o).file);
    QVERIFY2(d.errors.size() == 1, errors_of(d).constData());
    QCOMPARE(d.sensors.size(), std::size_t(4));
    QCOMPARE(d.calibrations.size(), std::size_t(1));
    const auto& tfs = static_tfs();
    const Eigen::Isometry3d want = (iso(tfs[1]) * iso(tfs[2])).inverse() * iso(tfs[0]);
    const auto front = d.calibrations[0].transform("cam_front_optical", "lidar_link");
    QVERIFY(front && (front->matrix() - want.matrix()).cwiseAbs().maxCoeff() < 1e-9);
    QVERIFY(!d.calibrations[0].transform("odom", "lidar_link"));  // motion is no extrinsic
    QCOMPARE(d.poses.size(), std::size_t(kSweeps));
    for (int i = 0; i < kSweeps; ++i) {
      const Pose& p = d.poses[static_cast<std::size_t>(i)];
      QVERIFY(std::abs(p.yaw - fix_at(i).yaw) < 1e-9);
      QVERIFY(std::abs(p.roll) < 1e-12 && std::abs(p.pitch) < 1e-12);
      QCOMPARE(p.forward_velocity_mps, 0.0);  // no Odometry, no speed
    }
  }

  void poses_from_tf_alone() {
    // Neither NavSatFix nor Odometry: the odom <- base_link edge on /tf gives the poses, relative to the first,
    // with the absolute heading, and the forward speed of the motion (3 m per 0.1 s along x, seen along the
    // body's heading).
    Options o;
    o.tf_on_tf = true;
    o.odometry = false;
    o.fix = false;
    const Drive d = read(write_recording(path("tf_poses.mcap"), o).file);
    QCOMPARE(d.poses.size(), std::size_t(kSweeps));
    const auto body = [](int i) {
      Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
      T.translation() = Eigen::Vector3d(3.0 * i, 0, 0);
      T.linear() = Eigen::AngleAxisd(fix_at(i).yaw, Eigen::Vector3d::UnitZ()).toRotationMatrix();
      return T;
    };
    for (int i = 0; i < kSweeps; ++i) {
      const Pose& p = d.poses[static_cast<std::size_t>(i)];
      QCOMPARE(p.timestamp_ns, kT0 + i * kPeriod + 2'000'000);
      const Eigen::Matrix4d want = (body(0).inverse() * body(i)).matrix();
      QVERIFY2((p.T_world_from_imu.matrix() - want).cwiseAbs().maxCoeff() < 1e-9, qPrintable(QString::number(i)));
      QVERIFY(std::abs(p.yaw - fix_at(i).yaw) < 1e-9);
      QVERIFY(std::abs(p.forward_velocity_mps - 30.0 * std::cos(fix_at(i).yaw)) < 1e-6);
    }
  }

  void truncated_file() {
    Options o;
    o.chunk_size = 2048;
    o.compression = McapWriterCompression::none;
    const Written w = write_recording(path("cut.mcap"), o);
    const Drive whole = read(w.file);
    // Cut in the middle of the third-last chunk.
    const auto& cut_chunk = w.chunks[w.chunks.size() - 3];
    const std::uint64_t cut = cut_chunk.offset + cut_chunk.length / 2;
    fs::resize_file(w.file, cut);
    const Drive d = read(w.file);
    QVERIFY2(has_error(d, {"truncated at byte " + std::to_string(cut)}), errors_of(d).constData());
    QVERIFY(!d.frames.empty());
    QVERIFY(d.frames.size() < whole.frames.size());
    // Exactly the frames of the messages written before the cut chunk are there.
    std::size_t before = 0;
    for (const auto& f : whole.frames)
      if (f.offset < cut_chunk.offset) ++before;
    QCOMPARE(d.frames.size(), before);
    for (const auto& f : d.frames) QVERIFY(f.offset < cut_chunk.offset);
    QVERIFY(same_points(load_point_cloud(*frames_of(d, kLidar)[0]), sweep_points(0)));
  }

  void recording_without_sensor_data_is_not_a_drive() {
    // The MCAP project's conformance file: ten messages on one topic of an unknown schema, nothing to view.
    const fs::path file = fs::path(dc::test::shared_data_dir()) / "mcap-conformance/TenMessages/TenMessages.mcap";
    if (!fs::exists(file)) QSKIP("../shared/data/mcap-conformance is not there");
    try {
      McapDriveReader().read(file, {});
      QFAIL("a recording without point clouds or images was read as a drive");
    } catch (const ParseError& e) {
      const std::string what = e.what();
      QVERIFY2(what.find(file.string()) != std::string::npos, e.what());
      QVERIFY2(what.find("no point cloud or image messages to index (10 messages on 1 topic: example)") !=
                   std::string::npos,
               e.what());
    }
  }

  void damaged_chunk_and_bad_header() {
    Options o;
    o.chunk_size = 2048;
    o.compression = McapWriterCompression::none;
    o.bad_header = true;
    const Written w = write_recording(path("damaged.mcap"), o);
    const Drive clean = read(w.file);
    // The extra lidar message holds 5 bytes: its header cannot be decoded; reported, the rest read.
    QVERIFY2(has_error(clean, {"/lidar/points", "cannot decode its header"}), errors_of(clean).constData());
    QCOMPARE(frames_of(clean, kLidar).size(), std::size_t(kSweeps));

    // Flip a byte in the middle of one chunk's records: its CRC fails, its messages are skipped with an error.
    const auto& bad = w.chunks[w.chunks.size() / 2];
    {
      std::fstream f(w.file, std::ios::in | std::ios::out | std::ios::binary);
      const auto at = static_cast<std::streamoff>(bad.offset + bad.length - 100);
      f.seekg(at);
      char c = 0;
      f.read(&c, 1);
      c = static_cast<char>(c ^ 0x5a);
      f.seekp(at);
      f.write(&c, 1);
    }
    const Drive d = read(w.file);
    QVERIFY2(has_error(d, {"CRC", std::to_string(bad.offset)}), errors_of(d).constData());
    std::size_t in_bad = 0;
    for (const auto& f : clean.frames) in_bad += f.offset == bad.offset;
    QVERIFY(in_bad > 0);
    QCOMPARE(d.frames.size(), clean.frames.size() - in_bad);
    for (const auto& f : d.frames) QVERIFY(f.offset != bad.offset);
  }

  void catalog_round_trip_and_clock_offset() {
    const auto file = write_recording(path("catalog_drive.mcap"), {}).file;
    const Drive d = read(file);
    const fs::path catalog_file = path("catalog.sqlite");
    Catalog catalog(catalog_file);
    const IngestReport report = Ingester(catalog).ingest({file});
    QCOMPARE(report.drives, std::vector<std::string>{"catalog_drive"});
    const auto summary = catalog.find_drive("catalog_drive");
    QVERIFY(summary);
    const auto stored = catalog.frames(summary->id);
    QCOMPARE(stored.size(), d.frames.size());
    std::map<std::pair<std::string, std::int64_t>, const Frame*> by_key;
    for (const auto& f : d.frames) by_key[{f.sensor, f.index}] = &f;
    bool some_inner = false;
    for (const auto& s : stored) {
      const Frame* f = by_key.at({s.sensor, s.index});
      QCOMPARE(s.timestamp_ns, f->timestamp_ns);
      QCOMPARE(s.file, f->file);
      QCOMPARE(s.offset, f->offset);
      QCOMPARE(s.inner_offset, f->inner_offset);
      QCOMPARE(s.size, f->size);
      QCOMPARE(s.log_time_ns, f->log_time_ns);
      QCOMPARE(s.publish_time_ns, f->publish_time_ns);
      some_inner |= s.inner_offset > 0;
    }
    QVERIFY(some_inner);
    // Re-ingesting the same file changes nothing.
    const IngestReport again = Ingester(catalog).ingest({file});
    QCOMPARE(again.stats.frames_updated, std::int64_t(0));
    QCOMPARE(again.stats.frames_added, std::int64_t(0));

    // A payload loads from the catalog's copy of the frame.
    const Drive loaded = catalog.load_drive("catalog_drive");
    QVERIFY(same_points(load_point_cloud(*frames_of(loaded, kLidar)[4]), sweep_points(4)));

    // data-qc: the front camera's log times lag its stamps by 0.5 s: one clock-offset run over all its frames;
    // the other topics (20 ms) are inside the 100 ms default.
    const auto session = DriveSession::open(catalog, "catalog_drive");
    const Pass* pass = find_pass("data-qc");
    QVERIFY(pass);
    const PassParameters params(pass->parameters(), {});
    const auto findings = pass->run({*session, params, {}, 1}).findings;
    std::vector<Finding> offsets;
    for (const auto& f : findings)
      if (f.check == "clock-offset") offsets.push_back(f);
    QCOMPARE(offsets.size(), std::size_t(1));
    QCOMPARE(offsets[0].sensor, std::string(kFront));
    QVERIFY2(offsets[0].message.find("500.0 ms after") != std::string::npos, offsets[0].message.c_str());
    const auto details = nlohmann::json::parse(offsets[0].details_json);
    QCOMPARE(details["frames"].size(), std::size_t(kSweeps));
    // With the limit above the lag, nothing.
    const PassParameters loose(pass->parameters(), {{"max_clock_offset_ms", "600"}});
    for (const auto& f : pass->run({*session, loose, {}, 1}).findings) QVERIFY(f.check != "clock-offset");
  }

  void ingest_rate() {
    // A figure, not a limit: 60 sweeps of 20k points (19 MB of messages in zstd chunks), read as a drive (headers
    // only) and then every sweep loaded.
    const fs::path file = path("rate.mcap");
    std::vector<float> xyzi(20000 * 4);
    std::mt19937 rng(7);  // incompressible, as real sweeps nearly are
    std::uniform_real_distribution<float> u(-50.0f, 50.0f);
    for (auto& v : xyzi) v = u(rng);
    {
      McapWriter w(file, {});
      const RosMessageWriter ros(RosFlavor::Ros2);
      const RosSchemaText st = ros.schema(RosMessageKind::PointCloud2);
      const auto ch = w.add_channel(w.add_schema(st.name, st.encoding, bytes_of(st.text)), "/points", "cdr");
      for (int i = 0; i < 60; ++i) {
        RosHeaderData h;
        h.stamp_ns = kT0 + i * kPeriod;
        h.frame_id = "lidar";
        const auto t = static_cast<std::uint64_t>(h.stamp_ns);
        w.add_message(ch, t, t, static_cast<std::uint32_t>(i), ros.point_cloud2(make_xyzi_point_cloud2(xyzi, h)));
      }
      w.close();
    }
    McapPayloadLoader::instance().clear();
    const auto t0 = std::chrono::steady_clock::now();
    const Drive d = read(file);
    const auto t1 = std::chrono::steady_clock::now();
    std::size_t points = 0;
    for (const auto& f : d.frames) points += load_point_cloud(f).xyzi.size() / 4;
    const auto t2 = std::chrono::steady_clock::now();
    QCOMPARE(d.frames.size(), std::size_t(60));
    QCOMPARE(points, std::size_t(60 * 20000));
    const double mb = static_cast<double>(fs::file_size(file)) / 1e6;
    const double read_s = std::chrono::duration<double>(t1 - t0).count();
    const double load_s = std::chrono::duration<double>(t2 - t1).count();
    qInfo("ingest: %.1f MB in %.3f s (%.0f MB/s); loading all 60 sweeps: %.3f s (%.1f ms per sweep)", mb, read_s,
          mb / read_s, load_s, 1e3 * load_s / 60);
  }

  void old_formats_have_no_second_clock() {
    // Frames of formats with one clock store NULL and read back as none.
    const fs::path catalog_file = path("plain.sqlite");
    Catalog catalog(catalog_file);
    Drive d;
    d.name = "plain";
    d.format = "kitti-raw";
    d.root = path("plain_drive").string();
    d.sensors.push_back({"velodyne_points", SensorKind::Lidar, 10.0, "velo", ""});
    Frame f;
    f.sensor = "velodyne_points";
    f.timestamp_ns = kT0;
    f.file = path("x.bin").string();
    d.frames.push_back(f);
    catalog.store_drive(d);
    const auto stored = catalog.frames(catalog.find_drive("plain")->id);
    QCOMPARE(stored.size(), std::size_t(1));
    QVERIFY(!stored[0].log_time_ns && !stored[0].publish_time_ns);
    QCOMPARE(stored[0].inner_offset, std::uint64_t(0));
  }
};

QTEST_APPLESS_MAIN(TestMcapDriveReader)
#include "tst_mcap_drive_reader.moc"

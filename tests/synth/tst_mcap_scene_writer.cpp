// The generator's MCAP output (ROS 2 and ROS 1) against its KITTI raw output of the same seed. Expected values
// come from the KITTI files, read with the KITTI raw reader, OpenCV and plain text parsing; the MCAP is read with the
// core MCAP container reader and ROS decoders.
#include "test_support.h"

#include "dc/core/io/reader_registry.h"
#include "dc/synth/drive_generator.h"
#include "io/readers/mcap/mcap_file_reader.h"
#include "io/readers/ros/ros_camera_info_conversion.h"
#include "io/readers/ros/ros_image_conversion.h"
#include "io/readers/ros/ros_message_decoder.h"
#include "io/readers/ros/ros_nav_sat_fix_conversion.h"
#include "io/readers/ros/ros_odometry_conversion.h"
#include "io/readers/ros/ros_point_cloud_conversion.h"
#include "io/readers/ros/ros_tf_conversion.h"

#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <cstring>
#include <map>
#include <numbers>
#include <sstream>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

constexpr int kFrames = 4;
constexpr int kBeams = 32;
// Calibration rotations: KITTI prints seven digits, so R_rect * R is orthonormal only to about 1e-7; the tf tree
// carries the nearest rotation.
constexpr double kRotationTolerance = 1e-6;

GeneratorOptions small_options(const fs::path& out, const std::string& format, bool ros1, int threads) {
  GeneratorOptions o;
  o.out = out;
  o.format = format;
  o.ros1 = ros1;
  o.frames = kFrames;
  o.seed = 11;
  o.image_width = 160;
  o.image_height = 64;
  o.lidar_beams = kBeams;
  o.lidar_columns = 300;
  o.threads = threads;
  return o;
}

std::vector<double> oxts_values(const fs::path& file) {
  std::istringstream in(dc::test::read_text(file));
  std::vector<double> v;
  std::string word;
  while (in >> word) v.push_back(std::stod(word));
  return v;
}

// KITTI devkit's latlonToMercator with the scale of the first fix.
Eigen::Vector2d mercator(double lat, double lon, double scale) {
  constexpr double er = 6378137.0, pi = std::numbers::pi;
  return {scale * lon * pi * er / 180.0, scale * er * std::log(std::tan((90.0 + lat) * pi / 360.0))};
}

struct Decoded {
  McapMessageRef ref;
  std::vector<std::uint8_t> bytes;  // owns what the message's values point into
  RosMessage msg;
};

}  // namespace

class TstMcapSceneWriter : public QObject {
  Q_OBJECT

  fs::path work_;
  GeneratorResult kitti_, ros2_, ros1_;
  Drive drive_;

  const fs::path& mcap_file(bool ros1) const { return ros1 ? ros1_.drive_dir : ros2_.drive_dir; }

  // Messages of one topic in log-time order, decoded with their channel's schema.
  std::vector<Decoded> topic(const McapFileReader& r, const std::string& name) const {
    std::vector<Decoded> out;
    for (const auto& [id, ch] : r.channels()) {
      if (ch.topic != name) continue;
      const McapSchema& s = r.schemas().at(ch.schema_id);
      const auto decoder = RosMessageDecoder::from_schema(
          s.name, s.encoding, std::string_view(reinterpret_cast<const char*>(s.data.data()), s.data.size()),
          ch.message_encoding, r.path());
      for (const auto& ref : r.messages()) {
        if (ref.channel_id != id) continue;
        out.push_back({ref, r.read_message_bytes(ref), {}});
      }
      for (auto& d : out) d.msg = decoder.decode(d.bytes, r.path());
    }
    return out;
  }

  const Frame& kitti_frame(const std::string& sensor, std::int64_t index) const {
    for (const auto& f : drive_.frames)
      if (f.sensor == sensor && f.index == index) return f;
    throw std::runtime_error("no KITTI frame " + sensor + " " + std::to_string(index));
  }

  static void check_delay(const Decoded& d, TimestampNs stamp) {
    const auto delay = static_cast<std::int64_t>(d.ref.log_time) - stamp;
    QVERIFY2(delay >= 1'000'000 && delay <= 3'000'000, qPrintable(QString::number(delay)));
  }

  static void add_flavors() {
    QTest::addColumn<bool>("ros1");
    QTest::newRow("ros2") << false;
    QTest::newRow("ros1") << true;
  }

 private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("tst_mcap_scene_writer");
    kitti_ = generate_drive(small_options(work_ / "kitti", "kitti-raw", false, 2));
    ros2_ = generate_drive(small_options(work_ / "ros2", "mcap", false, 3));
    ros1_ = generate_drive(small_options(work_ / "ros1", "mcap", true, 2));
    drive_ = reader_for_format("kitti-raw")->read_single(kitti_.drive_dir);
    QVERIFY(drive_.errors.empty());
    QCOMPARE(static_cast<int>(drive_.calibrations.size()), 1);
  }

  void result_names_the_file() {
    QCOMPARE(ros2_.drive_dir, work_ / "ros2" / (kitti_.drive_dir.filename().string() + ".mcap"));
    QCOMPARE(ros2_.date_dir, work_ / "ros2");
    QCOMPARE(ros2_.frames, kFrames);
    QVERIFY(fs::is_regular_file(ros1_.drive_dir));
  }

  void container_data() { add_flavors(); }
  void container() {
    QFETCH(bool, ros1);
    const auto r = McapFileReader::open(mcap_file(ros1));
    QVERIFY2(r->problems().empty(), r->problems().empty() ? "" : r->problems().front().c_str());
    QCOMPARE(r->header().profile, std::string(ros1 ? "ros1" : "ros2"));
    QVERIFY(r->indexed_from_summary());
    QVERIFY(!r->chunks().empty());
    for (const auto& c : r->chunks()) {
      QCOMPARE(c.compression, std::string("zstd"));
      QVERIFY(c.message_index);
    }
    // tf_static once; per frame a sweep, two images, two camera infos, a fix and an odometry.
    const std::uint64_t expected = 1 + kFrames * 7;
    QVERIFY(r->statistics().has_value());
    QCOMPARE(r->statistics()->message_count, expected);
    QCOMPARE(static_cast<std::uint64_t>(r->messages().size()), expected);
    std::map<std::string, std::pair<std::string, std::string>> topics;  // topic -> schema name, encodings
    for (const auto& [id, ch] : r->channels()) {
      const McapSchema& s = r->schemas().at(ch.schema_id);
      topics[ch.topic] = {s.name, s.encoding + "/" + ch.message_encoding};
    }
    const std::string enc = ros1 ? "ros1msg/ros1" : "ros2msg/cdr";
    auto type = [&](const char* pkg, const char* name) {
      return std::string(pkg) + (ros1 ? "/" : "/msg/") + name;
    };
    const std::map<std::string, std::pair<std::string, std::string>> want = {
        {"/tf_static", {type("tf2_msgs", "TFMessage"), enc}},
        {"/velodyne_points", {type("sensor_msgs", "PointCloud2"), enc}},
        {"/cam2/image_raw", {type("sensor_msgs", "Image"), enc}},
        {"/cam2/camera_info", {type("sensor_msgs", "CameraInfo"), enc}},
        {"/cam3/image_raw/compressed", {type("sensor_msgs", "CompressedImage"), enc}},
        {"/cam3/camera_info", {type("sensor_msgs", "CameraInfo"), enc}},
        {"/gps/fix", {type("sensor_msgs", "NavSatFix"), enc}},
        {"/odom", {type("nav_msgs", "Odometry"), enc}},
    };
    QVERIFY(topics == want);
    // Written in log-time order: chunks follow each other in time without overlapping.
    for (std::size_t i = 1; i < r->chunks().size(); ++i)
      QVERIFY(r->chunks()[i - 1].message_end_time <= r->chunks()[i].message_start_time);
  }

  void points_data() { add_flavors(); }
  void points() {
    QFETCH(bool, ros1);
    const auto r = McapFileReader::open(mcap_file(ros1));
    const auto sweeps = topic(*r, "/velodyne_points");
    QCOMPARE(static_cast<int>(sweeps.size()), kFrames);
    for (int k = 0; k < kFrames; ++k) {
      const RosPointCloud cloud = point_cloud_from_ros(sweeps[k].msg);
      const Frame& f = kitti_frame("velodyne_points", k);
      const std::string bin = dc::test::read_text(f.file);
      QCOMPARE(cloud.cloud.xyzi.size() * sizeof(float), bin.size());
      QVERIFY(std::memcmp(cloud.cloud.xyzi.data(), bin.data(), bin.size()) == 0);
      QCOMPARE(cloud.dropped_points, std::size_t{0});
      QCOMPARE(cloud.header.stamp_ns, f.timestamp_ns);
      QCOMPARE(cloud.header.frame_id, std::string("velo"));
      QCOMPARE(cloud.intensity_field, std::string("intensity"));
      check_delay(sweeps[k], f.timestamp_ns);
      // The sweep lists its points beam by beam from the top: rings never decrease and stay below the beam count.
      QCOMPARE(cloud.ring.size(), cloud.cloud.size());
      for (std::size_t i = 1; i < cloud.ring.size(); ++i) QVERIFY(cloud.ring[i - 1] <= cloud.ring[i]);
      QVERIFY(cloud.ring.back() < kBeams);
      QVERIFY(cloud.ring.back() - cloud.ring.front() > kBeams / 2);
    }
  }

  void images_data() { add_flavors(); }
  void images() {
    QFETCH(bool, ros1);
    const auto r = McapFileReader::open(mcap_file(ros1));
    const auto raw = topic(*r, "/cam2/image_raw");
    const auto png = topic(*r, "/cam3/image_raw/compressed");
    QCOMPARE(static_cast<int>(raw.size()), kFrames);
    QCOMPARE(static_cast<int>(png.size()), kFrames);
    for (int k = 0; k < kFrames; ++k) {
      for (int c = 0; c < 2; ++c) {
        const RosImage img = c == 0 ? image_from_ros(raw[k].msg) : compressed_image_from_ros(png[k].msg);
        const Frame& f = kitti_frame(c == 0 ? "image_02" : "image_03", k);
        const cv::Mat expected = cv::imread(f.file, cv::IMREAD_UNCHANGED);
        QCOMPARE(img.image.type(), expected.type());
        QCOMPARE(img.image.size(), expected.size());
        QCOMPARE(cv::norm(img.image, expected, cv::NORM_INF), 0.0);
        QCOMPARE(img.header.stamp_ns, f.timestamp_ns);
        QCOMPARE(img.header.frame_id, std::string(c == 0 ? "cam2" : "cam3"));
        check_delay(c == 0 ? raw[k] : png[k], f.timestamp_ns);
      }
    }
  }

  void camera_info_data() { add_flavors(); }
  void camera_info() {
    QFETCH(bool, ros1);
    const auto r = McapFileReader::open(mcap_file(ros1));
    const Calibration& calib = drive_.calibrations.front();
    for (int c = 0; c < 2; ++c) {
      const auto infos = topic(*r, c == 0 ? "/cam2/camera_info" : "/cam3/camera_info");
      QCOMPARE(static_cast<int>(infos.size()), kFrames);
      const CameraIntrinsics& want = calib.cameras.at(c == 0 ? "image_02" : "image_03");
      for (int k = 0; k < kFrames; ++k) {
        const RosCameraInfo info = camera_info_from_ros(infos[k].msg);
        QVERIFY(info.intrinsics.K == want.K);  // the same numbers from the same text
        QCOMPARE(info.intrinsics.width, want.width);
        QCOMPARE(info.intrinsics.height, want.height);
        QCOMPARE(info.distortion, std::vector<double>(5, 0.0));
        QVERIFY(info.P.leftCols<3>() == want.K);
        QVERIFY(info.R == Eigen::Matrix3d::Identity());
        QCOMPARE(info.header.stamp_ns, kitti_frame(c == 0 ? "image_02" : "image_03", k).timestamp_ns);
      }
    }
  }

  void transforms_data() { add_flavors(); }
  void transforms() {
    QFETCH(bool, ros1);
    const auto r = McapFileReader::open(mcap_file(ros1));
    const auto tf = topic(*r, "/tf_static");
    QCOMPARE(static_cast<int>(tf.size()), 1);
    QVERIFY(tf.front().ref.log_time == r->messages().front().log_time);  // before every sensor message
    std::map<std::pair<std::string, std::string>, Eigen::Isometry3d> edges;  // (parent, child) -> T_parent_from_child
    for (const RosTransform& t : transforms_from_ros(tf.front().msg)) edges[{t.parent_frame, t.child_frame}] = t.T_parent_from_child;
    QCOMPARE(static_cast<int>(edges.size()), 3);
    QVERIFY(edges.count({"imu", "velo"}) && edges.count({"velo", "cam2"}) && edges.count({"velo", "cam3"}));

    const Calibration& calib = drive_.calibrations.front();
    double worst_rotation = 0, worst_translation = 0;
    auto compare = [&](const Eigen::Isometry3d& got, const Eigen::Isometry3d& want) {
      worst_rotation = std::max(worst_rotation, (got.linear() - want.linear()).cwiseAbs().maxCoeff());
      worst_translation = std::max(worst_translation, (got.translation() - want.translation()).norm());
    };
    // KITTI's T_cam_from_velo is the inverse of the edge velo <- cam.
    for (const char* cam : {"cam2", "cam3"}) {
      const auto want = calib.transform(cam, "velo");
      QVERIFY(want.has_value());
      compare(edges.at({"velo", cam}).inverse(), *want);
    }
    const auto velo_from_imu = calib.transform("velo", "imu");
    QVERIFY(velo_from_imu.has_value());
    compare(edges.at({"imu", "velo"}).inverse(), *velo_from_imu);
    qInfo("tf against KITTI text: rotation entries within %.2e, translations within %.2e m", worst_rotation,
          worst_translation);
    QVERIFY(worst_rotation < kRotationTolerance);
    QVERIFY(worst_translation < 1e-9);
  }

  void gps_and_odometry_data() { add_flavors(); }
  void gps_and_odometry() {
    QFETCH(bool, ros1);
    const auto r = McapFileReader::open(mcap_file(ros1));
    const auto fixes = topic(*r, "/gps/fix");
    const auto odoms = topic(*r, "/odom");
    QCOMPARE(static_cast<int>(fixes.size()), kFrames);
    QCOMPARE(static_cast<int>(odoms.size()), kFrames);
    const double scale = std::cos(oxts_values(kitti_frame("oxts", 0).file)[0] * std::numbers::pi / 180.0);
    Eigen::Vector2d m0 = Eigen::Vector2d::Zero(), p0 = Eigen::Vector2d::Zero();
    for (int k = 0; k < kFrames; ++k) {
      const Frame& f = kitti_frame("oxts", k);
      const std::vector<double> oxts = oxts_values(f.file);
      QCOMPARE(static_cast<int>(oxts.size()), 30);
      const RosNavSatFix fix = nav_sat_fix_from_ros(fixes[k].msg);
      QCOMPARE(fix.latitude, oxts[0]);
      QCOMPARE(fix.longitude, oxts[1]);
      QCOMPARE(fix.altitude, oxts[2]);
      QCOMPARE(fix.header.stamp_ns, f.timestamp_ns);
      QVERIFY(fix.status >= 0);
      check_delay(fixes[k], f.timestamp_ns);

      const RosOdometry odom = odometry_from_ros(odoms[k].msg);
      QCOMPARE(odom.header.frame_id, std::string("world"));
      QCOMPARE(odom.child_frame_id, std::string("imu"));
      QCOMPARE(odom.header.stamp_ns, f.timestamp_ns);
      // The path between fixes is the devkit's Mercator path; the heading is OXTS yaw.
      const Eigen::Vector2d m = mercator(oxts[0], oxts[1], scale);
      const Eigen::Vector2d p = odom.T_frame_from_child.translation().head<2>();
      if (k == 0) {
        m0 = m;
        p0 = p;
      }
      QVERIFY2(((p - p0) - (m - m0)).norm() < 1e-6, qPrintable(QString::number(((p - p0) - (m - m0)).norm())));
      const Eigen::Matrix3d R = odom.T_frame_from_child.linear();
      QVERIFY(std::abs(std::remainder(std::atan2(R(1, 0), R(0, 0)) - oxts[5], 2 * std::numbers::pi)) < 1e-9);
      QVERIFY(std::abs(odom.twist_linear_x - oxts[8]) < 1e-9);  // vf
    }
  }

  void same_bytes_with_any_thread_count() {
    const GeneratorResult again = generate_drive(small_options(work_ / "ros2-1thread", "mcap", false, 1));
    QVERIFY(dc::test::read_text(again.drive_dir) == dc::test::read_text(ros2_.drive_dir));
  }

  void other_compressions() {
    for (const char* compression : {"lz4", "none"}) {
      GeneratorOptions o = small_options(work_ / compression, "mcap", false, 2);
      o.frames = 2;
      o.mcap_compression = compression;
      const auto r = McapFileReader::open(generate_drive(o).drive_dir);
      QVERIFY(r->problems().empty());
      QCOMPARE(r->messages().size(), std::size_t{1 + 2 * 7});
      for (const auto& c : r->chunks()) QCOMPARE(c.compression, std::string(compression[0] == 'n' ? "" : compression));
    }
    GeneratorOptions bad = small_options(work_ / "bad", "mcap", false, 1);
    bad.mcap_compression = "brotli";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, generate_drive(bad));
  }
};

QTEST_APPLESS_MAIN(TstMcapSceneWriter)
#include "tst_mcap_scene_writer.moc"

// One synthetic drive (same seed) written as KITTI raw and as MCAP (ROS 2 and ROS 1), each ingested through its own
// reader (found by detection): the two drives must agree on frames, timestamps, payloads, calibration and poses.
// The KITTI side is the reference: its reader has been checked on real KITTI data.
#include "test_support.h"

#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "dc/synth/drive_generator.h"

#include <QTest>

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

constexpr int kFrames = 3;

GeneratorOptions options(const fs::path& out, const std::string& format, bool ros1) {
  GeneratorOptions o;
  o.out = out;
  o.format = format;
  o.ros1 = ros1;
  o.frames = kFrames;
  o.seed = 23;
  o.image_width = 200;
  o.image_height = 72;
  o.lidar_beams = 32;
  o.lidar_columns = 400;
  o.threads = 2;
  return o;
}

Drive ingest(const fs::path& path) {
  const DriveReader* reader = detect_reader(path);
  if (!reader) throw std::runtime_error("no reader detects " + path.string());
  return reader->read_single(path);
}

// The frames of one sensor in time order.
std::vector<Frame> frames_of(const Drive& d, const std::string& sensor) {
  std::vector<Frame> out;
  for (const auto& f : d.frames)
    if (f.sensor == sensor) out.push_back(f);
  std::sort(out.begin(), out.end(), [](const Frame& a, const Frame& b) { return a.timestamp_ns < b.timestamp_ns; });
  return out;
}

const Sensor* sensor_by_topic(const Drive& d, const std::string& topic) {
  for (const auto& s : d.sensors)
    if (s.model == topic) return &s;
  return nullptr;
}

}  // namespace

class TstMcapCrossFormat : public QObject {
  Q_OBJECT

  fs::path work_;
  Drive kitti_;
  std::map<bool, Drive> mcap_;  // by ros1

  static void add_flavors() {
    QTest::addColumn<bool>("ros1");
    QTest::newRow("ros2") << false;
    QTest::newRow("ros1") << true;
  }

 private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("tst_mcap_cross_format");
    kitti_ = ingest(generate_drive(options(work_ / "kitti", "kitti-raw", false)).drive_dir);
    QVERIFY(kitti_.errors.empty());
    for (bool ros1 : {false, true})
      mcap_[ros1] = ingest(generate_drive(options(work_ / (ros1 ? "ros1" : "ros2"), "mcap", ros1)).drive_dir);
  }

  void drive_data() { add_flavors(); }
  void drive() {
    QFETCH(bool, ros1);
    const Drive& m = mcap_.at(ros1);
    for (const auto& e : m.errors) qWarning("%s: %s", e.path.c_str(), e.message.c_str());
    QVERIFY(m.errors.empty());
    QCOMPARE(m.format, std::string("mcap"));
    QCOMPARE(m.lidar_sensor(), std::string("velodyne_points"));
    QVERIFY(sensor_by_topic(m, "/cam2/image_raw") && sensor_by_topic(m, "/cam3/image_raw/compressed"));
    QVERIFY(sensor_by_topic(m, "/gps/fix"));
  }

  void frames_and_payloads_data() { add_flavors(); }
  void frames_and_payloads() {
    QFETCH(bool, ros1);
    const Drive& m = mcap_.at(ros1);
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"velodyne_points", "/velodyne_points"}, {"image_02", "/cam2/image_raw"},
        {"image_03", "/cam3/image_raw/compressed"}, {"oxts", "/gps/fix"}};
    for (const auto& [kitti_sensor, topic] : pairs) {
      const Sensor* s = sensor_by_topic(m, topic);
      QVERIFY2(s, topic.c_str());
      const auto want = frames_of(kitti_, kitti_sensor);
      const auto got = frames_of(m, s->name);
      QCOMPARE(static_cast<int>(want.size()), kFrames);
      QCOMPARE(got.size(), want.size());
      for (std::size_t k = 0; k < want.size(); ++k) {
        QCOMPARE(got[k].timestamp_ns, want[k].timestamp_ns);
        QVERIFY(got[k].log_time_ns.has_value());
        const TimestampNs delay = *got[k].log_time_ns - got[k].timestamp_ns;
        QVERIFY(delay >= 1'000'000 && delay <= 3'000'000);
        if (kitti_sensor == "velodyne_points") {
          const PointCloud a = load_point_cloud(want[k]), b = load_point_cloud(got[k]);
          QVERIFY(a.size() > 1000);
          QVERIFY(a.xyzi == b.xyzi);
        } else if (kitti_sensor != "oxts") {
          const cv::Mat a = load_image(want[k]), b = load_image(got[k]);
          QCOMPARE(a.size(), b.size());
          QCOMPARE(a.type(), b.type());
          QCOMPARE(cv::norm(a, b, cv::NORM_INF), 0.0);
        }
      }
    }
  }

  void calibration_data() { add_flavors(); }
  void calibration() {
    QFETCH(bool, ros1);
    const Drive& m = mcap_.at(ros1);
    QCOMPARE(static_cast<int>(m.calibrations.size()), 1);
    const Calibration& want = kitti_.calibrations.front();
    const Calibration& got = m.calibrations.front();
    for (const auto& [kitti_cam, topic] : {std::pair{"image_02", "/cam2/image_raw"},
                                           std::pair{"image_03", "/cam3/image_raw/compressed"}}) {
      const Sensor* s = sensor_by_topic(m, topic);
      QVERIFY(s);
      QVERIFY(got.cameras.count(s->name));
      QVERIFY(got.cameras.at(s->name).K == want.cameras.at(kitti_cam).K);
      QCOMPARE(got.cameras.at(s->name).width, want.cameras.at(kitti_cam).width);
      const auto T_want = want.transform(kitti_cam == std::string("image_02") ? "cam2" : "cam3", "velo");
      const auto T_got = got.transform(s->frame_id, "velo");
      QVERIFY(T_want && T_got);
      // KITTI's rotations hold seven digits (orthonormal to ~1e-7); the tf tree carries the nearest rotation.
      QVERIFY((T_got->linear() - T_want->linear()).cwiseAbs().maxCoeff() < 1e-6);
      QVERIFY((T_got->translation() - T_want->translation()).norm() < 1e-9);
    }
  }

  void poses_data() { add_flavors(); }
  void poses() {
    QFETCH(bool, ros1);
    const Drive& m = mcap_.at(ros1);
    QCOMPARE(m.poses.size(), kitti_.poses.size());
    double worst = 0;
    for (std::size_t k = 0; k < m.poses.size(); ++k) {
      QCOMPARE(m.poses[k].timestamp_ns, kitti_.poses[k].timestamp_ns);
      QCOMPARE(m.poses[k].latitude_deg, kitti_.poses[k].latitude_deg);
      QCOMPARE(m.poses[k].longitude_deg, kitti_.poses[k].longitude_deg);
      worst = std::max(worst, (m.poses[k].T_world_from_imu.translation() -
                               kitti_.poses[k].T_world_from_imu.translation()).norm());
      QVERIFY(std::abs(std::remainder(m.poses[k].yaw - kitti_.poses[k].yaw, 2 * std::numbers::pi)) < 1e-6);
    }
    qInfo("pose positions agree within %.2e m", worst);
    QVERIFY(worst < 1e-6);
  }
};

QTEST_APPLESS_MAIN(TstMcapCrossFormat)
#include "tst_mcap_cross_format.moc"

#include "dc/core/io/kitti_box_conversion.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

fs::path split_dir() { return dc::test::shared_data_dir() / "kitti-object" / "training"; }

using dc::test::frames_of;

std::vector<const BoxLabel*> labels_of(const Drive& d, std::int64_t frame) {
  std::vector<const BoxLabel*> out;
  for (const auto& l : d.labels)
    if (l.frame_index == frame) out.push_back(&l);
  return out;
}

// One row of label_2 as written in the file, for field-by-field checks.
struct Row {
  const char* type;
  double truncated;
  int occluded;
  double alpha, left, top, right, bottom, h, w, l, x, y, z, ry;
};

}  // namespace

class TestKittiObjectReader : public QObject {
  Q_OBJECT

  Drive drive_;

  const Calibration& calib(std::int64_t frame) {
    const Calibration* c = drive_.calibration_at(frame * 100'000'000 + 50'000'000);
    if (!c) throw std::runtime_error("no calibration for frame " + std::to_string(frame));
    return *c;
  }

  void check_row(std::int64_t frame, std::size_t i, const Row& row) {
    const auto labels = labels_of(drive_, frame);
    QVERIFY(i < labels.size());
    const BoxLabel& b = *labels[i];
    QCOMPARE(b.category, std::string(row.type));
    QCOMPARE(b.truncated, row.truncated);
    QCOMPARE(b.occlusion, row.occluded);
    QCOMPARE(b.alpha, row.alpha);
    QCOMPARE(b.bbox2d[0], row.left);
    QCOMPARE(b.bbox2d[1], row.top);
    QCOMPARE(b.bbox2d[2], row.right);
    QCOMPARE(b.bbox2d[3], row.bottom);
    QCOMPARE(b.height, row.h);
    QCOMPARE(b.width, row.w);
    QCOMPARE(b.length, row.l);
    QCOMPARE(b.frame_index, frame);
    QCOMPARE(b.timestamp_ns, frame * 100'000'000);
    QCOMPARE(b.source, LabelSource::GroundTruth);
    QCOMPARE(b.score, 1.0);
    const Eigen::Isometry3d T = *calib(frame).transform("cam0", "velo");
    const KittiCameraBox k = kitti_box_from_lidar(b, T);
    QVERIFY(std::abs(k.bottom_center.x() - row.x) < 1e-9);
    QVERIFY(std::abs(k.bottom_center.y() - row.y) < 1e-9);
    QVERIFY(std::abs(k.bottom_center.z() - row.z) < 1e-9);
    QVERIFY2(std::abs(std::remainder(k.rotation_y - row.ry, 2 * M_PI)) < 1e-9, qPrintable(QString::number(k.rotation_y)));
    // In the lidar frame the object is ahead (x ~ camera z) and the box center half a height above the bottom.
    QVERIFY(std::abs(b.center.x() - row.z) < 0.5);
    QVERIFY(std::abs(b.center.y() + row.x) < 0.5);
  }

private slots:
  void initTestCase() {
    const DriveReader* reader = detect_reader(split_dir());
    QVERIFY(reader);
    QCOMPARE(reader->format(), std::string("kitti-object"));
    QCOMPARE(reader, reader_for_format("kitti-object"));
    drive_ = reader->read_single(split_dir());
    QVERIFY(!drive_.timestamped);  // unrelated snapshots: times are only an order
  }

  void driveMetadata() {
    QCOMPARE(drive_.name, std::string("kitti-object/training"));
    QCOMPARE(drive_.format, std::string("kitti-object"));
    QCOMPARE(fs::path(drive_.root), fs::absolute(split_dir()).lexically_normal());
    QVERIFY2(drive_.errors.empty(), drive_.errors.empty() ? "" : drive_.errors.front().message.c_str());
    QCOMPARE(drive_.sensors.size(), std::size_t(2));
    const Sensor* lidar = drive_.find_sensor("velodyne");
    QVERIFY(lidar);
    QCOMPARE(lidar->kind, SensorKind::Lidar);
    QCOMPARE(lidar->frame_id, std::string("velo"));
    const Sensor* cam = drive_.find_sensor("image_2");
    QVERIFY(cam);
    QCOMPARE(cam->kind, SensorKind::Camera);
    QCOMPARE(cam->frame_id, std::string("cam2"));
    QCOMPARE(drive_.lidar_sensor(), std::string("velodyne"));
  }

  void frames() {
    const auto lidar = frames_of(drive_, "velodyne");
    const auto images = frames_of(drive_, "image_2");
    QCOMPARE(lidar.size(), std::size_t(3));
    QCOMPARE(images.size(), std::size_t(3));
    const std::uint64_t bin_sizes[] = {1846144, 1924288, 2030256};
    const std::uint64_t png_sizes[] = {893783, 735973, 767111};
    for (std::int64_t i = 0; i < 3; ++i) {
      const auto k = static_cast<std::size_t>(i);
      QCOMPARE(lidar[k]->index, i);
      QCOMPARE(lidar[k]->timestamp_ns, i * 100'000'000);
      QCOMPARE(fs::path(lidar[k]->file).filename().string(), "00000" + std::to_string(i) + ".bin");
      QVERIFY(fs::path(lidar[k]->file).is_absolute());
      QCOMPARE(lidar[k]->size, bin_sizes[k]);
      QCOMPARE(images[k]->index, i);
      QCOMPARE(images[k]->timestamp_ns, i * 100'000'000);
      QCOMPARE(images[k]->size, png_sizes[k]);
      QCOMPARE(fs::path(images[k]->file).filename().string(), "00000" + std::to_string(i) + ".png");
    }
  }

  void pointClouds() {
    // Expected values read independently with Python's struct module (little-endian float32 x y z r).
    struct Expected {
      std::size_t count;
      float first[4];
      float at1000[4];
    };
    const Expected expected[] = {
        {115384, {18.324f, 0.049f, 0.829f, 0.0f}, {-47.432f, 4.691f, 1.821f, 0.0f}},
        {120268, {49.52f, 22.668f, 2.051f, 0.0f}, {-5.874f, -9.163f, 0.577f, 0.5f}},
        {126891, {78.779f, 0.171f, 2.873f, 0.0f}, {-29.817f, 6.564f, 1.242f, 0.25f}},
    };
    const auto lidar = frames_of(drive_, "velodyne");
    for (std::size_t i = 0; i < 3; ++i) {
      const PointCloud cloud = load_point_cloud(*lidar[i]);
      QCOMPARE(cloud.size(), expected[i].count);
      const PointCloud direct = load_velodyne_bin(lidar[i]->file);
      QCOMPARE(direct.xyzi, cloud.xyzi);
      for (int c = 0; c < 4; ++c) {
        QCOMPARE(cloud.point(0)[c], expected[i].first[c]);
        QCOMPARE(cloud.point(1000)[c], expected[i].at1000[c]);
      }
    }
  }

  void images() {
    const auto images = frames_of(drive_, "image_2");
    const cv::Mat first = load_image(*images[0]);
    QCOMPARE(first.cols, 1224);
    QCOMPARE(first.rows, 370);
    QCOMPARE(first.type(), CV_8UC3);
    const cv::Mat second = load_image(fs::path(images[1]->file));
    QCOMPARE(second.cols, 1242);
    QCOMPARE(second.rows, 375);
  }

  void calibrations() {
    QCOMPARE(drive_.calibrations.size(), std::size_t(3));
    const double focal[] = {707.0493, 721.5377, 721.5377};
    const int widths[] = {1224, 1242, 1242};
    const int heights[] = {370, 375, 375};
    for (std::int64_t i = 0; i < 3; ++i) {
      const Calibration& c = calib(i);
      QCOMPARE(c.valid_from_ns, i * 100'000'000);
      QCOMPARE(c.valid_to_ns, (i + 1) * 100'000'000);
      QVERIFY(c.cameras.count("image_2"));
      const CameraIntrinsics& intr = c.cameras.at("image_2");
      const auto k = static_cast<std::size_t>(i);
      QCOMPARE(intr.K(0, 0), focal[k]);
      QCOMPARE(intr.K(1, 1), focal[k]);
      QCOMPARE(intr.K(2, 2), 1.0);
      QCOMPARE(intr.width, widths[k]);
      QCOMPARE(intr.height, heights[k]);
      for (double d : intr.distortion) QCOMPARE(d, 0.0);
      QVERIFY(c.transform("cam2", "velo"));
      QVERIFY(c.transform("cam0", "velo"));
      QVERIFY(c.transform("velo", "imu"));
    }
    // 000000 comes from another recording day than 000001/2: its own values, straight from the file.
    const Calibration& c0 = calib(0);
    QCOMPARE(c0.cameras.at("image_2").K(0, 2), 604.0814);
    QCOMPARE(c0.cameras.at("image_2").K(1, 2), 180.5066);
    const Eigen::Isometry3d T_velo_from_imu = *c0.transform("velo", "imu");
    QCOMPARE(T_velo_from_imu.translation().x(), -0.8086759);
    QCOMPARE(T_velo_from_imu.linear()(0, 0), 0.9999976);

    // cam0 <- velo is R0_rect * Tr_velo_to_cam: check it against the file's numbers for 000001.
    Eigen::Matrix3d R0;
    R0 << 9.999239e-01, 9.837760e-03, -7.445048e-03, -9.869795e-03, 9.999421e-01, -4.278459e-03, 7.402527e-03,
        4.351614e-03, 9.999631e-01;
    Eigen::Matrix<double, 3, 4> Tr;
    Tr << 7.533745e-03, -9.999714e-01, -6.166020e-04, -4.069766e-03, 1.480249e-02, 7.280733e-04, -9.998902e-01,
        -7.631618e-02, 9.998621e-01, 7.523790e-03, 1.480755e-02, -2.717806e-01;
    const Eigen::Isometry3d T_rect = *calib(1).transform("cam0", "velo");
    QVERIFY((T_rect.linear() - R0 * Tr.leftCols<3>()).cwiseAbs().maxCoeff() < 1e-12);
    QVERIFY((T_rect.translation() - R0 * Tr.col(3)).cwiseAbs().maxCoeff() < 1e-12);

    // cam2 <- velo: projecting with K alone must equal P2 * [R0_rect * Tr_velo_to_cam; 0 0 0 1].
    Eigen::Matrix<double, 3, 4> P2;
    P2 << 7.215377e+02, 0, 6.095593e+02, 4.485728e+01, 0, 7.215377e+02, 1.728540e+02, 2.163791e-01, 0, 0, 1,
        2.745884e-03;
    const Eigen::Isometry3d T_cam2 = *calib(1).transform("cam2", "velo");
    const Eigen::Matrix3d K = calib(1).cameras.at("image_2").K;
    for (const Eigen::Vector3d& p : {Eigen::Vector3d(10, 2, -1), Eigen::Vector3d(30, -5, 0.5)}) {
      const Eigen::Vector3d a = K * (T_cam2 * p);
      const Eigen::Vector3d b = P2 * (T_rect * p).homogeneous();
      QVERIFY((a.hnormalized() - b.hnormalized()).norm() < 1e-9);
    }
  }

  void labelCounts() {
    QCOMPARE(labels_of(drive_, 0).size(), std::size_t(1));
    // Frame 1's file has 7 rows of which 4 are DontCare regions, which are not boxes.
    QCOMPARE(labels_of(drive_, 1).size(), std::size_t(3));
    QCOMPARE(labels_of(drive_, 2).size(), std::size_t(2));
    QCOMPARE(drive_.labels.size(), std::size_t(10 - 4));
    for (const auto& l : drive_.labels) QVERIFY(l.category != "DontCare");
    QCOMPARE(drive_.dont_care.size(), std::size_t(4));
    for (const auto& r : drive_.dont_care) QCOMPARE(r.frame_index, std::int64_t(1));
    for (const auto& l : drive_.labels) QVERIFY(l.track_id.empty());
  }

  void labelFields() {
    check_row(0, 0, {"Pedestrian", 0.00, 0, -0.20, 712.40, 143.00, 810.73, 307.92, 1.89, 0.48, 1.20, 1.84, 1.47, 8.41, 0.01});
    check_row(1, 0, {"Truck", 0.00, 0, -1.57, 599.41, 156.40, 629.75, 189.25, 2.85, 2.63, 12.34, 0.47, 1.49, 69.44, -1.56});
    check_row(1, 1, {"Car", 0.00, 0, 1.85, 387.63, 181.54, 423.81, 203.12, 1.67, 1.87, 3.69, -16.53, 2.39, 58.49, 1.57});
    check_row(1, 2, {"Cyclist", 0.00, 3, -1.65, 676.60, 163.95, 688.98, 193.93, 1.86, 0.60, 2.02, 4.59, 1.32, 45.84, -1.55});
    // DontCare rows 4 and 7 of label_2/000001.txt: only their image regions are kept.
    QCOMPARE(drive_.dont_care[0].bbox2d[0], 503.89);
    QCOMPARE(drive_.dont_care[0].bbox2d[1], 169.71);
    QCOMPARE(drive_.dont_care[0].bbox2d[2], 590.61);
    QCOMPARE(drive_.dont_care[0].bbox2d[3], 190.13);
    QCOMPARE(drive_.dont_care[3].bbox2d[0], 559.62);
    QCOMPARE(drive_.dont_care[3].bbox2d[1], 175.83);
    QCOMPARE(drive_.dont_care[3].bbox2d[2], 575.40);
    QCOMPARE(drive_.dont_care[3].bbox2d[3], 183.15);
    QCOMPARE(drive_.dont_care[0].timestamp_ns, std::int64_t(100'000'000));
    check_row(2, 0, {"Misc", 0.00, 0, -1.82, 804.79, 167.34, 995.43, 327.94, 1.63, 1.48, 2.37, 3.23, 1.59, 8.55, -1.47});
    check_row(2, 1, {"Car", 0.00, 0, -1.67, 657.39, 190.13, 700.07, 223.39, 1.41, 1.58, 4.36, 3.18, 2.27, 34.38, -1.58});
  }

  void detectsOnlyTheSplit() {
    QVERIFY(detect_reader(split_dir().parent_path()) == nullptr);
    QVERIFY(detect_reader(split_dir() / "calib") == nullptr);
    QVERIFY(reader_for_format("kitti-object")->detect(split_dir().string() + "/"));
    QVERIFY(!reader_for_format("kitti-raw")->detect(split_dir()));
  }
};

QTEST_APPLESS_MAIN(TestKittiObjectReader)
#include "tst_kitti_object_reader.moc"

#include "dc/core/io/kitti_box_conversion.h"
#include "dc/core/io/reader_registry.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

double angle_diff(double a, double b) { return std::abs(std::remainder(a - b, 2 * M_PI)); }

// The ideal rig: camera x right = -lidar y, camera y down = -lidar z, camera z forward = lidar x.
Eigen::Isometry3d ideal_rect_from_lidar() {
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() << 0, -1, 0, 0, 0, -1, 1, 0, 0;
  return T;
}

// R0_rect * Tr_velo_to_cam of training/calib/000000.txt, typed from the file.
Eigen::Isometry3d real_rect_from_lidar() {
  Eigen::Matrix3d R0;
  R0 << 9.999128e-01, 1.009263e-02, -8.511932e-03, -1.012729e-02, 9.999406e-01, -4.037671e-03, 8.470675e-03,
      4.123522e-03, 9.999556e-01;
  Eigen::Matrix<double, 3, 4> Tr;
  Tr << 6.927964e-03, -9.999722e-01, -2.757829e-03, -2.457729e-02, -1.162982e-03, 2.749836e-03, -9.999955e-01,
      -6.127237e-02, 9.999753e-01, 6.931141e-03, -1.143899e-03, -3.321029e-01;
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() = R0 * Tr.leftCols<3>();
  T.translation() = R0 * Tr.col(3);
  return T;
}

struct FileBox {
  std::string type;
  KittiCameraBox box;
};

// Independent reading of label_2 (columns 9..15: h w l x y z ry).
std::vector<FileBox> read_label_file(const fs::path& file) {
  std::vector<FileBox> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    std::istringstream ss(line);
    FileBox b;
    double skip;
    ss >> b.type;
    for (int i = 0; i < 7; ++i) ss >> skip;
    ss >> b.box.h >> b.box.w >> b.box.l >> b.box.bottom_center.x() >> b.box.bottom_center.y() >>
        b.box.bottom_center.z() >> b.box.rotation_y;
    if (ss) out.push_back(b);
  }
  return out;
}

}  // namespace

class TestKittiBoxConversion : public QObject {
  Q_OBJECT

private slots:
  void roundTripOnRealLabels() {
    const fs::path split = dc::test::shared_data_dir() / "kitti-object" / "training";
    const Drive drive = reader_for_format("kitti-object")->read_single(split);
    int checked = 0;
    for (int frame = 0; frame < 3; ++frame) {
      const Calibration* calib = drive.calibration_at(frame * 100'000'000);
      QVERIFY(calib);
      const Eigen::Isometry3d T = *calib->transform("cam0", "velo");
      char name[16];
      std::snprintf(name, sizeof name, "%06d.txt", frame);
      const auto boxes = read_label_file(split / "label_2" / name);
      QVERIFY(!boxes.empty());
      for (const auto& fb : boxes) {
        if (fb.type == "DontCare") continue;
        // kitti -> lidar -> kitti
        const BoxLabel lidar = lidar_box_from_kitti(fb.box, T);
        const KittiCameraBox back = kitti_box_from_lidar(lidar, T);
        QVERIFY((back.bottom_center - fb.box.bottom_center).norm() < 1e-4);
        QVERIFY(angle_diff(back.rotation_y, fb.box.rotation_y) < 1e-4);
        QCOMPARE(back.h, fb.box.h);
        QCOMPARE(back.w, fb.box.w);
        QCOMPARE(back.l, fb.box.l);
        // lidar -> kitti -> lidar
        const BoxLabel again = lidar_box_from_kitti(back, T);
        QVERIFY((again.center - lidar.center).norm() < 1e-4);
        QVERIFY(angle_diff(again.yaw, lidar.yaw) < 1e-4);
        // The real rig is close to ideal: yaw is within a degree of -ry - pi/2, center half a height up.
        QVERIFY(angle_diff(lidar.yaw, -fb.box.rotation_y - M_PI / 2) < 0.02);
        const Eigen::Vector3d bottom_lidar = T.inverse() * fb.box.bottom_center;
        QVERIFY(std::abs(lidar.center.z() - bottom_lidar.z() - fb.box.h / 2) < 0.02);
        ++checked;
      }
    }
    QCOMPARE(checked, 6);  // 1 + 3 + 2 non-DontCare rows
  }

  void roundTripOnSyntheticYaws() {
    const Eigen::Isometry3d T = real_rect_from_lidar();
    for (double yaw = -3.1; yaw < 3.15; yaw += 0.1) {
      BoxLabel b;
      b.center = {12.0, -3.0, -0.8};
      b.length = 4.2;
      b.width = 1.8;
      b.height = 1.5;
      b.yaw = yaw;
      const BoxLabel back = lidar_box_from_kitti(kitti_box_from_lidar(b, T), T);
      QVERIFY((back.center - b.center).norm() < 1e-9);
      QVERIFY(angle_diff(back.yaw, yaw) < 1e-9);
    }
  }

  void knownCaseInFrontOfTheCar() {
    // A car 10 m ahead of the camera, 1.7 m below it (on the road), heading forward (ry = -pi/2).
    KittiCameraBox k;
    k.h = 1.5;
    k.w = 1.6;
    k.l = 4.0;
    k.bottom_center = {0.0, 1.7, 10.0};
    k.rotation_y = -M_PI / 2;
    const BoxLabel ideal = lidar_box_from_kitti(k, ideal_rect_from_lidar());
    QVERIFY((ideal.center - Eigen::Vector3d(10.0, 0.0, -0.95)).norm() < 1e-12);
    QVERIFY(angle_diff(ideal.yaw, 0.0) < 1e-12);
    QCOMPARE(ideal.length, 4.0);
    QCOMPARE(ideal.width, 1.6);
    QCOMPARE(ideal.height, 1.5);

    // Heading to the camera's right (ry = 0) is heading to the lidar's -y.
    k.rotation_y = 0;
    QVERIFY(angle_diff(lidar_box_from_kitti(k, ideal_rect_from_lidar()).yaw, -M_PI / 2) < 1e-12);
    // ry = pi/2 faces the camera: lidar yaw pi.
    k.rotation_y = M_PI / 2;
    QVERIFY(angle_diff(lidar_box_from_kitti(k, ideal_rect_from_lidar()).yaw, M_PI) < 1e-12);

    // With the real extrinsic the car is still ahead: positive lidar x, about 10.3 m (lidar sits behind camera).
    k.rotation_y = -M_PI / 2;
    const BoxLabel real = lidar_box_from_kitti(k, real_rect_from_lidar());
    QVERIFY(real.center.x() > 10.0 && real.center.x() < 10.6);
    QVERIFY(std::abs(real.center.y()) < 0.2);
    QVERIFY(std::abs(real.yaw) < 0.02);
  }

  void cornersOrderAndContains() {
    BoxLabel b;
    b.center = {5, 2, 1};
    b.length = 4;
    b.width = 2;
    b.height = 1.5;
    b.yaw = 0;
    const auto c = box_corners(b);
    QVERIFY((c[0] - Eigen::Vector3d(7, 3, 0.25)).norm() < 1e-12);   // front-left bottom
    QVERIFY((c[1] - Eigen::Vector3d(3, 3, 0.25)).norm() < 1e-12);   // rear-left
    QVERIFY((c[2] - Eigen::Vector3d(3, 1, 0.25)).norm() < 1e-12);   // rear-right
    QVERIFY((c[3] - Eigen::Vector3d(7, 1, 0.25)).norm() < 1e-12);   // front-right
    for (int i = 0; i < 4; ++i) {
      const auto k = static_cast<std::size_t>(i);
      QVERIFY((c[k + 4] - c[k] - Eigen::Vector3d(0, 0, 1.5)).norm() < 1e-12);
    }

    b.yaw = 0.7;
    const auto r = box_corners(b);
    Eigen::Vector3d mean = Eigen::Vector3d::Zero();
    for (const auto& p : r) {
      mean += p / 8;
      QVERIFY(dc::test::box_contains(b, p));  // boundaries are inclusive
    }
    QVERIFY((mean - b.center).norm() < 1e-12);
    // Counter-clockwise seen from above: positive signed area of the bottom face.
    double area2 = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      const auto& p = r[i];
      const auto& q = r[(i + 1) % 4];
      area2 += p.x() * q.y() - q.x() * p.y();
    }
    QVERIFY(std::abs(area2 / 2 - 8.0) < 1e-9);
    // Front-left corner is ahead along the heading and to the left.
    const Eigen::Vector2d heading(std::cos(0.7), std::sin(0.7)), left(-std::sin(0.7), std::cos(0.7));
    QVERIFY((r[0] - b.center).head<2>().dot(heading) > 1.9);
    QVERIFY((r[0] - b.center).head<2>().dot(left) > 0.9);

    QVERIFY(dc::test::box_contains(b, b.center));
    const Eigen::Vector3d along(std::cos(0.7), std::sin(0.7), 0);
    QVERIFY(dc::test::box_contains(b, b.center + along * 1.99));
    QVERIFY(!dc::test::box_contains(b, b.center + along * 2.01));
    QVERIFY(!dc::test::box_contains(b, b.center + Eigen::Vector3d(0, 0, 0.76)));
    QVERIFY(dc::test::box_contains(b, b.center + Eigen::Vector3d(0, 0, 0.75)));
    // Axis-aligned point that would be inside the unrotated box but not the rotated one.
    QVERIFY(!dc::test::box_contains(b, b.center + Eigen::Vector3d(1.9, -0.9, 0)));
  }
};

QTEST_APPLESS_MAIN(TestKittiBoxConversion)
#include "tst_kitti_box_conversion.moc"

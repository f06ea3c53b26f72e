#include "dc/core/io/nuscenes_box_conversion.h"

#include <QtTest>

#include <cmath>
#include <numbers>
#include <random>

using namespace dc::core;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kTol = 1e-6;

Eigen::Isometry3d pose(double yaw, const Eigen::Vector3d& t, double roll = 0, double pitch = 0) {
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() = (Eigen::AngleAxisd(yaw, Eigen::Vector3d::UnitZ()) * Eigen::AngleAxisd(pitch, Eigen::Vector3d::UnitY()) *
                Eigen::AngleAxisd(roll, Eigen::Vector3d::UnitX()))
                   .toRotationMatrix();
  T.translation() = t;
  return T;
}

NuScenesBox upright(const Eigen::Vector3d& center, const Eigen::Vector3d& wlh, double yaw) {
  NuScenesBox b;
  b.center = center;
  b.wlh = wlh;
  // Written out by hand: rotation by yaw about +z is (cos yaw/2, 0, 0, sin yaw/2).
  b.rotation = Eigen::Quaterniond(std::cos(yaw / 2), 0, 0, std::sin(yaw / 2));
  return b;
}

double angle_diff(double a, double b) { return std::abs(std::remainder(a - b, 2 * kPi)); }

void expect_near(const Eigen::Vector3d& a, const Eigen::Vector3d& b, double tol = kTol) {
  if ((a - b).norm() > tol)
    QFAIL(qPrintable(QString("(%1, %2, %3) != (%4, %5, %6)")
                         .arg(a.x(), 0, 'g', 12).arg(a.y(), 0, 'g', 12).arg(a.z(), 0, 'g', 12)
                         .arg(b.x(), 0, 'g', 12).arg(b.y(), 0, 'g', 12).arg(b.z(), 0, 'g', 12)));
}

}  // namespace

class TestNuScenesBoxConversion : public QObject {
  Q_OBJECT

private slots:
  void identityPoses() {
    const NuScenesBox box = upright({1, 2, 3}, {2.0, 4.5, 1.6}, 0.3);
    const BoxLabel b = lidar_box_from_nuscenes(box, Eigen::Isometry3d::Identity(), Eigen::Isometry3d::Identity());
    expect_near(b.center, {1, 2, 3});
    QCOMPARE(b.length, 4.5);  // nuScenes size is width, length, height
    QCOMPARE(b.width, 2.0);
    QCOMPARE(b.height, 1.6);
    QVERIFY(angle_diff(b.yaw, 0.3) < kTol);
  }

  void egoYawedNinetyDegrees() {
    // Ego at (10, 20, 0) facing global +y; the lidar sits at the ego origin.
    const Eigen::Isometry3d ego = pose(kPi / 2, {10, 20, 0});
    // A box 5 m ahead of the ego and 1 m up is at global (10, 25, 1); heading global +y is straight ahead (yaw 0),
    // heading global +x points to the ego's right (yaw -90 deg).
    BoxLabel b = lidar_box_from_nuscenes(upright({10, 25, 1}, {1, 4, 1.5}, kPi / 2), ego, Eigen::Isometry3d::Identity());
    expect_near(b.center, {5, 0, 1});
    QVERIFY(angle_diff(b.yaw, 0) < kTol);
    b = lidar_box_from_nuscenes(upright({7, 20, 0.5}, {1, 4, 1.5}, 0), ego, Eigen::Isometry3d::Identity());
    expect_near(b.center, {0, 3, 0.5});  // 3 m to the ego's left (global -x)
    QVERIFY(angle_diff(b.yaw, -kPi / 2) < kTol);

    // And back: the lidar box (5, 0, 1) yaw 0 is the global box at (10, 25, 1) facing +y.
    BoxLabel l;
    l.center = {5, 0, 1};
    l.length = 4;
    l.width = 1;
    l.height = 1.5;
    const NuScenesBox g = nuscenes_box_from_lidar(l, ego, Eigen::Isometry3d::Identity());
    expect_near(g.center, {10, 25, 1});
    expect_near(g.wlh, {1, 4, 1.5});
    QVERIFY(g.rotation.angularDistance(Eigen::Quaterniond(std::cos(kPi / 4), 0, 0, std::sin(kPi / 4))) < kTol);
  }

  void translatedLidar() {
    // Lidar 0.9 m ahead of and 1.8 m above the ego origin, ego at the global origin.
    const Eigen::Isometry3d lidar = pose(0, {0.9, 0, 1.8});
    const BoxLabel b = lidar_box_from_nuscenes(upright({5, 1, 0.8}, {2, 4, 1.5}, -1.0), Eigen::Isometry3d::Identity(), lidar);
    expect_near(b.center, {4.1, 1, -1.0});
    QVERIFY(angle_diff(b.yaw, -1.0) < kTol);
  }

  void yawedEgoAndLidar() {
    // Ego yawed +90 deg at (100, 0, 0); lidar mounted yawed -90 deg at (1, 0, 2) in the ego frame. The lidar axes are
    // then the global axes, its origin at global (100, 0, 0) + Rz(90)(1, 0, 2) = (100, 1, 2).
    const BoxLabel b =
        lidar_box_from_nuscenes(upright({110, 1, 2}, {2, 4, 1.5}, 0.5), pose(kPi / 2, {100, 0, 0}), pose(-kPi / 2, {1, 0, 2}));
    expect_near(b.center, {10, 0, 0});
    QVERIFY(angle_diff(b.yaw, 0.5) < kTol);
  }

  void tiltedLidar() {
    // Lidar pitched by a about its y axis. A global heading (1, 1, 0)/sqrt2 seen in the lidar frame is
    // Ry(-a) (1, 1, 0)/sqrt2 = (cos a, 1, sin a)/sqrt2: azimuth atan2(1, cos a).
    const double a = 0.2;
    const Eigen::Isometry3d lidar = pose(0, {0, 0, 0}, 0, a);
    const BoxLabel b =
        lidar_box_from_nuscenes(upright({0, 0, 0}, {2, 4, 1.5}, kPi / 4), Eigen::Isometry3d::Identity(), lidar);
    QVERIFY(angle_diff(b.yaw, std::atan2(1.0, std::cos(a))) < kTol);
    // The way back gives the upright global box again.
    const NuScenesBox g = nuscenes_box_from_lidar(b, Eigen::Isometry3d::Identity(), lidar);
    const Eigen::Vector3d heading = g.rotation * Eigen::Vector3d::UnitX();
    expect_near(heading, Eigen::Vector3d(1, 1, 0) / std::sqrt(2.0));
  }

  void roundTripLidarToGlobal() {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int i = 0; i < 2000; ++i) {
      const Eigen::Isometry3d ego = pose(kPi * u(rng), {500 * u(rng), 500 * u(rng), 2 * u(rng)}, 0.05 * u(rng), 0.05 * u(rng));
      const Eigen::Isometry3d lidar = pose(kPi * u(rng), {u(rng), u(rng), 2 + u(rng)}, 0.1 * u(rng), 0.1 * u(rng));
      BoxLabel b;
      b.center = {60 * u(rng), 60 * u(rng), 3 * u(rng)};
      b.length = 3 + 2 * u(rng);
      b.width = 1.5 + u(rng);
      b.height = 1.5 + u(rng);
      b.yaw = kPi * u(rng);
      const BoxLabel back = lidar_box_from_nuscenes(nuscenes_box_from_lidar(b, ego, lidar), ego, lidar);
      expect_near(back.center, b.center);
      QVERIFY(std::abs(back.length - b.length) < kTol && std::abs(back.width - b.width) < kTol &&
              std::abs(back.height - b.height) < kTol);
      QVERIFY2(angle_diff(back.yaw, b.yaw) < kTol, qPrintable(QString::number(back.yaw - b.yaw)));
    }
  }

  void roundTripGlobalToLidar() {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int i = 0; i < 2000; ++i) {
      const Eigen::Isometry3d ego = pose(kPi * u(rng), {1000 * u(rng), 1000 * u(rng), u(rng)}, 0.05 * u(rng), 0.05 * u(rng));
      const Eigen::Isometry3d lidar = pose(kPi * u(rng), {u(rng), u(rng), 2 + u(rng)}, 0.1 * u(rng), 0.1 * u(rng));
      const NuScenesBox g = upright(ego * Eigen::Vector3d(60 * u(rng), 60 * u(rng), u(rng)),
                                    {1.5 + u(rng), 4 + 2 * u(rng), 1.6 + u(rng)}, kPi * u(rng));
      const NuScenesBox back = nuscenes_box_from_lidar(lidar_box_from_nuscenes(g, ego, lidar), ego, lidar);
      expect_near(back.center, g.center);
      expect_near(back.wlh, g.wlh);
      QVERIFY2(back.rotation.angularDistance(g.rotation) < kTol,
               qPrintable(QString::number(back.rotation.angularDistance(g.rotation))));
    }
  }

  void quaternionsAndCategories() {
    QVERIFY(nuscenes_quaternion({1, 0, 0, 0}).has_value());
    QVERIFY(!nuscenes_quaternion({0, 0, 0, 0}).has_value());
    QVERIFY(!nuscenes_quaternion({2, 0, 0, 0}).has_value());
    QVERIFY(!nuscenes_quaternion({std::nan(""), 0, 0, 1}).has_value());
    const auto q = nuscenes_quaternion({0.5, -0.5, 0.5, -0.5});  // nuScenes' camera mount: x right, y down, z forward
    QVERIFY(q.has_value());
    // Camera z (forward) is ego +x, camera x (right) is ego -y, camera y (down) is ego -z.
    expect_near(*q * Eigen::Vector3d::UnitZ(), {1, 0, 0});
    expect_near(*q * Eigen::Vector3d::UnitX(), {0, -1, 0});
    expect_near(*q * Eigen::Vector3d::UnitY(), {0, 0, -1});

    QCOMPARE(project_category_from_nuscenes("vehicle.car"), std::string("Car"));
    QCOMPARE(project_category_from_nuscenes("vehicle.bus.rigid"), std::string("Truck"));
    QCOMPARE(project_category_from_nuscenes("vehicle.trailer"), std::string("Truck"));
    QCOMPARE(project_category_from_nuscenes("vehicle.emergency.ambulance"), std::string("Van"));
    QCOMPARE(project_category_from_nuscenes("human.pedestrian.child"), std::string("Pedestrian"));
    QCOMPARE(project_category_from_nuscenes("vehicle.bicycle"), std::string("Cyclist"));
    QCOMPARE(project_category_from_nuscenes("vehicle.motorcycle", true), std::string("Misc"));
    QCOMPARE(project_category_from_nuscenes("movable_object.trafficcone"), std::string("Misc"));
    QCOMPARE(project_category_from_nuscenes(""), std::string("Misc"));
  }
};

QTEST_APPLESS_MAIN(TestNuScenesBoxConversion)
#include "tst_nuscenes_box_conversion.moc"

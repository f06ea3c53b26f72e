// The ego pose between two GNSS/IMU fixes: translation linear, rotation along the shortest arc, the nearest fix
// outside their span. Expected values by hand.
#include "dc/core/data/drive_session.h"

#include <QTest>

#include <cmath>
#include <numbers>

using namespace dc::core;

class TestEgoPose : public QObject {
  Q_OBJECT
private slots:
  void interpolatesBetweenFixes() {
    Drive d;
    d.name = "pose_drive";
    Pose a, b;
    a.timestamp_ns = 1'000'000'000;
    b.timestamp_ns = 1'100'000'000;
    b.T_world_from_imu.translation() = Eigen::Vector3d(1.0, 2.0, 0.0);
    b.T_world_from_imu.linear() = Eigen::AngleAxisd(10.0 * std::numbers::pi / 180, Eigen::Vector3d::UnitZ()).toRotationMatrix();
    d.poses = {a, b};
    const DriveSession session(d, {});
    const auto quarter = session.T_world_from_imu_at(1'025'000'000);
    QVERIFY(quarter);
    QVERIFY((quarter->translation() - Eigen::Vector3d(0.25, 0.5, 0)).norm() < 1e-12);
    const double yaw = std::atan2((*quarter)(1, 0), (*quarter)(0, 0)) * 180 / std::numbers::pi;
    QVERIFY2(std::abs(yaw - 2.5) < 1e-9, std::to_string(yaw).c_str());
    QVERIFY((session.T_world_from_imu_at(0)->translation()).norm() < 1e-12);  // before: the first fix
    QVERIFY((session.T_world_from_imu_at(2'000'000'000)->translation() - Eigen::Vector3d(1, 2, 0)).norm() < 1e-12);
    QVERIFY(!DriveSession(Drive{}, {}).T_world_from_imu_at(0));
  }
};

QTEST_APPLESS_MAIN(TestEgoPose)
#include "tst_ego_pose.moc"

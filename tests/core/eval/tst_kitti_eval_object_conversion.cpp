#include "dc/core/eval/kitti_eval_object_conversion.h"
#include "dc/core/io/kitti_box_conversion.h"

#include <QtTest>

#include <cmath>

using namespace dc::core;

class TestKittiEvalObjectConversion : public QObject {
  Q_OBJECT

 private slots:
  void catalogLabelBecomesCameraFrameRow() {
    // The ideal rig: camera x = -lidar y, camera y = -lidar z, camera z = lidar x.
    Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
    T.linear() << 0, -1, 0, 0, 0, -1, 1, 0, 0;
    KittiCameraBox camera;
    camera.h = 1.41, camera.w = 1.58, camera.l = 4.36;
    camera.bottom_center = {3.18, 2.27, 34.38};
    camera.rotation_y = -1.58;
    BoxLabel label = lidar_box_from_kitti(camera, T);
    label.category = "Car";
    label.score = 0.75;
    label.alpha = -1.67;
    label.occlusion = 1;
    label.truncated = 0.25;
    label.bbox2d[0] = 657.39, label.bbox2d[1] = 190.13, label.bbox2d[2] = 700.07, label.bbox2d[3] = 223.39;

    const KittiEvalObject o = kitti_eval_object_from_label(label, T);
    QCOMPARE(o.type, std::string("Car"));
    QCOMPARE(o.score, 0.75);
    QCOMPARE(o.alpha, -1.67);
    QCOMPARE(o.occluded, 1);
    QCOMPARE(o.truncated, 0.25);
    QCOMPARE(o.bbox[3], 223.39);
    QVERIFY((o.box.bottom_center - camera.bottom_center).norm() < 1e-9);
    QVERIFY(std::abs(o.box.l - 4.36) < 1e-9 && std::abs(o.box.w - 1.58) < 1e-9 && std::abs(o.box.h - 1.41) < 1e-9);
    QVERIFY(std::abs(std::remainder(o.box.rotation_y - camera.rotation_y, 2 * M_PI)) < 1e-9);
  }

  void dontCareRegionKeepsPlaceholders() {
    DontCareRegion region;
    region.bbox2d[0] = 503.89, region.bbox2d[1] = 169.71, region.bbox2d[2] = 590.61, region.bbox2d[3] = 190.13;
    const KittiEvalObject o = kitti_eval_object_from_dont_care(region);
    QCOMPARE(o.type, std::string("DontCare"));
    QCOMPARE(o.bbox[0], 503.89);
    QCOMPARE(o.box.bottom_center.x(), -1000.0);
    QCOMPARE(o.box.l, -1.0);
  }
};

QTEST_APPLESS_MAIN(TestKittiEvalObjectConversion)
#include "tst_kitti_eval_object_conversion.moc"

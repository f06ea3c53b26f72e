#include "dc/core/io/kitti_box_conversion.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/model/projection.h"
#include "dc/core/io/reader_registry.h"
#include "test_support.h"

#include <QtTest>

#include <opencv2/calib3d.hpp>
#include <random>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

PointCloud cloud_of(const std::vector<Eigen::Vector3f>& points) {
  PointCloud c;
  for (const auto& p : points) c.xyzi.insert(c.xyzi.end(), {p.x(), p.y(), p.z(), 0.5f});
  return c;
}

bool in_bbox(const BoxLabel& b, double u, double v, double margin) {
  return u >= b.bbox2d[0] - margin && u <= b.bbox2d[2] + margin && v >= b.bbox2d[1] - margin &&
         v <= b.bbox2d[3] + margin;
}

}  // namespace

class TestProjection : public QObject {
  Q_OBJECT

  Drive drive_;

  const Frame& lidar_frame(std::int64_t index) {
    for (const auto& f : drive_.frames)
      if (f.sensor == "velodyne" && f.index == index) return f;
    throw std::runtime_error("no lidar frame");
  }

private slots:
  void initTestCase() {
    drive_ = reader_for_format("kitti-object")->read_single(dc::test::shared_data_dir() / "kitti-object" / "training");
    QCOMPARE(drive_.labels.size(), std::size_t(6));  // DontCare regions are not labels
  }

  void carCentersLandInTheirBoxes() {
    int cars = 0;
    for (const auto& label : drive_.labels) {
      if (label.category != "Car") continue;
      const Calibration* calib = drive_.calibration_at(label.timestamp_ns);
      QVERIFY(calib);
      const auto T = calib->transform("cam2", "velo");
      QVERIFY(T);
      const ProjectedPoints p = project_points(cloud_of({label.center.cast<float>()}), *T, calib->cameras.at("image_2"));
      QCOMPARE(p.valid_count, std::size_t(1));
      QVERIFY2(in_bbox(label, p.u[0], p.v[0], 0.0),
               qPrintable(QString("car center at %1,%2 outside its 2D box").arg(p.u[0]).arg(p.v[0])));
      ++cars;
    }
    QCOMPARE(cars, 2);
  }

  void pointsInsideBoxesProjectInsideBboxes() {
    int objects = 0;
    for (const auto& label : drive_.labels) {
      if (label.category == "DontCare") continue;
      const Calibration* calib = drive_.calibration_at(label.timestamp_ns);
      QVERIFY(calib);
      const PointCloud cloud = load_point_cloud(lidar_frame(label.frame_index));
      PointCloud inside;
      for (std::size_t i = 0; i < cloud.size(); ++i) {
        const float* q = cloud.point(i);
        if (dc::test::box_contains(label, Eigen::Vector3d(q[0], q[1], q[2])))
          inside.xyzi.insert(inside.xyzi.end(), q, q + 4);
      }
      if (inside.size() < 5) continue;  // far objects may have almost no returns
      const ProjectedPoints p =
          project_points(inside, *calib->transform("cam2", "velo"), calib->cameras.at("image_2"), false);
      QVERIFY(p.depth_image.empty());
      std::size_t hits = 0;
      for (std::size_t i = 0; i < inside.size(); ++i)
        if (p.valid[i] && in_bbox(label, p.u[i], p.v[i], 3.0)) ++hits;
      QVERIFY2(hits >= inside.size() * 9 / 10,
               qPrintable(QString("%1: %2 of %3 points in the 2D box")
                              .arg(QString::fromStdString(label.category))
                              .arg(hits)
                              .arg(inside.size())));
      ++objects;
    }
    QVERIFY(objects >= 4);
  }

  void wholeScanProjection() {
    const Calibration* calib = drive_.calibration_at(100'000'000);
    const auto& intr = calib->cameras.at("image_2");
    const PointCloud cloud = load_point_cloud(lidar_frame(1));
    const ProjectedPoints p = project_points(cloud, *calib->transform("cam2", "velo"), intr);
    QCOMPARE(p.width, 1242);
    QCOMPARE(p.height, 375);
    QCOMPARE(p.u.size(), cloud.size());
    QCOMPARE(p.depth_image.size(), std::size_t(1242 * 375));
    // The camera sees roughly the front quarter of a 360 degree scan.
    QVERIFY(p.valid_count > cloud.size() / 10 && p.valid_count < cloud.size() / 2);
    std::size_t counted = 0, filled = 0, off_pixel = 0;
    for (std::size_t i = 0; i < cloud.size(); ++i) {
      if (!p.valid[i]) continue;
      ++counted;
      QVERIFY(p.u[i] >= -0.5f && p.u[i] < 1241.5f && p.v[i] >= -0.5f && p.v[i] < 374.5f && p.depth[i] > 0.1f);
      // The kernel rounds the unrounded double coordinate; a float u that sits on a pixel border may round to
      // the neighbour here, so a handful of points are allowed to miss their pixel.
      const auto col = std::min<std::size_t>(static_cast<std::size_t>(std::floor(p.u[i] + 0.5)), 1241);
      const auto row = std::min<std::size_t>(static_cast<std::size_t>(std::floor(p.v[i] + 0.5)), 374);
      const float d = p.depth_image[row * 1242 + col];
      off_pixel += !(d > 0 && d <= p.depth[i]);
    }
    QVERIFY2(off_pixel * 10000 < counted, qPrintable(QString("%1 of %2 points off their pixel").arg(off_pixel).arg(counted)));
    for (float d : p.depth_image) filled += d > 0;
    QCOMPARE(counted, p.valid_count);
    QVERIFY(filled > 0 && filled <= counted);
  }

  void matchesOpenCvWithDistortion() {
    CameraIntrinsics intr;
    intr.K << 959.791, 0.0, 696.0217, 0.0, 956.9251, 224.1806, 0.0, 0.0, 1.0;
    intr.distortion = {-0.3691481, 0.1968681, 0.001353473, 0.0005677587, -0.06770705};  // KITTI D_02
    intr.width = 1392;
    intr.height = 512;
    Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
    T.linear() = (Eigen::AngleAxisd(0.05, Eigen::Vector3d::UnitX()) * Eigen::AngleAxisd(-0.03, Eigen::Vector3d::UnitY()))
                     .toRotationMatrix();
    T.translation() = Eigen::Vector3d(0.06, -0.08, 0.27);

    std::mt19937 rng(7);
    std::uniform_real_distribution<float> xy(-4.f, 4.f), depth(2.f, 40.f);
    std::vector<Eigen::Vector3f> pts;
    for (int i = 0; i < 2000; ++i) pts.emplace_back(xy(rng), xy(rng) * 0.5f, depth(rng));
    const PointCloud cloud = cloud_of(pts);
    const ProjectedPoints p = project_points(cloud, T, intr);

    std::vector<cv::Point3d> object;
    for (const auto& q : pts) object.emplace_back(q.x(), q.y(), q.z());
    cv::Mat R, rvec, tvec = (cv::Mat_<double>(3, 1) << 0.06, -0.08, 0.27);
    cv::Mat(3, 3, CV_64F, const_cast<double*>(Eigen::Matrix3d(T.linear().transpose()).data())).copyTo(R);
    cv::Rodrigues(R, rvec);
    cv::Mat K(3, 3, CV_64F), dist(1, 5, CV_64F);
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) K.at<double>(r, c) = intr.K(r, c);
    for (int i = 0; i < 5; ++i) dist.at<double>(i) = intr.distortion[static_cast<std::size_t>(i)];
    std::vector<cv::Point2d> expected;
    cv::projectPoints(object, rvec, tvec, K, dist, expected);

    std::size_t compared = 0;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      // Pixel centers are integers: the image spans [-0.5, size - 0.5).
      const bool inside = expected[i].x >= -0.5 && expected[i].x < intr.width - 0.5 && expected[i].y >= -0.5 &&
                          expected[i].y < intr.height - 0.5;
      QCOMPARE(bool(p.valid[i]), inside);
      if (!inside) continue;
      QVERIFY2(std::abs(p.u[i] - expected[i].x) < 1e-3 && std::abs(p.v[i] - expected[i].y) < 1e-3,
               qPrintable(QString("point %1: %2,%3 vs %4,%5").arg(i).arg(p.u[i]).arg(p.v[i]).arg(expected[i].x).arg(expected[i].y)));
      ++compared;
    }
    QVERIFY(compared > 1000);
  }

  void dropsPointsBehindAndOutside() {
    CameraIntrinsics intr;
    intr.K << 100, 0, 50, 0, 100, 25, 0, 0, 1;
    intr.width = 100;
    intr.height = 50;
    const Eigen::Isometry3d I = Eigen::Isometry3d::Identity();
    // In front; behind; nearer than 0.1 m; right of the image; inside the top-left pixel's outer quarter; just
    // inside the bottom-right corner; on the right edge (outside: pixel centers are integers, the image spans
    // [-0.5, width - 0.5)).
    const ProjectedPoints p = project_points(cloud_of({{0, 0, 5},
                                                       {0, 0, -5},
                                                       {0, 0, 0.05f},
                                                       {10, 0, 1},
                                                       {-0.5025f, -0.2525f, 1},
                                                       {0.494f, 0.244f, 1},
                                                       {0.4951f, 0, 1}}),
                                             I, intr);
    QCOMPARE(p.valid_count, std::size_t(3));
    QVERIFY(p.valid[0] && !p.valid[1] && !p.valid[2] && !p.valid[3] && p.valid[4] && p.valid[5] && !p.valid[6]);
    QCOMPARE(p.u[0], 50.f);
    QCOMPARE(p.v[0], 25.f);
    QCOMPARE(p.depth[0], 5.f);
    QVERIFY(std::abs(p.u[4] + 0.25f) < 1e-4f);
    QVERIFY(std::abs(p.v[4] + 0.25f) < 1e-4f);
  }

  void zBufferKeepsTheNearest() {
    CameraIntrinsics intr;
    intr.K << 100, 0, 50, 0, 100, 40, 0, 0, 1;
    intr.width = 100;
    intr.height = 80;
    // Three points on one ray through pixel (60, 45): depths 8, 3, 5 in that order.
    const Eigen::Vector3f ray(0.1f, 0.05f, 1.f);
    const ProjectedPoints p = project_points(cloud_of({ray * 8, ray * 3, ray * 5, {0, 0, 2}}), Eigen::Isometry3d::Identity(), intr);
    QCOMPARE(p.valid_count, std::size_t(4));
    QCOMPARE(p.depth_image.size(), std::size_t(100 * 80));
    QCOMPARE(p.depth_image[45 * 100 + 60], 3.f);
    QCOMPARE(p.depth_image[40 * 100 + 50], 2.f);
    std::size_t filled = 0;
    for (float d : p.depth_image) filled += d > 0;
    QCOMPARE(filled, std::size_t(2));
  }
};

QTEST_APPLESS_MAIN(TestProjection)
#include "tst_projection.moc"

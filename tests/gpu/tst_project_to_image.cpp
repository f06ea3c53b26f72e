#include <QtTest>

#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "../../gpu/tests/kitti_files.h"
#include "../../gpu/tests/synthetic_scan.h"
#include "dc/gpu/compute_device.h"
#include "dc/gpu/kernel_context.h"
#include "dc/gpu/project_to_image.h"
#include "test_support.h"

using namespace dc::gpu;

namespace {

// Nearest rotation (SVD) so cv::Rodrigues represents exactly the matrix the kernel applies.
Mat3x4f to_mat(const std::array<double, 12>& T) {
  cv::Matx33d R(T[0], T[1], T[2], T[4], T[5], T[6], T[8], T[9], T[10]);
  cv::SVD svd(cv::Mat(R), cv::SVD::FULL_UV);
  cv::Mat Rn = svd.u * svd.vt;
  Mat3x4f m;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) m.m[4 * r + c] = static_cast<float>(Rn.at<double>(r, c));
    m.m[4 * r + 3] = static_cast<float>(T[4 * r + 3]);
  }
  return m;
}

Pinhole camera_of(const testing::KittiCalib& c, bool distorted) {
  Pinhole p;
  p.fx = float(c.fx), p.fy = float(c.fy), p.cx = float(c.cx), p.cy = float(c.cy);
  if (distorted) p.k1 = -0.12f, p.k2 = 0.04f, p.p1 = 0.0011f, p.p2 = -0.0007f, p.k3 = -0.008f;
  p.width = c.width, p.height = c.height;
  return p;
}

struct Reference {
  std::vector<double> u, v, z;
  std::vector<char> finite;
};

// cv::projectPoints on the points transformed to the camera frame in double with exactly the kernel's matrix
// (identity pose). Passing the pose as rvec / tvec instead would let cv::Rodrigues re-orthonormalize the float
// rotation, a 1e-7 change that points folded back into the image by the distortion polynomial amplify to ~1e-3 px.
Reference opencv_project(const std::vector<float>& pts, const Mat3x4f& T, const Pinhole& cam) {
  const std::size_t n = pts.size() / 4;
  const cv::Matx33d K(cam.fx, 0, cam.cx, 0, cam.fy, cam.cy, 0, 0, 1);
  const std::vector<double> dist{cam.k1, cam.k2, cam.p1, cam.p2, cam.k3};
  std::vector<cv::Point3d> obj;
  Reference ref;
  ref.finite.resize(n);
  ref.u.assign(n, 0), ref.v.assign(n, 0), ref.z.assign(n, 0);
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = pts[4 * i], y = pts[4 * i + 1], z = pts[4 * i + 2];
    ref.finite[i] = std::isfinite(x) && std::isfinite(y) && std::isfinite(z);
    if (!ref.finite[i]) continue;
    double m[12];
    for (int k = 0; k < 12; ++k) m[k] = T.m[k];
    const cv::Point3d c(m[0] * x + m[1] * y + m[2] * z + m[3], m[4] * x + m[5] * y + m[6] * z + m[7],
                        m[8] * x + m[9] * y + m[10] * z + m[11]);
    ref.z[i] = c.z;
    if (c.z <= 0) continue;
    obj.push_back(c);
    index.push_back(i);
  }
  std::vector<cv::Point2d> uv;
  if (!obj.empty()) cv::projectPoints(obj, cv::Vec3d(0, 0, 0), cv::Vec3d(0, 0, 0), K, dist, uv);
  for (std::size_t k = 0; k < index.size(); ++k) ref.u[index[k]] = uv[k].x, ref.v[index[k]] = uv[k].y;
  return ref;
}

// The pose path of cv::projectPoints (rvec from cv::Rodrigues) agrees too, for points the lens model maps
// monotonically (normalized radius below 1.5, which covers the image).
void compare_pose_path(const std::vector<float>& pts, const Mat3x4f& T, const Pinhole& cam, const ProjectionResult& r) {
  cv::Matx33d R;
  cv::Vec3d t;
  for (int a = 0; a < 3; ++a) {
    for (int c = 0; c < 3; ++c) R(a, c) = T.m[4 * a + c];
    t[a] = T.m[4 * a + 3];
  }
  cv::Vec3d rvec;
  cv::Rodrigues(R, rvec);
  std::vector<cv::Point3d> obj;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < pts.size() / 4; ++i) {
    if (!r.valid[i]) continue;
    const cv::Vec3d c = R * cv::Vec3d(pts[4 * i], pts[4 * i + 1], pts[4 * i + 2]) + t;
    if (std::hypot(c[0] / c[2], c[1] / c[2]) >= 1.5) continue;
    obj.emplace_back(pts[4 * i], pts[4 * i + 1], pts[4 * i + 2]);
    index.push_back(i);
  }
  QVERIFY(obj.size() > 1000);
  std::vector<cv::Point2d> uv;
  cv::projectPoints(obj, rvec, t, cv::Matx33d(cam.fx, 0, cam.cx, 0, cam.fy, cam.cy, 0, 0, 1),
                    std::vector<double>{cam.k1, cam.k2, cam.p1, cam.p2, cam.k3}, uv);
  double worst = 0;
  for (std::size_t k = 0; k < index.size(); ++k)
    worst = std::max({worst, std::abs(uv[k].x - r.u[index[k]]), std::abs(uv[k].y - r.v[index[k]])});
  QVERIFY2(worst < 1e-3, qPrintable(QString("max |uv - projectPoints(rvec, tvec)| = %1 px").arg(worst)));
}

// Compares a projection with OpenCV and a brute-force z-buffer; ambiguous points (within `eps` of a pixel edge)
// may go either way.
void compare_with_opencv(const std::vector<float>& pts, const Mat3x4f& T, const Pinhole& cam,
                         const ProjectionResult& r) {
  const Reference ref = opencv_project(pts, T, cam);
  const std::size_t n = pts.size() / 4;
  constexpr double eps = 2e-4;
  auto near_half = [&](double x) { return std::abs(x + 0.5 - std::round(x + 0.5)) < eps; };
  double worst = 0;
  std::size_t ambiguous = 0, valid = 0, nonfinite = 0;
  std::vector<float> zbuf(static_cast<std::size_t>(cam.width) * cam.height, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    if (!ref.finite[i]) {
      ++nonfinite;
      QVERIFY(!r.valid[i]);
      QVERIFY(std::isnan(r.u[i]) && std::isnan(r.depth[i]));
      continue;
    }
    QVERIFY(std::abs(ref.z[i] - r.depth[i]) <= 1e-5 * std::max(1.0, std::abs(ref.z[i])));
    if (ref.z[i] <= 0.1 + 1e-5) {  // behind the near plane (or on it, within rounding)
      if (ref.z[i] < 0.1 - 1e-5) QVERIFY(!r.valid[i]);
      continue;
    }
    const double col = std::floor(ref.u[i] + 0.5), row = std::floor(ref.v[i] + 0.5);
    const bool in = col >= 0 && col < cam.width && row >= 0 && row < cam.height;
    const bool edge = near_half(ref.u[i]) || near_half(ref.v[i]);
    ambiguous += edge;
    if (in || r.valid[i]) worst = std::max({worst, std::abs(ref.u[i] - r.u[i]), std::abs(ref.v[i] - r.v[i])});
    if (!edge && in != bool(r.valid[i]))
      QFAIL(qPrintable(
          QString("point %1: valid %2, OpenCV u %3 v %4").arg(i).arg(r.valid[i]).arg(ref.u[i]).arg(ref.v[i])));
    if (in) {
      ++valid;
      float& px = zbuf[static_cast<std::size_t>(row) * cam.width + static_cast<std::size_t>(col)];
      if (px == 0.0f || ref.z[i] < px) px = static_cast<float>(ref.z[i]);
    }
  }
  QVERIFY2(worst < 1e-3, qPrintable(QString("max |uv - projectPoints| = %1 px").arg(worst)));
  QCOMPARE(r.nonfinite_count, nonfinite);
  QVERIFY(std::max(r.valid_count, valid) - std::min(r.valid_count, valid) <= ambiguous);
  std::size_t mismatched = 0;
  for (std::size_t k = 0; k < zbuf.size(); ++k)
    mismatched += std::abs(zbuf[k] - r.depth_image[k]) > 1e-4f * std::max(1.0f, zbuf[k]);
  QVERIFY2(mismatched <= 2 * ambiguous,
           qPrintable(QString("%1 depth pixels differ, %2 ambiguous points").arg(mismatched).arg(ambiguous)));
}

std::vector<float> kitti_scan(int frame) {
  char name[32];
  std::snprintf(name, sizeof name, "%06d.bin", frame);
  return testing::read_velodyne(dc::test::shared_data_dir() / "kitti-object/training/velodyne" / name);
}

testing::KittiCalib kitti_calib(int frame) {
  char name[32];
  std::snprintf(name, sizeof name, "%06d.txt", frame);
  // Image sizes from the data set's README: 000000 is 1224 x 370, the others 1242 x 375.
  return testing::read_calib(dc::test::shared_data_dir() / "kitti-object/training/calib" / name,
                             frame == 0 ? 1224 : 1242, frame == 0 ? 370 : 375);
}

Mat3x4f identity() {
  return Mat3x4f{};
}

Pinhole unit_camera(int w, int h) {
  Pinhole c;
  c.fx = c.fy = 1, c.cx = c.cy = 0, c.width = w, c.height = h;
  return c;
}

}  // namespace

class TestProjectToImage : public QObject {
  Q_OBJECT

 private slots:
  void matchesOpenCvOnGeneratedScan() {
    testing::SceneOptions o;
    o.points = 150000, o.seed = 21, o.nan_fraction = 0.001;
    const auto pts = testing::make_scan(o);
    const auto calib = kitti_calib(1);
    KernelContext ctx(BackendPreference::Cpu);
    for (bool distorted : {false, true}) {
      ProjectionResult r;
      project_to_image(ctx, pts, to_mat(calib.T_cam2_from_lidar), camera_of(calib, distorted), {}, r);
      QCOMPARE(r.backend, Backend::Cpu);
      QVERIFY(r.valid_count > 5000);
      compare_with_opencv(pts, to_mat(calib.T_cam2_from_lidar), camera_of(calib, distorted), r);
      compare_pose_path(pts, to_mat(calib.T_cam2_from_lidar), camera_of(calib, distorted), r);
    }
  }

  void matchesOpenCvOnKittiScans() {
    KernelContext ctx(BackendPreference::Cpu);
    for (int frame = 0; frame < 3; ++frame) {
      const auto pts = kitti_scan(frame);
      const auto calib = kitti_calib(frame);
      QVERIFY(pts.size() / 4 > 100000);
      for (bool distorted : {false, true}) {
        ProjectionResult r;
        const Mat3x4f T = to_mat(calib.T_cam2_from_lidar);
        project_to_image(ctx, pts, T, camera_of(calib, distorted), {}, r);
        QVERIFY(r.valid_count > 15000);  // the front camera sees a sixth or so of a full scan
        QCOMPARE(r.width, calib.width);
        compare_with_opencv(pts, T, camera_of(calib, distorted), r);
        compare_pose_path(pts, T, camera_of(calib, distorted), r);
      }
    }
  }

  void zBufferKeepsNearestPoint() {
    // Five points on one ray, in shuffled depth order, plus one elsewhere.
    std::vector<float> pts;
    for (float z : {7.0f, 3.0f, 9.0f, 2.5f, 4.0f}) pts.insert(pts.end(), {0.1f * z, 0.2f * z, z, 1.0f});
    pts.insert(pts.end(), {-1.0f, -1.0f, 2.0f, 1.0f});
    Pinhole cam = unit_camera(40, 30);
    cam.fx = cam.fy = 10, cam.cx = 20, cam.cy = 15;
    KernelContext ctx(BackendPreference::Cpu, 4);
    ProjectionResult r;
    project_to_image(ctx, pts, identity(), cam, {}, r);
    QCOMPARE(r.valid_count, std::size_t{6});
    QCOMPARE(r.depth_image[static_cast<std::size_t>(17) * 40 + 21], 2.5f);  // u = 21, v = 17
    QCOMPARE(r.depth_image[static_cast<std::size_t>(10) * 40 + 15], 2.0f);  // u = 15, v = 10
    std::size_t filled = 0;
    for (float d : r.depth_image) filled += d != 0.0f;
    QCOMPARE(filled, std::size_t{2});
  }

  void emptyAndSinglePoint() {
    KernelContext ctx(BackendPreference::Cpu);
    ProjectionResult r;
    project_to_image(ctx, {}, identity(), unit_camera(8, 6), {}, r);
    QCOMPARE(r.valid_count, std::size_t{0});
    QCOMPARE(r.u.size(), std::size_t{0});
    QCOMPARE(r.depth_image.size(), std::size_t{48});
    for (float d : r.depth_image) QCOMPARE(d, 0.0f);
    const std::vector<float> one{2.0f, 1.0f, 1.0f, 0.5f};
    project_to_image(ctx, one, identity(), unit_camera(8, 6), {}, r);
    QCOMPARE(r.valid_count, std::size_t{1});
    QCOMPARE(r.u[0], 2.0f);
    QCOMPARE(r.v[0], 1.0f);
    QCOMPARE(r.depth_image[1 * 8 + 2], 1.0f);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             project_to_image(ctx, std::vector<float>(5, 0.0f), identity(), unit_camera(8, 6), {}, r));
  }

  void nonFiniteIgnoredAndCounted() {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const std::vector<float> pts{nan, 0, 1, 0, 1, 1, 1, 0, 0, inf, 1, 0, 0, 0, -inf, 0, 2, 2, 2, 0};
    KernelContext ctx(BackendPreference::Cpu);
    ProjectionResult r;
    project_to_image(ctx, pts, identity(), unit_camera(8, 6), {}, r);
    QCOMPARE(r.nonfinite_count, std::size_t{3});
    QCOMPARE(r.valid_count, std::size_t{2});
    QCOMPARE(std::vector<std::uint8_t>(r.valid), (std::vector<std::uint8_t>{0, 1, 0, 0, 1}));
  }

  void nearPlaneAndImageBounds() {
    // Unit camera: u = x / z exactly for these values. Pixel i covers [i - 0.5, i + 0.5).
    const float below = std::nextafter(-0.5f, -1.0f);
    const std::vector<float> pts{
        0,
        0,
        0.1f,
        0,  // on the near plane: invalid
        0,
        0,
        std::nextafter(0.1f, 1.0f),
        0,  // just in front: valid, pixel (0, 0)
        -0.5f,
        0,
        1,
        0,  // u = -0.5: first column
        below,
        0,
        1,
        0,  // just left of the image
        7.5f,
        0,
        1,
        0,  // u = width - 0.5: outside
        std::nextafter(7.5f, 0.0f),
        0,
        1,
        0,  // last column
        0,
        5.5f,
        1,
        0,  // v = height - 0.5: outside
        0,
        0,
        -3,
        0,  // behind the camera
    };
    KernelContext ctx(BackendPreference::Cpu);
    ProjectionResult r;
    project_to_image(ctx, pts, identity(), unit_camera(8, 6), {}, r);
    QCOMPARE(std::vector<std::uint8_t>(r.valid), (std::vector<std::uint8_t>{0, 1, 1, 0, 0, 1, 0, 0}));
    QVERIFY(std::isnan(r.u[0]) && std::isnan(r.u[7]));
    QCOMPARE(r.depth[7], -3.0f);
    QCOMPARE(r.depth_image[7], 1.0f);
    ProjectionParams far;
    far.near = 1.5f;
    project_to_image(ctx, pts, identity(), unit_camera(8, 6), far, r);
    QCOMPARE(r.valid_count, std::size_t{0});
  }

  void threadCountDoesNotChangeResult() {
    const auto pts = kitti_scan(2);
    const auto calib = kitti_calib(2);
    KernelContext one(BackendPreference::Cpu, 1), many(BackendPreference::Cpu, 5);
    ProjectionResult a, b;
    project_to_image(one, pts, to_mat(calib.T_cam2_from_lidar), camera_of(calib, true), {}, a);
    project_to_image(many, pts, to_mat(calib.T_cam2_from_lidar), camera_of(calib, true), {}, b);
    QVERIFY(std::memcmp(a.u.data(), b.u.data(), a.u.size() * 4) == 0);
    QVERIFY(a.valid == b.valid);
    QVERIFY(std::memcmp(a.depth_image.data(), b.depth_image.data(), a.depth_image.size() * 4) == 0);
  }

  void outputsCanBeSkipped() {
    const auto pts = kitti_scan(0);
    const auto calib = kitti_calib(0);
    KernelContext ctx(BackendPreference::Cpu);
    ProjectionResult full, image_only;
    project_to_image(ctx, pts, to_mat(calib.T_cam2_from_lidar), camera_of(calib, false), {}, full);
    ProjectionParams p;
    p.per_point = false;
    project_to_image(ctx, pts, to_mat(calib.T_cam2_from_lidar), camera_of(calib, false), p, image_only);
    QVERIFY(image_only.u.empty() && image_only.valid.empty());
    QCOMPARE(image_only.valid_count, full.valid_count);
    QVERIFY(image_only.depth_image == full.depth_image);
  }

  void cudaMatchesCpu() {
    if (!cuda_device_available()) QSKIP("no CUDA device");
    KernelContext cpu(BackendPreference::Cpu), gpu(BackendPreference::Cuda);
    for (int frame = 0; frame < 3; ++frame) {
      const auto pts = kitti_scan(frame);
      const auto calib = kitti_calib(frame);
      for (bool profiled : {false, true}) {
        gpu.set_profiling(profiled);
        ProjectionResult a, b;
        project_to_image(cpu, pts, to_mat(calib.T_cam2_from_lidar), camera_of(calib, true), {}, a);
        project_to_image(gpu, pts, to_mat(calib.T_cam2_from_lidar), camera_of(calib, true), {}, b);
        QVERIFY2(b.backend == Backend::Cuda, gpu.last_error().c_str());
        // Same float operations on both sides: bit-identical.
        QVERIFY(std::memcmp(a.u.data(), b.u.data(), a.u.size() * 4) == 0);
        QVERIFY(std::memcmp(a.v.data(), b.v.data(), a.v.size() * 4) == 0);
        QVERIFY(std::memcmp(a.depth.data(), b.depth.data(), a.depth.size() * 4) == 0);
        QVERIFY(a.valid == b.valid);
        QVERIFY(std::memcmp(a.depth_image.data(), b.depth_image.data(), a.depth_image.size() * 4) == 0);
        QCOMPARE(a.valid_count, b.valid_count);
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestProjectToImage)
#include "tst_project_to_image.moc"

#include <QtTest>

#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "../../gpu/tests/kitti_files.h"
#include "dc/gpu/compute_device.h"
#include "dc/gpu/edge_alignment_score.h"
#include "dc/gpu/kernel_context.h"
#include "test_support.h"

using namespace dc::gpu;

namespace {

Mat3x4f to_mat(const std::array<double, 12>& T) {
  Mat3x4f m;
  for (int k = 0; k < 12; ++k) m.m[k] = static_cast<float>(T[k]);
  return m;
}

// Candidate = small rotation about the camera axes and a shift, applied after T.
Mat3x4f perturb(const Mat3x4f& T, double rx, double ry, double rz, double tx, double ty, double tz) {
  cv::Matx33d R;
  cv::Rodrigues(cv::Vec3d(rx, ry, rz), R);
  Mat3x4f out;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 4; ++c) {
      double v = 0;
      for (int k = 0; k < 3; ++k) v += R(r, k) * T.m[4 * k + c];
      if (c == 3) v += (r == 0 ? tx : r == 1 ? ty : tz);
      out.m[4 * r + c] = static_cast<float>(v);
    }
  }
  return out;
}

struct Scene {
  std::vector<float> pts;
  testing::KittiCalib calib;
  Pinhole cam;
  std::vector<float> dt;  // width x height
};

// KITTI frame 000002 points and a smooth synthetic "distance transform" image.
Scene kitti_scene(bool distorted) {
  Scene s;
  const auto dir = dc::test::shared_data_dir() / "kitti-object/training";
  const auto all = testing::read_velodyne(dir / "velodyne/000002.bin");
  for (std::size_t i = 0; i < all.size() / 4; i += 7) s.pts.insert(s.pts.end(), &all[4 * i], &all[4 * i] + 4);
  s.calib = testing::read_calib(dir / "calib/000002.txt");
  s.cam.fx = float(s.calib.fx), s.cam.fy = float(s.calib.fy), s.cam.cx = float(s.calib.cx),
  s.cam.cy = float(s.calib.cy);
  if (distorted) s.cam.k1 = -0.1f, s.cam.k2 = 0.03f, s.cam.p1 = 0.0008f, s.cam.p2 = -0.0004f;
  s.cam.width = s.calib.width, s.cam.height = s.calib.height;
  s.dt.resize(static_cast<std::size_t>(s.cam.width) * s.cam.height);
  for (int y = 0; y < s.cam.height; ++y)
    for (int x = 0; x < s.cam.width; ++x)
      s.dt[static_cast<std::size_t>(y) * s.cam.width + x] = 20.0f + 15.0f * std::sin(0.05f * x) * std::cos(0.07f * y);
  return s;
}

// Reference in double: transform, cv::projectPoints (identity pose), bilinear interpolation.
void reference(const Scene& s, const Mat3x4f& T, float penalty, std::vector<double>& samples,
               std::vector<char>& ambiguous) {
  const std::size_t n = s.pts.size() / 4;
  samples.assign(n, penalty);
  ambiguous.assign(n, 0);
  std::vector<cv::Point3d> cam_pts;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < n; ++i) {
    double c[3];
    for (int r = 0; r < 3; ++r)
      c[r] = double(T.m[4 * r]) * s.pts[4 * i] + double(T.m[4 * r + 1]) * s.pts[4 * i + 1] +
             double(T.m[4 * r + 2]) * s.pts[4 * i + 2] + T.m[4 * r + 3];
    if (c[2] <= 0.1) continue;
    cam_pts.emplace_back(c[0], c[1], c[2]);
    index.push_back(i);
  }
  std::vector<cv::Point2d> uv;
  cv::projectPoints(cam_pts, cv::Vec3d(0, 0, 0), cv::Vec3d(0, 0, 0),
                    cv::Matx33d(s.cam.fx, 0, s.cam.cx, 0, s.cam.fy, s.cam.cy, 0, 0, 1),
                    std::vector<double>{s.cam.k1, s.cam.k2, s.cam.p1, s.cam.p2, s.cam.k3}, uv);
  const int w = s.cam.width, h = s.cam.height;
  for (std::size_t k = 0; k < index.size(); ++k) {
    const double u = uv[k].x, v = uv[k].y;
    ambiguous[index[k]] =
        std::abs(u) < 1e-6 || std::abs(v) < 1e-6 || std::abs(u - (w - 1)) < 1e-6 || std::abs(v - (h - 1)) < 1e-6;
    if (!(u >= 0 && v >= 0 && u <= w - 1 && v <= h - 1)) continue;
    const int x0 = int(std::floor(u)), y0 = int(std::floor(v)), x1 = std::min(x0 + 1, w - 1),
              y1 = std::min(y0 + 1, h - 1);
    const double ax = u - x0, ay = v - y0;
    auto at = [&](int x, int y) { return double(s.dt[static_cast<std::size_t>(y) * w + x]); };
    samples[index[k]] =
        (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x1, y0)) + ay * ((1 - ax) * at(x0, y1) + ax * at(x1, y1));
  }
}

ImageViewf view(const Scene& s) {
  return {s.dt.data(), s.cam.width, s.cam.height, static_cast<std::size_t>(s.cam.width)};
}

std::vector<Mat3x4f> candidates(const Mat3x4f& T) {
  std::vector<Mat3x4f> c{T};
  for (int k = 1; k < 24; ++k)
    c.push_back(perturb(T, 0.002 * std::sin(k), 0.003 * std::cos(k), 0.001 * k / 24.0, 0.02 * std::sin(2.0 * k),
                        0.01 * k / 24.0, -0.03 * std::cos(3.0 * k)));
  return c;
}

}  // namespace

class TestEdgeAlignmentScore : public QObject {
  Q_OBJECT

 private slots:
  void matchesBruteForceOnKitti() {
    KernelContext ctx(BackendPreference::Cpu);
    for (bool distorted : {false, true}) {
      const Scene s = kitti_scene(distorted);
      const auto cands = candidates(to_mat(s.calib.T_cam2_from_lidar));
      EdgeScoreParams p;
      p.penalty = 60;
      EdgeScoreResult r;
      edge_alignment_score(ctx, s.pts, cands, s.cam, view(s), p, r);
      QCOMPARE(r.backend, Backend::Cpu);
      QCOMPARE(r.sums.size(), cands.size());
      const std::size_t n = s.pts.size() / 4;
      QCOMPARE(r.samples.size(), cands.size() * n);
      for (std::size_t c = 0; c < cands.size(); ++c) {
        std::vector<double> ref;
        std::vector<char> ambiguous;
        reference(s, cands[c], p.penalty, ref, ambiguous);
        double sum = 0, worst = 0;
        std::uint32_t inside = 0;
        for (std::size_t i = 0; i < n; ++i) {
          const float got = r.samples[c * n + i];
          sum += got;
          inside += ref[i] != p.penalty;
          if (!ambiguous[i]) worst = std::max(worst, std::abs(got - ref[i]));
        }
        QVERIFY2(worst < 1e-3, qPrintable(QString("candidate %1: max sample error %2").arg(c).arg(worst)));
        QVERIFY(std::abs(r.sums[c] - sum) <= 1e-9 * sum);
        QVERIFY(r.in_image[c] > 2000);
        QVERIFY(std::abs(int(r.in_image[c]) - int(inside)) <= 2);
      }
    }
  }

  void trueExtrinsicScoresBest() {
    // A lamp post: points on a vertical 3D line 12 m ahead; the distance transform is the pixel distance to the
    // column the true extrinsic projects it to.
    Pinhole cam;
    cam.fx = cam.fy = 700, cam.cx = 600, cam.cy = 180, cam.width = 1200, cam.height = 360;
    Mat3x4f T;  // lidar (x fwd, y left, z up) -> camera (x right, y down, z fwd)
    const float m[12] = {0, -1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0};
    std::memcpy(T.m, m, sizeof m);
    std::vector<float> pts;
    for (int k = 0; k < 50; ++k) pts.insert(pts.end(), {12.0f, -1.2f, -1.5f + 0.06f * k, 0});
    const float column = 600 + 700 * 1.2f / 12.0f;  // u of the post
    std::vector<float> dt(1200 * 360);
    for (int y = 0; y < 360; ++y)
      for (int x = 0; x < 1200; ++x) dt[static_cast<std::size_t>(y) * 1200 + x] = std::abs(float(x) - column);
    std::vector<Mat3x4f> cands;
    for (float dx : {0.0f, 0.05f, -0.1f, 0.2f, -0.4f}) {
      Mat3x4f c = T;
      c.m[3] += dx;
      cands.push_back(c);
    }
    KernelContext ctx(BackendPreference::Cpu);
    EdgeScoreResult r;
    edge_alignment_score(ctx, pts, cands, cam, {dt.data(), 1200, 360, 1200}, {}, r);
    QVERIFY(r.sums[0] < 1e-2);
    for (std::size_t c = 1; c < cands.size(); ++c) QVERIFY(r.sums[c] > r.sums[0] + 1.0);
    QVERIFY(r.sums[1] < r.sums[2] && r.sums[2] < r.sums[3] && r.sums[3] < r.sums[4]);
    QCOMPARE(r.in_image, (std::vector<std::uint32_t>(5, 50)));
  }

  void outsideBehindAndNonFinite() {
    Pinhole cam;
    cam.fx = cam.fy = 10, cam.cx = 5, cam.cy = 5, cam.width = 11, cam.height = 11;
    const std::vector<float> dt(121, 1.0f);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    // camera frame = lidar frame here (identity): z forward.
    const std::vector<float> pts{0,    0,    1,  0,   // center: inside
                                 0.5f, 0.5f, 1,  0,   // u = v = 10 = w - 1: inside (last pixel center)
                                 0.6f, 0,    1,  0,   // u = 11: outside
                                 0,    0,    -2, 0,   // behind
                                 nan,  0,    1,  0};  // ignored
    KernelContext ctx(BackendPreference::Cpu);
    EdgeScoreParams p;
    p.penalty = 7;
    EdgeScoreResult r;
    edge_alignment_score(ctx, pts, std::vector<Mat3x4f>{Mat3x4f{}}, cam, {dt.data(), 11, 11, 11}, p, r);
    QCOMPARE(r.in_image, (std::vector<std::uint32_t>{2}));
    QCOMPARE(r.nonfinite_count, std::size_t{1});
    QCOMPARE(r.samples[0], 1.0f);
    QCOMPARE(r.samples[1], 1.0f);
    QCOMPARE(r.samples[2], 7.0f);
    QCOMPARE(r.samples[3], 7.0f);
    QVERIFY(std::isnan(r.samples[4]));
    QCOMPARE(r.sums[0], 16.0);
  }

  void emptyInputsAndBadImage() {
    KernelContext ctx(BackendPreference::Cpu);
    const std::vector<float> dt(16, 0.0f);
    Pinhole cam;
    cam.fx = cam.fy = 1, cam.width = cam.height = 4;
    EdgeScoreResult r;
    edge_alignment_score(ctx, {}, std::vector<Mat3x4f>(3), cam, {dt.data(), 4, 4, 4}, {}, r);
    QCOMPARE(r.sums, (std::vector<double>{0, 0, 0}));
    QVERIFY(r.samples.empty());
    const std::vector<float> one{0, 0, 1, 0};
    edge_alignment_score(ctx, one, {}, cam, {dt.data(), 4, 4, 4}, {}, r);
    QVERIFY(r.sums.empty() && r.samples.empty());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             edge_alignment_score(ctx, one, std::vector<Mat3x4f>(1), cam, {dt.data(), 4, 4, 3}, {}, r));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             edge_alignment_score(ctx, one, std::vector<Mat3x4f>(1), cam, {nullptr, 4, 4, 4}, {}, r));
  }

  void threadCountDoesNotChangeResult() {
    const Scene s = kitti_scene(true);
    const auto cands = candidates(to_mat(s.calib.T_cam2_from_lidar));
    KernelContext one(BackendPreference::Cpu, 1), many(BackendPreference::Cpu, 5);
    EdgeScoreResult a, b;
    edge_alignment_score(one, s.pts, cands, s.cam, view(s), {}, a);
    edge_alignment_score(many, s.pts, cands, s.cam, view(s), {}, b);
    QVERIFY(a.sums == b.sums && a.in_image == b.in_image);
    QVERIFY(std::memcmp(a.samples.data(), b.samples.data(), a.samples.size() * 4) == 0);
  }

  void cudaMatchesCpu() {
    if (!cuda_device_available()) QSKIP("no CUDA device");
    const Scene s = kitti_scene(true);
    const auto cands = candidates(to_mat(s.calib.T_cam2_from_lidar));
    KernelContext cpu(BackendPreference::Cpu), gpu(BackendPreference::Cuda);
    EdgeScoreResult a, b;
    edge_alignment_score(cpu, s.pts, cands, s.cam, view(s), {}, a);
    edge_alignment_score(gpu, s.pts, cands, s.cam, view(s), {}, b);
    QVERIFY2(b.backend == Backend::Cuda, gpu.last_error().c_str());
    QVERIFY(std::memcmp(a.samples.data(), b.samples.data(), a.samples.size() * 4) == 0);  // same float operations
    QVERIFY(a.in_image == b.in_image);
    for (std::size_t c = 0; c < a.sums.size(); ++c) QVERIFY(std::abs(a.sums[c] - b.sums[c]) <= 1e-9 * a.sums[c]);
  }
};

QTEST_APPLESS_MAIN(TestEdgeAlignmentScore)
#include "tst_edge_alignment_score.moc"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "../../gpu/tests/kitti_files.h"
#include "../../gpu/tests/synthetic_scan.h"
#include "dc/gpu/compute_device.h"
#include "dc/gpu/ground_segmentation.h"
#include "dc/gpu/kernel_context.h"
#include "test_support.h"

using namespace dc::gpu;

namespace {

// z = ax + by + c with noise within +-noise for `inliers` points, then `outliers` points 0.5..6 m above it.
std::vector<float> plane_with_outliers(int inliers, int outliers, float a, float b, float c, float noise,
                                       unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-40, 40), h(0.5f, 6.0f), e(-noise, noise);
  std::vector<float> pts;
  for (int i = 0; i < inliers + outliers; ++i) {
    const float x = u(rng), y = u(rng);
    const bool in = i < inliers;
    pts.insert(pts.end(), {x, y, a * x + b * y + c + (in ? e(rng) : h(rng)), 0.5f});
  }
  // Interleave inliers and outliers deterministically.
  std::vector<float> mixed(pts.size());
  std::vector<std::size_t> order(pts.size() / 4);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  for (std::size_t i = 0; i < order.size(); ++i) std::memcpy(&mixed[4 * i], &pts[4 * order[i]], 16);
  return mixed;
}

double angle_deg(const float n[3], double a, double b, double c) {
  const double len = std::sqrt(a * a + b * b + c * c);
  const double dot = (n[0] * a + n[1] * b + n[2] * c) / len;
  return std::acos(std::min(1.0, std::abs(dot))) * 180.0 / 3.14159265358979;
}

std::vector<float> kitti_scan(int frame) {
  char name[32];
  std::snprintf(name, sizeof name, "%06d.bin", frame);
  return testing::read_velodyne(dc::test::shared_data_dir() / "kitti-object/training/velodyne" / name);
}

GroundParams params(float threshold = 0.15f, int iterations = 100, std::uint64_t seed = 1) {
  GroundParams p;
  p.distance_threshold = threshold, p.max_iterations = iterations, p.seed = seed;
  return p;
}

void check_mask_consistent(const std::vector<float>& pts, const GroundResult& r, float threshold) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < pts.size() / 4; ++i) {
    const float d = r.normal[0] * pts[4 * i] + r.normal[1] * pts[4 * i + 1] + r.normal[2] * pts[4 * i + 2] + r.d;
    QCOMPARE(bool(r.inlier_mask[i]), std::abs(d) < threshold);
    count += r.inlier_mask[i];
  }
  QCOMPARE(r.inlier_count, count);
  QVERIFY(std::abs(std::sqrt(r.normal[0] * r.normal[0] + r.normal[1] * r.normal[1] + r.normal[2] * r.normal[2]) -
                   1.0f) < 1e-5f);
  QVERIFY(r.normal[2] >= 0);
}

}  // namespace

class TestGroundSegmentation : public QObject {
  Q_OBJECT

 private slots:
  void findsKnownPlaneAmongOutliers() {
    const auto pts = plane_with_outliers(24000, 16000, 0.03f, -0.02f, -1.7f, 0.03f, 7);
    KernelContext ctx(BackendPreference::Cpu);
    GroundResult r;
    segment_ground(ctx, pts, params(0.1f, 200, 42), r);
    QVERIFY(r.found);
    QVERIFY(angle_deg(r.normal, -0.03, 0.02, 1.0) < 0.2);
    const double len = std::sqrt(1 + 0.03 * 0.03 + 0.02 * 0.02);
    QVERIFY(std::abs(r.d - 1.7 / len) < 0.005);
    QCOMPARE(r.inlier_count, std::size_t{24000});  // noise 0.03 < threshold 0.1 < outlier offset 0.5
    QVERIFY(r.iterations < 200);                   // 60% inliers: the early stop comes after a few batches
    check_mask_consistent(pts, r, 0.1f);
  }

  void groundOfKittiScans() {
    KernelContext ctx(BackendPreference::Cpu);
    for (int frame = 0; frame < 3; ++frame) {
      const auto pts = kitti_scan(frame);
      GroundResult r;
      segment_ground(ctx, pts, params(), r);
      QVERIFY(r.found);
      // The HDL-64E sits about 1.73 m above a nearly flat road.
      QVERIFY2(angle_deg(r.normal, 0, 0, 1) < 5.0, qPrintable(QString("tilt %1").arg(angle_deg(r.normal, 0, 0, 1))));
      QVERIFY2(r.d > 1.4f && r.d < 2.0f, qPrintable(QString("d %1").arg(r.d)));
      QVERIFY(r.inlier_count > pts.size() / 4 / 4);
      check_mask_consistent(pts, r, 0.15f);
    }
  }

  void deterministicForSeedAndThreads() {
    const auto pts = kitti_scan(1);
    KernelContext one(BackendPreference::Cpu, 1), many(BackendPreference::Cpu, 6);
    GroundResult a, b, c;
    segment_ground(one, pts, params(0.15f, 100, 9), a);
    segment_ground(many, pts, params(0.15f, 100, 9), b);
    segment_ground(many, pts, params(0.15f, 100, 9), c);
    for (const GroundResult* x : {&b, &c}) {
      QVERIFY(std::memcmp(a.normal, x->normal, sizeof a.normal) == 0);
      QCOMPARE(a.d, x->d);
      QCOMPARE(a.iterations, x->iterations);
      QVERIFY(a.inlier_mask == x->inlier_mask);
    }
  }

  void tiltLimitPrefersGroundOverWall() {
    // A wall (x = 5) with more points than the ground: plain RANSAC takes the wall, a 10 degree limit the ground.
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(-20, 20), e(-0.02f, 0.02f);
    std::vector<float> pts;
    for (int i = 0; i < 6000; ++i)
      pts.insert(pts.end(), {5.0f + e(rng), u(rng), u(rng) * 0.2f + 3, 0});  // z from -1 to 7
    for (int i = 0; i < 4000; ++i) pts.insert(pts.end(), {u(rng) * 0.1f, u(rng), -1.7f + e(rng), 0});
    KernelContext ctx(BackendPreference::Cpu);
    GroundResult r;
    segment_ground(ctx, pts, params(0.1f, 300), r);
    QVERIFY(angle_deg(r.normal, 1, 0, 0) < 1.0);
    GroundParams p = params(0.1f, 300);
    p.max_tilt_deg = 10;
    segment_ground(ctx, pts, p, r);
    QVERIFY(angle_deg(r.normal, 0, 0, 1) < 1.0);
    QCOMPARE(r.inlier_count, std::size_t{4000});
  }

  void earlyStopAndProbability() {
    const auto pts = plane_with_outliers(8000, 2000, 0, 0, -1.7f, 0.02f, 4);
    KernelContext ctx(BackendPreference::Cpu);
    GroundResult r;
    segment_ground(ctx, pts, params(0.1f, 500), r);
    QCOMPARE(r.iterations, 16);  // 80% inliers: k = log(0.01) / log(1 - 0.8^3) < 16, checked after each batch of 16
    GroundParams all = params(0.1f, 500);
    all.probability = 1.0;
    segment_ground(ctx, pts, all, r);
    QCOMPARE(r.iterations, 500);
    QCOMPARE(r.inlier_count, std::size_t{8000});
  }

  void withoutRefitThePlaneIsAHypothesis() {
    const auto pts = plane_with_outliers(3000, 1000, 0.1f, 0, -1, 0.05f, 5);
    KernelContext ctx(BackendPreference::Cpu);
    GroundParams p = params(0.12f, 64);
    p.refine = false;
    GroundResult raw, refined;
    segment_ground(ctx, pts, p, raw);
    p.refine = true;
    segment_ground(ctx, pts, p, refined);
    QVERIFY(raw.found && refined.found);
    QVERIFY(angle_deg(refined.normal, -0.1, 0, 1) <= angle_deg(raw.normal, -0.1, 0, 1) + 1e-6);
    check_mask_consistent(pts, raw, 0.12f);
  }

  void degenerateInputs() {
    KernelContext ctx(BackendPreference::Cpu);
    GroundResult r;
    segment_ground(ctx, {}, params(), r);
    QVERIFY(!r.found && r.inlier_mask.empty());
    const std::vector<float> two{0, 0, 0, 0, 1, 0, 0, 0};
    segment_ground(ctx, two, params(), r);
    QVERIFY(!r.found);
    QCOMPARE(r.inlier_mask, (std::vector<std::uint8_t>{0, 0}));
    std::vector<float> line;
    for (int i = 0; i < 50; ++i) line.insert(line.end(), {float(i), 2.0f * i, 0, 0});
    segment_ground(ctx, line, params(), r);
    QVERIFY(!r.found);  // collinear: no plane
    QCOMPARE(r.inlier_count, std::size_t{0});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, segment_ground(ctx, two, params(0.0f), r));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, segment_ground(ctx, two, params(0.1f, 0), r));
  }

  void nonFiniteIgnoredAndCounted() {
    auto pts = plane_with_outliers(2000, 500, 0, 0, -1.5f, 0.02f, 8);
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < 300; ++i) pts[4 * (7 * i) + (i % 3)] = (i % 2) ? nan : inf;
    KernelContext ctx(BackendPreference::Cpu);
    GroundResult r;
    segment_ground(ctx, pts, params(0.1f), r);
    QCOMPARE(r.nonfinite_count, std::size_t{300});
    QVERIFY(r.found && angle_deg(r.normal, 0, 0, 1) < 0.5);
    for (std::size_t i = 0; i < 300; ++i) QCOMPARE(r.inlier_mask[7 * i], std::uint8_t{0});
  }

  void cudaMatchesCpu() {
    if (!cuda_device_available()) QSKIP("no CUDA device");
    KernelContext cpu(BackendPreference::Cpu), gpu(BackendPreference::Cuda);
    for (int frame = 0; frame < 3; ++frame) {
      const auto pts = kitti_scan(frame);
      GroundResult a, b;
      segment_ground(cpu, pts, params(), a);
      segment_ground(gpu, pts, params(), b);
      QVERIFY2(b.backend == Backend::Cuda, gpu.last_error().c_str());
      // Same hypotheses and integer scores: same choice. The refit's double sums run in another order, so the
      // plane may differ in the last bits and flip points lying on the threshold.
      QCOMPARE(a.iterations, b.iterations);
      QVERIFY(std::abs(a.normal[2] - b.normal[2]) < 1e-5f && std::abs(a.d - b.d) < 1e-4f);
      std::size_t diff = 0;
      for (std::size_t i = 0; i < a.inlier_mask.size(); ++i) diff += a.inlier_mask[i] != b.inlier_mask[i];
      QVERIFY(diff <= a.inlier_mask.size() / 10000);
    }
  }
};

QTEST_APPLESS_MAIN(TestGroundSegmentation)
#include "tst_ground_segmentation.moc"

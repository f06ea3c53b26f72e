#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "../../gpu/tests/kitti_files.h"
#include "../../gpu/tests/synthetic_scan.h"
#include "dc/gpu/compute_device.h"
#include "dc/gpu/kernel_context.h"
#include "dc/gpu/voxel_downsample.h"
#include "test_support.h"

using namespace dc::gpu;

namespace {

struct RefVoxel {
  double sx = 0, sy = 0, sz = 0, si = 0;
  unsigned count = 0;
};
using Cell = std::tuple<long long, long long, long long>;  // (z, y, x): PCL's output order

// Brute force with PCL's cell rule: floor(p * (1 / leaf)) in float.
std::map<Cell, RefVoxel> brute_force(const std::vector<float>& pts, float leaf) {
  const float inv = 1.0f / leaf;
  std::map<Cell, RefVoxel> ref;
  for (std::size_t i = 0; i < pts.size() / 4; ++i) {
    const float x = pts[4 * i], y = pts[4 * i + 1], z = pts[4 * i + 2];
    if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(z)) continue;
    RefVoxel& v = ref[{static_cast<long long>(std::floor(z * inv)), static_cast<long long>(std::floor(y * inv)),
                       static_cast<long long>(std::floor(x * inv))}];
    v.sx += x, v.sy += y, v.sz += z, v.si += pts[4 * i + 3];
    ++v.count;
  }
  return ref;
}

void compare(const std::vector<float>& pts, float leaf, const VoxelResult& r) {
  const auto ref = brute_force(pts, leaf);
  QCOMPARE(r.voxel_count, ref.size());
  QCOMPARE(r.centroids.size(), 4 * ref.size());
  std::size_t k = 0;
  double worst = 0;
  for (const auto& [cell, v] : ref) {
    QCOMPARE(r.counts[k], v.count);
    worst = std::max(
        {worst, std::abs(r.centroids[4 * k] - v.sx / v.count), std::abs(r.centroids[4 * k + 1] - v.sy / v.count),
         std::abs(r.centroids[4 * k + 2] - v.sz / v.count), std::abs(r.centroids[4 * k + 3] - v.si / v.count)});
    ++k;
  }
  QVERIFY2(worst < 1e-5, qPrintable(QString("max centroid error %1").arg(worst)));
}

std::vector<float> kitti_scan(int frame) {
  char name[32];
  std::snprintf(name, sizeof name, "%06d.bin", frame);
  return testing::read_velodyne(dc::test::shared_data_dir() / "kitti-object/training/velodyne" / name);
}

VoxelParams leaf(float size, bool point_voxel = false) {
  VoxelParams p;
  p.leaf_size = size;
  p.point_voxel = point_voxel;
  return p;
}

}  // namespace

class TestVoxelDownsample : public QObject {
  Q_OBJECT

 private slots:
  void matchesBruteForceOnGeneratedScans() {
    KernelContext ctx(BackendPreference::Cpu);
    for (float size : {0.1f, 0.2f, 0.5f, 2.0f}) {
      testing::SceneOptions o;
      o.points = 60000, o.seed = 31, o.nan_fraction = 0.002;
      const auto pts = testing::make_scan(o);
      VoxelResult r;
      voxel_downsample(ctx, pts, leaf(size), r);
      QCOMPARE(r.backend, Backend::Cpu);
      QVERIFY(r.nonfinite_count > 0);
      compare(pts, size, r);
    }
  }

  void largeCloudsTakeTheHashedPath() {
    // From 2^18 points on, voxels are accumulated through per-thread hash tables: same voxels, order and sums.
    testing::SceneOptions o;
    o.points = 400000, o.seed = 33, o.nan_fraction = 0.001;
    const auto pts = testing::make_scan(o);
    KernelContext one(BackendPreference::Cpu, 1), three(BackendPreference::Cpu, 3);
    VoxelResult a, b;
    voxel_downsample(one, pts, leaf(0.2f, true), a);
    voxel_downsample(three, pts, leaf(0.2f, true), b);
    compare(pts, 0.2f, a);
    QVERIFY(std::memcmp(a.centroids.data(), b.centroids.data(), a.centroids.size() * 4) == 0);
    QVERIFY(a.counts == b.counts && a.voxel_of_point == b.voxel_of_point);
    const float inv = 1.0f / 0.2f;
    for (std::size_t i = 0; i < pts.size() / 4; ++i) {
      const int v = a.voxel_of_point[i];
      if (!std::isfinite(pts[4 * i]) || !std::isfinite(pts[4 * i + 1]) || !std::isfinite(pts[4 * i + 2])) {
        QCOMPARE(v, -1);
        continue;
      }
      QVERIFY(v >= 0);
      QCOMPARE(std::floor(pts[4 * i + 1] * inv), std::floor(a.centroids[4 * static_cast<std::size_t>(v) + 1] * inv));
    }
    // Nearly one voxel per point: the tables grow several times.
    std::mt19937 rng(4);
    std::uniform_real_distribution<float> u(-50, 50);
    std::vector<float> sparse;
    for (int i = 0; i < 300000; ++i) sparse.insert(sparse.end(), {u(rng), u(rng), u(rng) * 0.1f, 1});
    voxel_downsample(one, sparse, leaf(0.05f, true), a);
    voxel_downsample(three, sparse, leaf(0.05f, true), b);
    compare(sparse, 0.05f, a);
    QVERIFY(a.voxel_count > 290000);
    QVERIFY(a.centroids == b.centroids && a.voxel_of_point == b.voxel_of_point);
  }

  void matchesBruteForceOnKittiScans() {
    KernelContext ctx(BackendPreference::Cpu);
    for (int frame = 0; frame < 3; ++frame) {
      const auto pts = kitti_scan(frame);
      for (float size : {0.2f, 0.05f}) {
        VoxelResult r;
        voxel_downsample(ctx, pts, leaf(size), r);
        QCOMPARE(r.nonfinite_count, std::size_t{0});
        QVERIFY(r.voxel_count > 10000 && r.voxel_count < pts.size() / 4);
        compare(pts, size, r);
      }
    }
  }

  void voxelOfPointMapsEveryPoint() {
    const auto pts = kitti_scan(1);
    KernelContext ctx(BackendPreference::Cpu);
    VoxelResult r;
    voxel_downsample(ctx, pts, leaf(0.3f, true), r);
    QCOMPARE(r.voxel_of_point.size(), pts.size() / 4);
    std::vector<unsigned> counts(r.voxel_count, 0);
    const float inv = 1.0f / 0.3f;
    for (std::size_t i = 0; i < r.voxel_of_point.size(); ++i) {
      const int v = r.voxel_of_point[i];
      QVERIFY(v >= 0 && std::size_t(v) < r.voxel_count);
      ++counts[static_cast<std::size_t>(v)];
      // A voxel's centroid lies inside the voxel.
      QCOMPARE(std::floor(pts[4 * i] * inv), std::floor(r.centroids[4 * static_cast<std::size_t>(v)] * inv));
    }
    QVERIFY(counts == std::vector<unsigned>(r.counts.begin(), r.counts.end()));
  }

  void emptyAndSinglePoint() {
    KernelContext ctx(BackendPreference::Cpu);
    VoxelResult r;
    voxel_downsample(ctx, {}, leaf(0.2f, true), r);
    QCOMPARE(r.voxel_count, std::size_t{0});
    QVERIFY(r.centroids.empty() && r.counts.empty() && r.voxel_of_point.empty());
    const std::vector<float> one{1.25f, -3.5f, 0.75f, 0.25f};
    voxel_downsample(ctx, one, leaf(0.2f, true), r);
    QCOMPARE(r.voxel_count, std::size_t{1});
    QCOMPARE(r.centroids, (std::vector<float>{1.25f, -3.5f, 0.75f, 0.25f}));
    QCOMPARE(r.voxel_of_point, (std::vector<std::int32_t>{0}));
  }

  void allPointsInOneVoxel() {
    std::vector<float> pts;
    for (int i = 0; i < 1000; ++i)
      pts.insert(pts.end(), {10.01f + 0.00017f * (i % 97), 5.02f + 0.0001f * i, -1.03f, float(i % 7)});
    KernelContext ctx(BackendPreference::Cpu, 3);
    VoxelResult r;
    voxel_downsample(ctx, pts, leaf(0.5f), r);
    QCOMPARE(r.voxel_count, std::size_t{1});
    QCOMPARE(r.counts[0], 1000u);
    compare(pts, 0.5f, r);
  }

  void nonFiniteIgnoredAndCounted() {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const std::vector<float> pts{nan, 0, 0,     1,     0.1f,  0.1f, 0.1f, 1, 0,    inf,
                                 0,   1, 0.15f, 0.15f, 0.15f, 3,    0,    0, -inf, 1};
    KernelContext ctx(BackendPreference::Cpu);
    VoxelResult r;
    voxel_downsample(ctx, pts, leaf(0.5f, true), r);
    QCOMPARE(r.nonfinite_count, std::size_t{3});
    QCOMPARE(r.voxel_count, std::size_t{1});
    QCOMPARE(r.counts[0], 2u);
    QCOMPARE(r.centroids[3], 2.0f);
    QCOMPARE(r.voxel_of_point, (std::vector<std::int32_t>{-1, 0, -1, 0, -1}));
    const std::vector<float> only_nan{nan, nan, nan, 0};
    voxel_downsample(ctx, only_nan, leaf(0.5f, true), r);
    QCOMPARE(r.voxel_count, std::size_t{0});
    QCOMPARE(r.voxel_of_point, (std::vector<std::int32_t>{-1}));
  }

  void pointsOnVoxelBoundaries() {
    // Leaf 0.25 is exact in binary: a point on a boundary belongs to the cell above it (floor), like PCL.
    const std::vector<float> xs{
        -0.5f, -0.25f, 0.0f, 0.25f, 0.5f, std::nextafter(0.5f, 0.0f), std::nextafter(-0.25f, -1.0f)};
    std::vector<float> pts;
    for (float x : xs) pts.insert(pts.end(), {x, 0.0f, 0.0f, 0.0f});
    KernelContext ctx(BackendPreference::Cpu);
    VoxelResult r;
    voxel_downsample(ctx, pts, leaf(0.25f, true), r);
    // Cells: -2, -1, 0, 1, 2, 1, -2.
    QCOMPARE(r.voxel_count, std::size_t{5});
    QCOMPARE(r.voxel_of_point, (std::vector<std::int32_t>{0, 1, 2, 3, 4, 3, 0}));
    QCOMPARE(r.counts, (std::vector<std::uint32_t>{2, 1, 1, 2, 1}));
    compare(pts, 0.25f, r);
  }

  void orderIsZYX() {
    const std::vector<float> pts{1.5f, 0, 0, 0, 0, 1.5f, 0, 0, 0, 0, 1.5f, 0, 0, 0, 0, 0};
    KernelContext ctx(BackendPreference::Cpu);
    VoxelResult r;
    voxel_downsample(ctx, pts, leaf(1.0f, true), r);
    QCOMPARE(r.voxel_of_point, (std::vector<std::int32_t>{1, 2, 3, 0}));
  }

  void rejectsBadLeafSize() {
    KernelContext ctx(BackendPreference::Cpu);
    VoxelResult r;
    const std::vector<float> pts{0, 0, 0, 0};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, voxel_downsample(ctx, pts, leaf(0.0f), r));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, voxel_downsample(ctx, pts, leaf(-1.0f), r));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             voxel_downsample(ctx, pts, leaf(std::numeric_limits<float>::quiet_NaN()), r));
    const std::vector<float> huge{-3e38f, -3e38f, -3e38f, 0, 3e38f, 3e38f, 3e38f, 0};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, voxel_downsample(ctx, huge, leaf(1e-3f), r));
  }

  void threadCountDoesNotChangeResult() {
    const auto pts = kitti_scan(0);
    KernelContext one(BackendPreference::Cpu, 1), many(BackendPreference::Cpu, 6);
    VoxelResult a, b;
    voxel_downsample(one, pts, leaf(0.2f, true), a);
    voxel_downsample(many, pts, leaf(0.2f, true), b);
    QVERIFY(a.centroids.size() == b.centroids.size() &&
            std::memcmp(a.centroids.data(), b.centroids.data(), a.centroids.size() * 4) == 0);
    QVERIFY(a.counts == b.counts && a.voxel_of_point == b.voxel_of_point);
  }

  void cudaMatchesCpu() {
    if (!cuda_device_available()) QSKIP("no CUDA device");
    KernelContext cpu(BackendPreference::Cpu), gpu(BackendPreference::Cuda);
    for (int frame = 0; frame < 3; ++frame) {
      const auto pts = kitti_scan(frame);
      for (float size : {0.2f, 0.05f}) {
        VoxelResult a, b;
        voxel_downsample(cpu, pts, leaf(size, true), a);
        voxel_downsample(gpu, pts, leaf(size, true), b);
        QVERIFY2(b.backend == Backend::Cuda, gpu.last_error().c_str());
        // Same double sums in the same order on both sides: bit-identical.
        QVERIFY(a.centroids.size() == b.centroids.size() &&
                std::memcmp(a.centroids.data(), b.centroids.data(), a.centroids.size() * 4) == 0);
        QVERIFY(a.counts == b.counts && a.voxel_of_point == b.voxel_of_point);
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestVoxelDownsample)
#include "tst_voxel_downsample.moc"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "../../gpu/tests/kitti_files.h"
#include "../../gpu/tests/synthetic_scan.h"
#include "dc/gpu/compute_device.h"
#include "dc/gpu/euclidean_clustering.h"
#include "dc/gpu/ground_segmentation.h"
#include "dc/gpu/kernel_context.h"
#include "test_support.h"

using namespace dc::gpu;

namespace {

bool finite_point(const std::vector<float>& p, std::size_t i) {
  return std::isfinite(p[4 * i]) && std::isfinite(p[4 * i + 1]) && std::isfinite(p[4 * i + 2]);
}

// The neighbor test of PCL's kd-tree (FLANN L2_Simple<float>, radius^2 from double, strict <).
bool close(const std::vector<float>& p, std::size_t i, std::size_t j, float r2) {
  const float dx = p[4 * i] - p[4 * j], dy = p[4 * i + 1] - p[4 * j + 1], dz = p[4 * i + 2] - p[4 * j + 2];
  float d = 0;
  d += dx * dx;
  d += dy * dy;
  d += dz * dz;
  return d < r2;
}

// Component ids -> labels numbered by smallest index, clusters outside [min, max] dropped.
std::vector<int> finish_labels(std::vector<int> comp, unsigned min_size, unsigned max_size) {
  std::vector<unsigned> size(comp.size(), 0);
  for (int c : comp)
    if (c >= 0) ++size[static_cast<std::size_t>(c)];
  std::vector<int> id(comp.size(), -1);
  int next = 0;
  for (auto& c : comp) {
    if (c < 0) continue;
    const auto k = static_cast<std::size_t>(c);
    if (id[k] == -1) id[k] = (size[k] >= min_size && size[k] <= max_size) ? next++ : -2;
    c = id[k] >= 0 ? id[k] : -1;
  }
  return comp;
}

// O(n^2) flood fill, the way PCL's EuclideanClusterExtraction grows clusters.
std::vector<int> flood_fill(const std::vector<float>& p, const std::vector<std::uint8_t>& exclude, float tol,
                            unsigned min_size, unsigned max_size) {
  const std::size_t n = p.size() / 4;
  const float r2 = static_cast<float>(double(tol) * double(tol));
  auto usable = [&](std::size_t i) { return finite_point(p, i) && (exclude.empty() || !exclude[i]); };
  std::vector<int> comp(n, -1);
  int next = 0;
  for (std::size_t s = 0; s < n; ++s) {
    if (comp[s] != -1 || !usable(s)) continue;
    std::deque<std::size_t> queue{s};
    comp[s] = next;
    while (!queue.empty()) {
      const std::size_t i = queue.front();
      queue.pop_front();
      for (std::size_t j = 0; j < n; ++j)
        if (comp[j] == -1 && usable(j) && close(p, i, j, r2)) comp[j] = next, queue.push_back(j);
    }
    ++next;
  }
  return finish_labels(comp, min_size, max_size);
}

// Exact and fast enough for full scans: points sorted by x, each pair within tolerance in x tested (dx >= tol
// implies the float distance test fails), joined with a union-find.
std::vector<int> sweep(const std::vector<float>& p, const std::vector<std::uint8_t>& exclude, float tol,
                       unsigned min_size, unsigned max_size) {
  const std::size_t n = p.size() / 4;
  const float r2 = static_cast<float>(double(tol) * double(tol));
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < n; ++i)
    if (finite_point(p, i) && (exclude.empty() || !exclude[i])) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[4 * a] < p[4 * b]; });
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (std::size_t a = 0; a < order.size(); ++a) {
    for (std::size_t b = a + 1; b < order.size() && p[4 * order[b]] - p[4 * order[a]] < tol; ++b) {
      if (!close(p, order[a], order[b], r2)) continue;
      const std::size_t ra = find(order[a]), rb = find(order[b]);
      if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
    }
  }
  std::vector<int> comp(n, -1);
  for (std::size_t i : order) comp[i] = static_cast<int>(find(i));
  return finish_labels(comp, min_size, max_size);
}

std::vector<float> kitti_scan(int frame) {
  char name[32];
  std::snprintf(name, sizeof name, "%06d.bin", frame);
  return testing::read_velodyne(dc::test::shared_data_dir() / "kitti-object/training/velodyne" / name);
}

ClusterParams params(float tol, unsigned min_size = 1, unsigned max_size = std::numeric_limits<unsigned>::max()) {
  ClusterParams p;
  p.tolerance = tol, p.min_size = min_size, p.max_size = max_size;
  return p;
}

std::vector<std::uint8_t> ground_mask(KernelContext& ctx, const std::vector<float>& pts) {
  GroundResult g;
  segment_ground(ctx, pts, {}, g);
  return g.inlier_mask;
}

}  // namespace

class TestEuclideanClustering : public QObject {
  Q_OBJECT

 private slots:
  void matchesFloodFillOnGeneratedScans() {
    KernelContext ctx(BackendPreference::Cpu);
    for (std::uint64_t seed : {1u, 2u}) {
      testing::SceneOptions o;
      o.points = 5000, o.seed = seed, o.nan_fraction = 0.002;
      const auto pts = testing::make_scan(o);
      for (float tol : {0.25f, 0.5f, 1.5f}) {
        ClusterResult r;
        euclidean_clusters(ctx, pts, {}, params(tol, 5, 400), r);
        QCOMPARE(r.backend, Backend::Cpu);
        QVERIFY(r.labels == flood_fill(pts, {}, tol, 5, 400));
        QVERIFY(r.cluster_count > 0);
        QCOMPARE(r.cluster_sizes.size(), r.cluster_count);
      }
    }
  }

  void matchesFloodFillOnKittiCrop() {
    // Points within 12 m of the sensor, ground removed: dense and varied.
    auto full = kitti_scan(1);
    KernelContext ctx(BackendPreference::Cpu);
    const auto ground = ground_mask(ctx, full);
    std::vector<float> pts;
    for (std::size_t i = 0; i < full.size() / 4; ++i)
      if (!ground[i] && std::hypot(full[4 * i], full[4 * i + 1]) < 12.0f)
        pts.insert(pts.end(), full.begin() + static_cast<std::ptrdiff_t>(4 * i),
                   full.begin() + static_cast<std::ptrdiff_t>(4 * i + 4));
    QVERIFY(pts.size() / 4 > 3000);
    pts.resize(std::min<std::size_t>(pts.size(), 4 * 7000));
    for (float tol : {0.2f, 0.5f}) {
      ClusterResult r;
      euclidean_clusters(ctx, pts, {}, params(tol, 10), r);
      QVERIFY(r.labels == flood_fill(pts, {}, tol, 10, std::numeric_limits<unsigned>::max()));
    }
  }

  void matchesSweepOnFullKittiScans() {
    KernelContext ctx(BackendPreference::Cpu);
    for (int frame = 0; frame < 3; ++frame) {
      const auto pts = kitti_scan(frame);
      const auto ground = ground_mask(ctx, pts);
      ClusterResult r;
      euclidean_clusters(ctx, pts, ground, params(0.5f, 10), r);
      QVERIFY(r.cluster_count > 20);
      QVERIFY(r.labels == sweep(pts, ground, 0.5f, 10, std::numeric_limits<unsigned>::max()));
      std::vector<unsigned> sizes(r.cluster_count, 0);
      for (std::size_t i = 0; i < r.labels.size(); ++i) {
        if (r.labels[i] >= 0) ++sizes[static_cast<std::size_t>(r.labels[i])];
        if (ground[i]) QCOMPARE(r.labels[i], -1);
      }
      QVERIFY(sizes == std::vector<unsigned>(r.cluster_sizes.begin(), r.cluster_sizes.end()));
    }
  }

  void exactToleranceIsNotANeighbor() {
    // 0.5 apart with tolerance 0.5: squared distance 0.25 is not < 0.25. Slightly closer joins.
    const std::vector<float> pts{0, 0, 0, 0, 0.5f, 0, 0, 0, 10, 0, 0, 0, std::nextafter(10.5f, 0.0f), 0, 0, 0};
    KernelContext ctx(BackendPreference::Cpu);
    ClusterResult r;
    euclidean_clusters(ctx, pts, {}, params(0.5f), r);
    QCOMPARE(r.labels, (std::vector<std::int32_t>{0, 1, 2, 2}));
    QCOMPARE(r.cluster_sizes, (std::vector<std::uint32_t>{1, 1, 2}));
  }

  void longChainIsOneCluster() {
    std::vector<float> pts;
    for (int i = 399; i >= 0; --i) pts.insert(pts.end(), {-30.0f + 0.45f * i, 0.3f * std::sin(0.1f * i), 0.01f * i, 0});
    KernelContext ctx(BackendPreference::Cpu, 4);
    ClusterResult r;
    euclidean_clusters(ctx, pts, {}, params(0.5f), r);
    QVERIFY(r.labels == flood_fill(pts, {}, 0.5f, 1, std::numeric_limits<unsigned>::max()));
  }

  void sizeLimitsDropClusters() {
    std::vector<float> pts;
    auto blob = [&](float cx, int count) {
      for (int i = 0; i < count; ++i) pts.insert(pts.end(), {cx + 0.01f * (i % 10), 0.01f * (i / 10), 0, 0});
    };
    blob(0, 3), blob(10, 10), blob(20, 50), blob(30, 51);
    KernelContext ctx(BackendPreference::Cpu);
    ClusterResult r;
    euclidean_clusters(ctx, pts, {}, params(0.3f, 10, 50), r);
    QCOMPARE(r.cluster_count, std::size_t{2});
    QCOMPARE(r.cluster_sizes, (std::vector<std::uint32_t>{10, 50}));
    QCOMPARE(r.labels[0], -1);
    QCOMPARE(r.labels[3], 0);
    QCOMPARE(r.labels[13], 1);
    QCOMPARE(r.labels[63], -1);
  }

  void emptySingleAndNonFinite() {
    KernelContext ctx(BackendPreference::Cpu);
    ClusterResult r;
    euclidean_clusters(ctx, {}, {}, params(0.5f), r);
    QVERIFY(r.labels.empty());
    QCOMPARE(r.cluster_count, std::size_t{0});
    const std::vector<float> one{3, 4, 5, 0};
    euclidean_clusters(ctx, one, {}, params(0.5f), r);
    QCOMPARE(r.labels, (std::vector<std::int32_t>{0}));
    euclidean_clusters(ctx, one, {}, params(0.5f, 2), r);
    QCOMPARE(r.labels, (std::vector<std::int32_t>{-1}));
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const std::vector<float> pts{0, 0, 0, 0, nan, 0, 0, 0, 0.1f, 0, 0, 0, 0, inf, 0, 0, 0.2f, 0, 0, 0};
    euclidean_clusters(ctx, pts, {}, params(0.5f), r);
    QCOMPARE(r.nonfinite_count, std::size_t{2});
    QCOMPARE(r.labels, (std::vector<std::int32_t>{0, -1, 0, -1, 0}));
  }

  void excludeMask() {
    const std::vector<float> pts{0, 0, 0, 0, 0.4f, 0, 0, 0, 0.8f, 0, 0, 0};
    const std::vector<std::uint8_t> mask{0, 1, 0};
    KernelContext ctx(BackendPreference::Cpu);
    ClusterResult r;
    euclidean_clusters(ctx, pts, mask, params(0.5f), r);
    QCOMPARE(r.labels, (std::vector<std::int32_t>{0, -1, 1}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             euclidean_clusters(ctx, pts, std::vector<std::uint8_t>{0}, params(0.5f), r));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, euclidean_clusters(ctx, pts, {}, params(0.0f), r));
  }

  void tinyToleranceFarFromOrigin() {
    // Tolerance near the float resolution of the coordinates: the grid falls back to point-level joins.
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(0.0f, 0.05f);
    std::vector<float> pts;
    for (int i = 0; i < 3000; ++i)
      pts.insert(pts.end(), {8000.0f + u(rng), -7000.0f + u(rng), 20.0f + 0.01f * u(rng), 0});
    KernelContext ctx(BackendPreference::Cpu);
    for (float tol : {0.002f, 0.01f}) {
      ClusterResult r;
      euclidean_clusters(ctx, pts, {}, params(tol), r);
      QVERIFY(r.labels == flood_fill(pts, {}, tol, 1, std::numeric_limits<unsigned>::max()));
    }
  }

  void threadCountDoesNotChangeResult() {
    const auto pts = kitti_scan(2);
    KernelContext one(BackendPreference::Cpu, 1), many(BackendPreference::Cpu, 5);
    const auto ground = ground_mask(one, pts);
    ClusterResult a, b;
    euclidean_clusters(one, pts, ground, params(0.5f, 10), a);
    euclidean_clusters(many, pts, ground, params(0.5f, 10), b);
    QVERIFY(a.labels == b.labels && a.cluster_sizes == b.cluster_sizes);
  }

  void cudaMatchesCpu() {
    if (!cuda_device_available()) QSKIP("no CUDA device");
    KernelContext cpu(BackendPreference::Cpu), gpu(BackendPreference::Cuda);
    for (int frame = 0; frame < 3; ++frame) {
      const auto pts = kitti_scan(frame);
      const auto ground = ground_mask(cpu, pts);
      for (float tol : {0.3f, 0.5f, 1.0f}) {
        ClusterResult a, b;
        euclidean_clusters(cpu, pts, ground, params(tol, 10, 20000), a);
        euclidean_clusters(gpu, pts, ground, params(tol, 10, 20000), b);
        QVERIFY2(b.backend == Backend::Cuda, gpu.last_error().c_str());
        QVERIFY(a.labels == b.labels && a.cluster_sizes == b.cluster_sizes);
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestEuclideanClustering)
#include "tst_euclidean_clustering.moc"

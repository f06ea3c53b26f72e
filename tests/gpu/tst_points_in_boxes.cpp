#include <QtTest>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "../../gpu/tests/kitti_files.h"
#include "../../gpu/tests/synthetic_scan.h"
#include "dc/gpu/compute_device.h"
#include "dc/gpu/kernel_context.h"
#include "dc/gpu/points_in_boxes.h"
#include "test_support.h"

using namespace dc::gpu;

namespace {

// Distance-to-surface aware brute force in double: a point within `eps` of a face may go either way.
struct Verdict {
  bool inside;
  bool ambiguous;
};
Verdict brute_force(const Box3f& b, float x, float y, float z, double eps = 1e-4) {
  const double c = std::cos(double(b.yaw)), s = std::sin(double(b.yaw));
  const double dx = double(x) - b.cx, dy = double(y) - b.cy, dz = double(z) - b.cz;
  const double m[3] = {std::abs(dx * c + dy * s) - b.l / 2.0, std::abs(-dx * s + dy * c) - b.w / 2.0,
                       std::abs(dz) - b.h / 2.0};
  const bool inside = m[0] <= 0 && m[1] <= 0 && m[2] <= 0;
  bool ambiguous = false;
  for (double v : m) ambiguous |= std::abs(v) < eps;
  return {inside, ambiguous};
}

void compare(const std::vector<float>& pts, const std::vector<Box3f>& boxes, const BoxResult& r) {
  QCOMPARE(r.counts.size(), boxes.size());
  QCOMPARE(r.offsets.size(), boxes.size() + 1);
  QCOMPARE(std::size_t(r.offsets.back()), r.indices.size());
  for (std::size_t b = 0; b < boxes.size(); ++b) {
    QCOMPARE(r.offsets[b + 1] - r.offsets[b], r.counts[b]);
    std::vector<char> listed(pts.size() / 4, 0);
    for (std::uint32_t k = r.offsets[b]; k < r.offsets[b + 1]; ++k) {
      if (k > r.offsets[b]) QVERIFY(r.indices[k] > r.indices[k - 1]);  // ascending
      listed[r.indices[k]] = 1;
    }
    for (std::size_t i = 0; i < pts.size() / 4; ++i) {
      if (!std::isfinite(pts[4 * i]) || !std::isfinite(pts[4 * i + 1]) || !std::isfinite(pts[4 * i + 2])) {
        QVERIFY(!listed[i]);
        continue;
      }
      const Verdict v = brute_force(boxes[b], pts[4 * i], pts[4 * i + 1], pts[4 * i + 2]);
      if (!v.ambiguous && v.inside != bool(listed[i]))
        QFAIL(qPrintable(
            QString("box %1, point %2: kernel %3, brute force %4").arg(b).arg(i).arg(int(listed[i])).arg(v.inside)));
    }
  }
}

std::vector<Box3f> random_boxes(int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> pos(-40, 40), size(0.5f, 6), yaw(-4, 4), z(-2, 1);
  std::vector<Box3f> boxes;
  for (int i = 0; i < count; ++i)
    boxes.push_back({pos(rng), pos(rng) * 0.4f, z(rng), size(rng), size(rng), size(rng) * 0.6f, yaw(rng)});
  return boxes;
}

BoxParams with_indices() {
  BoxParams p;
  p.indices = true;
  return p;
}

}  // namespace

class TestPointsInBoxes : public QObject {
  Q_OBJECT

 private slots:
  void matchesBruteForceOnGeneratedScan() {
    testing::SceneOptions o;
    o.points = 80000, o.seed = 12, o.nan_fraction = 0.001;
    const auto pts = testing::make_scan(o);
    KernelContext ctx(BackendPreference::Cpu);
    for (int count : {1, 3, 40, 300}) {  // few boxes: direct test; many: through the footprint grid
      auto boxes = random_boxes(count, 100 + count);
      for (const auto& c : testing::scene_cars(o))
        boxes.push_back({float(c.cx), float(c.cy), float(c.cz), float(c.l), float(c.w), float(c.h), float(c.yaw)});
      BoxResult r;
      points_in_boxes(ctx, pts, boxes, with_indices(), r);
      QCOMPARE(r.backend, Backend::Cpu);
      QVERIFY(r.nonfinite_count > 0);
      compare(pts, boxes, r);
      BoxResult counts_only;
      points_in_boxes(ctx, pts, boxes, {}, counts_only);
      QVERIFY(counts_only.counts == r.counts && counts_only.indices.empty());
    }
  }

  void kittiLabelBoxes() {
    KernelContext ctx(BackendPreference::Cpu);
    const auto dir = dc::test::shared_data_dir() / "kitti-object/training";
    std::uint32_t total = 0;
    for (int frame = 0; frame < 3; ++frame) {
      char name[32];
      std::snprintf(name, sizeof name, "%06d", frame);
      const auto pts = testing::read_velodyne(dir / "velodyne" / (std::string(name) + ".bin"));
      const auto calib = testing::read_calib(dir / "calib" / (std::string(name) + ".txt"));
      std::vector<Box3f> boxes;
      for (const auto& b : testing::read_label_boxes(dir / "label_2" / (std::string(name) + ".txt"), calib))
        boxes.push_back({float(b.cx), float(b.cy), float(b.cz), float(b.l), float(b.w), float(b.h), float(b.yaw)});
      QVERIFY(!boxes.empty());
      BoxResult r;
      points_in_boxes(ctx, pts, boxes, with_indices(), r);
      compare(pts, boxes, r);
      for (auto c : r.counts) {
        QVERIFY2(c > 0, "every labelled object holds lidar points");
        total += c;
      }
    }
    QVERIFY(total > 1000);
  }

  void boundariesAreInclusive() {
    // Axis-aligned box [-1, 1] x [-0.5, 0.5] x [-0.25, 0.25] and the same turned by 90 and 180 degrees.
    const float out = std::nextafter(1.0f, 2.0f);
    const std::vector<float> pts{1,
                                 0,
                                 0,
                                 0,
                                 -1,
                                 0.5f,
                                 0.25f,
                                 0,
                                 1,
                                 -0.5f,
                                 -0.25f,
                                 0,
                                 out,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0.5f,
                                 0,
                                 0,
                                 0,
                                 std::nextafter(0.5f, 1.0f),
                                 0,
                                 0,
                                 0,
                                 0,
                                 0.25f,
                                 0,
                                 0,
                                 0,
                                 std::nextafter(0.25f, 1.0f),
                                 0};
    const std::vector<Box3f> boxes{{0, 0, 0, 2, 1, 0.5f, 0},
                                   {0, 0, 0, 1, 2, 0.5f, float(std::numbers::pi / 2)},
                                   {0, 0, 0, 2, 1, 0.5f, float(std::numbers::pi)}};
    KernelContext ctx(BackendPreference::Cpu);
    BoxResult r;
    points_in_boxes(ctx, pts, boxes, with_indices(), r);
    const std::vector<std::uint32_t> inside{0, 1, 2, 4, 6};
    for (std::size_t b = 0; b < boxes.size(); ++b) {
      QCOMPARE(r.counts[b], 5u);
      QVERIFY(std::equal(inside.begin(), inside.end(), r.indices.begin() + r.offsets[b]));
    }
  }

  void overlappingBoxesListSharedPoints() {
    const std::vector<float> pts{0, 0, 0, 0, 1.5f, 0, 0, 0, 3, 0, 0, 0};
    const std::vector<Box3f> boxes{{0, 0, 0, 4, 1, 1, 0}, {2, 0, 0, 2, 1, 1, 0}};
    KernelContext ctx(BackendPreference::Cpu);
    BoxResult r;
    points_in_boxes(ctx, pts, boxes, with_indices(), r);
    QCOMPARE(r.counts, (std::vector<std::uint32_t>{2, 2}));
    QCOMPARE(r.indices, (std::vector<std::uint32_t>{0, 1, 1, 2}));
  }

  void emptyDegenerateAndNonFinite() {
    KernelContext ctx(BackendPreference::Cpu);
    BoxResult r;
    points_in_boxes(ctx, {}, random_boxes(3, 1), with_indices(), r);
    QCOMPARE(r.counts, (std::vector<std::uint32_t>{0, 0, 0}));
    QCOMPARE(r.offsets, (std::vector<std::uint32_t>{0, 0, 0, 0}));
    const std::vector<float> one{2, 3, 4, 0};
    points_in_boxes(ctx, one, {}, with_indices(), r);
    QVERIFY(r.counts.empty());
    QCOMPARE(r.offsets, (std::vector<std::uint32_t>{0}));
    // A zero-size box holds exactly the point at its center.
    points_in_boxes(ctx, one, std::vector<Box3f>{{2, 3, 4, 0, 0, 0, 0.3f}}, with_indices(), r);
    QCOMPARE(r.counts, (std::vector<std::uint32_t>{1}));
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const std::vector<float> pts{nan, 0, 0, 0, 0, 0, 0, 0, inf, inf, inf, 0};
    points_in_boxes(ctx, pts, std::vector<Box3f>{{0, 0, 0, 1e30f, 1e30f, 1e30f, 0}}, with_indices(), r);
    QCOMPARE(r.nonfinite_count, std::size_t{2});
    QCOMPARE(r.indices, (std::vector<std::uint32_t>{1}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             points_in_boxes(ctx, pts, std::vector<Box3f>{{0, 0, 0, -1, 1, 1, 0}}, {}, r));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             points_in_boxes(ctx, pts, std::vector<Box3f>{{nan, 0, 0, 1, 1, 1, 0}}, {}, r));
  }

  void threadCountDoesNotChangeResult() {
    testing::SceneOptions o;
    o.points = 120000, o.seed = 14;
    const auto pts = testing::make_scan(o);
    const auto boxes = random_boxes(200, 9);
    KernelContext one(BackendPreference::Cpu, 1), many(BackendPreference::Cpu, 5);
    BoxResult a, b;
    points_in_boxes(one, pts, boxes, with_indices(), a);
    points_in_boxes(many, pts, boxes, with_indices(), b);
    QVERIFY(a.counts == b.counts && a.offsets == b.offsets && a.indices == b.indices);
  }

  void cudaMatchesCpu() {
    if (!cuda_device_available()) QSKIP("no CUDA device");
    testing::SceneOptions o;
    o.points = 300000, o.seed = 15, o.nan_fraction = 0.001;
    const auto pts = testing::make_scan(o);
    KernelContext cpu(BackendPreference::Cpu), gpu(BackendPreference::Cuda);
    for (int count : {0, 1, 40, 700}) {
      const auto boxes = random_boxes(count, 3);
      BoxResult a, b;
      points_in_boxes(cpu, pts, boxes, with_indices(), a);
      points_in_boxes(gpu, pts, boxes, with_indices(), b);
      QVERIFY2(b.backend == Backend::Cuda, gpu.last_error().c_str());
      QVERIFY(a.counts == b.counts && a.offsets == b.offsets && a.indices == b.indices);
      QCOMPARE(a.nonfinite_count, b.nonfinite_count);
    }
  }
};

QTEST_APPLESS_MAIN(TestPointsInBoxes)
#include "tst_points_in_boxes.moc"

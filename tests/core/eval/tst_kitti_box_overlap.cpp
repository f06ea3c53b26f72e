#include "dc/core/eval/convex_polygon_clipping.h"
#include "dc/core/eval/kitti_box_overlap.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace dc::core;

namespace {

KittiEvalObject image_box(double left, double top, double right, double bottom) {
  KittiEvalObject o;
  o.type = "Car";
  o.bbox[0] = left;
  o.bbox[1] = top;
  o.bbox[2] = right;
  o.bbox[3] = bottom;
  return o;
}

KittiEvalObject box3d(double x, double y, double z, double h, double w, double l, double ry) {
  KittiEvalObject o;
  o.type = "Car";
  o.box.h = h;
  o.box.w = w;
  o.box.l = l;
  o.box.bottom_center = {x, y, z};
  o.box.rotation_y = ry;
  return o;
}

// Independent membership test (no clipping): KITTI's length axis for rotation_y is (cos ry, -sin ry) in camera x-z,
// the width axis (sin ry, cos ry); the box spans y - h .. y.
bool footprint_contains(const KittiEvalObject& o, double x, double z) {
  const double dx = x - o.box.bottom_center.x(), dz = z - o.box.bottom_center.z();
  const double c = std::cos(o.box.rotation_y), s = std::sin(o.box.rotation_y);
  const double along = dx * c - dz * s;
  const double across = dx * s + dz * c;
  return std::abs(along) <= o.box.l / 2 && std::abs(across) <= o.box.w / 2;
}

bool box_contains(const KittiEvalObject& o, double x, double y, double z) {
  return footprint_contains(o, x, z) && y <= o.box.bottom_center.y() && y >= o.box.bottom_center.y() - o.box.h;
}

struct Extent {
  double lo, hi;
};

Extent extent(const KittiEvalObject& a, const KittiEvalObject& b, int axis) {
  auto r = [](const KittiEvalObject& o) { return 0.5 * std::hypot(o.box.l, o.box.w); };
  const double ca = a.box.bottom_center[axis], cb = b.box.bottom_center[axis];
  return {std::min(ca - r(a), cb - r(b)), std::max(ca + r(a), cb + r(b))};
}

// Cell-centre grid estimate of the footprint IoU.
double grid_bev_iou(const KittiEvalObject& a, const KittiEvalObject& b, int n) {
  const Extent ex = extent(a, b, 0), ez = extent(a, b, 2);
  const double sx = (ex.hi - ex.lo) / n, sz = (ez.hi - ez.lo) / n;
  long inter = 0, uni = 0;
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k) {
      const double x = ex.lo + (i + 0.5) * sx, z = ez.lo + (k + 0.5) * sz;
      const bool ia = footprint_contains(a, x, z), ib = footprint_contains(b, x, z);
      inter += ia && ib;
      uni += ia || ib;
    }
  return uni ? static_cast<double>(inter) / uni : 0.0;
}

double grid_3d_iou(const KittiEvalObject& a, const KittiEvalObject& b, int n, int ny) {
  const Extent ex = extent(a, b, 0), ez = extent(a, b, 2);
  const double y_lo = std::min(a.box.bottom_center.y() - a.box.h, b.box.bottom_center.y() - b.box.h);
  const double y_hi = std::max(a.box.bottom_center.y(), b.box.bottom_center.y());
  const double sx = (ex.hi - ex.lo) / n, sz = (ez.hi - ez.lo) / n, sy = (y_hi - y_lo) / ny;
  long inter = 0, uni = 0;
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k)
      for (int j = 0; j < ny; ++j) {
        const double x = ex.lo + (i + 0.5) * sx, z = ez.lo + (k + 0.5) * sz, y = y_lo + (j + 0.5) * sy;
        const bool ia = box_contains(a, x, y, z), ib = box_contains(b, x, y, z);
        inter += ia && ib;
        uni += ia || ib;
      }
  return uni ? static_cast<double>(inter) / uni : 0.0;
}

}  // namespace

class TestKittiBoxOverlap : public QObject {
  Q_OBJECT

 private slots:
  void imageOverlapHandValues() {
    // 100x100 boxes shifted by 20 px: 80*100 / (2*10000 - 8000).
    QCOMPARE(image_box_overlap(image_box(120, 0, 220, 100), image_box(100, 0, 200, 100)), 8000.0 / 12000.0);
    QCOMPARE(image_box_overlap(image_box(0, 0, 10, 10), image_box(10, 0, 20, 10)), 0.0);  // touching: no overlap
    QCOMPARE(image_box_overlap(image_box(0, 0, 10, 10), image_box(0, 0, 10, 10)), 1.0);
    // DontCare criterion: share of the detection inside the region (80 of 100 columns).
    QCOMPARE(image_box_overlap(image_box(20, 0, 120, 100), image_box(0, 0, 100, 300), OverlapCriterion::DetectionArea),
             0.8);
  }

  void polygonClippingHandValues() {
    const Polygon2d square = {{0, 0}, {2, 0}, {2, 2}, {0, 2}};
    // Overlap: 1 <= x <= 2 under the hypotenuse y = 3 - x: the integral of (3 - x) over [1, 2] = 1.5.
    const Polygon2d triangle = {{1, 0}, {3, 0}, {1, 2}};
    QCOMPARE(signed_polygon_area(square), 4.0);
    QVERIFY(std::abs(convex_intersection_area(square, triangle) - 1.5) < 1e-12);
    Polygon2d reversed(triangle.rbegin(), triangle.rend());
    QVERIFY(std::abs(convex_intersection_area(reversed, square) - 1.5) < 1e-12);
    QCOMPARE(convex_intersection_area(square, Polygon2d{{5, 5}, {6, 5}, {6, 6}}), 0.0);
  }

  void unitSquareTurnedByFortyFiveDegrees() {
    // Two unit squares on one centre, one turned 45 degrees: the overlap is a regular octagon of area 2(sqrt2 - 1).
    const auto a = box3d(0, 0, 0, 1, 1, 1, 0);
    const auto b = box3d(0, 0, 0, 1, 1, 1, M_PI / 4);
    const double octagon = 2 * (std::sqrt(2.0) - 1);
    QVERIFY(std::abs(bev_box_overlap(a, b) - octagon / (2 - octagon)) < 1e-12);
    QVERIFY(std::abs(box3d_overlap(a, b) - octagon / (2 - octagon)) < 1e-12);
  }

  void identicalAndTurnedByHalfTurn() {
    const auto a = box3d(3, 1.6, 20, 1.5, 1.6, 3.9, 0.3);
    QVERIFY(std::abs(bev_box_overlap(a, a) - 1.0) < 1e-12);
    QVERIFY(std::abs(box3d_overlap(a, a) - 1.0) < 1e-12);
    auto turned = a;
    turned.box.rotation_y += M_PI;  // same footprint
    QVERIFY(std::abs(bev_box_overlap(a, turned) - 1.0) < 1e-12);
  }

  void lengthShiftHandValues() {
    // rotation_y = 0: length along camera x. Shifting 0.7 m along x: (4 - 0.7) / (4 + 0.7).
    const auto gt = box3d(0, 1.5, 20, 1.5, 2, 4, 0);
    const auto det = box3d(0.7, 1.5, 20, 1.5, 2, 4, 0);
    QVERIFY(std::abs(bev_box_overlap(det, gt) - 3.3 / 4.7) < 1e-12);
    QVERIFY(std::abs(box3d_overlap(det, gt) - 3.3 / 4.7) < 1e-12);
    // Half the height apart (y down): shared height 0.75 of 1.5 -> 1/3 of the volume union.
    const auto lifted = box3d(0, 0.75, 20, 1.5, 2, 4, 0);
    QVERIFY(std::abs(box3d_overlap(lifted, gt) - 1.0 / 3.0) < 1e-12);
    QVERIFY(std::abs(bev_box_overlap(lifted, gt) - 1.0) < 1e-12);
  }

  void dontCarePlaceholderNeverOverlapsInBirdsEye() {
    // DontCare rows carry -1 sizes at -1000: as in the devkit, their ground-plane overlap is 0.
    const auto dont_care = box3d(-1000, -1000, -1000, -1, -1, -1, -10);
    const auto det = box3d(2, 1.6, 15, 1.5, 1.6, 3.9, 0.2);
    QCOMPARE(bev_box_overlap(det, dont_care, OverlapCriterion::DetectionArea), 0.0);
    QCOMPARE(box3d_overlap(det, dont_care, OverlapCriterion::DetectionArea), 0.0);
  }

  void rotatedOverlapMatchesGridEstimate() {
    std::mt19937 rng(20240611);
    std::uniform_real_distribution<double> u(0, 1);
    int overlapping = 0;
    double worst_bev = 0;
    for (int trial = 0; trial < 40; ++trial) {
      const auto a = box3d(u(rng) * 4 - 2, 1.5 + u(rng) * 0.4, 20 + u(rng) * 4 - 2, 1.2 + u(rng), 1.2 + u(rng) * 1.5,
                           2 + u(rng) * 3, u(rng) * 2 * M_PI - M_PI);
      auto b = a;
      b.box.bottom_center += Eigen::Vector3d(u(rng) * 2 - 1, u(rng) * 0.6 - 0.3, u(rng) * 2 - 1);
      b.box.rotation_y += u(rng) * 1.6 - 0.8;
      b.box.l *= 0.7 + u(rng) * 0.6;
      b.box.w *= 0.7 + u(rng) * 0.6;
      b.box.h *= 0.8 + u(rng) * 0.4;
      const double bev = bev_box_overlap(b, a);
      const double bev_grid = grid_bev_iou(b, a, 800);
      QVERIFY2(std::abs(bev - bev_grid) < 3e-3,
               qPrintable(QString("trial %1: bev %2 vs grid %3").arg(trial).arg(bev).arg(bev_grid)));
      if (trial % 4 == 0) {
        const double v = box3d_overlap(b, a);
        const double v_grid = grid_3d_iou(b, a, 200, 60);
        QVERIFY2(std::abs(v - v_grid) < 1e-2,
                 qPrintable(QString("trial %1: 3d %2 vs grid %3").arg(trial).arg(v).arg(v_grid)));
      }
      worst_bev = std::max(worst_bev, std::abs(bev - bev_grid));
      overlapping += bev > 0.05;
    }
    qInfo("largest |bev IoU - grid estimate|: %.2e", worst_bev);
    QVERIFY(overlapping > 30);  // the pairs exercised real clipping, not just empty overlaps
  }
};

QTEST_APPLESS_MAIN(TestKittiBoxOverlap)
#include "tst_kitti_box_overlap.moc"

#include "dc/core/eval/kitti_box_overlap.h"

#include <algorithm>
#include <cmath>

namespace dc::core {

namespace {

// Cheap rejection before clipping: footprints whose circumscribed circles are apart cannot overlap.
bool footprints_may_overlap(const KittiCameraBox& a, const KittiCameraBox& b) {
  const double ra = 0.5 * std::hypot(a.l, a.w);
  const double rb = 0.5 * std::hypot(b.l, b.w);
  const double dx = a.bottom_center.x() - b.bottom_center.x();
  const double dz = a.bottom_center.z() - b.bottom_center.z();
  return dx * dx + dz * dz <= (ra + rb) * (ra + rb) * (1 + 1e-9);
}

double footprint_intersection(const KittiCameraBox& a, const KittiCameraBox& b) {
  if (!footprints_may_overlap(a, b)) return 0.0;
  return convex_intersection_area(bev_footprint(a), bev_footprint(b));
}

}  // namespace

double image_box_overlap(const KittiEvalObject& detection, const KittiEvalObject& ground_truth,
                         OverlapCriterion criterion) {
  const double* a = detection.bbox;
  const double* b = ground_truth.bbox;
  const double w = std::min(a[2], b[2]) - std::max(a[0], b[0]);
  const double h = std::min(a[3], b[3]) - std::max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0.0;
  const double inter = w * h;
  const double a_area = (a[2] - a[0]) * (a[3] - a[1]);
  const double b_area = (b[2] - b[0]) * (b[3] - b[1]);
  if (criterion == OverlapCriterion::DetectionArea) return inter / a_area;
  return inter / (a_area + b_area - inter);
}

Polygon2d bev_footprint(const KittiCameraBox& box) {
  const double c = std::cos(box.rotation_y);
  const double s = std::sin(box.rotation_y);
  const double corner[4][2] = {
      {box.l / 2, box.w / 2}, {box.l / 2, -box.w / 2}, {-box.l / 2, -box.w / 2}, {-box.l / 2, box.w / 2}};
  Polygon2d out;
  out.reserve(4);
  for (const auto& k : corner)
    out.emplace_back(c * k[0] + s * k[1] + box.bottom_center.x(), -s * k[0] + c * k[1] + box.bottom_center.z());
  return out;
}

double bev_box_overlap(const KittiEvalObject& detection, const KittiEvalObject& ground_truth,
                       OverlapCriterion criterion) {
  const double inter = footprint_intersection(detection.box, ground_truth.box);
  if (inter <= 0) return 0.0;
  const double det_area = std::abs(detection.box.l * detection.box.w);
  if (criterion == OverlapCriterion::DetectionArea) return inter / det_area;
  const double gt_area = std::abs(ground_truth.box.l * ground_truth.box.w);
  return inter / (det_area + gt_area - inter);
}

double box3d_overlap(const KittiEvalObject& detection, const KittiEvalObject& ground_truth,
                     OverlapCriterion criterion) {
  const KittiCameraBox& d = detection.box;
  const KittiCameraBox& g = ground_truth.box;
  // Camera y points down: a box spans [y - h, y] with y its bottom.
  const double y_max = std::min(d.bottom_center.y(), g.bottom_center.y());
  const double y_min = std::max(d.bottom_center.y() - d.h, g.bottom_center.y() - g.h);
  if (y_max - y_min <= 0) return 0.0;
  const double inter = footprint_intersection(d, g) * (y_max - y_min);
  if (inter <= 0) return 0.0;
  const double det_volume = d.h * d.l * d.w;
  if (criterion == OverlapCriterion::DetectionArea) return inter / det_volume;
  const double gt_volume = g.h * g.l * g.w;
  return inter / (det_volume + gt_volume - inter);
}

}  // namespace dc::core

#include "passes/eval/lidar_box_overlap.h"

#include "dc/core/eval/convex_polygon_clipping.h"
#include "dc/core/io/kitti_box_conversion.h"

#include <algorithm>

namespace dc::core::eval {

namespace {

Polygon2d footprint(const BoxLabel& b) {
  const auto corners = box_corners(b);
  return {corners[0].head<2>(), corners[1].head<2>(), corners[2].head<2>(), corners[3].head<2>()};
}

double footprint_intersection(const BoxLabel& a, const BoxLabel& b) {
  // Far apart: no need to clip.
  const double reach = 0.5 * (std::hypot(a.length, a.width) + std::hypot(b.length, b.width));
  if ((a.center - b.center).head<2>().squaredNorm() > reach * reach) return 0;
  return convex_intersection_area(footprint(a), footprint(b));
}

}  // namespace

double bev_iou(const BoxLabel& a, const BoxLabel& b) {
  const double inter = footprint_intersection(a, b);
  const double uni = a.length * a.width + b.length * b.width - inter;
  return uni > 0 ? inter / uni : 0.0;
}

double iou_3d(const BoxLabel& a, const BoxLabel& b) {
  const double area = footprint_intersection(a, b);
  if (area <= 0) return 0;
  const double z = std::min(a.center.z() + a.height / 2, b.center.z() + b.height / 2) -
                   std::max(a.center.z() - a.height / 2, b.center.z() - b.height / 2);
  if (z <= 0) return 0;
  const double inter = area * z;
  const double uni = a.length * a.width * a.height + b.length * b.width * b.height - inter;
  return uni > 0 ? inter / uni : 0.0;
}

}  // namespace dc::core::eval

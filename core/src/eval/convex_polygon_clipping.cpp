#include "dc/core/eval/convex_polygon_clipping.h"

#include <algorithm>
#include <cmath>

namespace dc::core {

namespace {

double cross(const Eigen::Vector2d& a, const Eigen::Vector2d& b) {
  return a.x() * b.y() - a.y() * b.x();
}

Polygon2d counter_clockwise(const Polygon2d& polygon) {
  Polygon2d out = polygon;
  if (signed_polygon_area(out) < 0) std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

double signed_polygon_area(const Polygon2d& polygon) {
  double twice = 0;
  const std::size_t n = polygon.size();
  for (std::size_t i = 0; i < n; ++i) twice += cross(polygon[i], polygon[(i + 1) % n]);
  return 0.5 * twice;
}

Polygon2d convex_polygon_intersection(const Polygon2d& subject, const Polygon2d& clip) {
  if (subject.size() < 3 || clip.size() < 3) return {};
  const Polygon2d edges = counter_clockwise(clip);
  if (signed_polygon_area(edges) <= 0) return {};
  Polygon2d out = counter_clockwise(subject);
  for (std::size_t e = 0; e < edges.size() && !out.empty(); ++e) {
    const Eigen::Vector2d& a = edges[e];
    const Eigen::Vector2d& b = edges[(e + 1) % edges.size()];
    const Eigen::Vector2d dir = b - a;
    // Keep what lies left of a->b (inside a counter-clockwise polygon); points on the edge stay, so identical
    // boxes intersect to themselves.
    Polygon2d kept;
    kept.reserve(out.size() + 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
      const Eigen::Vector2d& p = out[i];
      const Eigen::Vector2d& q = out[(i + 1) % out.size()];
      const double sp = cross(dir, p - a);
      const double sq = cross(dir, q - a);
      if (sp >= 0) kept.push_back(p);
      if ((sp >= 0) != (sq >= 0)) {
        const double t = sp / (sp - sq);
        kept.push_back(p + t * (q - p));
      }
    }
    out = std::move(kept);
  }
  if (out.size() < 3) return {};
  return out;
}

double convex_intersection_area(const Polygon2d& a, const Polygon2d& b) {
  const Polygon2d overlap = convex_polygon_intersection(a, b);
  return overlap.empty() ? 0.0 : std::abs(signed_polygon_area(overlap));
}

}  // namespace dc::core

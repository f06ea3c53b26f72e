#include "passes/label_qa/bev_overlap.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <vector>

namespace dc::core::label_qa {
namespace {

using Polygon = std::vector<Eigen::Vector2d>;

Polygon footprint(const BoxLabel& b) {
  const double c = std::cos(b.yaw), s = std::sin(b.yaw);
  Polygon p;
  for (const auto& [fx, fy] : {std::pair{0.5, 0.5}, {-0.5, 0.5}, {-0.5, -0.5}, {0.5, -0.5}}) {
    const double lx = fx * b.length, ly = fy * b.width;
    p.emplace_back(b.center.x() + c * lx - s * ly, b.center.y() + s * lx + c * ly);  // counter-clockwise
  }
  return p;
}

double cross(const Eigen::Vector2d& a, const Eigen::Vector2d& b) {
  return a.x() * b.y() - a.y() * b.x();
}

double area(const Polygon& p) {
  double twice = 0;
  for (std::size_t i = 0; i < p.size(); ++i) twice += cross(p[i], p[(i + 1) % p.size()]);
  return std::abs(twice) / 2;
}

// Sutherland-Hodgman: both footprints are convex and counter-clockwise, so clipping one by the other's edges
// gives their intersection.
Polygon clip(Polygon subject, const Polygon& clipper) {
  for (std::size_t e = 0; e < clipper.size() && !subject.empty(); ++e) {
    const Eigen::Vector2d a = clipper[e], b = clipper[(e + 1) % clipper.size()];
    const auto side = [&](const Eigen::Vector2d& p) { return cross(b - a, p - a); };
    Polygon out;
    for (std::size_t i = 0; i < subject.size(); ++i) {
      const Eigen::Vector2d p = subject[i], q = subject[(i + 1) % subject.size()];
      const double sp = side(p), sq = side(q);
      if (sp >= 0) out.push_back(p);
      if ((sp >= 0) != (sq >= 0)) out.push_back(p + (q - p) * (sp / (sp - sq)));
    }
    subject = std::move(out);
  }
  return subject;
}

}  // namespace

double bev_iou(const BoxLabel& a, const BoxLabel& b) {
  // Cheap reject: footprints whose circumscribed circles do not touch cannot overlap.
  const double ra = std::hypot(a.length, a.width) / 2, rb = std::hypot(b.length, b.width) / 2;
  if ((a.center.head<2>() - b.center.head<2>()).norm() > ra + rb) return 0;
  const double inter = area(clip(footprint(a), footprint(b)));
  const double uni = a.length * a.width + b.length * b.width - inter;
  return uni > 0 ? std::clamp(inter / uni, 0.0, 1.0) : 0;
}

double vertical_overlap(const BoxLabel& a, const BoxLabel& b) {
  const double lo = std::max(a.center.z() - a.height / 2, b.center.z() - b.height / 2);
  const double hi = std::min(a.center.z() + a.height / 2, b.center.z() + b.height / 2);
  return std::max(0.0, hi - lo);
}

}  // namespace dc::core::label_qa

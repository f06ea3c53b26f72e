#include "road_path.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dc::core::generator {

namespace {
Eigen::Vector2d unit(double a) {
  return {std::cos(a), std::sin(a)};
}
}  // namespace

RoadPath::RoadPath(const Shape& shape, double s_min, double s_max)
    : shape_(shape), s_min_(std::min(s_min, 0.0)), s_max_(std::max(s_max, 0.0)), step_(0.5) {
  const int below = static_cast<int>(std::ceil(-s_min_ / step_));
  const int above = static_cast<int>(std::ceil(s_max_ / step_));
  s_min_ = -below * step_;
  s_max_ = above * step_;
  table_.resize(below + above + 1);
  for (std::size_t i = 0; i < table_.size(); ++i) {
    const double s = s_min_ + static_cast<double>(i) * step_;
    table_[i].t = unit(heading(s));
    table_[i].kappa = curvature(s);
  }
  // Simpson integration of the unit tangent, outwards from s = 0 in both directions.
  auto advance = [&](double s, double h) -> Eigen::Vector2d {
    return (h / 6.0) * (unit(heading(s)) + 4.0 * unit(heading(s + h / 2)) + unit(heading(s + h)));
  };
  table_[below].p = Eigen::Vector2d::Zero();
  for (int i = below; i < below + above; ++i) table_[i + 1].p = table_[i].p + advance(s_min_ + i * step_, step_);
  for (int i = below; i > 0; --i) table_[i - 1].p = table_[i].p + advance(s_min_ + i * step_, -step_);
}

double RoadPath::heading(double s) const {
  const double k = 2.0 * std::numbers::pi / shape_.wavelength;
  // Integral of curvature_amp * sin(k s + phase) from 0 to s.
  return shape_.heading0 - (shape_.curvature_amp / k) * (std::cos(k * s + shape_.phase) - std::cos(shape_.phase));
}

double RoadPath::curvature(double s) const {
  const double k = 2.0 * std::numbers::pi / shape_.wavelength;
  return shape_.curvature_amp * std::sin(k * s + shape_.phase);
}

double RoadPath::locate(double s, std::size_t& i) const {
  const double x = std::clamp((s - s_min_) / step_, 0.0, static_cast<double>(table_.size() - 1));
  i = std::min(static_cast<std::size_t>(x), table_.size() - 2);
  return x - static_cast<double>(i);
}

Eigen::Vector2d RoadPath::tangent(double s) const {
  std::size_t i = 0;
  const double u = locate(s, i);
  return ((1 - u) * table_[i].t + u * table_[i + 1].t).normalized();
}

Eigen::Vector2d RoadPath::normal(double s) const {
  const Eigen::Vector2d t = tangent(s);
  return {-t.y(), t.x()};
}

Eigen::Vector2d RoadPath::point(double s) const {
  if (s <= s_min_) return table_.front().p + (s - s_min_) * table_.front().t;
  if (s >= s_max_) return table_.back().p + (s - s_max_) * table_.back().t;
  std::size_t i = 0;
  const double u = locate(s, i);
  // Cubic Hermite with the exact tangents: far below a millimetre off the integrated curve.
  const double u2 = u * u, u3 = u2 * u;
  const double h00 = 2 * u3 - 3 * u2 + 1, h10 = u3 - 2 * u2 + u, h01 = -2 * u3 + 3 * u2, h11 = u3 - u2;
  return h00 * table_[i].p + h10 * step_ * table_[i].t + h01 * table_[i + 1].p + h11 * step_ * table_[i + 1].t;
}

Eigen::Vector2d RoadPath::to_road(const Eigen::Vector2d& q, double s_guess) const {
  double s = s_guess;
  for (int it = 0; it < 8; ++it) {
    const Eigen::Vector2d r = q - point(s);
    const Eigen::Vector2d t = tangent(s);
    const double along = r.dot(t);
    const double d = t.x() * r.y() - t.y() * r.x();
    // Newton on (q - c(s)) . t(s) = 0; the derivative is 1 - kappa d (kept positive far on the inside of a bend).
    std::size_t i = 0;
    const double u = locate(s, i);
    const double kappa = (1 - u) * table_[i].kappa + u * table_[i + 1].kappa;
    s += along / std::max(0.3, 1.0 - kappa * d);
    if (std::abs(along) < 1e-4) break;
  }
  const Eigen::Vector2d r = q - point(s);
  const Eigen::Vector2d t = tangent(s);
  return {s, t.x() * r.y() - t.y() * r.x()};
}

}  // namespace dc::core::generator

#include "passes/autolabel/object_classifier.h"

#include <algorithm>
#include <cmath>

namespace dc::core::autolabel {

namespace {

struct Range {
  double lo, hi, sigma;  // inside [lo, hi]: 1; outside: Gaussian fall-off with sigma
  double fit(double x) const {
    const double off = x < lo ? lo - x : (x > hi ? x - hi : 0.0);
    return std::exp(-0.5 * (off / sigma) * (off / sigma));
  }
};

struct ClassPrior {
  const char* name;
  Range height;
  double length, width;    // typical size: a partial view grows to it
  double max_length, max_width;  // visible extents beyond these rule the class out (soft)
  double min_visible;      // the longer visible extent is at least this
  double base;             // the class's score when everything fits
};

// Sizes from the KITTI object training labels (means; ranges about the 2nd-98th percentiles).
constexpr ClassPrior kClasses[] = {
    {"Car", {1.25, 1.75, 0.12}, 4.2, 1.75, 5.4, 2.1, 1.3, 0.95},
    {"Van", {1.75, 2.6, 0.15}, 5.1, 1.95, 6.4, 2.3, 1.6, 0.85},
    {"Truck", {2.5, 4.0, 0.3}, 10.0, 2.6, 16.0, 3.0, 2.5, 0.8},
    {"Pedestrian", {1.3, 1.95, 0.06}, 0.8, 0.6, 1.2, 1.0, 0.2, 0.9},
    {"Cyclist", {1.45, 1.95, 0.1}, 1.75, 0.6, 2.2, 1.0, 1.1, 0.85},
    {"Misc", {0.6, 3.0, 0.3}, 1.0, 1.0, 4.0, 3.0, 0.2, 0.25},
};

// The one-sided fit of a visible extent to a class's maximum.
double at_most(double visible, double max, double sigma) { return Range{0, max, sigma}.fit(visible); }

// The size a visible extent grows to: a small part seen (under 80%) says nothing of the rest, so the class's
// typical size; a mostly seen side only fills up to the small end of the class (92% of typical).
double grown(double visible, double typical) { return visible < 0.8 * typical ? typical : 0.92 * typical; }

}  // namespace

Eigen::Vector2d ObjectClassifier::typical_size(const std::string& category) {
  for (const ClassPrior& c : kClasses)
    if (category == c.name) return {c.length, c.width};
  return Eigen::Vector2d::Zero();
}

Eigen::Vector2d ObjectClassifier::max_size(const std::string& category) {
  for (const ClassPrior& c : kClasses)
    if (category == c.name) return {c.max_length, c.max_width};
  return Eigen::Vector2d::Zero();
}

Classification ObjectClassifier::classify(const ClusterShape& shape) const {
  Classification best;
  const Footprint& fp = shape.footprint;
  const double e1 = fp.extent1(), e2 = fp.extent2();
  const double longer = std::max(e1, e2), shorter = std::min(e1, e2);
  // Sparse far clusters are less certain: full confidence from about 30 points on.
  const double support = 1.0 - std::exp(-static_cast<double>(shape.points) / 15.0);
  for (const ClassPrior& c : kClasses) {
    double s = c.base * support * c.height.fit(shape.height);
    s *= at_most(longer, c.max_length, 0.08 * c.max_length) * at_most(shorter, c.max_width, 0.15);
    s *= Range{c.min_visible, 1e9, 0.3}.fit(longer);
    if (s <= best.score) continue;
    best.score = s;
    best.category = c.name;
    // Which footprint axis is the length: the assignment whose extents are nearer the class's size, as ratios.
    const auto miss = [](double extent, double size) { return (extent / size - 1) * (extent / size - 1); };
    const double along1 = miss(e1, c.length) + miss(e2, c.width);
    const double along2 = miss(e2, c.length) + miss(e1, c.width);
    best.length_axis = along1 <= along2 ? 1 : 2;
    best.footprint = fp;
    const int width_axis = best.length_axis == 1 ? 2 : 1;
    best.footprint.grow_away_from_sensor(best.length_axis, grown(best.length_axis == 1 ? e1 : e2, c.length));
    best.footprint.grow_away_from_sensor(width_axis, grown(width_axis == 1 ? e1 : e2, c.width));
  }
  return best;
}

}  // namespace dc::core::autolabel

#pragma once
#include <Eigen/Core>
#include <vector>

namespace dc::core::autolabel {

// Convex hull of points in the plane, counter-clockwise, by Andrew's monotone chain: a cluster's outline in a
// few points, enough to refit its box later at another heading.
std::vector<Eigen::Vector2d> convex_hull(std::vector<Eigen::Vector2d> points);

}  // namespace dc::core::autolabel

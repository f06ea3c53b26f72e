#pragma once
#include <Eigen/Core>

#include <vector>

namespace dc::core {

using Polygon2d = std::vector<Eigen::Vector2d>;

// Shoelace area: positive for counter-clockwise vertex order, negative for clockwise.
double signed_polygon_area(const Polygon2d& polygon);

// The intersection of two convex polygons (either vertex order), by Sutherland-Hodgman clipping of `subject`
// against each edge of `clip`. Counter-clockwise; empty when they do not overlap or `clip` has no area.
Polygon2d convex_polygon_intersection(const Polygon2d& subject, const Polygon2d& clip);

// Area of convex_polygon_intersection(a, b); 0 when disjoint.
double convex_intersection_area(const Polygon2d& a, const Polygon2d& b);

}  // namespace dc::core

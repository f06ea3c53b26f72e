#pragma once
#include <Eigen/Core>
#include <array>
#include <cstdint>

namespace dc::core::generator {

// One piece of solid scene geometry in the world frame (z up, ground at z = 0). Boxes turn about z only; cylinders
// stand upright. Colour and lidar reflectance travel with the piece so that both sensors see the same surface.
struct Primitive {
  enum class Shape : std::uint8_t { Box, Cylinder, Sphere };

  Shape shape = Shape::Box;
  Eigen::Vector3d center = Eigen::Vector3d::Zero();  // box / sphere center; cylinder: axis point at mid height
  double cos_yaw = 1, sin_yaw = 0;                   // box heading
  Eigen::Vector3d half = Eigen::Vector3d::Zero();    // box half extents along its own x (length), y, z
  double radius = 0;                                 // cylinder / sphere
  double bound_radius = 0;                           // sphere around the piece, for culling
  Eigen::Vector3f color = Eigen::Vector3f::Zero();   // RGB, 0..255
  float reflectance = 0.3f;                          // lidar reflectivity at normal incidence, 0..1
  int object = -1;                                   // index of the labelled object it belongs to, -1 = static

  static Primitive box(const Eigen::Vector3d& center, double yaw, const Eigen::Vector3d& size);
  static Primitive cylinder(const Eigen::Vector2d& xy, double z_min, double z_max, double radius);
  static Primitive sphere(const Eigen::Vector3d& center, double radius);

  // Nearest entry of the ray o + t d with t_min < t < t_max; sets t and the outward unit normal.
  bool intersect(const Eigen::Vector3d& o, const Eigen::Vector3d& d, double t_min, double t_max, double& t,
                 Eigen::Vector3d& normal) const;
  bool blocks(const Eigen::Vector3d& o, const Eigen::Vector3d& d, double t_min, double t_max) const;
  // Corners of a box that encloses the piece (for projected bounding rectangles).
  std::array<Eigen::Vector3d, 8> hull() const;
};

}  // namespace dc::core::generator

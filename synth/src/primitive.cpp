#include "primitive.h"

#include <cmath>
#include <limits>

namespace dc::core::generator {

Primitive Primitive::box(const Eigen::Vector3d& center, double yaw, const Eigen::Vector3d& size) {
  Primitive p;
  p.shape = Shape::Box;
  p.center = center;
  p.cos_yaw = std::cos(yaw);
  p.sin_yaw = std::sin(yaw);
  p.half = size / 2;
  p.bound_radius = p.half.norm();
  return p;
}

Primitive Primitive::cylinder(const Eigen::Vector2d& xy, double z_min, double z_max, double radius) {
  Primitive p;
  p.shape = Shape::Cylinder;
  p.center = {xy.x(), xy.y(), (z_min + z_max) / 2};
  p.half = {radius, radius, (z_max - z_min) / 2};
  p.radius = radius;
  p.bound_radius = p.half.norm();
  return p;
}

Primitive Primitive::sphere(const Eigen::Vector3d& center, double radius) {
  Primitive p;
  p.shape = Shape::Sphere;
  p.center = center;
  p.half = Eigen::Vector3d::Constant(radius);
  p.radius = radius;
  p.bound_radius = radius;
  return p;
}

bool Primitive::intersect(const Eigen::Vector3d& o, const Eigen::Vector3d& d, double t_min, double t_max, double& t,
                          Eigen::Vector3d& normal) const {
  const Eigen::Vector3d r = o - center;
  switch (shape) {
    case Shape::Box: {
      // Slab test in the box's own frame (yaw only).
      const double lo[3] = {cos_yaw * r.x() + sin_yaw * r.y(), -sin_yaw * r.x() + cos_yaw * r.y(), r.z()};
      const double ld[3] = {cos_yaw * d.x() + sin_yaw * d.y(), -sin_yaw * d.x() + cos_yaw * d.y(), d.z()};
      double t_near = -std::numeric_limits<double>::infinity(), t_far = std::numeric_limits<double>::infinity();
      int axis = -1;
      for (int a = 0; a < 3; ++a) {
        if (std::abs(ld[a]) < 1e-12) {
          if (std::abs(lo[a]) > half[a]) return false;
          continue;
        }
        const double inv = 1.0 / ld[a];
        double t0 = (-half[a] - lo[a]) * inv, t1 = (half[a] - lo[a]) * inv;
        if (t0 > t1) std::swap(t0, t1);
        if (t0 > t_near) {
          t_near = t0;
          axis = a;
        }
        if (t1 < t_far) t_far = t1;
        if (t_near > t_far) return false;
      }
      if (axis < 0 || t_near <= t_min || t_near >= t_max) return false;
      t = t_near;
      const double sign = ld[axis] > 0 ? -1.0 : 1.0;
      if (axis == 0)
        normal = {sign * cos_yaw, sign * sin_yaw, 0};
      else if (axis == 1)
        normal = {-sign * sin_yaw, sign * cos_yaw, 0};
      else
        normal = {0, 0, sign};
      return true;
    }
    case Shape::Cylinder: {
      bool hit = false;
      const double z_lo = -half.z(), z_hi = half.z();
      const double a = d.x() * d.x() + d.y() * d.y();
      if (a > 1e-18) {
        const double b = r.x() * d.x() + r.y() * d.y();
        const double c = r.x() * r.x() + r.y() * r.y() - radius * radius;
        const double disc = b * b - a * c;
        if (disc < 0) return false;  // an upright ray would have a == 0, so it misses the whole cylinder
        const double ts = (-b - std::sqrt(disc)) / a;
        const double z = r.z() + ts * d.z();
        if (ts > t_min && ts < t_max && z >= z_lo && z <= z_hi) {
          t = ts;
          normal = {(r.x() + ts * d.x()) / radius, (r.y() + ts * d.y()) / radius, 0};
          hit = true;
        }
      }
      // Top cap, for rays coming down on it.
      if (d.z() < 0 && r.z() > z_hi) {
        const double tc = (z_hi - r.z()) / d.z();
        const double x = r.x() + tc * d.x(), y = r.y() + tc * d.y();
        if (tc > t_min && tc < t_max && x * x + y * y <= radius * radius && (!hit || tc < t)) {
          t = tc;
          normal = {0, 0, 1};
          hit = true;
        }
      }
      return hit;
    }
    case Shape::Sphere: {
      const double a = d.squaredNorm();
      const double b = r.dot(d);
      const double c = r.squaredNorm() - radius * radius;
      const double disc = b * b - a * c;
      if (disc < 0) return false;
      const double ts = (-b - std::sqrt(disc)) / a;
      if (ts <= t_min || ts >= t_max) return false;
      t = ts;
      normal = (r + ts * d) / radius;
      return true;
    }
  }
  return false;
}

bool Primitive::blocks(const Eigen::Vector3d& o, const Eigen::Vector3d& d, double t_min, double t_max) const {
  double t = 0;
  Eigen::Vector3d n;
  return intersect(o, d, t_min, t_max, t, n);
}

std::array<Eigen::Vector3d, 8> Primitive::hull() const {
  std::array<Eigen::Vector3d, 8> c;
  const double cy = shape == Shape::Box ? cos_yaw : 1.0, sy = shape == Shape::Box ? sin_yaw : 0.0;
  int i = 0;
  for (double z : {-1.0, 1.0})
    for (double y : {-1.0, 1.0})
      for (double x : {-1.0, 1.0}) {
        const double lx = x * half.x(), ly = y * half.y();
        c[i++] = center + Eigen::Vector3d(cy * lx - sy * ly, sy * lx + cy * ly, z * half.z());
      }
  return c;
}

}  // namespace dc::core::generator

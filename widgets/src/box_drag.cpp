#include "box_drag.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dc::widgets {

std::optional<Eigen::Vector3d> ray_plane_hit(const Eigen::Vector3d& origin, const Eigen::Vector3d& dir,
                                             const Eigen::Vector3d& point, const Eigen::Vector3d& normal) {
  const double denom = normal.dot(dir);
  if (std::abs(denom) < 1e-12) return std::nullopt;
  const double t = normal.dot(point - origin) / denom;
  if (t <= 0) return std::nullopt;
  return origin + t * dir;
}

double wrap_angle(double a) {
  constexpr double kPi = std::numbers::pi;
  a = std::fmod(a + kPi, 2 * kPi);
  if (a <= 0) a += 2 * kPi;
  return a - kPi;
}

Eigen::Vector3d handle_position(const dc::core::BoxLabel& box, const BoxHandle& handle, double knob_offset) {
  double u = 0, v = 0;
  if (handle.kind == BoxHandle::Kind::Height) return box.center + Eigen::Vector3d(0, 0, box.height / 2);
  if (handle.kind == BoxHandle::Kind::Rotate)
    u = box.length / 2 + knob_offset;
  else if (handle.kind == BoxHandle::Kind::Resize)
    u = handle.sx * box.length / 2, v = handle.sy * box.width / 2;
  const double c = std::cos(box.yaw), s = std::sin(box.yaw);
  return {box.center.x() + c * u - s * v, box.center.y() + s * u + c * v, box.center.z()};
}

std::vector<BoxHandle> resize_and_rotate_handles() {
  using K = BoxHandle::Kind;
  return {{K::Resize, 1, 1},  {K::Resize, 1, -1}, {K::Resize, -1, 1}, {K::Resize, -1, -1}, {K::Resize, 1, 0},
          {K::Resize, -1, 0}, {K::Resize, 0, 1},  {K::Resize, 0, -1}, {K::Rotate, 0, 0}};
}

dc::core::BoxLabel dragged_box(const dc::core::BoxLabel& start, const BoxHandle& handle, const Eigen::Vector2d& grab,
                               const Eigen::Vector2d& now) {
  dc::core::BoxLabel box = start;
  const Eigen::Vector2d c0 = start.center.head<2>();
  switch (handle.kind) {
    case BoxHandle::Kind::None:
    case BoxHandle::Kind::Height:  // heightened_box
      break;
    case BoxHandle::Kind::Body:
      box.center.head<2>() = c0 + (now - grab);
      break;
    case BoxHandle::Kind::Rotate: {
      const Eigen::Vector2d a = grab - c0, b = now - c0;
      box.yaw = wrap_angle(start.yaw + std::atan2(b.y(), b.x()) - std::atan2(a.y(), a.x()));
      break;
    }
    case BoxHandle::Kind::Resize: {
      const double c = std::cos(start.yaw), s = std::sin(start.yaw);
      const Eigen::Vector2d d = now - grab;
      const double du = c * d.x() + s * d.y(), dv = -s * d.x() + c * d.y();  // in the box's own axes
      double cu = 0, cv = 0;                                                 // centre shift, box axes
      if (handle.sx != 0) {
        const double fixed = -handle.sx * start.length / 2;
        const double moving = handle.sx * start.length / 2 + du;
        box.length = std::max(kMinBoxSize, handle.sx * (moving - fixed));
        cu = fixed + handle.sx * box.length / 2;
      }
      if (handle.sy != 0) {
        const double fixed = -handle.sy * start.width / 2;
        const double moving = handle.sy * start.width / 2 + dv;
        box.width = std::max(kMinBoxSize, handle.sy * (moving - fixed));
        cv = fixed + handle.sy * box.width / 2;
      }
      box.center.x() = c0.x() + c * cu - s * cv;
      box.center.y() = c0.y() + s * cu + c * cv;
      break;
    }
  }
  return box;
}

dc::core::BoxLabel heightened_box(const dc::core::BoxLabel& start, double grab_z, double now_z) {
  dc::core::BoxLabel box = start;
  const double bottom = start.center.z() - start.height / 2;
  box.height = std::max(kMinBoxSize, start.height + (now_z - grab_z));
  box.center.z() = bottom + box.height / 2;
  return box;
}

}  // namespace dc::widgets

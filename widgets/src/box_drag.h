#pragma once
#include "dc/core/model/box_label.h"

#include <Eigen/Core>
#include <array>
#include <optional>
#include <vector>

namespace dc::widgets {

// An edit handle of the selected box, on the plane z = box centre z: the body, the rotation knob in front of the
// box, a corner (sx, sy = +-1) or the middle of a face (one of sx, sy 0; sx: length, sy: width); or the middle of
// the top face (Height), dragged up and down.
struct BoxHandle {
  enum class Kind { None, Body, Rotate, Resize, Height };
  Kind kind = Kind::None;
  int sx = 0, sy = 0;
};

// Where the handles are drawn and picked, in the lidar frame. The knob sits `knob_offset` in front of the front face.
Eigen::Vector3d handle_position(const dc::core::BoxLabel& box, const BoxHandle& handle, double knob_offset);
// Every resize handle (4 corners, then the 4 face middles) and the rotation knob last.
std::vector<BoxHandle> resize_and_rotate_handles();

// The box after dragging `handle` from ground point `grab` to `now` (x/y on the plane z = box centre z): the body
// moves by the difference, the knob turns the yaw by the angle swept about the centre, a corner or face moves
// with the cursor while the opposite one stays put (sizes no smaller than kMinSize).
constexpr double kMinBoxSize = 0.1;
dc::core::BoxLabel dragged_box(const dc::core::BoxLabel& start, const BoxHandle& handle, const Eigen::Vector2d& grab,
                               const Eigen::Vector2d& now);

// The box after dragging its top-face handle from height `grab_z` to `now_z`: the top follows, the bottom stays
// (height no smaller than kMinBoxSize).
dc::core::BoxLabel heightened_box(const dc::core::BoxLabel& start, double grab_z, double now_z);

// Where the ray origin + t * dir (t > 0) meets the plane through `point` with normal `normal`; nullopt when it runs
// parallel to the plane or away from it. How a cursor's viewing ray picks the point a handle is dragged to.
std::optional<Eigen::Vector3d> ray_plane_hit(const Eigen::Vector3d& origin, const Eigen::Vector3d& dir,
                                             const Eigen::Vector3d& point, const Eigen::Vector3d& normal);

// Wraps an angle into (-pi, pi].
double wrap_angle(double radians);

}  // namespace dc::widgets

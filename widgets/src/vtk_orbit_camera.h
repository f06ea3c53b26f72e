#pragma once
#include <Eigen/Core>
#include <optional>

class vtkCamera;

namespace dc::widgets {

// Turntable camera around a focal point with +z up, as suits driving scenes: azimuth turns about z, elevation
// tilts toward a top-down view and stops there, so the horizon never rolls. The math is kept here (not in
// vtkCamera) so that picking and projection use exactly the matrices the renderer gets.
struct OrbitCamera {
  Eigen::Vector3d focal{12, 0, 0};
  double distance = 55;
  double azimuth_deg = 200;    // direction from the focal point to the camera, about +z; 180 = behind the ego
  double elevation_deg = 35;   // 90 = straight down
  double view_angle_deg = 40;  // vertical field of view

  Eigen::Vector3d position() const;
  Eigen::Vector3d forward() const;  // unit, from the camera toward the focal point
  Eigen::Vector3d up() const;       // unit, screen up
  Eigen::Vector3d right() const;    // unit, screen right

  void orbit(double dx_px, double dy_px);
  void pan(double dx_px, double dy_px, int viewport_height);
  void zoom(double factor);  // < 1 moves closer

  void apply(vtkCamera* camera) const;
  // Viewing ray through a pixel (top-left origin, viewport w x h).
  void ray(double x, double y, int w, int h, Eigen::Vector3d& origin, Eigen::Vector3d& direction) const;
  // Pixel (top-left origin) of a world point, nothing when it is not in front of the camera.
  std::optional<Eigen::Vector2d> project(const Eigen::Vector3d& p, int w, int h) const;
};

}  // namespace dc::widgets

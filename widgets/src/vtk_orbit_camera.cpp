#include "vtk_orbit_camera.h"

#include <vtkCamera.h>
#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>

namespace dc::widgets {

namespace {
constexpr double kDegToRad = 3.14159265358979323846 / 180.0;
constexpr double kOrbitDegPerPixel = 0.35;
constexpr double kMinElevation = -10, kMaxElevation = 90;
constexpr double kMinDistance = 0.5, kMaxDistance = 5000;
}  // namespace

Eigen::Vector3d OrbitCamera::forward() const {
  const double az = azimuth_deg * kDegToRad, el = elevation_deg * kDegToRad;
  return -Eigen::Vector3d(std::cos(el) * std::cos(az), std::cos(el) * std::sin(az), std::sin(el));
}

Eigen::Vector3d OrbitCamera::up() const {
  // Derivative of the viewing direction by elevation: defined even when looking straight down.
  const double az = azimuth_deg * kDegToRad, el = elevation_deg * kDegToRad;
  return {-std::sin(el) * std::cos(az), -std::sin(el) * std::sin(az), std::cos(el)};
}

Eigen::Vector3d OrbitCamera::right() const {
  return forward().cross(up());
}

Eigen::Vector3d OrbitCamera::position() const {
  return focal - distance * forward();
}

void OrbitCamera::orbit(double dx_px, double dy_px) {
  azimuth_deg = std::fmod(azimuth_deg - dx_px * kOrbitDegPerPixel, 360.0);
  elevation_deg = std::clamp(elevation_deg + dy_px * kOrbitDegPerPixel, kMinElevation, kMaxElevation);
}

void OrbitCamera::pan(double dx_px, double dy_px, int viewport_height) {
  // Meters per pixel at the focal distance, so the point under the cursor follows it.
  const double scale = 2 * distance * std::tan(view_angle_deg * kDegToRad / 2) / std::max(viewport_height, 1);
  focal += (-dx_px * right() + dy_px * up()) * scale;
}

void OrbitCamera::zoom(double factor) {
  distance = std::clamp(distance * factor, kMinDistance, kMaxDistance);
}

void OrbitCamera::apply(vtkCamera* camera) const {
  const Eigen::Vector3d p = position(), u = up();
  camera->SetViewAngle(view_angle_deg);
  camera->SetFocalPoint(focal.x(), focal.y(), focal.z());
  camera->SetPosition(p.x(), p.y(), p.z());
  camera->SetViewUp(u.x(), u.y(), u.z());
}

void OrbitCamera::ray(double x, double y, int w, int h, Eigen::Vector3d& origin, Eigen::Vector3d& direction) const {
  const double t = std::tan(view_angle_deg * kDegToRad / 2);
  const double aspect = static_cast<double>(std::max(w, 1)) / std::max(h, 1);
  const double nx = (2 * x / std::max(w, 1) - 1) * t * aspect;
  const double ny = (1 - 2 * y / std::max(h, 1)) * t;
  origin = position();
  direction = (forward() + nx * right() + ny * up()).normalized();
}

std::optional<Eigen::Vector2d> OrbitCamera::project(const Eigen::Vector3d& p, int w, int h) const {
  const Eigen::Vector3d d = p - position();
  const double z = d.dot(forward());
  if (z <= 1e-6) return std::nullopt;
  const double t = std::tan(view_angle_deg * kDegToRad / 2);
  const double aspect = static_cast<double>(std::max(w, 1)) / std::max(h, 1);
  const double nx = d.dot(right()) / z / (t * aspect), ny = d.dot(up()) / z / t;
  return Eigen::Vector2d((nx + 1) * w / 2, (1 - ny) * h / 2);
}

}  // namespace dc::widgets

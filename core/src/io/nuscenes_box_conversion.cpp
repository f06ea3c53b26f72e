#include "dc/core/io/nuscenes_box_conversion.h"

#include <cmath>

namespace dc::core {

namespace {
constexpr double kPi = 3.14159265358979323846;

double wrap_angle(double a) {
  a = std::remainder(a, 2 * kPi);
  return a <= -kPi ? a + 2 * kPi : a;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

std::optional<Eigen::Quaterniond> nuscenes_quaternion(const std::array<double, 4>& wxyz) {
  for (double v : wxyz)
    if (!std::isfinite(v)) return std::nullopt;
  Eigen::Quaterniond q(wxyz[0], wxyz[1], wxyz[2], wxyz[3]);  // Eigen's constructor takes w first, as nuScenes writes
  const double n = q.norm();
  if (!(n > 0.99 && n < 1.01)) return std::nullopt;
  q.normalize();
  return q;
}

Eigen::Isometry3d nuscenes_isometry(const Eigen::Vector3d& translation, const Eigen::Quaterniond& rotation) {
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() = rotation.normalized().toRotationMatrix();
  T.translation() = translation;
  return T;
}

BoxLabel lidar_box_from_nuscenes(const NuScenesBox& box, const Eigen::Isometry3d& T_global_from_ego,
                                 const Eigen::Isometry3d& T_ego_from_lidar) {
  const Eigen::Isometry3d T_lidar_from_global = (T_global_from_ego * T_ego_from_lidar).inverse();
  const Eigen::Vector3d heading_global = box.rotation.normalized() * Eigen::Vector3d::UnitX();
  const Eigen::Vector3d heading_lidar = T_lidar_from_global.linear() * heading_global;
  BoxLabel out;
  out.center = T_lidar_from_global * box.center;
  out.width = box.wlh.x();
  out.length = box.wlh.y();
  out.height = box.wlh.z();
  out.yaw = std::atan2(heading_lidar.y(), heading_lidar.x());
  return out;
}

NuScenesBox nuscenes_box_from_lidar(const BoxLabel& box, const Eigen::Isometry3d& T_global_from_ego,
                                    const Eigen::Isometry3d& T_ego_from_lidar) {
  const Eigen::Isometry3d T_global_from_lidar = T_global_from_ego * T_ego_from_lidar;
  const Eigen::Matrix3d R = T_global_from_lidar.linear();
  // The heading lies in the lidar's vertical plane of azimuth yaw: normal n and forward direction f of that plane,
  // seen in the global frame. The upright global heading (cos psi, sin psi, 0) orthogonal to n, pointing forward.
  const Eigen::Vector3d n = R * Eigen::Vector3d(-std::sin(box.yaw), std::cos(box.yaw), 0);
  const Eigen::Vector3d f = R * Eigen::Vector3d(std::cos(box.yaw), std::sin(box.yaw), 0);
  double psi = std::atan2(n.x(), -n.y());
  if (std::cos(psi) * f.x() + std::sin(psi) * f.y() < 0) psi += kPi;

  NuScenesBox out;
  out.center = T_global_from_lidar * box.center;
  out.wlh = Eigen::Vector3d(box.width, box.length, box.height);
  out.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(wrap_angle(psi), Eigen::Vector3d::UnitZ()));
  return out;
}

std::string project_category_from_nuscenes(const std::string& c, bool without_rider) {
  if (c == "vehicle.car" || c == "vehicle.emergency.police") return "Car";
  if (c == "vehicle.emergency.ambulance") return "Van";
  // The project has no Bus class (autolabel, label-qa and eval know Car, Van, Truck, Tram, Pedestrian, Cyclist).
  if (c == "vehicle.truck" || starts_with(c, "vehicle.bus.") || c == "vehicle.bus" || c == "vehicle.trailer" ||
      c == "vehicle.construction")
    return "Truck";
  if (c == "vehicle.bicycle" || c == "vehicle.motorcycle") return without_rider ? "Misc" : "Cyclist";
  if (starts_with(c, "human.pedestrian.") || c == "human.pedestrian") return "Pedestrian";
  return "Misc";  // animals, barriers, cones, debris, bicycle racks, ...: objects, not DontCare regions
}

}  // namespace dc::core

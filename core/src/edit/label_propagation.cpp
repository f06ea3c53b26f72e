#include "dc/core/edit/label_propagation.h"

#include <cmath>

namespace dc::core {

std::optional<Eigen::Isometry3d> T_world_from_lidar(const DriveSession& session, int sample) {
  if (sample < 0 || sample >= session.sample_count()) return std::nullopt;
  const auto T_world_from_imu = session.T_world_from_imu_at(session.sample(sample).timestamp_ns);
  if (!T_world_from_imu) return std::nullopt;
  return *T_world_from_imu * session.T_lidar_from_imu(sample).inverse();
}

BoxLabel transform_box(const BoxLabel& box, const Eigen::Isometry3d& T_to_from) {
  BoxLabel out = box;
  out.center = T_to_from * box.center;
  const Eigen::Vector3d heading = T_to_from.linear() * Eigen::Vector3d(std::cos(box.yaw), std::sin(box.yaw), 0);
  out.yaw = std::atan2(heading.y(), heading.x());
  return out;
}

}  // namespace dc::core

#pragma once
#include "dc/core/model/box_label.h"

#include <Eigen/Geometry>
#include <array>
#include <optional>
#include <string>

namespace dc::core {

// A nuScenes sample_annotation: box center in the global (map) frame, size as nuScenes orders it (width, length,
// height), and the rotation of the box frame into the global frame (box x axis = length direction = heading,
// z axis up). nuScenes boxes are upright in the global frame (rotation about global +z only).
struct NuScenesBox {
  Eigen::Vector3d center = Eigen::Vector3d::Zero();
  Eigen::Vector3d wlh = Eigen::Vector3d::Zero();
  Eigen::Quaterniond rotation = Eigen::Quaterniond::Identity();
};

// nuScenes poses and extrinsics are a translation plus a unit quaternion written w x y z. Returns nothing when the
// numbers are not finite or the quaternion is too far from unit length (|q| outside 0.99..1.01: not a rotation);
// a nearly unit one is normalized.
std::optional<Eigen::Quaterniond> nuscenes_quaternion(const std::array<double, 4>& wxyz);
Eigen::Isometry3d nuscenes_isometry(const Eigen::Vector3d& translation, const Eigen::Quaterniond& rotation);

// The only place that converts between nuScenes' global boxes and the project's lidar-frame boxes.
// T_global_from_ego is the ego pose of the lidar sweep (ego_pose), T_ego_from_lidar the lidar's calibrated_sensor.
// Lidar yaw is the azimuth, seen in the lidar frame, of the box heading. The way back gives the box upright in the
// global frame whose heading has that azimuth in the lidar frame (the lidar may be tilted against the ground), so
// lidar -> global -> lidar is exact for any box and global -> lidar -> global is exact for upright global boxes.
BoxLabel lidar_box_from_nuscenes(const NuScenesBox& box, const Eigen::Isometry3d& T_global_from_ego,
                                 const Eigen::Isometry3d& T_ego_from_lidar);
NuScenesBox nuscenes_box_from_lidar(const BoxLabel& box, const Eigen::Isometry3d& T_global_from_ego,
                                    const Eigen::Isometry3d& T_ego_from_lidar);

// The project's class for a nuScenes category name ("vehicle.car" -> "Car"); attributes refine two-wheelers: a
// bicycle or motorcycle without rider is "Misc" (KITTI's Cyclist is the rider on the vehicle). Unknown names: "Misc".
std::string project_category_from_nuscenes(const std::string& category, bool without_rider = false);

}  // namespace dc::core

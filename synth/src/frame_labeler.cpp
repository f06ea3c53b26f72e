#include "frame_labeler.h"

#include "camera_renderer.h"

#include <Eigen/Geometry>
#include <Eigen/LU>
#include <cmath>
#include <numbers>

namespace dc::core::generator {

std::vector<FrameLabel> FrameLabeler::label(const SyntheticScene& scene, double t, const std::vector<Primitive>& pieces,
                                            const Eigen::Matrix4d& T_world_from_velo, const SensorRig::Camera& cam2,
                                            const Eigen::Matrix4d& T_world_from_cam2) const {
  const Eigen::Matrix4d T_velo_from_world = T_world_from_velo.inverse();
  const Eigen::Matrix4d T_cam_from_world = T_world_from_cam2.inverse();
  const Eigen::Vector3d eyes[2] = {T_world_from_velo.topRightCorner<3, 1>(), T_world_from_cam2.topRightCorner<3, 1>()};
  const double velo_yaw = std::atan2(T_world_from_velo(1, 0), T_world_from_velo(0, 0));

  // Only pieces near the ego can stand between it and an object in range.
  std::vector<const Primitive*> near;
  for (const Primitive& p : pieces)
    if ((p.center.head<2>() - eyes[0].head<2>()).norm() - p.bound_radius < range_ + 5) near.push_back(&p);

  std::vector<FrameLabel> labels;
  const auto& objects = scene.objects();
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const SceneObject& o = objects[i];
    const SceneObject::Pose pose = o.pose_at(scene.road(), t);
    const Eigen::Vector3d center_w(pose.xy.x(), pose.xy.y(), o.height / 2);
    const Eigen::Vector3d center = (T_velo_from_world * center_w.homogeneous()).head<3>();
    if (std::hypot(center.x(), center.y()) >= range_) continue;

    FrameLabel label;
    label.object = static_cast<int>(i);
    label.tx = center.x();
    label.ty = center.y();
    label.tz = center.z() - o.height / 2;
    label.rz = std::remainder(pose.yaw - velo_yaw, 2 * std::numbers::pi);

    // Lines of sight to the center and to eight points spread inside the box.
    const double c = std::cos(pose.yaw), s = std::sin(pose.yaw);
    std::vector<Eigen::Vector3d> targets{center_w};
    for (double fz : {0.25, 0.75})
      for (double fy : {-0.35, 0.35})
        for (double fx : {-0.35, 0.35}) {
          const double lx = fx * o.length, ly = fy * o.width;
          targets.emplace_back(pose.xy.x() + c * lx - s * ly, pose.xy.y() + s * lx + c * ly, fz * o.height);
        }
    int visible = 0, total = 0;
    for (const Eigen::Vector3d& eye : eyes) {
      for (const Eigen::Vector3d& target : targets) {
        bool blocked = false;
        for (const Primitive* p : near) {
          if (p->object != label.object && p->blocks(eye, target - eye, 1e-6, 1.0)) {
            blocked = true;
            break;
          }
        }
        visible += blocked ? 0 : 1;
        ++total;
      }
    }
    label.occluded_fraction = 1.0 - static_cast<double>(visible) / total;
    label.occlusion = visible == total ? 0 : (visible * 5 >= total * 2 ? 1 : 2);

    // Truncation in image_02, from the box's eight corners.
    Eigen::Vector3d corners[8];
    int k = 0;
    for (double z : {0.0, o.height})
      for (double y : {-0.5, 0.5})
        for (double x : {-0.5, 0.5}) {
          const double lx = x * o.length, ly = y * o.width;
          corners[k++] = {pose.xy.x() + c * lx - s * ly, pose.xy.y() + s * lx + c * ly, z};
        }
    bool behind = true;
    for (const auto& corner : corners)
      if ((T_cam_from_world * corner.homogeneous()).z() > 0.1) behind = false;
    int rect[4];
    bool truncated = false;
    if (behind)
      label.truncation = 99;
    else if (!CameraRenderer::project_rect(corners, 8, cam2.K, T_cam_from_world, cam2.width, cam2.height, rect,
                                           &truncated))
      label.truncation = 2;
    else
      label.truncation = truncated ? 1 : 0;
    labels.push_back(label);
  }
  return labels;
}

}  // namespace dc::core::generator

#pragma once
#include "primitive.h"
#include "sensor_rig.h"
#include "synthetic_scene.h"

#include <Eigen/Core>
#include <vector>

namespace dc::core::generator {

// Ground truth of one lidar frame: every object near the ego, in the lidar frame, with KITTI's tracklet states.
struct FrameLabel {
  int object = -1;                // index into SyntheticScene::objects()
  double tx = 0, ty = 0, tz = 0;  // box bottom center, lidar frame (center z = tz + h/2)
  double rz = 0;                  // yaw about the lidar z axis
  int occlusion = 0;              // 0 visible, 1 partly, 2 largely occluded
  double occluded_fraction = 0;
  int truncation = 0;  // 0 in image_02, 1 truncated, 2 outside, 99 behind the camera
};

class FrameLabeler {
 public:
  explicit FrameLabeler(double range) : range_(range) {}

  // Occlusion is judged along lines of sight from both the lidar and camera 2 to points spread inside each box.
  std::vector<FrameLabel> label(const SyntheticScene& scene, double t, const std::vector<Primitive>& pieces,
                                const Eigen::Matrix4d& T_world_from_velo, const SensorRig::Camera& cam2,
                                const Eigen::Matrix4d& T_world_from_cam2) const;

 private:
  double range_;
};

}  // namespace dc::core::generator

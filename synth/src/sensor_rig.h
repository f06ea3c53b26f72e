#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

namespace dc::core::generator {

// The KITTI 2011_09_26 recording rig: calibration files with the real values (rectified projections scaled to the
// configured image size) and the transforms a reader derives from exactly that text, so rendered pixels and lidar
// points agree with what the reader computes. Transforms are 4x4 because KITTI's rotations, printed with seven
// digits, are not exactly orthonormal.
class SensorRig {
 public:
  struct Camera {
    std::string name;                 // "image_02"
    int number = 2;                   // KITTI camera number
    Eigen::Matrix3d K;                // P_rect_0i[:, :3]
    Eigen::Matrix4d T_cam_from_velo;  // translation(K^-1 P_rect[:, 3]) * R_rect_00 * T_cam0_from_velo
    int width = 0, height = 0;
  };

  SensorRig(int width, int height, int cameras);

  const std::string& cam_to_cam_text() const { return cam_to_cam_; }
  const std::string& velo_to_cam_text() const { return velo_to_cam_; }
  const std::string& imu_to_velo_text() const { return imu_to_velo_; }

  const std::vector<Camera>& cameras() const { return cameras_; }
  const Eigen::Matrix4d& T_imu_from_velo() const { return T_imu_from_velo_; }
  double imu_height() const { return imu_height_; }  // above ground, placing the lidar at the KITTI mount height

 private:
  std::string cam_to_cam_, velo_to_cam_, imu_to_velo_;
  std::vector<Camera> cameras_;
  Eigen::Matrix4d T_imu_from_velo_;
  double imu_height_ = 0;
};

}  // namespace dc::core::generator

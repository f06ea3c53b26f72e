#pragma once
#include "dc/core/model/camera_intrinsics.h"
#include "io/readers/ros/ros_header.h"
#include "io/readers/ros/ros_message.h"

#include <Eigen/Core>
#include <string>
#include <vector>

namespace dc::core {

// sensor_msgs/CameraInfo (ROS 1 D K R P or ROS 2 d k r p).
struct RosCameraInfo {
  RosHeader header;                 // header.frame_id is the camera's optical frame
  CameraIntrinsics intrinsics;      // K, first 5 distortion coefficients (k1 k2 p1 p2 k3), width, height
  std::string distortion_model;     // as sent
  std::vector<double> distortion;   // all of D
  Eigen::Matrix3d R = Eigen::Matrix3d::Identity();  // rectification
  Eigen::Matrix<double, 3, 4> P = Eigen::Matrix<double, 3, 4>::Zero();
};

// plumb_bob and rational_polynomial give their first 5 coefficients (the same OpenCV order); an empty model or
// "none" with no coefficients gives zeros. Other models (equidistant, ...) throw ParseError, as do a K that is not
// 9 numbers. An uncalibrated camera (K all zero) is returned as it is.
RosCameraInfo camera_info_from_ros(const RosMessage& msg);

}  // namespace dc::core

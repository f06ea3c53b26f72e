#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

namespace dc::core::autolabel {

// One object found in one sweep, lidar frame: box center, size, yaw (as BoxLabel), class and its score.
struct Detection {
  Eigen::Vector3d center = Eigen::Vector3d::Zero();
  double length = 0, width = 0, height = 0;
  double yaw = 0;
  std::string category;
  double score = 0;
  int points = 0;
  // What the lidar saw, so tracking can refit the box at the track's heading and size: the convex hull of the
  // cluster's ground-plane points and the sensor's position (the hidden sides are the ones away from it).
  std::vector<Eigen::Vector2d> outline;
  Eigen::Vector2d sensor = Eigen::Vector2d::Zero();
};

}  // namespace dc::core::autolabel

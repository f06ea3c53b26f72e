#pragma once
#include <Eigen/Core>
#include <string>

namespace dc::core::autolabel {

// One object found in one sweep, lidar frame: box center, size, yaw (as BoxLabel), class and its score.
struct Detection {
  Eigen::Vector3d center = Eigen::Vector3d::Zero();
  double length = 0, width = 0, height = 0;
  double yaw = 0;
  std::string category;
  double score = 0;
  int points = 0;
};

}  // namespace dc::core::autolabel

#pragma once
#include "ground_surface.h"
#include "primitive.h"
#include "rng.h"

#include <Eigen/Core>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace dc::core::generator {

// Renders a rectified colour image by casting one ray per pixel centre through the same geometry the lidar sees:
// pixel (u, v) looks along K^-1 (u, v, 1) in the camera frame. Pieces are tested only inside their projected
// bounding rectangles (a depth buffer keeps the nearest); the rest is ground (lanes, markings, sidewalks) or sky.
// Flat shading with one sun, a little haze with distance, mild noise. BGR, 8 bit.
class CameraRenderer {
 public:
  cv::Mat render(const std::vector<Primitive>& pieces, const GroundSurface& ground, double s_guess,
                 const Eigen::Matrix3d& K, int width, int height, const Eigen::Matrix4d& T_world_from_cam,
                 Rng& rng) const;

  // Bounding rectangle [u0, u1] x [v0, v1] (pixel indices, clipped to the image) of world points seen by a camera;
  // false when none of it is in front of the camera or it misses the image.
  static bool project_rect(const Eigen::Vector3d* points, int count, const Eigen::Matrix3d& K,
                           const Eigen::Matrix4d& T_cam_from_world, int width, int height, int rect[4],
                           bool* truncated = nullptr);
};

}  // namespace dc::core::generator

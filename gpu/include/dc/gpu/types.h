#pragma once
#include <cstddef>

// Small plain types shared by the kernels. Points are always passed as a flat float array with four floats per
// point: x y z intensity (the KITTI / Velodyne layout), in meters, lidar frame unless stated otherwise.
namespace dc::gpu {

// Rigid (or general affine) transform [R | t], row-major: p' = R p + t.
struct Mat3x4f {
  float m[12] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
};

// Pinhole camera with OpenCV's 5-parameter distortion (k1 k2 p1 p2 k3), image size in pixels.
// Pixel centers are at integer coordinates (OpenCV convention).
struct Pinhole {
  float fx = 0, fy = 0, cx = 0, cy = 0;
  float k1 = 0, k2 = 0, p1 = 0, p2 = 0, k3 = 0;
  int width = 0, height = 0;
};

// Oriented box: center, length along the heading (x), width (y), height (z), yaw around +z in radians.
struct Box3f {
  float cx = 0, cy = 0, cz = 0;
  float l = 0, w = 0, h = 0;
  float yaw = 0;
};

// Read-only float image, row-major, stride in elements (>= width).
struct ImageViewf {
  const float* data = nullptr;
  int width = 0, height = 0;
  std::size_t stride = 0;
};

}  // namespace dc::gpu

#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dc/gpu/compute_device.h"
#include "dc/gpu/export.h"
#include "dc/gpu/kernel_context.h"
#include "dc/gpu/types.h"

namespace dc::gpu {

struct ProjectionParams {
  float near = 0.1f;        // points with camera z <= near are invalid
  bool per_point = true;    // fill u, v, depth, valid
  bool depth_image = true;  // fill the z-buffered depth image
};

struct ProjectionResult {
  // Per point (when per_point): pixel coordinates as cv::projectPoints gives them, camera-frame depth, and
  // valid = finite, in front of `near`, and inside the image. u and v are NaN when the point is not finite
  // or not in front; depth is NaN for non-finite points.
  std::vector<float> u, v, depth;
  std::vector<std::uint8_t> valid;
  // Row-major width x height; each pixel holds the depth of the nearest valid point that rounds to it
  // (column = floor(u + 0.5), row = floor(v + 0.5)), 0 where no point falls.
  std::vector<float> depth_image;
  int width = 0, height = 0;
  std::size_t valid_count = 0;
  std::size_t nonfinite_count = 0;  // points with a NaN or infinite coordinate (ignored)
  Backend backend = Backend::Cpu;
};

// Projects lidar points (4 floats per point) into a camera: X = T_cam_from_lidar * p, then the pinhole with
// OpenCV's distortion model. Throws std::invalid_argument on a bad size or camera.
DC_GPU_API void project_to_image(KernelContext& ctx, std::span<const float> xyzi, const Mat3x4f& T_cam_from_lidar,
                                 const Pinhole& camera, const ProjectionParams& params, ProjectionResult& out);

}  // namespace dc::gpu

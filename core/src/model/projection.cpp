#include "dc/core/model/projection.h"

#include "dc/gpu/kernel_context.h"
#include "dc/gpu/project_to_image.h"

#include <algorithm>
#include <span>

namespace dc::core {

namespace {
// Points closer than this are behind or too near the lens to project meaningfully.
constexpr float kMinDepth = 0.1f;

// One kernel context per thread: scratch memory (and device buffers) are reused across frames.
dc::gpu::KernelContext& thread_context() {
  thread_local dc::gpu::KernelContext context;
  return context;
}
}  // namespace

ProjectedPoints project_points(const PointCloud& cloud, const Eigen::Isometry3d& T_cam_from_lidar,
                               const CameraIntrinsics& intrinsics, bool with_depth_image) {
  dc::gpu::Mat3x4f T;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) T.m[r * 4 + c] = static_cast<float>(T_cam_from_lidar.linear()(r, c));
    T.m[r * 4 + 3] = static_cast<float>(T_cam_from_lidar.translation()(r));
  }
  dc::gpu::Pinhole camera;
  camera.fx = static_cast<float>(intrinsics.K(0, 0));
  camera.fy = static_cast<float>(intrinsics.K(1, 1));
  camera.cx = static_cast<float>(intrinsics.K(0, 2));
  camera.cy = static_cast<float>(intrinsics.K(1, 2));
  const auto& d = intrinsics.distortion;
  camera.k1 = static_cast<float>(d[0]);
  camera.k2 = static_cast<float>(d[1]);
  camera.p1 = static_cast<float>(d[2]);
  camera.p2 = static_cast<float>(d[3]);
  camera.k3 = static_cast<float>(d[4]);
  camera.width = std::max(intrinsics.width, 0);
  camera.height = std::max(intrinsics.height, 0);

  dc::gpu::ProjectionParams params;
  params.near = kMinDepth;
  params.depth_image = with_depth_image;
  dc::gpu::ProjectionResult r;
  dc::gpu::project_to_image(thread_context(), std::span<const float>(cloud.xyzi), T, camera, params, r);

  ProjectedPoints out;
  out.u = std::move(r.u);
  out.v = std::move(r.v);
  out.depth = std::move(r.depth);
  out.valid = std::move(r.valid);
  out.depth_image = std::move(r.depth_image);
  out.width = camera.width;
  out.height = camera.height;
  out.valid_count = r.valid_count;
  return out;
}

}  // namespace dc::core

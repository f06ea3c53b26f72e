#include "dc/gpu/project_to_image.h"

#include <cmath>
#include <stdexcept>

#include "cuda_entry.h"
#include "dispatch.h"
#include "project_to_image_cpu.h"

namespace dc::gpu {

void project_to_image(KernelContext& context, std::span<const float> xyzi, const Mat3x4f& T_cam_from_lidar,
                      const Pinhole& camera, const ProjectionParams& params, ProjectionResult& out) {
  detail::check_points(xyzi, "project_to_image");
  if (camera.width <= 0 || camera.height <= 0)
    throw std::invalid_argument("project_to_image: image size must be positive");
  if (!(params.near >= 0.0f) || !std::isfinite(params.near))
    throw std::invalid_argument("project_to_image: near must be finite and >= 0");
  const std::size_t n = xyzi.size() / 4;
  const std::size_t pixels = static_cast<std::size_t>(camera.width) * static_cast<std::size_t>(camera.height);
  if (params.per_point) {
    out.u.resize(n), out.v.resize(n), out.depth.resize(n), out.valid.resize(n);
  } else {
    out.u.clear(), out.v.clear(), out.depth.clear(), out.valid.clear();
  }
  if (params.depth_image) {
    out.depth_image.resize(pixels);
    out.width = camera.width, out.height = camera.height;
  } else {
    out.depth_image.clear();
    out.width = out.height = 0;
  }
  out.valid_count = out.nonfinite_count = 0;

  auto& ctx = context.impl();
  out.backend = detail::dispatch(
      ctx, [&] { detail::project_to_image_cuda(ctx, xyzi, T_cam_from_lidar, camera, params, out); },
      [&] { detail::project_to_image_cpu(ctx, xyzi, T_cam_from_lidar, camera, params, out); });
  ctx.stats.min_device_bytes =
      n * 16 + (params.per_point ? n * 13 : 0) + (params.depth_image ? pixels * 12 + out.valid_count * 4 : 0);
}

}  // namespace dc::gpu

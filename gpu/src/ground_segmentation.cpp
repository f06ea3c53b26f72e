#include "dc/gpu/ground_segmentation.h"

#include <cmath>
#include <stdexcept>

#include "cuda_entry.h"
#include "dispatch.h"
#include "ground_segmentation_cpu.h"

namespace dc::gpu {

void segment_ground(KernelContext& context, std::span<const float> xyzi, const GroundParams& params,
                    GroundResult& out) {
  detail::check_points(xyzi, "segment_ground");
  if (!(params.distance_threshold > 0.0f) || !std::isfinite(params.distance_threshold))
    throw std::invalid_argument("segment_ground: distance threshold must be positive and finite");
  if (params.max_iterations < 1) throw std::invalid_argument("segment_ground: max_iterations must be >= 1");
  if (!(params.probability >= 0.0)) throw std::invalid_argument("segment_ground: probability must be >= 0");
  const std::size_t n = xyzi.size() / 4;
  if (n > 0x7fffffffu) throw std::invalid_argument("segment_ground: more than 2^31 - 1 points");
  out.found = false;
  out.normal[0] = out.normal[1] = 0, out.normal[2] = 1, out.d = 0;
  out.inlier_mask.resize(n);
  out.inlier_count = out.nonfinite_count = 0;
  out.iterations = 0;

  auto& ctx = context.impl();
  out.backend = detail::dispatch(
      ctx, [&] { detail::segment_ground_cuda(ctx, xyzi, params, out); },
      [&] { detail::segment_ground_cpu(ctx, xyzi, params, out); });
  // Points once per batch of hypotheses, twice more for the refit and the mask.
  const std::size_t batches = (static_cast<std::size_t>(out.iterations) + 15) / 16;
  ctx.stats.min_device_bytes = n * 16 * (batches + 3) + n;
}

}  // namespace dc::gpu

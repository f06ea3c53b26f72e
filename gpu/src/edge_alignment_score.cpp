#include "dc/gpu/edge_alignment_score.h"

#include <cmath>
#include <stdexcept>

#include "cuda_entry.h"
#include "dispatch.h"
#include "edge_alignment_score_cpu.h"

namespace dc::gpu {

void edge_alignment_score(KernelContext& context, std::span<const float> xyzi, std::span<const Mat3x4f> candidates,
                          const Pinhole& camera, const ImageViewf& distance, const EdgeScoreParams& params,
                          EdgeScoreResult& out) {
  detail::check_points(xyzi, "edge_alignment_score");
  if (distance.width <= 0 || distance.height <= 0 || !distance.data || distance.stride < std::size_t(distance.width))
    throw std::invalid_argument("edge_alignment_score: bad distance image");
  if (!(params.near >= 0.0f) || !std::isfinite(params.near))
    throw std::invalid_argument("edge_alignment_score: near must be finite and >= 0");
  const std::size_t n = xyzi.size() / 4, k = candidates.size();
  out.sums.assign(k, 0.0);
  out.in_image.assign(k, 0);
  if (params.samples)
    out.samples.resize(k * n);
  else
    out.samples.clear();
  out.nonfinite_count = 0;

  auto& ctx = context.impl();
  out.backend = detail::dispatch(
      ctx, [&] { detail::edge_alignment_score_cuda(ctx, xyzi, candidates, camera, distance, params, out); },
      [&] { detail::edge_alignment_score_cpu(ctx, xyzi, candidates, camera, distance, params, out); });
  // Points and candidates once, about four image reads per in-image sample, the samples written.
  std::size_t hits = 0;
  for (auto h : out.in_image) hits += h;
  ctx.stats.min_device_bytes = n * 16 + k * 48 + hits * 16 + (params.samples ? k * n * 4 : 0) + k * 12;
}

}  // namespace dc::gpu

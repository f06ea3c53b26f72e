#include "dc/gpu/euclidean_clustering.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "cuda_entry.h"
#include "dispatch.h"
#include "euclidean_clustering_cpu.h"

namespace dc::gpu {

void euclidean_clusters(KernelContext& context, std::span<const float> xyzi, std::span<const std::uint8_t> exclude,
                        const ClusterParams& params, ClusterResult& out) {
  detail::check_points(xyzi, "euclidean_clusters");
  const std::size_t n = xyzi.size() / 4;
  if (!exclude.empty() && exclude.size() != n)
    throw std::invalid_argument("euclidean_clusters: exclude mask has " + std::to_string(exclude.size()) +
                                " entries for " + std::to_string(n) + " points");
  if (!(params.tolerance > 0.0f) || !std::isfinite(params.tolerance))
    throw std::invalid_argument("euclidean_clusters: tolerance must be positive and finite");
  if (n > 0x7fffffffu) throw std::invalid_argument("euclidean_clusters: more than 2^31 - 1 points");
  out.labels.resize(n);
  out.cluster_sizes.clear();
  out.cluster_count = out.nonfinite_count = 0;

  auto& ctx = context.impl();
  out.backend = detail::dispatch(
      ctx, [&] { detail::euclidean_clusters_cuda(ctx, xyzi, exclude, params, out); },
      [&] { detail::euclidean_clusters_cpu(ctx, xyzi, exclude, params, out); });
  // Points read twice, an 12-byte pair sort, the sorted coordinates, parents and labels.
  ctx.stats.min_device_bytes = n * 16 * 2 + n * 12 * 6 + n * 12 * 2 + n * 4 * 4;
}

}  // namespace dc::gpu

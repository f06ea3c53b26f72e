#pragma once
#include <cstdint>
#include <span>

#include "context_impl.h"
#include "dc/gpu/euclidean_clustering.h"

namespace dc::gpu::detail {

void euclidean_clusters_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi,
                            std::span<const std::uint8_t> exclude, const ClusterParams& params, ClusterResult& out);

}  // namespace dc::gpu::detail

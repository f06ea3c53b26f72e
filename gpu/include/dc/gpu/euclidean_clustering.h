#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "dc/gpu/compute_device.h"
#include "dc/gpu/export.h"
#include "dc/gpu/kernel_context.h"

namespace dc::gpu {

struct ClusterParams {
  float tolerance = 0.5f;  // two points are neighbors when their squared distance is < tolerance^2
  std::uint32_t min_size = 1;
  std::uint32_t max_size = std::numeric_limits<std::uint32_t>::max();
};

struct ClusterResult {
  // Cluster id per input point; -1 for ignored points and for points of clusters outside [min_size, max_size].
  // Ids are ordered by each cluster's smallest point index.
  std::vector<std::int32_t> labels;
  std::vector<std::uint32_t> cluster_sizes;
  std::size_t cluster_count = 0;
  std::size_t nonfinite_count = 0;  // points with a NaN or infinite coordinate (ignored)
  Backend backend = Backend::Cpu;
};

// Euclidean clustering: connected components of the "closer than tolerance" graph, which is the partition PCL's
// EuclideanClusterExtraction gives (same float distance test). Points whose `exclude` entry is non-zero (e.g. a
// ground mask; empty = none) are ignored. Throws std::invalid_argument on tolerance <= 0 or a bad mask size.
DC_GPU_API void euclidean_clusters(KernelContext& ctx, std::span<const float> xyzi,
                                   std::span<const std::uint8_t> exclude, const ClusterParams& params,
                                   ClusterResult& out);

}  // namespace dc::gpu

#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dc/gpu/compute_device.h"
#include "dc/gpu/export.h"
#include "dc/gpu/kernel_context.h"

namespace dc::gpu {

struct GroundParams {
  float distance_threshold = 0.15f;  // inlier: |n . p + d| < threshold
  int max_iterations = 100;          // hypotheses at most
  // Stop early once a better plane is unlikely (RANSAC's k = log(1 - p) / log(1 - w^3), w = best inlier
  // ratio), checked after every batch of 16 hypotheses; 1 disables the early stop.
  double probability = 0.99;
  float max_tilt_deg = 0;  // > 0: reject hypotheses whose normal is farther than this from +z
  std::uint64_t seed = 1;  // hypotheses depend only on the seed and their index
  bool refine = true;      // least-squares refit on the inliers, then reselect the inliers
};

struct GroundResult {
  bool found = false;
  float normal[3] = {0, 0, 1};            // unit normal, oriented with normal[2] >= 0
  float d = 0;                            // plane: normal . p + d = 0
  std::vector<std::uint8_t> inlier_mask;  // 1 for inliers, per input point
  std::size_t inlier_count = 0;
  std::size_t nonfinite_count = 0;  // points with a NaN or infinite coordinate (never inliers)
  int iterations = 0;               // hypotheses scored
  Backend backend = Backend::Cpu;
};

// RANSAC plane fit (ground) with all hypotheses of a batch scored in parallel over the points; the result for a
// seed is the same for any thread count and on both backends.
DC_GPU_API void segment_ground(KernelContext& ctx, std::span<const float> xyzi, const GroundParams& params,
                               GroundResult& out);

}  // namespace dc::gpu

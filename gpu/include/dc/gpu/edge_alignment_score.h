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

struct EdgeScoreParams {
  float penalty = 50.0f;  // sample value of a point that does not land in the image (or is behind the camera)
  float near = 0.1f;
  bool samples = true;  // fill EdgeScoreResult::samples
};

struct EdgeScoreResult {
  std::vector<double> sums;             // per candidate: sum of the samples of the finite points
  std::vector<std::uint32_t> in_image;  // per candidate: points sampled inside the image
  // candidates x points, row per candidate: bilinear distance-transform value, `penalty` outside the image,
  // NaN for non-finite points (which are left out of the sums).
  std::vector<float> samples;
  std::size_t nonfinite_count = 0;
  Backend backend = Backend::Cpu;
};

// Calibration check: projects lidar depth-discontinuity points with every candidate T_cam_from_lidar and samples
// the image's edge distance transform bilinearly (inside means 0 <= u <= width-1 and 0 <= v <= height-1).
// Lower sums mean better alignment.
DC_GPU_API void edge_alignment_score(KernelContext& ctx, std::span<const float> xyzi,
                                     std::span<const Mat3x4f> candidates, const Pinhole& camera,
                                     const ImageViewf& distance, const EdgeScoreParams& params, EdgeScoreResult& out);

}  // namespace dc::gpu

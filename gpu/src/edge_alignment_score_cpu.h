#pragma once
#include <span>

#include "context_impl.h"
#include "dc/gpu/edge_alignment_score.h"

namespace dc::gpu::detail {

void edge_alignment_score_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi,
                              std::span<const Mat3x4f> candidates, const Pinhole& camera, const ImageViewf& distance,
                              const EdgeScoreParams& params, EdgeScoreResult& out);

}  // namespace dc::gpu::detail

#pragma once
#include <span>

#include "context_impl.h"
#include "dc/gpu/ground_segmentation.h"

namespace dc::gpu::detail {

void segment_ground_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi, const GroundParams& params,
                        GroundResult& out);

}  // namespace dc::gpu::detail

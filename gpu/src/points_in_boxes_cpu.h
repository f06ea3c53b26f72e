#pragma once
#include <span>

#include "context_impl.h"
#include "dc/gpu/points_in_boxes.h"

namespace dc::gpu::detail {

void points_in_boxes_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi, std::span<const Box3f> boxes,
                         const BoxParams& params, BoxResult& out);

}  // namespace dc::gpu::detail

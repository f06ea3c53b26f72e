#pragma once
#include <span>

#include "context_impl.h"
#include "dc/gpu/project_to_image.h"

namespace dc::gpu::detail {

void project_to_image_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi, const Mat3x4f& T, const Pinhole& cam,
                          const ProjectionParams& params, ProjectionResult& out);

}  // namespace dc::gpu::detail

#pragma once
// Entry points of the CUDA implementations. They are defined in src/cuda/*.cu when the library is built with
// CUDA and by cuda_stubs.cpp otherwise (never called then: resolve_backend() never picks CUDA). No CUDA type
// appears here. They throw std::runtime_error on any CUDA error; the dispatcher then runs the CPU path.
#include <cstdint>
#include <span>
#include <string>

#include "dc/gpu/edge_alignment_score.h"
#include "dc/gpu/euclidean_clustering.h"
#include "dc/gpu/ground_segmentation.h"
#include "dc/gpu/kernel_context.h"
#include "dc/gpu/points_in_boxes.h"
#include "dc/gpu/project_to_image.h"
#include "dc/gpu/voxel_downsample.h"

namespace dc::gpu::detail {

int cuda_device_count();         // 0 when there is no driver or no device
std::string cuda_device_name();  // of device 0

void project_to_image_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi, const Mat3x4f& T, const Pinhole& cam,
                           const ProjectionParams& params, ProjectionResult& out);
void voxel_downsample_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi, const VoxelParams& params,
                           VoxelResult& out);
void segment_ground_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi, const GroundParams& params,
                         GroundResult& out);
void euclidean_clusters_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi,
                             std::span<const std::uint8_t> exclude, const ClusterParams& params, ClusterResult& out);
void points_in_boxes_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi, std::span<const Box3f> boxes,
                          const BoxParams& params, BoxResult& out);
void edge_alignment_score_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi,
                               std::span<const Mat3x4f> candidates, const Pinhole& camera, const ImageViewf& distance,
                               const EdgeScoreParams& params, EdgeScoreResult& out);

}  // namespace dc::gpu::detail

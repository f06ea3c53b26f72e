// Without CUDA the library still exposes one code path: these stand in for the CUDA entry points.
#if !DC_GPU_HAVE_CUDA
#include <stdexcept>

#include "context_impl.h"
#include "cuda_entry.h"

namespace dc::gpu::detail {

namespace {
[[noreturn]] void no_cuda() {
  throw std::runtime_error("dc_gpu was built without CUDA");
}
}  // namespace

int cuda_device_count() {
  return 0;
}
std::string cuda_device_name() {
  return {};
}
void destroy_cuda_state(CudaState*) {}

void project_to_image_cuda(KernelContext::Impl&, std::span<const float>, const Mat3x4f&, const Pinhole&,
                           const ProjectionParams&, ProjectionResult&) {
  no_cuda();
}
void voxel_downsample_cuda(KernelContext::Impl&, std::span<const float>, const VoxelParams&, VoxelResult&) {
  no_cuda();
}
void segment_ground_cuda(KernelContext::Impl&, std::span<const float>, const GroundParams&, GroundResult&) {
  no_cuda();
}
void euclidean_clusters_cuda(KernelContext::Impl&, std::span<const float>, std::span<const std::uint8_t>,
                             const ClusterParams&, ClusterResult&) {
  no_cuda();
}
void points_in_boxes_cuda(KernelContext::Impl&, std::span<const float>, std::span<const Box3f>, const BoxParams&,
                          BoxResult&) {
  no_cuda();
}
void edge_alignment_score_cuda(KernelContext::Impl&, std::span<const float>, std::span<const Mat3x4f>, const Pinhole&,
                               const ImageViewf&, const EdgeScoreParams&, EdgeScoreResult&) {
  no_cuda();
}

}  // namespace dc::gpu::detail
#endif

#include <algorithm>
#include <cstring>

#include "common.cuh"
#include "cuda_entry.h"
#include "kernel_math.h"

namespace dc::gpu::detail {

namespace {

constexpr std::uint32_t kInfBits = 0x7f800000u;
enum DevSlot { kPts = 0, kU, kV, kDepth, kValid, kZBuffer, kImage, kCounters };
enum PinSlot { kPinPts = kFirstFreePinned, kPinU, kPinV, kPinDepth, kPinValid, kPinImage };

__global__ void fill_kernel(std::uint32_t* p, std::size_t n, std::uint32_t value) {
  for (std::size_t k = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; k < n;
       k += static_cast<std::size_t>(gridDim.x) * blockDim.x)
    p[k] = value;
}

__global__ void project_kernel(const float4* pts, std::size_t n, CameraModel cam, float* u, float* v, float* depth,
                               std::uint8_t* valid, std::uint32_t* zbuf, unsigned long long* counters) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  bool inside = false, nonfinite = false;
  if (i < n) {
    const float4 q = pts[i];
    const PointProjection r = project_point(cam, q.x, q.y, q.z);
    if (u) {
      u[i] = r.u, v[i] = r.v, depth[i] = r.z;
      valid[i] = r.status == kProjInside ? 1 : 0;
    }
    inside = r.status == kProjInside;
    nonfinite = r.status == kProjNonFinite;
    // Depths are > near >= 0: their bits order like the floats, so the nearest point wins an integer min.
    if (inside && zbuf) atomicMin(&zbuf[static_cast<std::size_t>(r.row) * cam.width + r.col], __float_as_uint(r.z));
  }
  warp_count(inside, &counters[0]);
  warp_count(nonfinite, &counters[1]);
}

__global__ void finish_depth_kernel(const std::uint32_t* zbuf, float* img, std::size_t pixels) {
  for (std::size_t k = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; k < pixels;
       k += static_cast<std::size_t>(gridDim.x) * blockDim.x)
    img[k] = zbuf[k] == kInfBits ? 0.0f : __uint_as_float(zbuf[k]);
}

}  // namespace

// Points go up in chunks on two streams: the upload of one chunk overlaps the kernel and the result download of
// the previous one, and the host copies finished chunks out while later ones run. With profiling, one chunk on
// one stream, so the phases can be timed separately.
void project_to_image_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi, const Mat3x4f& T, const Pinhole& cam,
                           const ProjectionParams& params, ProjectionResult& out) {
  CudaState& s = cuda_state(ctx);
  KernelStats& st = ctx.stats;
  const std::size_t n = xyzi.size() / 4;
  const CameraModel c = make_camera(T, cam, params.near);
  const std::size_t pixels = static_cast<std::size_t>(cam.width) * static_cast<std::size_t>(cam.height);
  const bool per_point = params.per_point && n > 0;

  // Every buffer is sized before any work is queued (growing one synchronizes).
  auto* d_pts = s.dev<float4>(kPts, n + 1);
  float* d_u = per_point ? s.dev<float>(kU, n) : nullptr;
  float* d_v = per_point ? s.dev<float>(kV, n) : nullptr;
  float* d_depth = per_point ? s.dev<float>(kDepth, n) : nullptr;
  auto* d_valid = per_point ? s.dev<std::uint8_t>(kValid, n) : nullptr;
  auto* d_zbuf = params.depth_image ? s.dev<std::uint32_t>(kZBuffer, pixels) : nullptr;
  auto* d_img = params.depth_image ? s.dev<float>(kImage, pixels) : nullptr;
  auto* d_counters = s.dev<unsigned long long>(kCounters, 2);
  auto* h_pts = s.host<float>(kPinPts, 4 * n + 4);
  float* h_u = per_point ? s.host<float>(kPinU, n) : nullptr;
  float* h_v = per_point ? s.host<float>(kPinV, n) : nullptr;
  float* h_depth = per_point ? s.host<float>(kPinDepth, n) : nullptr;
  auto* h_valid = per_point ? s.host<std::uint8_t>(kPinValid, n) : nullptr;
  auto* h_img = params.depth_image ? s.host<float>(kPinImage, pixels) : nullptr;
  auto* h_counters = s.host<unsigned long long>(kScalarPinned, 2);

  const bool profiling = ctx.profiling;
  const std::size_t chunk =
      profiling ? (n > 0 ? n : 1) : std::max<std::size_t>(32768, (n + kMaxChunkEvents - 1) / kMaxChunkEvents);
  const std::size_t chunks = n == 0 ? 0 : (n + chunk - 1) / chunk;
  cudaStream_t s0 = s.stream[0];

  PhaseTimer timer(s);
  DC_CUDA(cudaMemsetAsync(d_counters, 0, 2 * sizeof(unsigned long long), s0));
  if (d_zbuf) {
    fill_kernel<<<grid_stride_blocks(s, pixels), kBlock, 0, s0>>>(d_zbuf, pixels, kInfBits);
    DC_CUDA_LAUNCHED();
  }
  DC_CUDA(cudaEventRecord(s.join, s0));
  if (!profiling) DC_CUDA(cudaStreamWaitEvent(s.stream[1], s.join, 0));

  auto copy_out = [&](std::size_t k) {
    const std::size_t b = k * chunk, len = std::min(chunk, n - b);
    DC_CUDA(cudaEventSynchronize(s.chunk_done[k]));
    std::memcpy(out.u.data() + b, h_u + b, len * sizeof(float));
    std::memcpy(out.v.data() + b, h_v + b, len * sizeof(float));
    std::memcpy(out.depth.data() + b, h_depth + b, len * sizeof(float));
    std::memcpy(out.valid.data() + b, h_valid + b, len);
  };
  if (profiling && n > 0) {
    std::memcpy(h_pts, xyzi.data(), n * 16);
    DC_CUDA(cudaMemcpyAsync(d_pts, h_pts, n * 16, cudaMemcpyHostToDevice, s0));
  }
  if (profiling) timer.uploaded();
  for (std::size_t k = 0; k < chunks; ++k) {
    const std::size_t b = k * chunk, len = std::min(chunk, n - b);
    cudaStream_t sk = profiling ? s0 : s.stream[k & 1];
    if (!profiling) {
      std::memcpy(h_pts + 4 * b, xyzi.data() + 4 * b, len * 16);
      DC_CUDA(cudaMemcpyAsync(d_pts + b, h_pts + 4 * b, len * 16, cudaMemcpyHostToDevice, sk));
    }
    project_kernel<<<grid_for(len), kBlock, 0, sk>>>(d_pts + b, len, c, per_point ? d_u + b : nullptr,
                                                     per_point ? d_v + b : nullptr, per_point ? d_depth + b : nullptr,
                                                     per_point ? d_valid + b : nullptr, d_zbuf, d_counters);
    DC_CUDA_LAUNCHED();
    if (per_point && !profiling) {
      DC_CUDA(cudaMemcpyAsync(h_u + b, d_u + b, len * 4, cudaMemcpyDeviceToHost, sk));
      DC_CUDA(cudaMemcpyAsync(h_v + b, d_v + b, len * 4, cudaMemcpyDeviceToHost, sk));
      DC_CUDA(cudaMemcpyAsync(h_depth + b, d_depth + b, len * 4, cudaMemcpyDeviceToHost, sk));
      DC_CUDA(cudaMemcpyAsync(h_valid + b, d_valid + b, len, cudaMemcpyDeviceToHost, sk));
      DC_CUDA(cudaEventRecord(s.chunk_done[k], sk));
      if (k > 0) copy_out(k - 1);
    }
  }
  if (!profiling && chunks > 1) {  // the image needs every chunk of the other stream too
    DC_CUDA(cudaEventRecord(s.join, s.stream[1]));
    DC_CUDA(cudaStreamWaitEvent(s0, s.join, 0));
  }
  if (d_zbuf) {
    finish_depth_kernel<<<grid_stride_blocks(s, pixels), kBlock, 0, s0>>>(d_zbuf, d_img, pixels);
    DC_CUDA_LAUNCHED();
  }
  if (profiling) {
    timer.computed();
    if (per_point) {
      DC_CUDA(cudaMemcpyAsync(h_u, d_u, n * 4, cudaMemcpyDeviceToHost, s0));
      DC_CUDA(cudaMemcpyAsync(h_v, d_v, n * 4, cudaMemcpyDeviceToHost, s0));
      DC_CUDA(cudaMemcpyAsync(h_depth, d_depth, n * 4, cudaMemcpyDeviceToHost, s0));
      DC_CUDA(cudaMemcpyAsync(h_valid, d_valid, n, cudaMemcpyDeviceToHost, s0));
      DC_CUDA(cudaEventRecord(s.chunk_done[0], s0));
    }
  }
  if (d_img) DC_CUDA(cudaMemcpyAsync(h_img, d_img, pixels * 4, cudaMemcpyDeviceToHost, s0));
  DC_CUDA(cudaMemcpyAsync(h_counters, d_counters, 2 * sizeof(unsigned long long), cudaMemcpyDeviceToHost, s0));
  if (per_point && chunks > 0) copy_out(chunks - 1);
  timer.finish(st);
  DC_CUDA(cudaStreamSynchronize(s.stream[1]));
  if (d_img) std::memcpy(out.depth_image.data(), h_img, pixels * 4);
  out.valid_count = h_counters[0];
  out.nonfinite_count = h_counters[1];
  st.bytes_uploaded += n * 16;
  st.bytes_downloaded += (per_point ? n * 13 : 0) + (d_img ? pixels * 4 : 0) + 16;
}

}  // namespace dc::gpu::detail

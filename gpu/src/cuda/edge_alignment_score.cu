#include <algorithm>
#include <cstring>

#include "common.cuh"
#include "cuda_entry.h"
#include "kernel_math.h"

namespace dc::gpu::detail {

namespace {

constexpr std::size_t kPointsPerBlock = 2048;
enum DevSlot { kPts = 0, kCams, kImage, kSamples, kPartial, kPartialIn, kSums, kInImage, kCounters };
enum PinSlot { kPinCams = kFirstFreePinned, kPinImage, kPinSums, kPinInImage };

// Block (x: point chunk, y: candidate). Partial sums per block are reduced per candidate in chunk order afterwards,
// so the sums do not depend on scheduling.
__global__ void score_kernel(const float4* pts, std::size_t n, const CameraModel* cams, const float* img, int w, int h,
                             float penalty, float* samples, double* partial, unsigned* partial_in,
                             unsigned long long* nonfinite) {
  const CameraModel cam = cams[blockIdx.y];
  const std::size_t b = blockIdx.x * kPointsPerBlock;
  const std::size_t e = min(b + kPointsPerBlock, n);
  double sum = 0;
  unsigned inside = 0;
  for (std::size_t base = b; base < e; base += blockDim.x) {
    const std::size_t i = base + threadIdx.x;
    bool bad = false;
    if (i < e) {
      const float4 q = pts[i];
      float value;
      if (!is_finite3(q.x, q.y, q.z)) {
        value = quiet_nan();
        bad = true;
      } else {
        double X, Y, Z;
        transform_point<double>(cam.m, q.x, q.y, q.z, X, Y, Z);
        value = penalty;
        if (Z > cam.near) {
          double u, v;
          distort_to_pixel<double>(cam, X, Y, Z, u, v);
          bool in = false;
          value = sample_bilinear(img, w, h, static_cast<std::size_t>(w), u, v, penalty, in);
          inside += in ? 1u : 0u;
        }
        sum += value;
      }
      if (samples) samples[blockIdx.y * n + i] = value;
    }
    if (blockIdx.y == 0) warp_count(bad, nonfinite);
  }
  __shared__ double warp_sum_part[kBlock / 32];
  __shared__ unsigned warp_in_part[kBlock / 32];
  sum = warp_sum(sum);
  inside = warp_sum(inside);
  if ((threadIdx.x & 31u) == 0) warp_sum_part[threadIdx.x >> 5] = sum, warp_in_part[threadIdx.x >> 5] = inside;
  __syncthreads();
  if (threadIdx.x == 0) {
    double s = 0;
    unsigned k = 0;
    for (unsigned w2 = 0; w2 < kBlock / 32; ++w2) s += warp_sum_part[w2], k += warp_in_part[w2];
    partial[blockIdx.y * gridDim.x + blockIdx.x] = s;
    partial_in[blockIdx.y * gridDim.x + blockIdx.x] = k;
  }
}

__global__ void reduce_kernel(const double* partial, const unsigned* partial_in, unsigned chunks, unsigned candidates,
                              double* sums, unsigned* in_image) {
  const unsigned c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= candidates) return;
  double s = 0;
  unsigned k = 0;
  for (unsigned j = 0; j < chunks; ++j) s += partial[c * chunks + j], k += partial_in[c * chunks + j];
  sums[c] = s, in_image[c] = k;
}

}  // namespace

void edge_alignment_score_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi,
                               std::span<const Mat3x4f> candidates, const Pinhole& camera, const ImageViewf& distance,
                               const EdgeScoreParams& params, EdgeScoreResult& out) {
  CudaState& s = cuda_state(ctx);
  KernelStats& st = ctx.stats;
  const std::size_t n = xyzi.size() / 4, k = candidates.size();
  cudaStream_t s0 = s.stream[0];
  if (n == 0 || k == 0) return;
  if (k > 65535) throw std::runtime_error("edge_alignment_score: more than 65535 candidates for one CUDA launch");
  const int w = distance.width, h = distance.height;
  const std::size_t pixels = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  const auto chunks = static_cast<unsigned>((n + kPointsPerBlock - 1) / kPointsPerBlock);

  auto* d_pts = s.dev<float4>(kPts, n);
  auto* d_cams = s.dev<CameraModel>(kCams, k);
  auto* d_img = s.dev<float>(kImage, pixels);
  float* d_samples = params.samples ? s.dev<float>(kSamples, k * n) : nullptr;
  auto* d_partial = s.dev<double>(kPartial, k * chunks);
  auto* d_partial_in = s.dev<unsigned>(kPartialIn, k * chunks);
  auto* d_sums = s.dev<double>(kSums, k);
  auto* d_in_image = s.dev<unsigned>(kInImage, k);
  auto* d_counters = s.dev<unsigned long long>(kCounters, 1);
  auto* h_cams = s.host<CameraModel>(kPinCams, k);
  auto* h_img = s.host<float>(kPinImage, pixels);
  for (std::size_t c = 0; c < k; ++c) h_cams[c] = make_camera(candidates[c], camera, params.near);
  for (int y = 0; y < h; ++y)
    std::memcpy(h_img + static_cast<std::size_t>(y) * w, distance.data + static_cast<std::size_t>(y) * distance.stride,
                static_cast<std::size_t>(w) * sizeof(float));

  PhaseTimer timer(s);
  upload(s, s0, d_pts, xyzi.data(), n * 16, st);
  DC_CUDA(cudaMemcpyAsync(d_cams, h_cams, k * sizeof(CameraModel), cudaMemcpyHostToDevice, s0));
  DC_CUDA(cudaMemcpyAsync(d_img, h_img, pixels * sizeof(float), cudaMemcpyHostToDevice, s0));
  st.bytes_uploaded += k * sizeof(CameraModel) + pixels * sizeof(float);
  timer.uploaded();

  DC_CUDA(cudaMemsetAsync(d_counters, 0, sizeof(unsigned long long), s0));
  const dim3 grid(chunks, static_cast<unsigned>(k));
  score_kernel<<<grid, kBlock, 0, s0>>>(d_pts, n, d_cams, d_img, w, h, params.penalty, d_samples, d_partial,
                                        d_partial_in, d_counters);
  DC_CUDA_LAUNCHED();
  reduce_kernel<<<grid_for(k), kBlock, 0, s0>>>(d_partial, d_partial_in, chunks, static_cast<unsigned>(k), d_sums,
                                                d_in_image);
  DC_CUDA_LAUNCHED();
  timer.computed();
  download(s, s0, out.sums.data(), d_sums, k * sizeof(double), st);
  download(s, s0, out.in_image.data(), d_in_image, k * sizeof(unsigned), st);
  if (d_samples) download(s, s0, out.samples.data(), d_samples, k * n * sizeof(float), st);
  unsigned long long nonfinite = 0;
  download_small(s, s0, &nonfinite, d_counters, sizeof nonfinite, st);
  out.nonfinite_count = nonfinite;
  timer.finish(st);
}

}  // namespace dc::gpu::detail

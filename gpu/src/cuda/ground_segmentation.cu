#include <algorithm>
#include <cmath>

#include "common.cuh"
#include "cuda_entry.h"
#include "kernel_math.h"
#include "ransac.h"

namespace dc::gpu::detail {

namespace {

constexpr int kHypPerBlock = 32;          // hypotheses a block keeps in registers while streaming the points
constexpr int kRound = 8 * kRansacBatch;  // hypotheses scored per launch before the early-stop check
constexpr unsigned kMomentBlocks = 512;   // fixed, so the per-block partial sums are reduced in a fixed order

enum DevSlot { kPts = 0, kPlanes, kCounts, kMoments, kMask, kCounters };
enum PinSlot { kPinPlanes = kFirstFreePinned, kPinCounts, kPinMoments };

__global__ void finite_kernel(const float4* pts, std::size_t n, unsigned long long* count) {
  bool finite = false;
  for (std::size_t base = blockIdx.x * static_cast<std::size_t>(blockDim.x); base < n;
       base += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
    const std::size_t i = base + threadIdx.x;
    finite = false;
    if (i < n) {
      const float4 q = pts[i];
      finite = is_finite3(q.x, q.y, q.z);
    }
    warp_count(finite, count);
  }
}

// Block (x: point range, y: group of 32 hypotheses); each thread tests its points against the whole group.
__global__ void score_kernel(const float4* pts, std::size_t n, const Plane4f* planes, int m, float t,
                             unsigned* counts) {
  __shared__ Plane4f sp[kHypPerBlock];
  const int h0 = blockIdx.y * kHypPerBlock;
  const int hm = min(kHypPerBlock, m - h0);
  if (threadIdx.x < kHypPerBlock) sp[threadIdx.x] = threadIdx.x < hm ? planes[h0 + threadIdx.x] : Plane4f{0, 0, 0, 0};
  __syncthreads();
  unsigned count[kHypPerBlock];
#pragma unroll
  for (int h = 0; h < kHypPerBlock; ++h) count[h] = 0;
  for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
    const float4 q = pts[i];
#pragma unroll
    for (int h = 0; h < kHypPerBlock; ++h) count[h] += plane_inlier(sp[h], q.x, q.y, q.z, t) ? 1u : 0u;
  }
#pragma unroll
  for (int h = 0; h < kHypPerBlock; ++h) {
    const unsigned c = warp_sum(count[h]);
    if ((threadIdx.x & 31u) == 0 && h < hm && c) atomicAdd(&counts[h0 + h], c);
  }
}

// Moments of the inliers relative to `origin`, one partial per block (grid-stride, fixed grid size).
__global__ void moments_kernel(const float4* pts, std::size_t n, Plane4f plane, float t, double ox, double oy,
                               double oz, double* partial) {
  double m[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
    const float4 q = pts[i];
    if (!plane_inlier(plane, q.x, q.y, q.z, t)) continue;
    const double x = q.x - ox, y = q.y - oy, z = q.z - oz;
    m[0] += 1, m[1] += x, m[2] += y, m[3] += z;
    m[4] += x * x, m[5] += x * y, m[6] += x * z, m[7] += y * y, m[8] += y * z, m[9] += z * z;
  }
  __shared__ double warp_part[kBlock / 32][10];
  for (int k = 0; k < 10; ++k) m[k] = warp_sum(m[k]);
  if ((threadIdx.x & 31u) == 0)
    for (int k = 0; k < 10; ++k) warp_part[threadIdx.x >> 5][k] = m[k];
  __syncthreads();
  if (threadIdx.x < 10) {
    double sum = 0;
    for (unsigned w = 0; w < kBlock / 32; ++w) sum += warp_part[w][threadIdx.x];
    partial[blockIdx.x * 10 + threadIdx.x] = sum;
  }
}

__global__ void mask_kernel(const float4* pts, std::size_t n, Plane4f plane, float t, std::uint8_t* mask,
                            unsigned long long* count) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  bool in = false;
  if (i < n) {
    const float4 q = pts[i];
    in = plane_inlier(plane, q.x, q.y, q.z, t);
    mask[i] = in ? 1 : 0;
  }
  warp_count(in, count);
}

}  // namespace

// Hypotheses are drawn on the host (they depend only on seed and index), scored in rounds of kRound on the device,
// and the rounds' counts go through the same batch-wise selection and early stop as on the CPU, so both backends
// pick the same hypothesis.
void segment_ground_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi, const GroundParams& params,
                         GroundResult& out) {
  CudaState& s = cuda_state(ctx);
  KernelStats& st = ctx.stats;
  const std::size_t n = xyzi.size() / 4;
  cudaStream_t s0 = s.stream[0];
  const float t = params.distance_threshold;
  if (n == 0) return;

  auto* d_pts = s.dev<float4>(kPts, n);
  auto* d_planes = s.dev<Plane4f>(kPlanes, kRound);
  auto* d_counts = s.dev<unsigned>(kCounts, kRound);
  auto* d_moments = s.dev<double>(kMoments, kMomentBlocks * 10);
  auto* d_mask = s.dev<std::uint8_t>(kMask, n);
  auto* d_counters = s.dev<unsigned long long>(kCounters, 2);
  auto* h_planes = s.host<Plane4f>(kPinPlanes, kRound);
  auto* h_counts = s.host<unsigned>(kPinCounts, kRound);
  auto* h_moments = s.host<double>(kPinMoments, kMomentBlocks * 10);

  PhaseTimer timer(s);
  upload(s, s0, d_pts, xyzi.data(), n * 16, st);
  timer.uploaded();

  DC_CUDA(cudaMemsetAsync(d_counters, 0, 2 * sizeof(unsigned long long), s0));
  finite_kernel<<<grid_stride_blocks(s, n), kBlock, 0, s0>>>(d_pts, n, d_counters);
  DC_CUDA_LAUNCHED();
  unsigned long long n_finite = 0;
  download_small(s, s0, &n_finite, d_counters, sizeof n_finite, st);
  out.nonfinite_count = n - n_finite;
  if (n_finite < 3) {
    std::fill(out.inlier_mask.begin(), out.inlier_mask.end(), std::uint8_t{0});
    timer.computed();
    timer.finish(st);
    return;
  }

  const double min_nz = min_abs_nz_for_tilt(params.max_tilt_deg);
  RansacSelector selector(n_finite, params.probability, params.max_iterations);
  Hypothesis round_hyps[kRound];
  Hypothesis best;
  int evaluated = 0;
  bool stop = false;
  for (int start = 0; start < params.max_iterations && !stop; start += kRound) {
    const int m = std::min(kRound, params.max_iterations - start);
    for (int h = 0; h < m; ++h) {
      round_hyps[h] = make_hypothesis(xyzi.data(), n, params.seed, static_cast<std::uint32_t>(start + h), min_nz);
      h_planes[h] = round_hyps[h].plane;
    }
    DC_CUDA(cudaMemcpyAsync(d_planes, h_planes, m * sizeof(Plane4f), cudaMemcpyHostToDevice, s0));
    DC_CUDA(cudaMemsetAsync(d_counts, 0, m * sizeof(unsigned), s0));
    const dim3 grid(grid_stride_blocks(s, n), (m + kHypPerBlock - 1) / kHypPerBlock);
    score_kernel<<<grid, kBlock, 0, s0>>>(d_pts, n, d_planes, m, t, d_counts);
    DC_CUDA_LAUNCHED();
    DC_CUDA(cudaMemcpyAsync(h_counts, d_counts, m * sizeof(unsigned), cudaMemcpyDeviceToHost, s0));
    DC_CUDA(cudaStreamSynchronize(s0));
    st.bytes_uploaded += m * sizeof(Plane4f);
    st.bytes_downloaded += m * sizeof(unsigned);
    for (int b = 0; b < m && !stop; b += kRansacBatch) {
      const int e = std::min(m, b + kRansacBatch);
      for (int h = b; h < e; ++h) {
        const int before = selector.best();
        selector.offer(start + h, round_hyps[h].valid, h_counts[h]);
        if (selector.best() != before) best = round_hyps[h];
      }
      evaluated = start + e;
      stop = selector.stop_after(evaluated);
    }
  }
  out.iterations = evaluated;
  if (selector.best() < 0) {
    std::fill(out.inlier_mask.begin(), out.inlier_mask.end(), std::uint8_t{0});
    timer.computed();
    timer.finish(st);
    return;
  }

  Plane4f plane = best.plane;
  if (params.refine) {
    moments_kernel<<<kMomentBlocks, kBlock, 0, s0>>>(d_pts, n, plane, t, best.origin[0], best.origin[1], best.origin[2],
                                                     d_moments);
    DC_CUDA_LAUNCHED();
    DC_CUDA(cudaMemcpyAsync(h_moments, d_moments, kMomentBlocks * 10 * sizeof(double), cudaMemcpyDeviceToHost, s0));
    DC_CUDA(cudaStreamSynchronize(s0));
    st.bytes_downloaded += kMomentBlocks * 10 * sizeof(double);
    PlaneMoments total;
    for (unsigned k = 0; k < kMomentBlocks; ++k) {
      const double* q = h_moments + 10 * k;
      PlaneMoments part;
      part.count = q[0], part.sx = q[1], part.sy = q[2], part.sz = q[3];
      part.sxx = q[4], part.sxy = q[5], part.sxz = q[6], part.syy = q[7], part.syz = q[8], part.szz = q[9];
      total.add(part);
    }
    Plane4f refit;
    if (fit_plane(total, best.origin, min_nz, refit)) plane = refit;
  }
  mask_kernel<<<grid_for(n), kBlock, 0, s0>>>(d_pts, n, plane, t, d_mask, d_counters + 1);
  DC_CUDA_LAUNCHED();
  timer.computed();
  download(s, s0, out.inlier_mask.data(), d_mask, n, st);
  unsigned long long inliers = 0;
  download_small(s, s0, &inliers, d_counters + 1, sizeof inliers, st);
  timer.finish(st);
  out.inlier_count = inliers;
  out.found = true;
  out.normal[0] = plane.a, out.normal[1] = plane.b, out.normal[2] = plane.c;
  out.d = plane.d;
}

}  // namespace dc::gpu::detail

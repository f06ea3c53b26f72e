#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>

#include <algorithm>

#include "common.cuh"
#include "cuda_entry.h"
#include "kernel_math.h"
#include "radix_sort.h"

namespace dc::gpu::detail {

namespace {

constexpr unsigned kTile = kBlock;  // boxes staged in shared memory per pass
enum DevSlot { kPts = 0, kBoxes, kCounts, kHits, kPos, kKeys, kKeysAlt, kVals, kValsAlt, kTemp, kCounters };
enum PinSlot { kPinBoxes = kFirstFreePinned };

// One thread per point, boxes streamed through shared memory in tiles; per-tile counts are gathered in shared
// memory first, so a popular box costs one global atomic per block.
__global__ void count_kernel(const float4* pts, std::size_t n, const PreparedBox* boxes, unsigned nb, unsigned* counts,
                             unsigned* hits, unsigned long long* nonfinite) {
  __shared__ PreparedBox tile[kTile];
  __shared__ unsigned tile_count[kTile];
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  float4 q = make_float4(0, 0, 0, 0);
  bool active = false, bad = false;
  if (i < n) {
    q = pts[i];
    active = is_finite3(q.x, q.y, q.z);
    bad = !active;
  }
  unsigned my_hits = 0;
  for (unsigned base = 0; base < nb; base += kTile) {
    const unsigned m = min(kTile, nb - base);
    __syncthreads();
    if (threadIdx.x < m) tile[threadIdx.x] = boxes[base + threadIdx.x], tile_count[threadIdx.x] = 0;
    __syncthreads();
    if (active) {
      for (unsigned b = 0; b < m; ++b) {
        if (point_in_box(tile[b], q.x, q.y, q.z)) {
          atomicAdd(&tile_count[b], 1u);
          ++my_hits;
        }
      }
    }
    __syncthreads();
    if (threadIdx.x < m && tile_count[threadIdx.x]) atomicAdd(&counts[base + threadIdx.x], tile_count[threadIdx.x]);
  }
  if (hits && i < n) hits[i] = my_hits;
  warp_count(bad, nonfinite);
}

// (box, point) pairs, each point's boxes in ascending order at its scanned position: the pairs are in point order.
__global__ void pair_kernel(const float4* pts, std::size_t n, const PreparedBox* boxes, unsigned nb,
                            const unsigned* pos, unsigned* keys, unsigned* vals) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const float4 q = pts[i];
  if (!is_finite3(q.x, q.y, q.z)) return;
  unsigned k = pos[i];
  for (unsigned b = 0; b < nb; ++b) {
    if (point_in_box(boxes[b], q.x, q.y, q.z)) keys[k] = b, vals[k] = static_cast<unsigned>(i), ++k;
  }
}

}  // namespace

void points_in_boxes_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi, std::span<const Box3f> boxes,
                          const BoxParams& params, BoxResult& out) {
  CudaState& s = cuda_state(ctx);
  KernelStats& st = ctx.stats;
  const std::size_t n = xyzi.size() / 4;
  const auto nb = static_cast<unsigned>(boxes.size());
  cudaStream_t s0 = s.stream[0];
  if (n == 0) {
    if (params.indices) out.offsets.assign(nb + 1, 0);
    return;
  }

  auto* d_pts = s.dev<float4>(kPts, n);
  auto* d_boxes = s.dev<PreparedBox>(kBoxes, nb + 1);
  auto* d_counts = s.dev<unsigned>(kCounts, nb + 1);
  unsigned* d_hits = params.indices ? s.dev<unsigned>(kHits, n) : nullptr;
  auto* d_counters = s.dev<unsigned long long>(kCounters, 1);
  auto* h_boxes = s.host<PreparedBox>(kPinBoxes, nb + 1);
  for (unsigned b = 0; b < nb; ++b) h_boxes[b] = prepare_box(boxes[b]);

  PhaseTimer timer(s);
  upload(s, s0, d_pts, xyzi.data(), n * 16, st);
  if (nb) DC_CUDA(cudaMemcpyAsync(d_boxes, h_boxes, nb * sizeof(PreparedBox), cudaMemcpyHostToDevice, s0));
  st.bytes_uploaded += nb * sizeof(PreparedBox);
  timer.uploaded();

  DC_CUDA(cudaMemsetAsync(d_counts, 0, (nb + 1) * sizeof(unsigned), s0));
  DC_CUDA(cudaMemsetAsync(d_counters, 0, sizeof(unsigned long long), s0));
  count_kernel<<<grid_for(n), kBlock, 0, s0>>>(d_pts, n, d_boxes, nb, d_counts, d_hits, d_counters);
  DC_CUDA_LAUNCHED();
  if (nb) download(s, s0, out.counts.data(), d_counts, nb * sizeof(unsigned), st);
  unsigned long long nonfinite = 0;
  download_small(s, s0, &nonfinite, d_counters, sizeof nonfinite, st);
  out.nonfinite_count = nonfinite;
  if (!params.indices) {
    timer.computed();
    timer.finish(st);
    return;
  }

  out.offsets.resize(nb + 1);
  out.offsets[0] = 0;
  for (unsigned b = 0; b < nb; ++b) out.offsets[b + 1] = out.offsets[b] + out.counts[b];
  const std::size_t pairs = out.offsets[nb];
  out.indices.resize(pairs);
  if (pairs == 0) {
    timer.computed();
    timer.finish(st);
    return;
  }
  auto* d_pos = s.dev<unsigned>(kPos, n);
  auto* d_keys = s.dev<unsigned>(kKeys, pairs);
  auto* d_keys_alt = s.dev<unsigned>(kKeysAlt, pairs);
  auto* d_vals = s.dev<unsigned>(kVals, pairs);
  auto* d_vals_alt = s.dev<unsigned>(kValsAlt, pairs);
  cub::DoubleBuffer<unsigned> keys(d_keys, d_keys_alt), vals(d_vals, d_vals_alt);
  std::size_t temp_scan = 0, temp_sort = 0;
  DC_CUDA(cub::DeviceScan::ExclusiveSum(nullptr, temp_scan, d_hits, d_pos, static_cast<int>(n), s0));
  DC_CUDA(cub::DeviceRadixSort::SortPairs(nullptr, temp_sort, keys, vals, static_cast<int>(pairs), 0, 32, s0));
  const std::size_t temp_bytes = std::max({temp_scan, temp_sort, std::size_t{1}});
  void* d_temp = s.dev<char>(kTemp, temp_bytes);
  std::size_t tb = temp_bytes;
  DC_CUDA(cub::DeviceScan::ExclusiveSum(d_temp, tb, d_hits, d_pos, static_cast<int>(n), s0));
  pair_kernel<<<grid_for(n), kBlock, 0, s0>>>(d_pts, n, d_boxes, nb, d_pos, keys.Current(), vals.Current());
  DC_CUDA_LAUNCHED();
  // Stable sort by box keeps each box's points ascending.
  tb = temp_bytes;
  DC_CUDA(cub::DeviceRadixSort::SortPairs(d_temp, tb, keys, vals, static_cast<int>(pairs), 0, std::max(1, key_bits(nb)),
                                          s0));
  timer.computed();
  download(s, s0, out.indices.data(), vals.Current(), pairs * sizeof(unsigned), st);
  timer.finish(st);
}

}  // namespace dc::gpu::detail

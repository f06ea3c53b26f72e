#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_run_length_encode.cuh>
#include <cub/device/device_scan.cuh>

#include <algorithm>
#include <cstring>

#include "common.cuh"
#include "cuda_entry.h"
#include "kernel_math.h"
#include "voxel_downsample_cpu.h"

namespace dc::gpu::detail {

namespace {

enum DevSlot {
  kPts = 0,
  kBounds,
  kKeys,
  kKeysAlt,
  kVals,
  kValsAlt,
  kUnique,
  kCounts,
  kStarts,
  kRuns,
  kTemp,
  kCentroids,
  kVoxelOf
};

struct KeyLayout {
  std::int64_t min_cell[3];
  std::uint64_t dims[3];
  std::uint64_t sentinel;
  float inv;
};

__global__ void key_kernel(const float4* pts, std::size_t n, KeyLayout g, std::uint64_t* keys, std::uint32_t* vals) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const float4 q = pts[i];
  std::uint64_t key = g.sentinel;  // non-finite points sort after every voxel
  if (is_finite3(q.x, q.y, q.z)) {
    const auto ix = static_cast<std::uint64_t>(static_cast<std::int64_t>(floor_f(q.x * g.inv)) - g.min_cell[0]);
    const auto iy = static_cast<std::uint64_t>(static_cast<std::int64_t>(floor_f(q.y * g.inv)) - g.min_cell[1]);
    const auto iz = static_cast<std::uint64_t>(static_cast<std::int64_t>(floor_f(q.z * g.inv)) - g.min_cell[2]);
    key = ix + g.dims[0] * (iy + g.dims[1] * iz);
  }
  keys[i] = key;
  vals[i] = static_cast<std::uint32_t>(i);
}

// One thread per voxel: double sums in input order (the sort is stable), exactly like the CPU path.
__global__ void centroid_kernel(const float4* pts, const std::uint32_t* vals, const std::uint32_t* starts,
                                const std::uint32_t* counts, std::size_t voxels, float4* centroids,
                                std::int32_t* voxel_of) {
  const std::size_t v = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (v >= voxels) return;
  double sx = 0, sy = 0, sz = 0, si = 0;
  const std::uint32_t b = starts[v], k = counts[v];
  for (std::uint32_t j = b; j < b + k; ++j) {
    const float4 q = pts[vals[j]];
    sx += q.x, sy += q.y, sz += q.z, si += q.w;
    if (voxel_of) voxel_of[vals[j]] = static_cast<std::int32_t>(v);
  }
  centroids[v] = make_float4(static_cast<float>(sx / k), static_cast<float>(sy / k), static_cast<float>(sz / k),
                             static_cast<float>(si / k));
}

}  // namespace

void voxel_downsample_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi, const VoxelParams& params,
                           VoxelResult& out) {
  CudaState& s = cuda_state(ctx);
  KernelStats& st = ctx.stats;
  const std::size_t n = xyzi.size() / 4;
  cudaStream_t s0 = s.stream[0];
  const float inv = 1.0f / params.leaf_size;
  if (n == 0) return;

  auto* d_pts = s.dev<float4>(kPts, n);
  auto* d_bounds = s.dev<DeviceBounds>(kBounds, 1);
  auto* d_keys = s.dev<std::uint64_t>(kKeys, n);
  auto* d_keys_alt = s.dev<std::uint64_t>(kKeysAlt, n);
  auto* d_vals = s.dev<std::uint32_t>(kVals, n);
  auto* d_vals_alt = s.dev<std::uint32_t>(kValsAlt, n);
  auto* d_unique = s.dev<std::uint64_t>(kUnique, n);
  auto* d_counts = s.dev<std::uint32_t>(kCounts, n);
  auto* d_starts = s.dev<std::uint32_t>(kStarts, n);
  auto* d_runs = s.dev<std::uint32_t>(kRuns, 1);
  auto* d_centroids = s.dev<float4>(kCentroids, n);
  std::int32_t* d_voxel_of = params.point_voxel ? s.dev<std::int32_t>(kVoxelOf, n) : nullptr;
  cub::DoubleBuffer<std::uint64_t> keys(d_keys, d_keys_alt);
  cub::DoubleBuffer<std::uint32_t> vals(d_vals, d_vals_alt);
  std::size_t temp_sort = 0, temp_rle = 0, temp_scan = 0;
  DC_CUDA(cub::DeviceRadixSort::SortPairs(nullptr, temp_sort, keys, vals, static_cast<int>(n), 0, 64, s0));
  DC_CUDA(cub::DeviceRunLengthEncode::Encode(nullptr, temp_rle, d_keys, d_unique, d_counts, d_runs, static_cast<int>(n),
                                             s0));
  DC_CUDA(cub::DeviceScan::ExclusiveSum(nullptr, temp_scan, d_counts, d_starts, static_cast<int>(n), s0));
  const std::size_t temp_bytes = std::max({temp_sort, temp_rle, temp_scan, std::size_t{1}});
  void* d_temp = s.dev<char>(kTemp, temp_bytes);

  PhaseTimer timer(s);
  upload(s, s0, d_pts, xyzi.data(), n * 16, st);
  timer.uploaded();

  const DeviceBounds b = reduce_bounds(s, s0, kFirstFreePinned, d_pts, n, nullptr, d_bounds, st);
  out.nonfinite_count = b.nonfinite;
  const std::size_t nv = b.valid;
  if (nv == 0) {
    if (params.point_voxel) std::fill(out.voxel_of_point.begin(), out.voxel_of_point.end(), -1);
    timer.computed();
    timer.finish(st);
    return;
  }
  float lo_cell[3], hi_cell[3];
  for (int a = 0; a < 3; ++a) {
    lo_cell[a] = floor_f(ordered_to_float_host(b.lo[a]) * inv);
    hi_cell[a] = floor_f(ordered_to_float_host(b.hi[a]) * inv);
  }
  const VoxelGrid g = make_voxel_grid(lo_cell, hi_cell, true);
  KeyLayout layout{};
  for (int a = 0; a < 3; ++a) layout.min_cell[a] = g.min_cell[a], layout.dims[a] = g.dims[a];
  layout.sentinel = g.cells;
  layout.inv = inv;

  key_kernel<<<grid_for(n), kBlock, 0, s0>>>(d_pts, n, layout, keys.Current(), vals.Current());
  DC_CUDA_LAUNCHED();
  std::size_t tb = temp_bytes;
  DC_CUDA(cub::DeviceRadixSort::SortPairs(d_temp, tb, keys, vals, static_cast<int>(n), 0, g.bits, s0));
  tb = temp_bytes;
  DC_CUDA(cub::DeviceRunLengthEncode::Encode(d_temp, tb, keys.Current(), d_unique, d_counts, d_runs,
                                             static_cast<int>(nv), s0));
  std::uint32_t voxels = 0;
  download_small(s, s0, &voxels, d_runs, sizeof voxels, st);
  tb = temp_bytes;
  DC_CUDA(cub::DeviceScan::ExclusiveSum(d_temp, tb, d_counts, d_starts, static_cast<int>(voxels), s0));
  if (d_voxel_of) DC_CUDA(cudaMemsetAsync(d_voxel_of, 0xff, n * sizeof(std::int32_t), s0));
  centroid_kernel<<<grid_for(voxels), kBlock, 0, s0>>>(d_pts, vals.Current(), d_starts, d_counts, voxels, d_centroids,
                                                       d_voxel_of);
  DC_CUDA_LAUNCHED();
  timer.computed();

  out.voxel_count = voxels;
  out.centroids.resize(4 * static_cast<std::size_t>(voxels));
  out.counts.resize(voxels);
  download(s, s0, out.centroids.data(), d_centroids, voxels * sizeof(float4), st);
  download(s, s0, out.counts.data(), d_counts, voxels * sizeof(std::uint32_t), st);
  if (d_voxel_of) download(s, s0, out.voxel_of_point.data(), d_voxel_of, n * sizeof(std::int32_t), st);
  timer.finish(st);
}

}  // namespace dc::gpu::detail

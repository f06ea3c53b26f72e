#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_run_length_encode.cuh>
#include <cub/device/device_scan.cuh>

#include <algorithm>
#include <cstring>

#include "cluster_grid.h"
#include "common.cuh"
#include "cuda_entry.h"
#include "kernel_math.h"

namespace dc::gpu::detail {

namespace {

enum DevSlot {
  kPts = 0,
  kExclude,
  kBounds,
  kKeys,
  kKeysAlt,
  kVals,
  kValsAlt,
  kCellKey,
  kCellCount,
  kCellStart,
  kRuns,
  kTemp,
  kXs,
  kYs,
  kZs,
  kParent,
  kRoot,
  kSize,
  kMinIdx,
  kFlags,
  kIds,
  kLabels,
  kSizesOut,
  kOffsets
};
enum PinSlot { kPinBounds = kFirstFreePinned, kPinOffsets };

struct GridParams {
  std::int64_t min_cell[3];
  std::uint64_t dims[3];
  std::uint64_t sentinel;
  float inv_cell;
  float r2;
  double cell;
  double reach2;
};

// Union-find on the device, same invariant as the CPU one (parent[x] <= x, larger root linked under smaller).
// Volatile accesses go to L2, so a thread never keeps reading a stale parent from its SM's L1.
__device__ int uf_find(int* parent, int x) {
  volatile int* p = parent;
  for (;;) {
    const int px = p[x];
    if (px == x) return x;
    const int gp = p[px];
    if (gp != px) p[x] = gp;
    x = gp;
  }
}

__device__ void uf_unite(int* parent, int a, int b) {
  for (;;) {
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b) return;
    if (a > b) {
      const int t = a;
      a = b, b = t;
    }
    if (atomicCAS(&parent[b], b, a) == b) return;
  }
}

__global__ void key_kernel(const float4* pts, std::size_t n, const std::uint8_t* exclude, GridParams g,
                           std::uint64_t* keys, std::uint32_t* vals) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const float4 q = pts[i];
  std::uint64_t key = g.sentinel;  // ignored points sort after every cell
  if (is_finite3(q.x, q.y, q.z) && !(exclude && exclude[i])) {
    const auto ix = static_cast<std::uint64_t>(static_cast<std::int64_t>(floor_f(q.x * g.inv_cell)) - g.min_cell[0]);
    const auto iy = static_cast<std::uint64_t>(static_cast<std::int64_t>(floor_f(q.y * g.inv_cell)) - g.min_cell[1]);
    const auto iz = static_cast<std::uint64_t>(static_cast<std::int64_t>(floor_f(q.z * g.inv_cell)) - g.min_cell[2]);
    key = ix + g.dims[0] * (iy + g.dims[1] * iz);
  }
  keys[i] = key;
  vals[i] = static_cast<std::uint32_t>(i);
}

__global__ void gather_kernel(const float4* pts, const std::uint32_t* vals, std::size_t nv, float* xs, float* ys,
                              float* zs) {
  const std::size_t j = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (j >= nv) return;
  const float4 q = pts[vals[j]];
  xs[j] = q.x, ys[j] = q.y, zs[j] = q.z;
}

__global__ void init_parent_kernel(const std::uint32_t* cell_start, std::size_t cells, bool guaranteed, int* parent) {
  const std::size_t c = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (c >= cells) return;
  const std::uint32_t b = cell_start[c], e = cell_start[c + 1];
  for (std::uint32_t j = b; j < e; ++j) parent[j] = guaranteed ? static_cast<int>(b) : static_cast<int>(j);
}

__device__ std::uint32_t find_cell(const std::uint64_t* cell_key, std::uint32_t cells, std::uint64_t key) {
  std::uint32_t lo = 0, hi = cells;
  while (lo < hi) {
    const std::uint32_t mid = (lo + hi) >> 1;
    if (cell_key[mid] < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (lo < cells && cell_key[lo] == key) ? lo : 0xffffffffu;
}

// Fallback grid: one thread per (cell, half-neighborhood offset); every close pair of points is joined.
__global__ void pair_points_kernel(const std::uint64_t* cell_key, const std::uint32_t* cell_start, std::uint32_t cells,
                                   const long long* deltas, int offset_count, float r2, const float* xs,
                                   const float* ys, const float* zs, int* parent) {
  const std::size_t t = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (t >= static_cast<std::size_t>(cells) * offset_count) return;
  const std::uint32_t a = static_cast<std::uint32_t>(t / offset_count);
  const int o = static_cast<int>(t % offset_count);
  const std::uint32_t b = find_cell(cell_key, cells, cell_key[a] + static_cast<std::uint64_t>(deltas[o]));
  if (b == 0xffffffffu) return;
  for (std::uint32_t p = cell_start[a]; p < cell_start[a + 1]; ++p)
    for (std::uint32_t q = cell_start[b]; q < cell_start[b + 1]; ++q)
      if (squared_distance(xs[p], ys[p], zs[p], xs[q], ys[q], zs[q]) < r2)
        uf_unite(parent, static_cast<int>(p), static_cast<int>(q));
}

// Guaranteed grid (a cell's points are one component): one warp per (cell, half-neighborhood offset). The lanes
// split cell a's points and stop together at the first close pair or once another warp has joined the two cells.
// One thread per pair left the dense cells of a 1M-point scan to a few threads doing |a| x |b| tests alone (CUDA
// ran 20x slower than the CPU there).
__global__ void pair_cells_kernel(const std::uint64_t* cell_key, const std::uint32_t* cell_start, std::uint32_t cells,
                                  const long long* deltas, const int* offsets, int offset_count, GridParams g,
                                  const float* xs, const float* ys, const float* zs, int* parent) {
  const std::size_t t = (blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x) / 32;
  const unsigned lane = threadIdx.x % 32;
  if (t >= static_cast<std::size_t>(cells) * offset_count) return;  // whole warps leave together
  const std::uint32_t a = static_cast<std::uint32_t>(t / offset_count);
  const int o = static_cast<int>(t % offset_count);
  const std::uint64_t ka = cell_key[a];
  const std::uint32_t b = find_cell(cell_key, cells, ka + static_cast<std::uint64_t>(deltas[o]));
  if (b == 0xffffffffu) return;
  const std::uint32_t a0 = cell_start[a], a1 = cell_start[a + 1], b0 = cell_start[b], b1 = cell_start[b + 1];
  // Lower corner of b's cell, to skip points of a that are too far from all of it.
  const std::uint64_t ixa = ka % g.dims[0], rest = ka / g.dims[0];
  const std::uint64_t iya = rest % g.dims[1], iza = rest / g.dims[1];
  const double bx = static_cast<double>(g.min_cell[0] + static_cast<std::int64_t>(ixa) + offsets[3 * o]) * g.cell;
  const double by = static_cast<double>(g.min_cell[1] + static_cast<std::int64_t>(iya) + offsets[3 * o + 1]) * g.cell;
  const double bz = static_cast<double>(g.min_cell[2] + static_cast<std::int64_t>(iza) + offsets[3 * o + 2]) * g.cell;
  for (std::uint32_t base = a0; base < a1; base += 32) {
    int joined = 0;
    if (lane == 0) joined = uf_find(parent, static_cast<int>(a0)) == uf_find(parent, static_cast<int>(b0));
    if (__shfl_sync(0xffffffffu, joined, 0)) return;
    bool hit = false;
    const std::uint32_t p = base + lane;
    if (p < a1) {
      const float px = xs[p], py = ys[p], pz = zs[p];
      const double gx = fmax(0.0, fmax(bx - px, px - (bx + g.cell)));
      const double gy = fmax(0.0, fmax(by - py, py - (by + g.cell)));
      const double gz = fmax(0.0, fmax(bz - pz, pz - (bz + g.cell)));
      if (gx * gx + gy * gy + gz * gz < g.reach2) {
        for (std::uint32_t q = b0; q < b1 && !hit; ++q) hit = squared_distance(px, py, pz, xs[q], ys[q], zs[q]) < g.r2;
      }
    }
    if (__any_sync(0xffffffffu, hit)) {
      if (lane == 0) uf_unite(parent, static_cast<int>(a0), static_cast<int>(b0));
      return;
    }
  }
}

// Fallback grid only: pairs inside one cell.
__global__ void intra_cell_kernel(const std::uint32_t* cell_start, std::uint32_t cells, float r2, const float* xs,
                                  const float* ys, const float* zs, int* parent) {
  const std::size_t c = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (c >= cells) return;
  const std::uint32_t b = cell_start[c], e = cell_start[c + 1];
  for (std::uint32_t p = b; p < e; ++p)
    for (std::uint32_t q = p + 1; q < e; ++q)
      if (squared_distance(xs[p], ys[p], zs[p], xs[q], ys[q], zs[q]) < r2)
        uf_unite(parent, static_cast<int>(p), static_cast<int>(q));
}

__global__ void root_kernel(int* parent, const std::uint32_t* vals, std::size_t nv, int* root, unsigned* size,
                            unsigned* min_idx) {
  const std::size_t j = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (j >= nv) return;
  const int r = uf_find(parent, static_cast<int>(j));
  root[j] = r;
  atomicAdd(&size[r], 1u);
  atomicMin(&min_idx[r], vals[j]);
}

// A kept component marks its smallest input index; an exclusive scan of the marks numbers the clusters in that
// order, which is the CPU path's order.
__global__ void mark_kernel(const int* root, std::size_t nv, const unsigned* size, const unsigned* min_idx,
                            unsigned min_size, unsigned max_size, unsigned* flags) {
  const std::size_t j = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (j >= nv || root[j] != static_cast<int>(j)) return;
  if (size[j] >= min_size && size[j] <= max_size) flags[min_idx[j]] = 1;
}

__global__ void label_kernel(const int* root, const std::uint32_t* vals, std::size_t nv, const unsigned* size,
                             const unsigned* min_idx, unsigned min_size, unsigned max_size, const unsigned* ids,
                             int* labels, unsigned* sizes_out) {
  const std::size_t j = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (j >= nv) return;
  const int r = root[j];
  if (size[r] < min_size || size[r] > max_size) return;
  const unsigned id = ids[min_idx[r]];
  labels[vals[j]] = static_cast<int>(id);
  if (r == static_cast<int>(j)) sizes_out[id] = size[r];
}

}  // namespace

void euclidean_clusters_cuda(KernelContext::Impl& ctx, std::span<const float> xyzi,
                             std::span<const std::uint8_t> exclude, const ClusterParams& params, ClusterResult& out) {
  CudaState& s = cuda_state(ctx);
  KernelStats& st = ctx.stats;
  const std::size_t n = xyzi.size() / 4;
  cudaStream_t s0 = s.stream[0];
  if (n == 0) return;

  auto* d_pts = s.dev<float4>(kPts, n);
  std::uint8_t* d_exclude = exclude.empty() ? nullptr : s.dev<std::uint8_t>(kExclude, n);
  auto* d_bounds = s.dev<DeviceBounds>(kBounds, 1);
  auto* d_keys = s.dev<std::uint64_t>(kKeys, n);
  auto* d_keys_alt = s.dev<std::uint64_t>(kKeysAlt, n);
  auto* d_vals = s.dev<std::uint32_t>(kVals, n);
  auto* d_vals_alt = s.dev<std::uint32_t>(kValsAlt, n);
  auto* d_cell_key = s.dev<std::uint64_t>(kCellKey, n);
  auto* d_cell_count = s.dev<std::uint32_t>(kCellCount, n + 1);
  auto* d_cell_start = s.dev<std::uint32_t>(kCellStart, n + 1);
  auto* d_runs = s.dev<std::uint32_t>(kRuns, 1);
  auto* d_xs = s.dev<float>(kXs, n);
  auto* d_ys = s.dev<float>(kYs, n);
  auto* d_zs = s.dev<float>(kZs, n);
  auto* d_parent = s.dev<int>(kParent, n);
  auto* d_root = s.dev<int>(kRoot, n);
  auto* d_size = s.dev<unsigned>(kSize, n);
  auto* d_min_idx = s.dev<unsigned>(kMinIdx, n);
  auto* d_flags = s.dev<unsigned>(kFlags, n);
  auto* d_ids = s.dev<unsigned>(kIds, n);
  auto* d_labels = s.dev<int>(kLabels, n);
  auto* d_sizes_out = s.dev<unsigned>(kSizesOut, n);
  constexpr int kMaxOffsets = ClusterGrid::kMaxOffsets;
  auto* d_offsets = s.dev<char>(kOffsets, kMaxOffsets * (sizeof(long long) + 3 * sizeof(int)));
  auto* d_deltas = reinterpret_cast<long long*>(d_offsets);
  auto* d_offset_xyz = reinterpret_cast<int*>(d_offsets + kMaxOffsets * sizeof(long long));
  cub::DoubleBuffer<std::uint64_t> keys(d_keys, d_keys_alt);
  cub::DoubleBuffer<std::uint32_t> vals(d_vals, d_vals_alt);
  std::size_t temp_sort = 0, temp_rle = 0, temp_scan = 0;
  DC_CUDA(cub::DeviceRadixSort::SortPairs(nullptr, temp_sort, keys, vals, static_cast<int>(n), 0, 64, s0));
  DC_CUDA(cub::DeviceRunLengthEncode::Encode(nullptr, temp_rle, d_keys, d_cell_key, d_cell_count, d_runs,
                                             static_cast<int>(n), s0));
  DC_CUDA(cub::DeviceScan::ExclusiveSum(nullptr, temp_scan, d_cell_count, d_cell_start, static_cast<int>(n + 1), s0));
  const std::size_t temp_bytes = std::max({temp_sort, temp_rle, temp_scan, std::size_t{1}});
  void* d_temp = s.dev<char>(kTemp, temp_bytes);

  PhaseTimer timer(s);
  upload(s, s0, d_pts, xyzi.data(), n * 16, st);
  if (d_exclude) upload(s, s0, d_exclude, exclude.data(), n, st);
  timer.uploaded();

  const DeviceBounds b = reduce_bounds(s, s0, kPinBounds, d_pts, n, d_exclude, d_bounds, st);
  out.nonfinite_count = b.nonfinite;
  const std::size_t nv = b.valid;
  if (nv == 0) {
    std::fill(out.labels.begin(), out.labels.end(), -1);
    timer.computed();
    timer.finish(st);
    return;
  }
  float lo[3], hi[3];
  for (int a = 0; a < 3; ++a) lo[a] = ordered_to_float_host(b.lo[a]), hi[a] = ordered_to_float_host(b.hi[a]);
  const ClusterGrid grid = make_cluster_grid(params.tolerance, lo, hi);
  GridParams g{};
  for (int a = 0; a < 3; ++a) g.min_cell[a] = grid.min_cell[a], g.dims[a] = grid.dims[a];
  g.sentinel = grid.cells;
  g.inv_cell = grid.inv_cell;
  g.r2 = grid.r2;
  g.cell = grid.cell;
  g.reach2 = grid.reach_dist * grid.reach_dist;
  {
    char staged[kMaxOffsets * (sizeof(long long) + 3 * sizeof(int))];
    for (int o = 0; o < grid.offset_count; ++o) {
      const long long d = grid.key_deltas[o];
      std::memcpy(staged + o * sizeof(long long), &d, sizeof d);
    }
    std::memcpy(staged + kMaxOffsets * sizeof(long long), grid.offsets, sizeof grid.offsets);
    upload_small(s, s0, kPinOffsets, d_offsets, staged, sizeof staged, st);
  }

  // Sort by cell; the sentinel keys of ignored points end up behind the nv valid ones.
  key_kernel<<<grid_for(n), kBlock, 0, s0>>>(d_pts, n, d_exclude, g, keys.Current(), vals.Current());
  DC_CUDA_LAUNCHED();
  std::size_t tb = temp_bytes;
  DC_CUDA(cub::DeviceRadixSort::SortPairs(d_temp, tb, keys, vals, static_cast<int>(n), 0, grid.bits, s0));
  tb = temp_bytes;
  DC_CUDA(cub::DeviceRunLengthEncode::Encode(d_temp, tb, keys.Current(), d_cell_key, d_cell_count, d_runs,
                                             static_cast<int>(nv), s0));
  std::uint32_t cells = 0;
  download_small(s, s0, &cells, d_runs, sizeof cells, st);
  // Exclusive sum over cells + 1 entries (the extra count is 0 after the memset) gives cell_start[cells] = nv.
  DC_CUDA(cudaMemsetAsync(d_cell_count + cells, 0, sizeof(std::uint32_t), s0));
  tb = temp_bytes;
  DC_CUDA(cub::DeviceScan::ExclusiveSum(d_temp, tb, d_cell_count, d_cell_start, static_cast<int>(cells + 1), s0));
  const std::uint32_t* d_sorted_vals = vals.Current();
  gather_kernel<<<grid_for(nv), kBlock, 0, s0>>>(d_pts, d_sorted_vals, nv, d_xs, d_ys, d_zs);
  DC_CUDA_LAUNCHED();
  init_parent_kernel<<<grid_for(cells), kBlock, 0, s0>>>(d_cell_start, cells, grid.guaranteed, d_parent);
  DC_CUDA_LAUNCHED();
  if (!grid.guaranteed) {
    intra_cell_kernel<<<grid_for(cells), kBlock, 0, s0>>>(d_cell_start, cells, g.r2, d_xs, d_ys, d_zs, d_parent);
    DC_CUDA_LAUNCHED();
  }
  const std::size_t pairs = static_cast<std::size_t>(cells) * static_cast<std::size_t>(grid.offset_count);
  if (pairs > 0) {
    if (grid.guaranteed)
      pair_cells_kernel<<<grid_for(pairs * 32), kBlock, 0, s0>>>(d_cell_key, d_cell_start, cells, d_deltas,
                                                                  d_offset_xyz, grid.offset_count, g, d_xs, d_ys, d_zs,
                                                                  d_parent);
    else
      pair_points_kernel<<<grid_for(pairs), kBlock, 0, s0>>>(d_cell_key, d_cell_start, cells, d_deltas,
                                                             grid.offset_count, g.r2, d_xs, d_ys, d_zs, d_parent);
    DC_CUDA_LAUNCHED();
  }

  DC_CUDA(cudaMemsetAsync(d_size, 0, nv * sizeof(unsigned), s0));
  DC_CUDA(cudaMemsetAsync(d_min_idx, 0xff, nv * sizeof(unsigned), s0));
  DC_CUDA(cudaMemsetAsync(d_flags, 0, n * sizeof(unsigned), s0));
  DC_CUDA(cudaMemsetAsync(d_labels, 0xff, n * sizeof(int), s0));
  root_kernel<<<grid_for(nv), kBlock, 0, s0>>>(d_parent, d_sorted_vals, nv, d_root, d_size, d_min_idx);
  DC_CUDA_LAUNCHED();
  mark_kernel<<<grid_for(nv), kBlock, 0, s0>>>(d_root, nv, d_size, d_min_idx, params.min_size, params.max_size,
                                               d_flags);
  DC_CUDA_LAUNCHED();
  tb = temp_bytes;
  DC_CUDA(cub::DeviceScan::ExclusiveSum(d_temp, tb, d_flags, d_ids, static_cast<int>(n), s0));
  label_kernel<<<grid_for(nv), kBlock, 0, s0>>>(d_root, d_sorted_vals, nv, d_size, d_min_idx, params.min_size,
                                                params.max_size, d_ids, d_labels, d_sizes_out);
  DC_CUDA_LAUNCHED();
  timer.computed();

  unsigned last[2] = {0, 0};
  DC_CUDA(cudaMemcpyAsync(&d_cell_count[0], &d_ids[n - 1], sizeof(unsigned), cudaMemcpyDeviceToDevice, s0));
  DC_CUDA(cudaMemcpyAsync(&d_cell_count[1], &d_flags[n - 1], sizeof(unsigned), cudaMemcpyDeviceToDevice, s0));
  download_small(s, s0, last, d_cell_count, sizeof last, st);
  const std::size_t clusters = static_cast<std::size_t>(last[0]) + last[1];
  download(s, s0, out.labels.data(), d_labels, n * sizeof(int), st);
  out.cluster_count = clusters;
  out.cluster_sizes.resize(clusters);
  if (clusters) download(s, s0, out.cluster_sizes.data(), d_sizes_out, clusters * sizeof(unsigned), st);
  timer.finish(st);
}

}  // namespace dc::gpu::detail

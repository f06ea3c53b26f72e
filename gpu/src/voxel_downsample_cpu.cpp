#include "voxel_downsample_cpu.h"

#include <algorithm>
#include <stdexcept>

#include "kernel_math.h"
#include "radix_sort.h"

namespace dc::gpu::detail {

namespace {
constexpr std::size_t kChunk = 16384;
enum Slot { kBounds = 0, kKeys, kValues, kKeysTmp, kValuesTmp, kHist, kStarts, kVoxelChunk };

struct ChunkBounds {
  float lo[3], hi[3];
  std::size_t valid, nonfinite;
};
}  // namespace

bool voxel_cell_range_ok(float lo_cell, float hi_cell) {
  constexpr float kLimit = 1099511627776.0f;  // 2^40
  return lo_cell > -kLimit && hi_cell < kLimit;
}

VoxelGrid make_voxel_grid(const float lo_cell[3], const float hi_cell[3], bool sentinel) {
  VoxelGrid g;
  constexpr std::uint64_t kMaxCells = std::uint64_t{1} << 62;
  std::uint64_t cells = 1;
  for (int a = 0; a < 3; ++a) {
    if (!voxel_cell_range_ok(lo_cell[a], hi_cell[a]))
      throw std::invalid_argument("voxel grid: the cloud's extent in cells is too large for the leaf size");
    g.min_cell[a] = static_cast<std::int64_t>(lo_cell[a]);
    g.dims[a] = static_cast<std::uint64_t>(static_cast<std::int64_t>(hi_cell[a]) - g.min_cell[a] + 1);
    if (g.dims[a] > kMaxCells / cells)
      throw std::invalid_argument("voxel grid: the cloud's extent in cells is too large for the leaf size");
    cells *= g.dims[a];
  }
  g.cells = cells;
  g.bits = key_bits(g.cells + (sentinel ? 1 : 0));
  return g;
}

void voxel_downsample_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi, const VoxelParams& params,
                          VoxelResult& out) {
  const std::size_t n = xyzi.size() / 4;
  const float* p = xyzi.data();
  const float inv = 1.0f / params.leaf_size;  // PCL: inverse_leaf_size_ = 1 / leaf (float)
  ThreadPool& pool = ctx.threads();
  const std::size_t chunks = chunk_count(n, kChunk);

  // Pass 1: per chunk, bounds of the finite points. floor(x * inv) is monotone in x, so the cell bounds follow.
  auto* bounds = ctx.scratch.get<ChunkBounds>(kBounds, chunks);
  pool.run(chunks, [&](std::size_t c) {
    ChunkBounds b{{kFloatMax, kFloatMax, kFloatMax}, {-kFloatMax, -kFloatMax, -kFloatMax}, 0, 0};
    for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
      const float x = p[4 * i], y = p[4 * i + 1], z = p[4 * i + 2];
      if (!is_finite3(x, y, z)) {
        ++b.nonfinite;
        continue;
      }
      ++b.valid;
      b.lo[0] = std::min(b.lo[0], x), b.hi[0] = std::max(b.hi[0], x);
      b.lo[1] = std::min(b.lo[1], y), b.hi[1] = std::max(b.hi[1], y);
      b.lo[2] = std::min(b.lo[2], z), b.hi[2] = std::max(b.hi[2], z);
    }
    bounds[c] = b;
  });
  float lo[3] = {kFloatMax, kFloatMax, kFloatMax}, hi[3] = {-kFloatMax, -kFloatMax, -kFloatMax};
  std::size_t nv = 0;
  for (std::size_t c = 0; c < chunks; ++c) {
    for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], bounds[c].lo[a]), hi[a] = std::max(hi[a], bounds[c].hi[a]);
    bounds[c].valid = (nv += bounds[c].valid) - bounds[c].valid;  // becomes the chunk's output offset
    out.nonfinite_count += bounds[c].nonfinite;
  }
  if (nv == 0) {
    if (params.point_voxel) std::fill(out.voxel_of_point.begin(), out.voxel_of_point.end(), -1);
    return;
  }
  float lo_cell[3], hi_cell[3];
  for (int a = 0; a < 3; ++a) lo_cell[a] = floor_f(lo[a] * inv), hi_cell[a] = floor_f(hi[a] * inv);
  const VoxelGrid g = make_voxel_grid(lo_cell, hi_cell, false);

  // Pass 2: keys of the finite points, compacted in input order.
  auto* keys = ctx.scratch.get<std::uint64_t>(kKeys, nv);
  auto* vals = ctx.scratch.get<std::uint32_t>(kValues, nv);
  pool.run(chunks, [&](std::size_t c) {
    std::size_t o = bounds[c].valid;
    for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
      const float x = p[4 * i], y = p[4 * i + 1], z = p[4 * i + 2];
      if (!is_finite3(x, y, z)) continue;
      const auto ix = static_cast<std::uint64_t>(static_cast<std::int64_t>(floor_f(x * inv)) - g.min_cell[0]);
      const auto iy = static_cast<std::uint64_t>(static_cast<std::int64_t>(floor_f(y * inv)) - g.min_cell[1]);
      const auto iz = static_cast<std::uint64_t>(static_cast<std::int64_t>(floor_f(z * inv)) - g.min_cell[2]);
      keys[o] = ix + g.dims[0] * (iy + g.dims[1] * iz);
      vals[o] = static_cast<std::uint32_t>(i);
      ++o;
    }
  });
  auto* keys_tmp = ctx.scratch.get<std::uint64_t>(kKeysTmp, nv);
  auto* vals_tmp = ctx.scratch.get<std::uint32_t>(kValuesTmp, nv);
  radix_sort_pairs(pool, ctx.scratch, kHist, keys, vals, keys_tmp, vals_tmp, nv, g.bits);

  // Voxel starts: heads of equal-key runs, counted per chunk then written at the chunk's prefix.
  const std::size_t schunks = chunk_count(nv, kChunk);
  auto* vchunk = ctx.scratch.get<std::size_t>(kVoxelChunk, schunks + 1);
  pool.run(schunks, [&](std::size_t c) {
    std::size_t heads = 0;
    for (std::size_t j = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, nv); j < e; ++j)
      heads += (j == 0 || keys[j] != keys[j - 1]);
    vchunk[c] = heads;
  });
  std::size_t voxels = 0;
  for (std::size_t c = 0; c < schunks; ++c) vchunk[c] = (voxels += vchunk[c]) - vchunk[c];
  auto* starts = ctx.scratch.get<std::uint32_t>(kStarts, voxels + 1);
  pool.run(schunks, [&](std::size_t c) {
    std::size_t v = vchunk[c];
    for (std::size_t j = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, nv); j < e; ++j)
      if (j == 0 || keys[j] != keys[j - 1]) starts[v++] = static_cast<std::uint32_t>(j);
  });
  starts[voxels] = static_cast<std::uint32_t>(nv);

  // Centroids: double sums in input order inside each voxel (the sort is stable), as the CUDA path does.
  out.voxel_count = voxels;
  out.centroids.resize(4 * voxels);
  out.counts.resize(voxels);
  if (params.point_voxel) std::fill(out.voxel_of_point.begin(), out.voxel_of_point.end(), -1);
  float* cen = out.centroids.data();
  std::uint32_t* cnt = out.counts.data();
  std::int32_t* vop = params.point_voxel ? out.voxel_of_point.data() : nullptr;
  constexpr std::size_t kVoxelsPerTask = 8192;
  pool.run(chunk_count(voxels, kVoxelsPerTask), [&](std::size_t c) {
    for (std::size_t v = chunk_begin(c, kVoxelsPerTask), e = chunk_end(c, kVoxelsPerTask, voxels); v < e; ++v) {
      double sx = 0, sy = 0, sz = 0, si = 0;
      for (std::uint32_t j = starts[v]; j < starts[v + 1]; ++j) {
        const float* q = p + 4 * static_cast<std::size_t>(vals[j]);
        sx += q[0], sy += q[1], sz += q[2], si += q[3];
        if (vop) vop[vals[j]] = static_cast<std::int32_t>(v);
      }
      const std::uint32_t k = starts[v + 1] - starts[v];
      cen[4 * v] = static_cast<float>(sx / k);
      cen[4 * v + 1] = static_cast<float>(sy / k);
      cen[4 * v + 2] = static_cast<float>(sz / k);
      cen[4 * v + 3] = static_cast<float>(si / k);
      cnt[v] = k;
    }
  });
}

}  // namespace dc::gpu::detail

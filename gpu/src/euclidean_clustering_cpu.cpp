#include "euclidean_clustering_cpu.h"

#include <algorithm>
#include <array>
#include <utility>

#include "cluster_grid.h"
#include "kernel_math.h"
#include "radix_sort.h"
#include "union_find.h"

namespace dc::gpu::detail {

namespace {

constexpr std::size_t kChunk = 16384;
enum Slot {
  kBounds = 0,
  kPairs,
  kPairsTmp,
  kHist,
  kXs,
  kYs,
  kZs,
  kCellChunk,
  kCellStart,
  kCellKey,
  kCellIx,
  kRowKey,
  kRowStart,
  kParent,
  kRoot,
  kSize,
  kId,
  kPosOf
};

struct ChunkBounds {
  float lo[3], hi[3];
  std::size_t valid, nonfinite;
};

struct Grid {
  const ClusterGrid& g;
  const float* xs;
  const float* ys;
  const float* zs;
  const std::uint32_t* cell_start;
  std::int32_t* parent;

  // Guaranteed grid: cells are nodes (their first sorted point), one close pair joins two cells.
  void join_cells(std::uint32_t a, std::uint32_t b, const double box_lo[3]) const {
    const std::int32_t sa = static_cast<std::int32_t>(cell_start[a]), sb = static_cast<std::int32_t>(cell_start[b]);
    if (uf_find(parent, sa) == uf_find(parent, sb)) return;
    const double reach2 = g.reach_dist * g.reach_dist;
    for (std::uint32_t p = cell_start[a]; p < cell_start[a + 1]; ++p) {
      const float px = xs[p], py = ys[p], pz = zs[p];
      // Skip points farther than the tolerance from b's whole cell.
      const double gx = std::max({0.0, box_lo[0] - px, px - (box_lo[0] + g.cell)});
      const double gy = std::max({0.0, box_lo[1] - py, py - (box_lo[1] + g.cell)});
      const double gz = std::max({0.0, box_lo[2] - pz, pz - (box_lo[2] + g.cell)});
      if (gx * gx + gy * gy + gz * gz >= reach2) continue;
      for (std::uint32_t q = cell_start[b]; q < cell_start[b + 1]; ++q) {
        if (squared_distance(px, py, pz, xs[q], ys[q], zs[q]) < g.r2) {
          uf_unite(parent, sa, sb);
          return;
        }
      }
    }
  }

  // Fallback grid: points are nodes and every close pair is joined (a == b: pairs inside one cell).
  void join_points(std::uint32_t a, std::uint32_t b) const {
    for (std::uint32_t p = cell_start[a]; p < cell_start[a + 1]; ++p) {
      for (std::uint32_t q = (a == b ? p + 1 : cell_start[b]); q < cell_start[b + 1]; ++q) {
        if (squared_distance(xs[p], ys[p], zs[p], xs[q], ys[q], zs[q]) < g.r2)
          uf_unite(parent, static_cast<std::int32_t>(p), static_cast<std::int32_t>(q));
      }
    }
  }
};

template <class Key>
void cluster_points(KernelContext::Impl& ctx, const float* p, std::size_t n, const std::uint8_t* ex,
                    const ChunkBounds* bounds, std::size_t chunks, std::size_t nv, const ClusterGrid& g,
                    const ClusterParams& params, ClusterResult& out) {
  ThreadPool& pool = ctx.threads();
  Scratch& s = ctx.scratch;
  std::int32_t* labels = out.labels.data();
  // Pass 2: cell keys of the valid points, compacted in input order, then sorted by cell.
  auto* pairs = s.get<KeyIndex<Key>>(kPairs, nv);
  const float inv = g.inv_cell;
  pool.run(chunks, [&](std::size_t c) {
    std::size_t o = bounds[c].valid;
    for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
      const float x = p[4 * i], y = p[4 * i + 1], z = p[4 * i + 2];
      if (!is_finite3(x, y, z) || (ex && ex[i])) continue;
      const auto ix = static_cast<Key>(floor_to_int(x * inv) - g.min_cell[0]);
      const auto iy = static_cast<Key>(floor_to_int(y * inv) - g.min_cell[1]);
      const auto iz = static_cast<Key>(floor_to_int(z * inv) - g.min_cell[2]);
      pairs[o++] = {ix + static_cast<Key>(g.dims[0]) * (iy + static_cast<Key>(g.dims[1]) * iz),
                    static_cast<std::uint32_t>(i)};
    }
  });
  auto* tmp = s.get<KeyIndex<Key>>(kPairsTmp, nv);
  radix_sort(pool, s, kHist, pairs, tmp, nv, g.bits);
  const KeyIndex<Key>* sorted = pairs;

  // Sorted coordinates (structure of arrays) and cells.
  auto* xs = s.get<float>(kXs, nv);
  auto* ys = s.get<float>(kYs, nv);
  auto* zs = s.get<float>(kZs, nv);
  const std::size_t schunks = chunk_count(nv, kChunk);
  auto* cchunk = s.get<std::size_t>(kCellChunk, schunks);
  pool.run(schunks, [&](std::size_t c) {
    std::size_t heads = 0;
    for (std::size_t j = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, nv); j < e; ++j) {
      const float* q = p + 4 * static_cast<std::size_t>(sorted[j].index);
      xs[j] = q[0], ys[j] = q[1], zs[j] = q[2];
      heads += (j == 0 || sorted[j].key != sorted[j - 1].key);
    }
    cchunk[c] = heads;
  });
  std::size_t cells = 0;
  for (std::size_t c = 0; c < schunks; ++c) cchunk[c] = (cells += cchunk[c]) - cchunk[c];
  auto* cell_start = s.get<std::uint32_t>(kCellStart, cells + 1);
  auto* cell_key = s.get<std::uint64_t>(kCellKey, cells);
  auto* cell_ix = s.get<std::int64_t>(kCellIx, cells);
  auto* parent = s.get<std::int32_t>(kParent, nv);
  pool.run(schunks, [&](std::size_t c) {
    std::size_t k = cchunk[c];
    std::int32_t start = 0;
    for (std::size_t j = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, nv); j < e; ++j) {
      if (j == 0 || sorted[j].key != sorted[j - 1].key) {
        cell_start[k] = static_cast<std::uint32_t>(j);
        cell_key[k] = sorted[j].key;
        cell_ix[k] = static_cast<std::int64_t>(sorted[j].key % g.dims[0]);
        ++k;
        start = static_cast<std::int32_t>(j);
      } else if (j == chunk_begin(c, kChunk)) {
        // A cell continuing from the previous chunk: find its first point.
        std::size_t f = j;
        while (f > 0 && sorted[f - 1].key == sorted[j].key) --f;
        start = static_cast<std::int32_t>(f);
      }
      parent[j] = g.guaranteed ? start : static_cast<std::int32_t>(j);
    }
  });
  cell_start[cells] = static_cast<std::uint32_t>(nv);

  // Rows: runs of cells with the same (y, z); neighbors are found by walking two sorted rows side by side.
  auto* row_key = s.get<std::uint64_t>(kRowKey, cells);
  auto* row_start = s.get<std::uint32_t>(kRowStart, cells + 1);
  std::size_t rows = 0;
  for (std::size_t k = 0; k < cells; ++k) {
    const std::uint64_t rk = cell_key[k] / g.dims[0];
    if (rows == 0 || row_key[rows - 1] != rk) row_key[rows] = rk, row_start[rows++] = static_cast<std::uint32_t>(k);
  }
  row_start[rows] = static_cast<std::uint32_t>(cells);

  // Distinct (dy, dz) of the half neighborhood and, per offset, whether its cells can hold neighbors.
  const int r = g.reach, w = 2 * r + 1;
  constexpr int kW = 2 * ClusterGrid::kMaxReach + 1;
  std::array<std::uint8_t, kW * kW*(ClusterGrid::kMaxReach + 1)> allowed{};
  std::array<std::pair<int, int>, kW*(ClusterGrid::kMaxReach + 1)> row_offsets{};
  std::size_t row_offset_count = 0;
  for (int o = 0; o < g.offset_count; ++o) {
    const int dx = g.offsets[3 * o], dy = g.offsets[3 * o + 1], dz = g.offsets[3 * o + 2];
    allowed[static_cast<std::size_t>((dz * w + dy + r) * w + dx + r)] = 1;
    const auto end = row_offsets.begin() + static_cast<std::ptrdiff_t>(row_offset_count);
    if (std::find(row_offsets.begin(), end, std::pair{dy, dz}) == end) row_offsets[row_offset_count++] = {dy, dz};
  }
  const Grid grid{g, xs, ys, zs, cell_start, parent};
  constexpr std::size_t kRowsPerTask = 64;
  pool.run(chunk_count(rows, kRowsPerTask), [&](std::size_t t) {
    for (std::size_t ra = chunk_begin(t, kRowsPerTask), re = chunk_end(t, kRowsPerTask, rows); ra < re; ++ra) {
      const std::uint64_t rka = row_key[ra];
      const auto iya = static_cast<std::int64_t>(rka % g.dims[1]), iza = static_cast<std::int64_t>(rka / g.dims[1]);
      if (!g.guaranteed) {
        for (std::uint32_t a = row_start[ra]; a < row_start[ra + 1]; ++a) grid.join_points(a, a);
      }
      for (std::size_t ro = 0; ro < row_offset_count; ++ro) {
        const auto [dy, dz] = row_offsets[ro];
        const std::uint64_t target =
            static_cast<std::uint64_t>(static_cast<std::int64_t>(rka) + dy + static_cast<std::int64_t>(g.dims[1]) * dz);
        const std::uint64_t* it = std::lower_bound(row_key, row_key + rows, target);
        if (it == row_key + rows || *it != target) continue;
        const std::size_t rb = static_cast<std::size_t>(it - row_key);
        const std::uint32_t b_end = row_start[rb + 1];
        std::uint32_t b0 = row_start[rb];
        const bool same_row = dy == 0 && dz == 0;
        double box_lo[3];
        box_lo[1] = static_cast<double>(g.min_cell[1] + iya + dy) * g.cell;
        box_lo[2] = static_cast<double>(g.min_cell[2] + iza + dz) * g.cell;
        for (std::uint32_t a = row_start[ra]; a < row_start[ra + 1]; ++a) {
          const std::int64_t ixa = cell_ix[a];
          const std::int64_t first = same_row ? ixa + 1 : ixa - r;
          while (b0 < b_end && cell_ix[b0] < first) ++b0;
          for (std::uint32_t b = b0; b < b_end && cell_ix[b] <= ixa + r; ++b) {
            const int dx = static_cast<int>(cell_ix[b] - ixa);
            if (!allowed[static_cast<std::size_t>((dz * w + dy + r) * w + dx + r)]) continue;
            if (g.guaranteed) {
              box_lo[0] = static_cast<double>(g.min_cell[0] + cell_ix[b]) * g.cell;
              grid.join_cells(a, b, box_lo);
            } else {
              grid.join_points(a, b);
            }
          }
        }
      }
    }
  });

  // Components: root per sorted point, sizes, then ids in order of each component's smallest input index.
  auto* root = s.get<std::int32_t>(kRoot, nv);
  auto* size = s.get<std::uint32_t>(kSize, nv);
  auto* id = s.get<std::int32_t>(kId, nv);
  auto* pos_of = s.get<std::int32_t>(kPosOf, n);
  pool.run(schunks, [&](std::size_t c) {
    for (std::size_t j = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, nv); j < e; ++j) {
      root[j] = uf_find(parent, static_cast<std::int32_t>(j));
      size[j] = 0;
      id[j] = -1;
    }
  });
  pool.run(chunks,
           [&](std::size_t c) { std::fill(pos_of + chunk_begin(c, kChunk), pos_of + chunk_end(c, kChunk, n), -1); });
  pool.run(schunks, [&](std::size_t c) {
    for (std::size_t j = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, nv); j < e; ++j)
      pos_of[sorted[j].index] = static_cast<std::int32_t>(j);
  });
  for (std::size_t j = 0; j < nv; ++j) ++size[root[j]];
  std::int32_t next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t j = pos_of[i];
    if (j < 0) {
      labels[i] = -1;
      continue;
    }
    const std::int32_t rt = root[j];
    if (id[rt] == -1) {
      const std::uint32_t k = size[rt];
      if (k >= params.min_size && k <= params.max_size) {
        id[rt] = next++;
        out.cluster_sizes.push_back(k);
      } else {
        id[rt] = -2;  // rejected by size
      }
    }
    labels[i] = id[rt] >= 0 ? id[rt] : -1;
  }
  out.cluster_count = static_cast<std::size_t>(next);
}

}  // namespace

void euclidean_clusters_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi,
                            std::span<const std::uint8_t> exclude, const ClusterParams& params, ClusterResult& out) {
  const std::size_t n = xyzi.size() / 4;
  const float* p = xyzi.data();
  const std::uint8_t* ex = exclude.empty() ? nullptr : exclude.data();
  ThreadPool& pool = ctx.threads();
  Scratch& s = ctx.scratch;
  const std::size_t chunks = chunk_count(n, kChunk);

  // Pass 1: bounds and counts of the valid points.
  auto* bounds = s.get<ChunkBounds>(kBounds, chunks);
  pool.run(chunks, [&](std::size_t c) {
    ChunkBounds b{{kFloatMax, kFloatMax, kFloatMax}, {-kFloatMax, -kFloatMax, -kFloatMax}, 0, 0};
    for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
      const float x = p[4 * i], y = p[4 * i + 1], z = p[4 * i + 2];
      if (!is_finite3(x, y, z)) {
        ++b.nonfinite;
        continue;
      }
      if (ex && ex[i]) continue;
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
    bounds[c].valid = (nv += bounds[c].valid) - bounds[c].valid;
    out.nonfinite_count += bounds[c].nonfinite;
  }
  if (nv == 0) {
    std::fill(out.labels.begin(), out.labels.end(), -1);
    return;
  }
  const ClusterGrid g = make_cluster_grid(params.tolerance, lo, hi);
  if (g.bits <= 32)
    cluster_points<std::uint32_t>(ctx, p, n, ex, bounds, chunks, nv, g, params, out);
  else
    cluster_points<std::uint64_t>(ctx, p, n, ex, bounds, chunks, nv, g, params, out);
}

}  // namespace dc::gpu::detail

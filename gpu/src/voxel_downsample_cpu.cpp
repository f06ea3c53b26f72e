#include "voxel_downsample_cpu.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "kernel_math.h"
#include "radix_sort.h"

namespace dc::gpu::detail {

namespace {
constexpr std::size_t kChunk = 16384;
enum Slot {
  kBounds = 0,
  kPairs,
  kPairsTmp,
  kHist,
  kVoxelChunk,
  kTables,
  kRankOf,
  kPartOffset,
  kAccsOf,
  kPartList,
  kPartCount
};
enum TaskSlot { kTable = 0, kAccs, kAccsParked };

// From this many points on, voxels are accumulated through hash tables instead of a sort of all points: large
// (dense) clouds have many points per voxel, and gathering them in voxel order is then dominated by cache misses.
constexpr std::size_t kHashedFrom = std::size_t{1} << 18;

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

namespace {

// Four-lane float helpers for the bounds pass (x y z intensity at once); GCC / Clang vector extensions where
// available, plain arrays otherwise.
#if defined(__GNUC__)
typedef float Lanes4 __attribute__((vector_size(16)));
inline Lanes4 load4(const float* q) {
  Lanes4 v;
  std::memcpy(&v, q, sizeof v);
  return v;
}
inline Lanes4 splat4(float x) {
  return Lanes4{x, x, x, x};
}
inline Lanes4 min4(Lanes4 a, Lanes4 b) {
  return a < b ? a : b;
}
inline Lanes4 max4(Lanes4 a, Lanes4 b) {
  return a > b ? a : b;
}
inline Lanes4 nan_lanes(Lanes4 v) {
  return v != v ? splat4(1.0f) : splat4(0.0f);
}  // 1 where NaN
typedef std::int32_t Ints4 __attribute__((vector_size(16)));
constexpr bool kHaveLanes = true;
#else
constexpr bool kHaveLanes = false;
struct Lanes4 {
  float v[4];
  float operator[](int k) const { return v[k]; }
};
inline Lanes4 load4(const float* q) {
  return {{q[0], q[1], q[2], q[3]}};
}
inline Lanes4 splat4(float x) {
  return {{x, x, x, x}};
}
inline Lanes4 min4(Lanes4 a, Lanes4 b) {
  for (int k = 0; k < 4; ++k) a.v[k] = a.v[k] < b.v[k] ? a.v[k] : b.v[k];
  return a;
}
inline Lanes4 max4(Lanes4 a, Lanes4 b) {
  for (int k = 0; k < 4; ++k) a.v[k] = a.v[k] > b.v[k] ? a.v[k] : b.v[k];
  return a;
}
inline Lanes4 nan_lanes(Lanes4 v) {
  for (int k = 0; k < 4; ++k) v.v[k] = v.v[k] != v.v[k] ? 1.0f : 0.0f;
  return v;
}
#endif

// The points are gathered in voxel order, i.e. from scattered addresses.
inline void prefetch(const float* q) {
#if defined(__GNUC__)
  __builtin_prefetch(q);
#else
  (void)q;
#endif
}

template <class Key>
struct VoxelAcc {
  Key key;
  std::uint32_t count;
  double sx, sy, sz, si;
};

inline std::uint64_t mix_key(std::uint64_t k) {
  k *= 0x9E3779B97F4A7C15ull;
  return k ^ (k >> 31);
}

// Each task owns the voxels whose key hashes to it and scans all points in input order, so every voxel sums its
// points in input order, exactly as the sorted path and the CUDA path do, for any number of tasks. Then the voxels
// (far fewer than points) are sorted by key.
template <class Key>
void voxelize_hashed(KernelContext::Impl& ctx, const float* p, std::size_t n, const KeyIndex<Key>* keyed, Key sentinel,
                     int bits, const VoxelParams& params, VoxelResult& out) {
  ThreadPool& pool = ctx.threads();
  Scratch& s = ctx.scratch;
  constexpr std::size_t kMaxParts = 64;
  const std::size_t parts = std::min<std::size_t>(pool.size(), kMaxParts);
  Scratch* part_scratch = ctx.task_scratches(parts);
  auto* part_size = s.get<std::size_t>(kPartOffset, parts + 1);
  auto** accs_of = s.get<VoxelAcc<Key>*>(kAccsOf, parts);
  struct Table {
    const std::uint32_t* slots;
    std::size_t cap;
  };
  auto* tables = s.get<Table>(kTables, parts);
  // Indices of each task's points, in input order (counted per chunk, then written at the chunk's offsets), so no
  // task has to skip the others' points.
  const std::size_t chunks = chunk_count(n, kChunk);
  auto* part_count = s.get<std::size_t>(kPartCount, chunks * parts + 1);
  auto* part_list = parts > 1 ? s.get<std::uint32_t>(kPartList, n) : nullptr;
  // Task of a voxel from the hash's high bits (multiply-shift: no division per point); the table uses the low bits.
  auto part_of = [&](Key key) { return static_cast<std::size_t>(((mix_key(key) >> 32) * parts) >> 32); };
  if (parts > 1) {
    // Counters live on the stack while counting: neighbouring chunks' counters share cache lines.
    pool.run(chunks, [&](std::size_t c) {
      std::size_t pc[kMaxParts] = {};
      for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i)
        if (keyed[i].key != sentinel) ++pc[part_of(keyed[i].key)];
      std::copy(pc, pc + parts, part_count + c * parts);
    });
    std::size_t offset = 0;
    for (std::size_t t = 0; t < parts; ++t) {
      for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t k = part_count[c * parts + t];
        part_count[c * parts + t] = offset;
        offset += k;
      }
    }
    part_count[chunks * parts] = offset;
    pool.run(chunks, [&](std::size_t c) {
      std::size_t pc[kMaxParts];
      std::copy(part_count + c * parts, part_count + (c + 1) * parts, pc);
      for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i)
        if (keyed[i].key != sentinel) part_list[pc[part_of(keyed[i].key)]++] = static_cast<std::uint32_t>(i);
      std::copy(pc, pc + parts, part_count + c * parts);
    });
  }
  pool.run(parts, [&](std::size_t t) {
    Scratch& ps = part_scratch[t];
    std::size_t cap = 4096;
    while (cap < n / parts / 4) cap <<= 1;
    auto* table = ps.get<std::uint32_t>(kTable, cap);  // slot + 1, 0 = empty
    auto* accs = ps.get<VoxelAcc<Key>>(kAccs, cap / 2);
    std::fill(table, table + cap, 0u);
    std::size_t used = 0;
    // Task t's indices: all of them with one task, else its runs [t == 0 ? 0 : end of task t-1, end of task t).
    const std::size_t first = parts == 1 ? 0 : (t == 0 ? 0 : part_count[(chunks - 1) * parts + t - 1]);
    const std::size_t last = parts == 1 ? n : part_count[(chunks - 1) * parts + t];
    for (std::size_t k = first; k < last; ++k) {
      const std::size_t i = parts == 1 ? k : part_list[k];
      const Key key = keyed[i].key;
      if (key == sentinel) continue;
      const std::uint64_t h = mix_key(key);
      std::size_t pos = h & (cap - 1);
      std::uint32_t slot;
      for (;;) {
        const std::uint32_t e = table[pos];
        if (e == 0) {
          if (used == cap / 2) {  // half full: double and reinsert
            cap <<= 1;
            auto* grown_accs = ps.get<VoxelAcc<Key>>(kAccsParked, used);  // parked while the table regrows
            std::copy(accs, accs + used, grown_accs);
            table = ps.get<std::uint32_t>(kTable, cap);
            accs = ps.get<VoxelAcc<Key>>(kAccs, cap / 2);
            std::copy(grown_accs, grown_accs + used, accs);
            std::fill(table, table + cap, 0u);
            for (std::size_t k = 0; k < used; ++k) {
              std::size_t q = mix_key(accs[k].key) & (cap - 1);
              while (table[q]) q = (q + 1) & (cap - 1);
              table[q] = static_cast<std::uint32_t>(k + 1);
            }
            pos = h & (cap - 1);
            continue;
          }
          slot = static_cast<std::uint32_t>(used++);
          table[pos] = slot + 1;
          accs[slot] = {key, 0, 0, 0, 0, 0};
          break;
        }
        if (accs[e - 1].key == key) {
          slot = e - 1;
          break;
        }
        pos = (pos + 1) & (cap - 1);
      }
      VoxelAcc<Key>& a = accs[slot];
      const float* q = p + 4 * i;
      a.sx += q[0], a.sy += q[1], a.sz += q[2], a.si += q[3];
      ++a.count;
    }
    part_size[t] = used;
    accs_of[t] = accs;
    tables[t] = {table, cap};
  });
  std::size_t voxels = 0;
  for (std::size_t t = 0; t < parts; ++t) part_size[t] = (voxels += part_size[t]) - part_size[t];
  part_size[parts] = voxels;

  // Sort the voxels by key; the index names (task, slot) through the task offsets.
  auto* order = s.get<KeyIndex<Key>>(kPairsTmp, voxels);
  auto* order_tmp = s.get<KeyIndex<Key>>(kVoxelChunk, voxels);
  pool.run(parts, [&](std::size_t t) {
    for (std::size_t k = part_size[t]; k < part_size[t + 1]; ++k)
      order[k] = {accs_of[t][k - part_size[t]].key, static_cast<std::uint32_t>(k)};
  });
  radix_sort(pool, s, kHist, order, order_tmp, voxels, bits);

  out.voxel_count = voxels;
  out.centroids.resize(4 * voxels);
  out.counts.resize(voxels);
  float* cen = out.centroids.data();
  std::uint32_t* cnt = out.counts.data();
  auto* rank_of = params.point_voxel ? s.get<std::int32_t>(kRankOf, voxels) : nullptr;
  constexpr std::size_t kVoxelsPerTask = 8192;
  pool.run(chunk_count(voxels, kVoxelsPerTask), [&](std::size_t c) {
    for (std::size_t v = chunk_begin(c, kVoxelsPerTask), e = chunk_end(c, kVoxelsPerTask, voxels); v < e; ++v) {
      const std::size_t g = order[v].index;
      const std::size_t t =
          static_cast<std::size_t>(std::upper_bound(part_size + 1, part_size + parts + 1, g) - (part_size + 1));
      const VoxelAcc<Key>& a = accs_of[t][g - part_size[t]];
      cen[4 * v] = static_cast<float>(a.sx / a.count);
      cen[4 * v + 1] = static_cast<float>(a.sy / a.count);
      cen[4 * v + 2] = static_cast<float>(a.sz / a.count);
      cen[4 * v + 3] = static_cast<float>(a.si / a.count);
      cnt[v] = a.count;
      if (rank_of) rank_of[g] = static_cast<std::int32_t>(v);
    }
  });
  if (!params.point_voxel) return;
  // Each point finds its voxel again in its task's table (read-only lookups).
  std::int32_t* vop = out.voxel_of_point.data();
  pool.run(chunk_count(n, kChunk), [&](std::size_t c) {
    for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
      const Key key = keyed[i].key;
      if (key == sentinel) {
        vop[i] = -1;
        continue;
      }
      const std::size_t t = part_of(key);
      const Table& tb = tables[t];
      std::size_t pos = mix_key(key) & (tb.cap - 1);
      while (accs_of[t][tb.slots[pos] - 1].key != key) pos = (pos + 1) & (tb.cap - 1);
      vop[i] = rank_of[part_size[t] + tb.slots[pos] - 1];
    }
  });
}

// Keys: cell index relative to the grid's minimum, ordered (z, y, x); non-finite points get the sentinel `cells`,
// which sorts after every voxel. Then a stable sort, and one pass that sums each voxel's points in input order.
template <class Key>
void voxelize(KernelContext::Impl& ctx, const float* p, std::size_t n, float inv, const VoxelGrid& g, bool all_finite,
              const VoxelParams& params, VoxelResult& out) {
  ThreadPool& pool = ctx.threads();
  Scratch& s = ctx.scratch;
  const std::size_t chunks = chunk_count(n, kChunk);
  auto* pairs = s.get<KeyIndex<Key>>(kPairs, n);
  auto* nonfinite = s.get<std::size_t>(kBounds, chunks);  // reuses the bounds slot
  const auto sentinel = static_cast<Key>(g.cells);
  constexpr std::int64_t kInt32Safe = std::int64_t{1} << 30;
  const bool int32_cells = g.min_cell[0] > -kInt32Safe && g.min_cell[1] > -kInt32Safe && g.min_cell[2] > -kInt32Safe &&
                           g.min_cell[0] + static_cast<std::int64_t>(g.dims[0]) < kInt32Safe &&
                           g.min_cell[1] + static_cast<std::int64_t>(g.dims[1]) < kInt32Safe &&
                           g.min_cell[2] + static_cast<std::int64_t>(g.dims[2]) < kInt32Safe;
#if defined(__GNUC__)
  if (all_finite && int32_cells) {
    // No non-finite point and cells within int32: all three floors at once. Truncate, then subtract one where
    // that rounded up (the comparison mask is -1), which is floor exactly.
    const Lanes4 scale{inv, inv, inv, 0.0f};
    const Ints4 base{static_cast<std::int32_t>(g.min_cell[0]), static_cast<std::int32_t>(g.min_cell[1]),
                     static_cast<std::int32_t>(g.min_cell[2]), 0};
    const Key d0 = static_cast<Key>(g.dims[0]), d1 = static_cast<Key>(g.dims[1]);
    pool.run(chunks, [&](std::size_t c) {
      for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
        Lanes4 v = load4(p + 4 * i) * scale;
        v[3] = 0.0f;  // intensity * 0 may be NaN
        Ints4 t = __builtin_convertvector(v, Ints4);
        t += (v < __builtin_convertvector(t, Lanes4));
        t -= base;
        const Key key = static_cast<Key>(t[0]) + d0 * (static_cast<Key>(t[1]) + d1 * static_cast<Key>(t[2]));
        pairs[i] = {key, static_cast<std::uint32_t>(i)};
      }
      nonfinite[c] = 0;
    });
  } else
#endif
    pool.run(chunks, [&](std::size_t c) {
      std::size_t bad = 0;
      for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
        const float x = p[4 * i], y = p[4 * i + 1], z = p[4 * i + 2];
        Key key = sentinel;
        if (is_finite3(x, y, z)) {
          const auto ix = static_cast<Key>(floor_to_int(x * inv) - g.min_cell[0]);
          const auto iy = static_cast<Key>(floor_to_int(y * inv) - g.min_cell[1]);
          const auto iz = static_cast<Key>(floor_to_int(z * inv) - g.min_cell[2]);
          key = ix + static_cast<Key>(g.dims[0]) * (iy + static_cast<Key>(g.dims[1]) * iz);
        } else {
          ++bad;
        }
        pairs[i] = {key, static_cast<std::uint32_t>(i)};
      }
      nonfinite[c] = bad;
    });
  for (std::size_t c = 0; c < chunks; ++c) out.nonfinite_count += nonfinite[c];
  const std::size_t nv = n - out.nonfinite_count;
  if (n >= kHashedFrom) {
    voxelize_hashed<Key>(ctx, p, n, pairs, sentinel, g.bits, params, out);
    return;
  }
  auto* tmp = s.get<KeyIndex<Key>>(kPairsTmp, n);
  radix_sort(pool, s, kHist, pairs, tmp, n, g.bits);
  const KeyIndex<Key>* sorted = pairs;

  // Voxels starting in each chunk of the sorted valid points, then per chunk the sums of those voxels (a voxel
  // belongs to the chunk holding its first point and may run past the chunk's end).
  const std::size_t schunks = chunk_count(nv, kChunk);
  auto* first_voxel = s.get<std::size_t>(kVoxelChunk, schunks + 1);
  pool.run(schunks, [&](std::size_t c) {
    std::size_t heads = 0;
    for (std::size_t j = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, nv); j < e; ++j)
      heads += (j == 0 || sorted[j].key != sorted[j - 1].key);
    first_voxel[c] = heads;
  });
  std::size_t voxels = 0;
  for (std::size_t c = 0; c < schunks; ++c) first_voxel[c] = (voxels += first_voxel[c]) - first_voxel[c];
  out.voxel_count = voxels;
  out.centroids.resize(4 * voxels);
  out.counts.resize(voxels);
  float* cen = out.centroids.data();
  std::uint32_t* cnt = out.counts.data();
  std::int32_t* vop = params.point_voxel ? out.voxel_of_point.data() : nullptr;
  if (vop) std::fill(out.voxel_of_point.begin(), out.voxel_of_point.end(), -1);
  pool.run(schunks, [&](std::size_t c) {
    std::size_t v = first_voxel[c];
    const std::size_t e = chunk_end(c, kChunk, nv);
    std::size_t j = chunk_begin(c, kChunk);
    while (j < e && j > 0 && sorted[j].key == sorted[j - 1].key) ++j;  // the previous chunk's last voxel
    while (j < e) {
      const Key key = sorted[j].key;
      double sx = 0, sy = 0, sz = 0, si = 0;
      std::uint32_t k = 0;
      for (; j < nv && sorted[j].key == key; ++j, ++k) {
        if (j + 8 < nv) prefetch(p + 4 * static_cast<std::size_t>(sorted[j + 8].index));
        const float* q = p + 4 * static_cast<std::size_t>(sorted[j].index);
        sx += q[0], sy += q[1], sz += q[2], si += q[3];
        if (vop) vop[sorted[j].index] = static_cast<std::int32_t>(v);
      }
      cen[4 * v] = static_cast<float>(sx / k);
      cen[4 * v + 1] = static_cast<float>(sy / k);
      cen[4 * v + 2] = static_cast<float>(sz / k);
      cen[4 * v + 3] = static_cast<float>(si / k);
      cnt[v] = k;
      ++v;
    }
  });
}

// Bounds of the finite points. The fast pass takes lane-wise min / max over all four floats, which skips NaN by
// itself; only when it meets an infinity or an out-of-range value does the checked pass run.
// `all_finite` tells whether the fast pass proved that no coordinate is NaN or infinite.
bool finite_bounds(KernelContext::Impl& ctx, const float* p, std::size_t n, float inv, float lo[3], float hi[3],
                   bool& all_finite) {
  ThreadPool& pool = ctx.threads();
  const std::size_t chunks = chunk_count(n, kChunk);
  auto* bounds = ctx.scratch.get<ChunkBounds>(kBounds, chunks);
  pool.run(chunks, [&](std::size_t c) {
    Lanes4 l = splat4(kFloatMax), h = splat4(-kFloatMax), nan = splat4(0.0f);
    for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
      const Lanes4 v = load4(p + 4 * i);
      l = min4(v, l);  // a NaN lane keeps the old value
      h = max4(v, h);
      nan = max4(nan_lanes(v), nan);
    }
    bounds[c] = {{l[0], l[1], l[2]}, {h[0], h[1], h[2]}, 0, (nan[0] + nan[1] + nan[2]) > 0.0f ? 1u : 0u};
  });
  for (int a = 0; a < 3; ++a) lo[a] = kFloatMax, hi[a] = -kFloatMax;
  std::size_t nan_points = 0;
  for (std::size_t c = 0; c < chunks; ++c) {
    nan_points += bounds[c].nonfinite;
    for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], bounds[c].lo[a]), hi[a] = std::max(hi[a], bounds[c].hi[a]);
  }
  bool sane = true;
  for (int a = 0; a < 3; ++a)
    sane =
        sane && is_finite(lo[a]) && is_finite(hi[a]) && voxel_cell_range_ok(floor_f(lo[a] * inv), floor_f(hi[a] * inv));
  // Sane bounds exclude infinities, so without NaN every point is finite.
  all_finite = sane && nan_points == 0;
  if (sane) return true;
  pool.run(chunks, [&](std::size_t c) {
    ChunkBounds b{{kFloatMax, kFloatMax, kFloatMax}, {-kFloatMax, -kFloatMax, -kFloatMax}, 0, 0};
    for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
      const float x = p[4 * i], y = p[4 * i + 1], z = p[4 * i + 2];
      if (!is_finite3(x, y, z)) continue;
      ++b.valid;
      b.lo[0] = std::min(b.lo[0], x), b.hi[0] = std::max(b.hi[0], x);
      b.lo[1] = std::min(b.lo[1], y), b.hi[1] = std::max(b.hi[1], y);
      b.lo[2] = std::min(b.lo[2], z), b.hi[2] = std::max(b.hi[2], z);
    }
    bounds[c] = b;
  });
  std::size_t valid = 0;
  for (int a = 0; a < 3; ++a) lo[a] = kFloatMax, hi[a] = -kFloatMax;
  for (std::size_t c = 0; c < chunks; ++c) {
    valid += bounds[c].valid;
    for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], bounds[c].lo[a]), hi[a] = std::max(hi[a], bounds[c].hi[a]);
  }
  return valid > 0;
}

}  // namespace

void voxel_downsample_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi, const VoxelParams& params,
                          VoxelResult& out) {
  const std::size_t n = xyzi.size() / 4;
  const float* p = xyzi.data();
  const float inv = 1.0f / params.leaf_size;  // PCL: inverse_leaf_size_ = 1 / leaf (float)
  float lo[3], hi[3];
  bool all_finite = false;
  // floor(x * inv) is monotone in x, so the cell bounds follow from the coordinate bounds.
  if (n == 0 || !finite_bounds(ctx, p, n, inv, lo, hi, all_finite) || lo[0] > hi[0]) {
    std::size_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) bad += !is_finite3(p[4 * i], p[4 * i + 1], p[4 * i + 2]);
    out.nonfinite_count = bad;
    if (params.point_voxel) std::fill(out.voxel_of_point.begin(), out.voxel_of_point.end(), -1);
    return;
  }
  float lo_cell[3], hi_cell[3];
  for (int a = 0; a < 3; ++a) lo_cell[a] = floor_f(lo[a] * inv), hi_cell[a] = floor_f(hi[a] * inv);
  const VoxelGrid g = make_voxel_grid(lo_cell, hi_cell, true);
  if (g.bits <= 32)
    voxelize<std::uint32_t>(ctx, p, n, inv, g, all_finite && kHaveLanes, params, out);
  else
    voxelize<std::uint64_t>(ctx, p, n, inv, g, all_finite && kHaveLanes, params, out);
}

}  // namespace dc::gpu::detail

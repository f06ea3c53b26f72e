#include "points_in_boxes_cpu.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernel_math.h"

namespace dc::gpu::detail {

namespace {

constexpr std::size_t kChunk = 16384;
enum Slot { kPrepared = 0, kCellCount, kCellList, kChunkCounts };

// Uniform xy grid over the boxes' footprints; each cell lists the boxes whose footprint overlaps it (ascending),
// so a point tests only the few boxes around it.
struct BoxGrid {
  float x0 = 0, y0 = 0, inv = 1;
  int nx = 0, ny = 0;
  const std::uint32_t* start = nullptr;  // nx * ny + 1
  const std::uint32_t* list = nullptr;

  // Cell of a point, or -1 when it is outside every footprint's bounds.
  long cell(float x, float y) const {
    const float gx = (x - x0) * inv, gy = (y - y0) * inv;
    if (!(gx >= 0.0f && gy >= 0.0f && gx < static_cast<float>(nx) && gy < static_cast<float>(ny))) return -1;
    return static_cast<long>(gy) * nx + static_cast<long>(gx);
  }
};

// Footprint bounds of a box, widened a little so float rounding of the grid never drops a boundary point.
void footprint(const Box3f& b, const PreparedBox& p, double lo[2], double hi[2]) {
  const double ex = std::abs(double(p.c)) * p.hl + std::abs(double(p.s)) * p.hw;
  const double ey = std::abs(double(p.s)) * p.hl + std::abs(double(p.c)) * p.hw;
  const double pad = 1e-4 + 1e-6 * (std::abs(double(b.cx)) + std::abs(double(b.cy)) + ex + ey);
  lo[0] = b.cx - ex - pad, hi[0] = b.cx + ex + pad;
  lo[1] = b.cy - ey - pad, hi[1] = b.cy + ey + pad;
}

}  // namespace

void points_in_boxes_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi, std::span<const Box3f> boxes,
                         const BoxParams& params, BoxResult& out) {
  const std::size_t n = xyzi.size() / 4;
  const std::size_t nb = boxes.size();
  const float* p = xyzi.data();
  ThreadPool& pool = ctx.threads();
  Scratch& s = ctx.scratch;

  auto* prepared = s.get<PreparedBox>(kPrepared, nb);
  double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
  double extent_sum = 0;
  for (std::size_t b = 0; b < nb; ++b) {
    prepared[b] = prepare_box(boxes[b]);
    double bl[2], bh[2];
    footprint(boxes[b], prepared[b], bl, bh);
    lo[0] = std::min(lo[0], bl[0]), lo[1] = std::min(lo[1], bl[1]);
    hi[0] = std::max(hi[0], bh[0]), hi[1] = std::max(hi[1], bh[1]);
    extent_sum += std::max(bh[0] - bl[0], bh[1] - bl[1]);
  }

  BoxGrid grid;
  if (nb > 0) {
    // Cells half the size of an average footprint, at most 512 x 512. A footprint's padding exceeds the float
    // rounding of a point's cell, so boxes are listed only in the cells their padded footprint touches.
    const double size =
        std::max({0.5 * extent_sum / static_cast<double>(nb), (hi[0] - lo[0]) / 512.0, (hi[1] - lo[1]) / 512.0, 1e-3});
    grid.nx = std::max(1, static_cast<int>(std::ceil((hi[0] - lo[0]) / size)));
    grid.ny = std::max(1, static_cast<int>(std::ceil((hi[1] - lo[1]) / size)));
    grid.x0 = static_cast<float>(lo[0]), grid.y0 = static_cast<float>(lo[1]);
    grid.inv = static_cast<float>(1.0 / size);
    const std::size_t ncells = static_cast<std::size_t>(grid.nx) * static_cast<std::size_t>(grid.ny);
    auto* start = s.get<std::uint32_t>(kCellCount, ncells + 1);
    std::fill(start, start + ncells + 1, 0u);
    auto cell_range = [&](std::size_t b, int r[4]) {
      double bl[2], bh[2];
      footprint(boxes[b], prepared[b], bl, bh);
      r[0] = std::clamp(static_cast<int>(std::floor((bl[0] - lo[0]) / size)), 0, grid.nx - 1);
      r[1] = std::clamp(static_cast<int>(std::floor((bh[0] - lo[0]) / size)), 0, grid.nx - 1);
      r[2] = std::clamp(static_cast<int>(std::floor((bl[1] - lo[1]) / size)), 0, grid.ny - 1);
      r[3] = std::clamp(static_cast<int>(std::floor((bh[1] - lo[1]) / size)), 0, grid.ny - 1);
    };
    std::size_t entries = 0;
    for (std::size_t b = 0; b < nb; ++b) {
      int r[4];
      cell_range(b, r);
      for (int y = r[2]; y <= r[3]; ++y)
        for (int x = r[0]; x <= r[1]; ++x) ++start[static_cast<std::size_t>(y) * grid.nx + x + 1], ++entries;
    }
    for (std::size_t c = 0; c < ncells; ++c) start[c + 1] += start[c];
    auto* list = s.get<std::uint32_t>(kCellList, entries);
    auto* fill = s.get<std::uint32_t>(kChunkCounts, ncells);  // temporary cursor, reused below
    std::copy(start, start + ncells, fill);
    for (std::size_t b = 0; b < nb; ++b) {
      int r[4];
      cell_range(b, r);
      for (int y = r[2]; y <= r[3]; ++y)
        for (int x = r[0]; x <= r[1]; ++x)
          list[fill[static_cast<std::size_t>(y) * grid.nx + x]++] = static_cast<std::uint32_t>(b);
    }
    grid.start = start, grid.list = list;
  }

  // Per chunk and box counts (then, with indices, per chunk and box write cursors).
  const std::size_t chunks = chunk_count(n, kChunk);
  auto* chunk_counts = s.get<std::uint32_t>(kChunkCounts, chunks * (nb + 1));
  auto for_each_hit = [&](std::size_t c, auto&& hit) {
    std::uint32_t nonfinite = 0;
    for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
      const float x = p[4 * i], y = p[4 * i + 1], z = p[4 * i + 2];
      if (!is_finite3(x, y, z)) {
        ++nonfinite;
        continue;
      }
      if (nb == 0) continue;
      const long cell = grid.cell(x, y);
      if (cell < 0) continue;
      for (std::uint32_t k = grid.start[cell]; k < grid.start[cell + 1]; ++k) {
        const std::uint32_t b = grid.list[k];
        if (point_in_box(prepared[b], x, y, z)) hit(b, static_cast<std::uint32_t>(i));
      }
    }
    return nonfinite;
  };
  pool.run(chunks, [&](std::size_t c) {
    std::uint32_t* cc = chunk_counts + c * (nb + 1);
    std::fill(cc, cc + nb, 0u);
    cc[nb] = for_each_hit(c, [&](std::uint32_t b, std::uint32_t) { ++cc[b]; });
  });
  for (std::size_t c = 0; c < chunks; ++c) {
    const std::uint32_t* cc = chunk_counts + c * (nb + 1);
    for (std::size_t b = 0; b < nb; ++b) out.counts[b] += cc[b];
    out.nonfinite_count += cc[nb];
  }
  if (!params.indices) return;

  out.offsets.resize(nb + 1);
  out.offsets[0] = 0;
  for (std::size_t b = 0; b < nb; ++b) out.offsets[b + 1] = out.offsets[b] + out.counts[b];
  out.indices.resize(out.offsets[nb]);
  // Cursor of (chunk, box) = box offset + counts of the earlier chunks: indices come out ascending per box.
  for (std::size_t b = 0; b < nb; ++b) {
    std::uint32_t cursor = out.offsets[b];
    for (std::size_t c = 0; c < chunks; ++c) {
      std::uint32_t& cc = chunk_counts[c * (nb + 1) + b];
      const std::uint32_t k = cc;
      cc = cursor;
      cursor += k;
    }
  }
  std::uint32_t* idx = out.indices.data();
  pool.run(chunks, [&](std::size_t c) {
    std::uint32_t* cursor = chunk_counts + c * (nb + 1);
    for_each_hit(c, [&](std::uint32_t b, std::uint32_t i) { idx[cursor[b]++] = i; });
  });
}

}  // namespace dc::gpu::detail

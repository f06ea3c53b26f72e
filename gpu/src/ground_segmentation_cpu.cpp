#include "ground_segmentation_cpu.h"

#include <algorithm>
#include <cstdint>

#include "kernel_math.h"
#include "ransac.h"

namespace dc::gpu::detail {

namespace {

constexpr std::size_t kChunk = 8192;  // points per task; three float arrays of a chunk stay in L2
enum Slot { kXs = 0, kYs, kZs, kFinite, kCounts, kMoments };

// Written so the compiler vectorizes it: no branches, one IEEE operation per step as in plane_inlier().
std::uint32_t count_inliers(const float* xs, const float* ys, const float* zs, std::size_t b, std::size_t e,
                            const Plane4f& pl, float t) {
  std::uint32_t count = 0;
  for (std::size_t k = b; k < e; ++k) count += abs_f(pl.a * xs[k] + pl.b * ys[k] + pl.c * zs[k] + pl.d) < t;
  return count;
}

}  // namespace

void segment_ground_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi, const GroundParams& params,
                        GroundResult& out) {
  const std::size_t n = xyzi.size() / 4;
  const float* p = xyzi.data();
  const float t = params.distance_threshold;
  ThreadPool& pool = ctx.threads();
  Scratch& s = ctx.scratch;
  const std::size_t chunks = chunk_count(n, kChunk);

  // Structure of arrays for vectorized scoring; non-finite points stay as they are and never pass the test.
  auto* xs = s.get<float>(kXs, n);
  auto* ys = s.get<float>(kYs, n);
  auto* zs = s.get<float>(kZs, n);
  auto* finite = s.get<std::size_t>(kFinite, chunks);
  pool.run(chunks, [&](std::size_t c) {
    std::size_t f = 0;
    for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
      xs[i] = p[4 * i], ys[i] = p[4 * i + 1], zs[i] = p[4 * i + 2];
      f += is_finite3(xs[i], ys[i], zs[i]);
    }
    finite[c] = f;
  });
  std::size_t n_finite = 0;
  for (std::size_t c = 0; c < chunks; ++c) n_finite += finite[c];
  out.nonfinite_count = n - n_finite;
  std::uint8_t* mask = out.inlier_mask.data();
  if (n_finite < 3) {
    std::fill(out.inlier_mask.begin(), out.inlier_mask.end(), std::uint8_t{0});
    return;
  }

  const double min_nz = min_abs_nz_for_tilt(params.max_tilt_deg);
  RansacSelector selector(n_finite, params.probability, params.max_iterations);
  Hypothesis batch[kRansacBatch];
  Hypothesis best;
  auto* counts = s.get<std::uint32_t>(kCounts, chunks * kRansacBatch);
  int evaluated = 0;
  for (int start = 0; start < params.max_iterations; start += kRansacBatch) {
    const int m = std::min(kRansacBatch, params.max_iterations - start);
    for (int h = 0; h < m; ++h)
      batch[h] = make_hypothesis(p, n, params.seed, static_cast<std::uint32_t>(start + h), min_nz);
    pool.run(chunks, [&](std::size_t c) {
      const std::size_t b = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n);
      for (int h = 0; h < m; ++h)
        counts[c * kRansacBatch + h] = batch[h].valid ? count_inliers(xs, ys, zs, b, e, batch[h].plane, t) : 0;
    });
    for (int h = 0; h < m; ++h) {
      std::size_t total = 0;
      for (std::size_t c = 0; c < chunks; ++c) total += counts[c * kRansacBatch + h];
      const int before = selector.best();
      selector.offer(start + h, batch[h].valid, total);
      if (selector.best() != before) best = batch[h];
    }
    evaluated = start + m;
    if (selector.stop_after(evaluated)) break;
  }
  out.iterations = evaluated;
  if (selector.best() < 0) {
    std::fill(out.inlier_mask.begin(), out.inlier_mask.end(), std::uint8_t{0});
    return;
  }

  Plane4f plane = best.plane;
  if (params.refine) {
    // Moments of the hypothesis' inliers, summed per chunk and then in chunk order (thread-count independent).
    auto* moments = s.get<PlaneMoments>(kMoments, chunks);
    const double ox = best.origin[0], oy = best.origin[1], oz = best.origin[2];
    pool.run(chunks, [&](std::size_t c) {
      PlaneMoments m;
      for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i)
        if (plane_inlier(plane, xs[i], ys[i], zs[i], t)) m.add(xs[i] - ox, ys[i] - oy, zs[i] - oz);
      moments[c] = m;
    });
    PlaneMoments total;
    for (std::size_t c = 0; c < chunks; ++c) total.add(moments[c]);
    Plane4f refit;
    if (fit_plane(total, best.origin, min_nz, refit)) plane = refit;
  }

  pool.run(chunks, [&](std::size_t c) {
    std::size_t k = 0;
    for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
      mask[i] = plane_inlier(plane, xs[i], ys[i], zs[i], t) ? 1 : 0;
      k += mask[i];
    }
    finite[c] = k;
  });
  for (std::size_t c = 0; c < chunks; ++c) out.inlier_count += finite[c];
  out.found = true;
  out.normal[0] = plane.a, out.normal[1] = plane.b, out.normal[2] = plane.c;
  out.d = plane.d;
}

}  // namespace dc::gpu::detail

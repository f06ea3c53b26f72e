#include "edge_alignment_score_cpu.h"

#include <cstdint>

#include "kernel_math.h"

namespace dc::gpu::detail {

namespace {
constexpr std::size_t kChunk = 4096;
enum Slot { kPartial = 0, kPartialIn = 1 };
}  // namespace

void edge_alignment_score_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi,
                              std::span<const Mat3x4f> candidates, const Pinhole& camera, const ImageViewf& distance,
                              const EdgeScoreParams& params, EdgeScoreResult& out) {
  const std::size_t n = xyzi.size() / 4, k = candidates.size();
  const float* p = xyzi.data();
  for (std::size_t i = 0; i < n; ++i) out.nonfinite_count += !is_finite3(p[4 * i], p[4 * i + 1], p[4 * i + 2]);
  if (n == 0 || k == 0) return;
  ThreadPool& pool = ctx.threads();
  const std::size_t chunks = chunk_count(n, kChunk);
  auto* partial = ctx.scratch.get<double>(kPartial, k * chunks);
  auto* partial_in = ctx.scratch.get<std::uint32_t>(kPartialIn, k * chunks);
  float* samples = params.samples ? out.samples.data() : nullptr;

  // One task per (candidate, chunk); per-candidate sums are then added in chunk order.
  pool.run(k * chunks, [&](std::size_t task) {
    const std::size_t cand = task / chunks, c = task % chunks;
    const CameraModel cam = make_camera(candidates[cand], camera, params.near);
    double sum = 0;
    std::uint32_t inside = 0;
    for (std::size_t i = chunk_begin(c, kChunk), e = chunk_end(c, kChunk, n); i < e; ++i) {
      const float x = p[4 * i], y = p[4 * i + 1], z = p[4 * i + 2];
      float value;
      if (!is_finite3(x, y, z)) {
        value = quiet_nan();
      } else {
        double X, Y, Z;
        transform_point<double>(cam.m, x, y, z, X, Y, Z);
        value = params.penalty;
        if (Z > cam.near) {
          double u, v;
          distort_to_pixel<double>(cam, X, Y, Z, u, v);
          bool in = false;
          value = sample_bilinear(distance.data, distance.width, distance.height, distance.stride, u, v, params.penalty,
                                  in);
          inside += in;
        }
        sum += value;
      }
      if (samples) samples[cand * n + i] = value;
    }
    partial[task] = sum;
    partial_in[task] = inside;
  });
  for (std::size_t cand = 0; cand < k; ++cand) {
    double sum = 0;
    std::uint32_t inside = 0;
    for (std::size_t c = 0; c < chunks; ++c) sum += partial[cand * chunks + c], inside += partial_in[cand * chunks + c];
    out.sums[cand] = sum;
    out.in_image[cand] = inside;
  }
}

}  // namespace dc::gpu::detail

#include "project_to_image_cpu.h"

#include <atomic>
#include <bit>
#include <cstdint>

#include "kernel_math.h"

namespace dc::gpu::detail {

namespace {
constexpr std::size_t kChunk = 16384;
constexpr std::uint32_t kInfBits = 0x7f800000u;  // +inf: the z-buffer's empty value
enum Slot { kZBuffer = 0, kChunkCounts = 1 };
}  // namespace

void project_to_image_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi, const Mat3x4f& T, const Pinhole& cam,
                          const ProjectionParams& params, ProjectionResult& out) {
  const std::size_t n = xyzi.size() / 4;
  const CameraModel c = make_camera(T, cam, params.near);
  const std::size_t pixels = static_cast<std::size_t>(cam.width) * static_cast<std::size_t>(cam.height);
  ThreadPool& pool = ctx.threads();

  // Depths are > near >= 0, so their float bits order like the floats and the z-buffer can take an integer min.
  std::uint32_t* zbuf = params.depth_image ? ctx.scratch.get<std::uint32_t>(kZBuffer, pixels) : nullptr;
  if (zbuf) {
    pool.run(chunk_count(pixels, 65536), [&](std::size_t t) {
      for (std::size_t k = chunk_begin(t, 65536), e = chunk_end(t, 65536, pixels); k < e; ++k) zbuf[k] = kInfBits;
    });
  }

  const std::size_t chunks = chunk_count(n, kChunk);
  auto* counts = ctx.scratch.get<std::size_t>(kChunkCounts, 2 * chunks);
  const float* p = xyzi.data();
  float* u = params.per_point ? out.u.data() : nullptr;
  float* v = params.per_point ? out.v.data() : nullptr;
  float* depth = params.per_point ? out.depth.data() : nullptr;
  std::uint8_t* valid = params.per_point ? out.valid.data() : nullptr;

  pool.run(chunks, [&](std::size_t t) {
    std::size_t inside = 0, nonfinite = 0;
    for (std::size_t i = chunk_begin(t, kChunk), e = chunk_end(t, kChunk, n); i < e; ++i) {
      const PointProjection r = project_point(c, p[4 * i], p[4 * i + 1], p[4 * i + 2]);
      if (u) {
        u[i] = r.u, v[i] = r.v, depth[i] = r.z;
        valid[i] = r.status == kProjInside ? 1 : 0;
      }
      nonfinite += r.status == kProjNonFinite;
      if (r.status != kProjInside) continue;
      ++inside;
      if (zbuf) {
        const std::uint32_t bits = std::bit_cast<std::uint32_t>(r.z);
        std::atomic_ref<std::uint32_t> cell(zbuf[static_cast<std::size_t>(r.row) * cam.width + r.col]);
        std::uint32_t cur = cell.load(std::memory_order_relaxed);
        while (bits < cur && !cell.compare_exchange_weak(cur, bits, std::memory_order_relaxed)) {
        }
      }
    }
    counts[2 * t] = inside;
    counts[2 * t + 1] = nonfinite;
  });
  for (std::size_t t = 0; t < chunks; ++t) out.valid_count += counts[2 * t], out.nonfinite_count += counts[2 * t + 1];

  if (zbuf) {
    float* img = out.depth_image.data();
    pool.run(chunk_count(pixels, 65536), [&](std::size_t t) {
      for (std::size_t k = chunk_begin(t, 65536), e = chunk_end(t, 65536, pixels); k < e; ++k)
        img[k] = zbuf[k] == kInfBits ? 0.0f : std::bit_cast<float>(zbuf[k]);
    });
  }
}

}  // namespace dc::gpu::detail

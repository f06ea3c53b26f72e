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

#if defined(__GNUC__)
typedef double Double4 __attribute__((vector_size(32)));  // four points per step, same operations per lane
#endif
// x86-64: an AVX2 clone of the point loop is picked at load time where the CPU has it (no FMA contraction:
// -ffp-contract=off holds for the clone too, so results do not change).
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define DC_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DC_VECTOR_CLONES
#endif

struct Outputs {
  const CameraModel& c;
  double width, height;
  float* u;
  float* v;
  float* depth;
  std::uint8_t* valid;
  std::uint32_t* zbuf;

  // What project_point() decides, without branches on the common path: the same comparisons on the same doubles.
  void finish(std::size_t i, bool finite, double Z, double uu, double vv, std::size_t& inside) const {
    const float nan = quiet_nan();
    const bool front = finite & (Z > c.near);
    const double cu = uu + 0.5, cv = vv + 0.5;  // pixel (i, j) covers [i - 0.5, i + 0.5)
    const bool in = front & (cu >= 0.0) & (cu < width) & (cv >= 0.0) & (cv < height);
    if (u) {
      u[i] = front ? static_cast<float>(uu) : nan;
      v[i] = front ? static_cast<float>(vv) : nan;
      depth[i] = finite ? static_cast<float>(Z) : nan;
      valid[i] = in ? 1 : 0;
    }
    if (!in) return;
    ++inside;
    if (!zbuf) return;
    // Depths are > near >= 0, so their float bits order like the floats and the z-buffer takes an integer min.
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(static_cast<float>(Z));
    std::atomic_ref<std::uint32_t> cell(zbuf[static_cast<std::size_t>(cv) * c.width + static_cast<std::size_t>(cu)]);
    std::uint32_t cur = cell.load(std::memory_order_relaxed);
    while (bits < cur && !cell.compare_exchange_weak(cur, bits, std::memory_order_relaxed)) {
    }
  }
};

DC_VECTOR_CLONES
void project_range(const Outputs& o, const float* p, std::size_t i, std::size_t e, std::size_t& inside,
                   std::size_t& nonfinite) {
  const CameraModel& c = o.c;
#if defined(__GNUC__)
  for (; i + 3 < e; i += 4) {
    const float* q = p + 4 * i;
    const Double4 x{q[0], q[4], q[8], q[12]}, y{q[1], q[5], q[9], q[13]}, z{q[2], q[6], q[10], q[14]};
    Double4 X, Y, Z, uu, vv;
    transform_point<Double4>(c.m, x, y, z, X, Y, Z);
    distort_to_pixel<Double4>(c, X, Y, Z, uu, vv);
    for (int k = 0; k < 4; ++k) {
      const bool f = is_finite3(q[4 * k], q[4 * k + 1], q[4 * k + 2]);
      nonfinite += !f;
      o.finish(i + static_cast<std::size_t>(k), f, Z[k], uu[k], vv[k], inside);
    }
  }
#endif
  for (; i < e; ++i) {
    const float* q = p + 4 * i;
    double X, Y, Z, uu, vv;
    transform_point<double>(c.m, q[0], q[1], q[2], X, Y, Z);
    distort_to_pixel<double>(c, X, Y, Z, uu, vv);
    const bool f = is_finite3(q[0], q[1], q[2]);
    nonfinite += !f;
    o.finish(i, f, Z, uu, vv, inside);
  }
}

}  // namespace

void project_to_image_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi, const Mat3x4f& T, const Pinhole& cam,
                          const ProjectionParams& params, ProjectionResult& out) {
  const std::size_t n = xyzi.size() / 4;
  const CameraModel c = make_camera(T, cam, params.near);
  const std::size_t pixels = static_cast<std::size_t>(cam.width) * static_cast<std::size_t>(cam.height);
  ThreadPool& pool = ctx.threads();

  std::uint32_t* zbuf = params.depth_image ? ctx.scratch.get<std::uint32_t>(kZBuffer, pixels) : nullptr;
  if (zbuf) {
    pool.run(chunk_count(pixels, 65536), [&](std::size_t t) {
      for (std::size_t k = chunk_begin(t, 65536), e = chunk_end(t, 65536, pixels); k < e; ++k) zbuf[k] = kInfBits;
    });
  }

  const std::size_t chunks = chunk_count(n, kChunk);
  auto* counts = ctx.scratch.get<std::size_t>(kChunkCounts, 2 * chunks);
  const float* p = xyzi.data();
  const Outputs o{c,
                  static_cast<double>(cam.width),
                  static_cast<double>(cam.height),
                  params.per_point ? out.u.data() : nullptr,
                  params.per_point ? out.v.data() : nullptr,
                  params.per_point ? out.depth.data() : nullptr,
                  params.per_point ? out.valid.data() : nullptr,
                  zbuf};

  pool.run(chunks, [&](std::size_t t) {
    std::size_t inside = 0, nonfinite = 0;
    project_range(o, p, chunk_begin(t, kChunk), chunk_end(t, kChunk, n), inside, nonfinite);
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

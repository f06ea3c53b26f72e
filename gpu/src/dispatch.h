#pragma once
#include <chrono>
#include <cstddef>
#include <exception>
#include <span>
#include <stdexcept>
#include <string>

#include "context_impl.h"
#include "dc/gpu/compute_device.h"

namespace dc::gpu::detail {

inline void check_points(std::span<const float> xyzi, const char* kernel) {
  if (xyzi.size() % 4 != 0)
    throw std::invalid_argument(std::string(kernel) + ": point array size " + std::to_string(xyzi.size()) +
                                " is not a multiple of 4 (x y z intensity)");
}

// Runs the CUDA implementation when the context resolves to CUDA, and the CPU one otherwise or when CUDA fails
// (the reason is kept in last_error). Fills the backend and wall time of the stats.
template <class CudaFn, class CpuFn>
Backend dispatch(KernelContext::Impl& ctx, CudaFn&& cuda_fn, CpuFn&& cpu_fn) {
  const auto t0 = std::chrono::steady_clock::now();
  ctx.stats = {};
  ctx.last_error.clear();
  Backend used = Backend::Cpu;
  if (resolve_backend(ctx.preference) == Backend::Cuda) {
    try {
      cuda_fn();
      used = Backend::Cuda;
    } catch (const std::invalid_argument&) {
      throw;
    } catch (const std::exception& e) {
      ctx.last_error = e.what();
      ctx.stats = {};
      report_fallback(std::string("CUDA failed, ran on the CPU instead: ") + e.what());
    }
  }
  if (used == Backend::Cpu) cpu_fn();
  ctx.stats.backend = used;
  ctx.stats.total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (used == Backend::Cpu) ctx.stats.compute_ms = ctx.stats.total_ms;
  return used;
}

}  // namespace dc::gpu::detail

#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "dc/gpu/compute_device.h"
#include "dc/gpu/export.h"

namespace dc::gpu {

// Timing and traffic of the last kernel call on a context.
struct KernelStats {
  Backend backend = Backend::Cpu;
  double total_ms = 0;     // wall time of the whole call, transfers and host copies included
  double upload_ms = 0;    // CUDA: host-to-device phase
  double compute_ms = 0;   // CUDA: kernels only; CPU: same as total_ms
  double download_ms = 0;  // CUDA: device-to-host phase
  std::size_t bytes_uploaded = 0;
  std::size_t bytes_downloaded = 0;
  std::size_t min_device_bytes = 0;  // lower bound of bytes the kernels must read and write (bandwidth bound)
};

// Reusable scratch memory, CPU worker threads and (with CUDA) streams, device buffers and pinned host buffers.
// Buffers only grow, so repeated calls of similar size allocate nothing. One call at a time per context; use one
// context per thread for concurrent work.
class DC_GPU_API KernelContext {
 public:
  explicit KernelContext(BackendPreference preference = BackendPreference::Auto, unsigned cpu_threads = 0);
  ~KernelContext();
  KernelContext(KernelContext&&) noexcept;
  KernelContext& operator=(KernelContext&&) noexcept;
  KernelContext(const KernelContext&) = delete;
  KernelContext& operator=(const KernelContext&) = delete;

  // A non-Auto preference forces the backend for calls on this context (tests, benchmarks); Auto follows
  // the environment and set_preferred_backend().
  void set_preference(BackendPreference preference);
  BackendPreference preference() const;
  // The backend the next call will run on.
  Backend backend() const;

  // CPU worker threads including the calling thread; 0 = hardware threads. Results do not depend on it.
  void set_cpu_threads(unsigned threads);
  unsigned cpu_threads() const;

  // CUDA: run the phases of a call strictly one after the other, so that upload, compute and download
  // times in last_stats() are separate (no copy/compute overlap).
  void set_profiling(bool on);
  bool profiling() const;

  const KernelStats& last_stats() const;
  // Why the last call fell back from CUDA to the CPU; empty when it did not.
  const std::string& last_error() const;

  struct Impl;
  Impl& impl();

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace dc::gpu

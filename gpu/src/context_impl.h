#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dc/gpu/kernel_context.h"
#include "scratch.h"
#include "thread_pool.h"

namespace dc::gpu::detail {
struct CudaState;  // streams, device and pinned buffers; defined only in the CUDA sources
void destroy_cuda_state(CudaState* state);
}  // namespace dc::gpu::detail

namespace dc::gpu {

struct KernelContext::Impl {
  BackendPreference preference = BackendPreference::Auto;
  unsigned cpu_threads = 0;
  bool profiling = false;
  KernelStats stats;
  std::string last_error;
  detail::Scratch scratch;
  std::vector<detail::Scratch> task_scratch;  // one per parallel task that needs its own buffers
  std::unique_ptr<detail::ThreadPool> pool;   // created on first CPU use
  detail::CudaState* cuda = nullptr;          // created on first CUDA use

  ~Impl();
  detail::ThreadPool& threads();
  // Scratch areas for `tasks` concurrent tasks (index = task); call before the parallel loop.
  detail::Scratch* task_scratches(std::size_t tasks);
};

}  // namespace dc::gpu

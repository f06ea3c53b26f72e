#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace dc::gpu::detail {

// Fixed set of workers that run the tasks of one parallel loop at a time; the calling thread works too.
// Tasks are claimed from an atomic counter, so callers that need thread-count-independent results must make
// each task's output depend only on its index (all kernels do).
class ThreadPool {
 public:
  explicit ThreadPool(unsigned threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }

  // Runs fn(task) for every task in [0, tasks) and returns when all are done. No allocation per call. When a task
  // throws, no new task starts, and the first exception is rethrown here once every worker has left the job
  // (so no worker can still be running on the caller's stack frame).
  template <class Fn>
  void run(std::size_t tasks, Fn&& fn) {
    if (tasks == 0) return;
    if (tasks == 1 || workers_.empty()) {  // exceptions propagate as they are
      for (std::size_t t = 0; t < tasks; ++t) fn(t);
      return;
    }
    using F = std::remove_reference_t<Fn>;
    run_erased(
        tasks, [](void* f, std::size_t t) { (*static_cast<F*>(f))(t); },
        const_cast<void*>(static_cast<const void*>(&fn)));
  }

 private:
  using Call = void (*)(void*, std::size_t);
  void run_erased(std::size_t tasks, Call call, void* fn);
  void worker_loop();
  void work();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::size_t generation_ = 0;
  bool stop_ = false;
  // Current job.
  Call call_ = nullptr;
  void* fn_ = nullptr;
  std::size_t tasks_ = 0;
  std::atomic<std::size_t> next_{0};
  unsigned active_ = 0;  // workers still inside the current job
  std::exception_ptr failure_;  // first exception of the current job
};

// Splits [0, n) into chunks of `chunk` elements: number of chunks and the bounds of one.
inline std::size_t chunk_count(std::size_t n, std::size_t chunk) {
  return (n + chunk - 1) / chunk;
}
inline std::size_t chunk_begin(std::size_t c, std::size_t chunk) {
  return c * chunk;
}
inline std::size_t chunk_end(std::size_t c, std::size_t chunk, std::size_t n) {
  const std::size_t e = (c + 1) * chunk;
  return e < n ? e : n;
}

}  // namespace dc::gpu::detail

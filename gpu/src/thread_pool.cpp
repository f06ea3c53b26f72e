#include "thread_pool.h"

#include <utility>

namespace dc::gpu::detail {

ThreadPool::ThreadPool(unsigned threads) {
  if (threads == 0) threads = 1;
  workers_.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::work() {
  for (;;) {
    const std::size_t t = next_.fetch_add(1, std::memory_order_relaxed);
    if (t >= tasks_) break;
    try {
      call_(fn_, t);
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!failure_) failure_ = std::current_exception();
      next_.store(tasks_, std::memory_order_relaxed);  // no new task starts
    }
  }
}

void ThreadPool::worker_loop() {
  std::size_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    work();
    {
      std::lock_guard lock(mutex_);
      if (--active_ == 0) done_.notify_all();
    }
  }
}

void ThreadPool::run_erased(std::size_t tasks, Call call, void* fn) {
  {
    std::lock_guard lock(mutex_);
    call_ = call;
    fn_ = fn;
    tasks_ = tasks;
    next_.store(0, std::memory_order_relaxed);
    active_ = static_cast<unsigned>(workers_.size());
    failure_ = nullptr;
    ++generation_;
  }
  wake_.notify_all();
  work();
  // Wait until every worker has left the job, so the next job cannot be mixed with this one.
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return active_ == 0; });
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

}  // namespace dc::gpu::detail

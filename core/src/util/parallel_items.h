#pragma once
#include "dc/core/util/progress.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace dc::core {

// Work on `count` items on `threads` threads (0: every core; the calling thread works too), taken in index order.
// `make_worker()` runs once on each thread and returns that thread's item function (so each can own scratch state,
// e.g. a kernel context). Stops taking items when `progress` is cancelled or an item throws; then rethrows the
// first exception, or throws Cancelled.
template <class MakeWorker>
void for_each_item_parallel(std::size_t count, unsigned threads, const Progress& progress, MakeWorker make_worker) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto run = [&] {
    try {
      auto work = make_worker();
      for (std::size_t i = next++; i < count; i = next++) {
        if (stop.load() || progress.cancelled()) {
          stop = true;
          return;
        }
        work(i);
      }
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      stop = true;
    }
  };
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, count)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  if (stop.load() || progress.cancelled()) throw Cancelled();
}

}  // namespace dc::core

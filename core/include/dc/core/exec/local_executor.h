#pragma once
#include "dc/core/exec/pass_runner.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

namespace dc::core {

// Runs pass runs in this process, one after another on a worker thread, in the order they were submitted (the GUI's
// executor; the CLI runs one directly with execute_pass_run). Each run uses all cores through the pass's own
// workers, and the GPU kernels when a device is present.
class LocalExecutor {
public:
  // Called on the worker thread: (run id, fraction done, message); and when a run ends.
  using ProgressCallback = std::function<void(std::int64_t run, double fraction, const std::string& message)>;
  using FinishedCallback = std::function<void(const Job& run)>;

  LocalExecutor(std::filesystem::path catalog_file, ProgressCallback on_progress = {}, FinishedCallback on_finished = {},
                unsigned threads = 0);
  ~LocalExecutor();  // cancels the running run and whatever is queued, then waits for the worker
  LocalExecutor(const LocalExecutor&) = delete;
  LocalExecutor& operator=(const LocalExecutor&) = delete;

  // Validates and queues a run (throws std::invalid_argument on a bad request); returns its id.
  std::int64_t submit(const PassRequest& request);
  // Cancels a queued or running run of this executor (a run of another process: JobRepository::request_cancel).
  void cancel(std::int64_t run);
  // Blocks until nothing is queued or running.
  void wait_idle();

private:
  void work();
  std::filesystem::path catalog_file_;
  ProgressCallback on_progress_;
  FinishedCallback on_finished_;
  unsigned threads_;
  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<std::int64_t> queue_;
  std::int64_t running_ = 0;
  std::atomic<bool> cancel_running_{false};
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace dc::core

#include "dc/core/exec/local_executor.h"

#include "catalog/sqlite_database.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/util/logging.h"

#include <algorithm>

namespace dc::core {

LocalExecutor::LocalExecutor(std::filesystem::path catalog_file, ProgressCallback on_progress,
                             FinishedCallback on_finished, unsigned threads)
    : catalog_file_(std::move(catalog_file)),
      on_progress_(std::move(on_progress)),
      on_finished_(std::move(on_finished)),
      threads_(threads),
      worker_([this] { work(); }) {}

LocalExecutor::~LocalExecutor() {
  std::deque<std::int64_t> dropped;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    cancel_running_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  worker_.join();
  if (dropped.empty()) return;
  try {
    Catalog catalog(catalog_file_);
    for (std::int64_t run : dropped) catalog.job_repository().request_cancel(run);
  } catch (const std::exception& e) {
    log_warning(std::string("could not mark queued runs cancelled: ") + e.what());
  }
}

std::int64_t LocalExecutor::submit(const PassRequest& request) {
  std::int64_t run = 0;
  {
    Catalog catalog(catalog_file_);
    run = queue_pass_run(catalog, request);
  }
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(run);
  }
  wake_.notify_all();
  return run;
}

void LocalExecutor::cancel(std::int64_t run) {
  bool was_queued = false;
  {
    std::lock_guard lock(mutex_);
    if (running_ == run) {
      cancel_running_ = true;
      return;
    }
    const auto it = std::find(queue_.begin(), queue_.end(), run);
    if (it != queue_.end()) {
      queue_.erase(it);
      was_queued = true;
    }
  }
  if (was_queued) {
    Catalog catalog(catalog_file_);
    catalog.job_repository().request_cancel(run);
    if (on_finished_)
      if (auto job = catalog.job_repository().find(run)) on_finished_(*job);
  }
  idle_.notify_all();
}

void LocalExecutor::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return queue_.empty() && running_ == 0; });
}

void LocalExecutor::work() {
  for (;;) {
    std::int64_t run = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      run = queue_.front();
      queue_.pop_front();
      running_ = run;
      cancel_running_ = false;
    }
    Progress progress{[&](double done, double total, const std::string& message) {
                        if (on_progress_) on_progress_(run, total > 0 ? done / total : 0, message);
                      },
                      &cancel_running_};
    try {
      const Job ended = execute_pass_run(catalog_file_, run, progress, threads_);
      if (on_finished_) on_finished_(ended);
    } catch (const std::exception& e) {
      // The run never started (catalog unreadable, pass gone...): record it as failed so nobody waits on it.
      log_error("run " + std::to_string(run) + " could not start: " + e.what());
      try {
        Catalog catalog(catalog_file_);
        if (auto job = catalog.job_repository().find(run); job && job->state == JobState::Queued) {
          job->state = JobState::Failed;
          job->error = std::string("could not start: ") + e.what();
          job->finished_ns = wall_clock_ns();
          catalog.job_repository().update(*job);
          if (on_finished_) on_finished_(*job);
        }
      } catch (const std::exception& again) {
        log_error("run " + std::to_string(run) + " could not be marked failed: " + again.what());
      }
    }
    {
      std::lock_guard lock(mutex_);
      running_ = 0;
    }
    idle_.notify_all();
  }
}

}  // namespace dc::core

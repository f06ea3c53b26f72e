#pragma once
#include "dc/core/model/job.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

class SqliteDatabase;

// Pass runs (local or cluster jobs) with their state and progress.
class JobRepository {
public:
  explicit JobRepository(SqliteDatabase& db) : db_(db) {}

  std::int64_t create(const Job& job);  // returns the id
  void update(const Job& job);          // state, progress, times, host, device, pid, external id, paths, counts, error
  void set_progress(std::int64_t job_id, double progress);
  std::optional<Job> find(std::int64_t job_id) const;
  std::vector<Job> list() const;        // newest first; local runs and cluster array jobs, not their tasks
  std::vector<Job> tasks(std::int64_t array_job_id) const;  // an array job's tasks by index
  std::vector<Job> unfinished_cluster_jobs() const;         // array jobs still queued or running, oldest first

  // Asks the process running the job to stop (it polls this); a queued job is cancelled at once.
  void request_cancel(std::int64_t job_id);
  bool cancel_requested(std::int64_t job_id) const;

  // Runs left queued or running by a process of this host that no longer exists are marked interrupted (with
  // their error saying so); runs of live processes and of other hosts are left alone. Returns the ids marked.
  std::vector<std::int64_t> mark_dead_runs_interrupted(const std::string& host);

private:
  SqliteDatabase& db_;
};

}  // namespace dc::core

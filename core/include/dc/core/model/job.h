#pragma once
#include "dc/core/model/time_stamp.h"

#include <cstdint>
#include <string>

namespace dc::core {

// A run is queued, then running, then ends done, failed or cancelled; a run whose process died is marked
// interrupted when the catalog is next opened.
enum class JobState { Queued, Running, Done, Failed, Cancelled, Interrupted };
const char* to_string(JobState state);
JobState job_state_from_string(const std::string& text);  // throws std::invalid_argument

// One pass run, local or on a cluster.
struct Job {
  std::int64_t id = 0;
  std::string pass;            // "autolabel", "data-qc", ...
  std::string pass_version;
  std::string parameters_json = "{}";
  std::string executor = "local";  // "local" | "slurm"
  std::string external_id;     // Slurm job id
  JobState state = JobState::Queued;
  double progress = 0.0;       // 0..1
  TimestampNs submitted_ns = 0, started_ns = 0, finished_ns = 0;
  std::string host, device;
  std::string log_path, result_path;
  std::int64_t drive_id = 0;     // the drive the run is over
  std::int64_t pid = 0;          // process running it (with host: how a dead run is recognised)
  std::string counts_json = "{}";  // what it stored: {"findings": n, "labels": n, ...}
  std::string error;             // why it failed

  // Cluster jobs: a Slurm array job is a row of its own (executor "slurm", external_id the Slurm job id,
  // result_path its job folder, cluster_options_json how it was submitted) and each array task is a run whose
  // parent_id names it; the task runs over its drive or a shard of its samples [first_sample, end_sample).
  std::int64_t parent_id = 0;
  int task_index = -1;
  int first_sample = 0, end_sample = -1;  // -1: to the end of the drive
  std::string cluster_options_json = "{}";
  std::string scheduler_state;   // as Slurm says it: PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED...
  std::string node;              // where the task ran
  std::string exit_code;         // Slurm's "code:signal"
  double elapsed_s = 0;
  std::string log_tail;          // the last lines of the task's log, kept when it fails
  bool cluster_array() const { return executor == "slurm" && parent_id == 0; }
  bool finished() const {
    return state == JobState::Done || state == JobState::Failed || state == JobState::Cancelled ||
           state == JobState::Interrupted;
  }
};

}  // namespace dc::core

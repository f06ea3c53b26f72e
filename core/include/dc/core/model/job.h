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
  bool finished() const {
    return state == JobState::Done || state == JobState::Failed || state == JobState::Cancelled ||
           state == JobState::Interrupted;
  }
};

}  // namespace dc::core

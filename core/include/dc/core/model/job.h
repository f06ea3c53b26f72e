#pragma once
#include "dc/core/model/time_stamp.h"

#include <cstdint>
#include <string>

namespace dc::core {

enum class JobState { Pending, Running, Succeeded, Failed, Cancelled };
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
  JobState state = JobState::Pending;
  double progress = 0.0;       // 0..1
  TimestampNs submitted_ns = 0, started_ns = 0, finished_ns = 0;
  std::string host, device;
  std::string log_path, result_path;
};

}  // namespace dc::core

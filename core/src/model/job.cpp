#include "dc/core/model/job.h"

#include <stdexcept>

namespace dc::core {

const char* to_string(JobState state) {
  switch (state) {
    case JobState::Pending: return "pending";
    case JobState::Running: return "running";
    case JobState::Succeeded: return "succeeded";
    case JobState::Failed: return "failed";
    case JobState::Cancelled: return "cancelled";
  }
  return "?";
}

JobState job_state_from_string(const std::string& text) {
  for (JobState s : {JobState::Pending, JobState::Running, JobState::Succeeded, JobState::Failed, JobState::Cancelled})
    if (text == to_string(s)) return s;
  throw std::invalid_argument("unknown job state '" + text + "'");
}

}  // namespace dc::core

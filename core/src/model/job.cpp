#include "dc/core/model/job.h"

#include <stdexcept>

namespace dc::core {

const char* to_string(JobState state) {
  switch (state) {
    case JobState::Queued: return "queued";
    case JobState::Running: return "running";
    case JobState::Done: return "done";
    case JobState::Failed: return "failed";
    case JobState::Cancelled: return "cancelled";
    case JobState::Interrupted: return "interrupted";
  }
  return "?";
}

JobState job_state_from_string(const std::string& text) {
  for (JobState s : {JobState::Queued, JobState::Running, JobState::Done, JobState::Failed, JobState::Cancelled,
                     JobState::Interrupted})
    if (text == to_string(s)) return s;
  throw std::invalid_argument("unknown job state '" + text + "'");
}

}  // namespace dc::core

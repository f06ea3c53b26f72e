#pragma once
#include "dc/core/util/process_runner.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

// What the scheduler says of one array task.
struct SlurmTaskStatus {
  std::string state;      // PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED, NODE_FAIL, OUT_OF_MEMORY...
  std::string node;
  std::string exit_code;  // "code:signal"
  double elapsed_s = 0;
};

// Slurm's commands (sbatch, squeue, sacct, scontrol, scancel), run as argument vectors behind an optional prefix
// (ssh to a login node, each argument quoted for the remote shell), and their output read back.
class SlurmClient {
public:
  explicit SlurmClient(std::vector<std::string> prefix = {}) : prefix_(std::move(prefix)) {}

  // sbatch --parsable with these arguments; returns the job id. Throws std::runtime_error with sbatch's message.
  std::string submit(const std::vector<std::string>& sbatch_arguments) const;
  // Every task the scheduler still knows of, by index: squeue for live ones, then sacct, or scontrol when
  // accounting is off, for finished ones. Throws std::runtime_error when squeue cannot be asked.
  std::map<int, SlurmTaskStatus> status(const std::string& job_id, int task_count) const;
  // scancel the whole array or one task; throws std::runtime_error with scancel's message.
  void cancel(const std::string& job_id, std::optional<int> task = {}) const;

private:
  ProcessOutcome run(const std::string& program, const std::vector<std::string>& arguments) const;
  std::vector<std::string> prefix_;
};

// Output parsers, public for their tests. Lines of other jobs and steps (123_4.batch) are skipped.
// squeue --noheader --array --format=%i|%T|%N|%M
std::map<int, SlurmTaskStatus> parse_squeue(const std::string& out, const std::string& job_id);
// sacct --noheader --parsable2 --allocations --format=JobID,State,ExitCode,NodeList,ElapsedRaw
std::map<int, SlurmTaskStatus> parse_sacct(const std::string& out, const std::string& job_id);
// scontrol --oneliner show job ID: one line per task, or one for a range of pending tasks ("ArrayTaskId=3-9%2").
std::map<int, SlurmTaskStatus> parse_scontrol(const std::string& out, const std::string& job_id, int task_count);
// "[D-]HH:MM:SS", "MM:SS", "SS" or "N/A" -> seconds
double parse_slurm_duration(const std::string& text);
// "3", "0-4,7", "3-9%2" -> task indices (below task_count)
std::vector<int> parse_task_range(const std::string& text, int task_count);

}  // namespace dc::core

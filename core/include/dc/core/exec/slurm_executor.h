#pragma once
#include "dc/core/exec/slurm_options.h"
#include "dc/core/model/job.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

// Runs passes on a Slurm cluster: one sbatch array job per submission, one task per drive (or per shard of a
// drive's samples). Each task runs `drivecurator-cli pass run ... --executor local --results FILE` on a node,
// reading the catalog and the drives from the shared filesystem and writing its results into the job folder; the
// workstation polls the scheduler and imports each completed task's results once, in one transaction. The array
// job and its tasks are catalog rows, so a job survives the program that submitted it: whoever polls next imports.
class SlurmExecutor {
public:
  explicit SlurmExecutor(std::filesystem::path catalog_file);

  // Validates the pass, the drives and the parameters (std::invalid_argument), stores the array job and its task
  // runs, writes the job folder and submits it. When sbatch refuses, the job is stored failed with sbatch's
  // message and std::runtime_error is thrown. Returns the array job's id.
  std::int64_t submit(const std::string& pass, const std::vector<std::string>& drives,
                      const std::map<std::string, std::string>& parameters, const SlurmOptions& options);

  // Asks the scheduler about the job's unfinished tasks, stores what it says (state, node, exit code, elapsed
  // time, progress, log tail of failed tasks) and imports the results of the tasks that completed. Returns the
  // array job as it is now. Throws std::runtime_error when the scheduler cannot be asked.
  Job poll(std::int64_t job_id);
  // poll() for every unfinished cluster job (what the programs do when they start); a job whose scheduler cannot
  // be reached is left as it is and its error returned.
  std::vector<std::string> poll_unfinished();

  // poll(), then the results of every completed task are read and imported again: a task already stored is left
  // as it is (importing twice changes nothing). Returns how many tasks this call stored.
  int import(std::int64_t job_id);

  // scancel the whole job or one task; the tasks end cancelled at the next poll and import nothing.
  void cancel(std::int64_t job_id, std::optional<int> task = {});

private:
  std::filesystem::path catalog_file_;
};

}  // namespace dc::core

#pragma once
#include "dc/core/model/job.h"
#include "dc/core/util/progress.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace dc::core {

class Catalog;

struct PassRequest {
  std::string pass;
  std::string drive;  // name, root or id
  std::map<std::string, std::string> parameters;  // name -> text; the rest take their defaults
  std::string executor = "local";
};

// Validates the request (pass, drive, parameters: std::invalid_argument with a clear message) and stores the run
// as queued. Returns its id.
std::int64_t queue_pass_run(Catalog& catalog, const PassRequest& request);

// Runs a queued run in this process: marks it running (host, pid, device, log file), runs the pass over its
// drive, and stores the results in one transaction with the "done" state. Cancel (`cancel`, or `job cancel` from
// another process, polled twice a second) ends it as cancelled, an exception as failed; neither leaves results.
// Returns the run as it ended.
Job execute_pass_run(const std::filesystem::path& catalog_file, std::int64_t run_id, const Progress& progress,
                     unsigned threads = 0);

// A cluster task (what `pass run ... --results FILE` does on a node): runs the pass over the drive, or its samples
// [first_sample, end_sample), reading the catalog and writing nothing to it. The results, with what they were run
// as (pass, version, parameters, drive, run id), go to `results_file`; the fraction done is written beside it
// (results_file + ".progress") about once a second for whoever polls the job. Throws on a bad request, a failed
// pass (the file is not written) and Cancelled.
void run_pass_task(const std::filesystem::path& catalog_file, const PassRequest& request, std::int64_t run_id,
                   int first_sample, int end_sample, const std::filesystem::path& results_file,
                   const Progress& progress, unsigned threads = 0);

}  // namespace dc::core

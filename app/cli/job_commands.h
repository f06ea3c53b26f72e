#pragma once
// `pass run` on a cluster or as a cluster task, and `jobs` / `job show|cancel|import`.
#include "cli_common.h"
#include "dc/core/exec/slurm_options.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::app::cli {

// pass run ... --executor slurm: submits one array task per drive (or shard); with `wait`, polls until every task
// ended, importing as they complete.
int cmd_pass_submit(const Options& o, const std::string& pass, const std::vector<std::string>& drives,
                    const std::vector<std::string>& params, const core::SlurmOptions& slurm, bool wait);
// pass run ... --results FILE --run-id N [--samples A:B]: what a cluster task runs on its node.
int cmd_pass_task(const Options& o, const std::string& pass, const std::string& drive,
                  const std::vector<std::string>& params, const std::string& results, std::int64_t run_id,
                  const std::string& samples);

int cmd_jobs(const Options& o);
int cmd_job_show(const Options& o, std::int64_t id);
int cmd_job_cancel(const Options& o, std::int64_t id, std::optional<int> task);
int cmd_job_import(const Options& o, std::int64_t id);

}  // namespace dc::app::cli

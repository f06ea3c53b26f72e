#pragma once
#include "dc/core/model/job.h"
#include "dc/core/passes/pass_result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

class SqliteDatabase;

// What pass runs produced, stored when a run finishes. One transaction per run: its findings, labels, refined
// calibrations and metrics appear together with the run's "done" state, or not at all.
class RunResultRepository {
public:
  explicit RunResultRepository(SqliteDatabase& db) : db_(db) {}

  // Removes the results of earlier finished runs of the same pass with the same parameters on the same drive (a
  // rerun replaces them; other passes and parameter sets stay), stores `result` tagged with the run, and marks the
  // run done with its counts. Returns the counts JSON, or nothing when the run was already done (a second import of
  // the same cluster task changes nothing). Earlier shards of the same cluster job are not replaced.
  std::optional<std::string> commit(Job run, const PassResult& result);

  // Per-sample metrics of finished runs on a drive, the newest run's for each (name, sensor), by sample key.
  std::vector<SampleMetric> metrics(std::int64_t drive_id, const std::string& name = {}) const;

  // Per-sample metrics one run wrote, by name then sample key.
  std::vector<SampleMetric> metrics_of_run(std::int64_t run_id) const;
  // Stored evaluations, oldest first (all drives when none is given), and the one a run wrote.
  std::vector<Evaluation> evaluations(std::optional<std::int64_t> drive_id = {}) const;
  std::optional<Evaluation> evaluation_of_run(std::int64_t run_id) const;

private:
  SqliteDatabase& db_;
};

}  // namespace dc::core

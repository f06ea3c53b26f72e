#pragma once
#include "dc/core/model/job.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace dc::core {

class SqliteDatabase;

// Pass runs (local or cluster jobs) with their state and progress.
class JobRepository {
public:
  explicit JobRepository(SqliteDatabase& db) : db_(db) {}

  std::int64_t create(const Job& job);  // returns the id
  void update(const Job& job);          // state, progress, times, host, device, external id, paths
  std::optional<Job> find(std::int64_t job_id) const;
  std::vector<Job> list() const;        // newest first

private:
  SqliteDatabase& db_;
};

}  // namespace dc::core

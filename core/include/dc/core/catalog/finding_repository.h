#pragma once
#include "dc/core/model/finding.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

class SqliteDatabase;

// Results of validation checks, attached to a drive and (optionally) to a sample by its key.
class FindingRepository {
public:
  explicit FindingRepository(SqliteDatabase& db) : db_(db) {}

  std::int64_t add(std::int64_t drive_id, const Finding& finding, std::optional<std::int64_t> job_id = {});
  // Many findings in a transaction the caller owns.
  void add_all(std::int64_t drive_id, const std::vector<Finding>& findings, std::optional<std::int64_t> job_id);
  std::vector<Finding> list(std::int64_t drive_id) const;
  // Stores a review state with its reviewer (empty: the OS user) and time; see ReviewRepository.
  void set_review(std::int64_t finding_id, ReviewState review, const std::string& reviewer = {});

private:
  SqliteDatabase& db_;
};

}  // namespace dc::core

#include "dc/core/catalog/finding_repository.h"

#include "catalog/sqlite_database.h"
#include "dc/core/catalog/review_repository.h"

namespace dc::core {

namespace {
const char* kInsertFinding =
    "INSERT INTO findings (drive_id, job_id, check_name, severity, start_ns, end_ns, sample_id, sample_key, sensor, "
    "message, details, review) VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT sa.id FROM samples sa JOIN frames fr ON "
    "fr.id = sa.lidar_frame_id WHERE sa.drive_id = ?1 AND fr.idx = ?7 LIMIT 1), ?7, ?8, ?9, ?10, ?11)";

void insert_finding(SqliteStatement& insert, std::int64_t drive_id, const Finding& f,
                    std::optional<std::int64_t> job_id) {
  insert.bind(1, drive_id);
  if (job_id)
    insert.bind(2, *job_id);
  else
    insert.bind_null(2);
  insert.bind(3, f.check).bind(4, std::string(to_string(f.severity))).bind(5, f.start_ns).bind(6, f.end_ns);
  if (f.sample_key >= 0)
    insert.bind(7, f.sample_key);
  else
    insert.bind_null(7);
  insert.bind(8, f.sensor).bind(9, f.message).bind(10, f.details_json).bind(11, std::string(to_string(f.review))).run();
}
}  // namespace

std::int64_t FindingRepository::add(std::int64_t drive_id, const Finding& f, std::optional<std::int64_t> job_id) {
  SqliteTransaction tx(db_);
  SqliteStatement insert(db_, kInsertFinding);
  insert_finding(insert, drive_id, f, job_id);
  const std::int64_t id = db_.last_insert_id();
  tx.commit();
  return id;
}

void FindingRepository::add_all(std::int64_t drive_id, const std::vector<Finding>& findings,
                                std::optional<std::int64_t> job_id) {
  SqliteStatement insert(db_, kInsertFinding);
  for (const auto& f : findings) insert_finding(insert, drive_id, f, job_id);
}

std::vector<Finding> FindingRepository::list(std::int64_t drive_id) const {
  std::vector<Finding> out;
  SqliteStatement q(db_,
                    "SELECT id, check_name, severity, start_ns, end_ns, coalesce(sample_key, -1), sensor, message, "
                    "details, review, reviewer, reviewed_ns FROM findings WHERE drive_id = ?1 ORDER BY start_ns, id");
  q.bind(1, drive_id);
  while (q.step()) {
    Finding f;
    f.id = q.int64(0);
    f.check = q.text(1);
    f.severity = severity_from_string(q.text(2));
    f.start_ns = q.int64(3);
    f.end_ns = q.int64(4);
    f.sample_key = q.int64(5);
    f.sensor = q.text(6);
    f.message = q.text(7);
    f.details_json = q.text(8);
    f.review = review_state_from_string(q.text(9));
    f.reviewer = q.text(10);
    f.reviewed_ns = q.int64(11);
    out.push_back(std::move(f));
  }
  return out;
}

void FindingRepository::set_review(std::int64_t finding_id, ReviewState review, const std::string& reviewer) {
  ReviewRepository(db_).set_finding_review(finding_id, review, reviewer);  // records who, when and what it replaced
}

}  // namespace dc::core

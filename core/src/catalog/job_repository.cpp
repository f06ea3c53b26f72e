#include "dc/core/catalog/job_repository.h"

#include "catalog/sqlite_database.h"

namespace dc::core {

namespace {
const char* kJobColumns =
    "SELECT id, pass, pass_version, parameters, executor, external_id, state, progress, coalesce(submitted_ns, 0), "
    "coalesce(started_ns, 0), coalesce(finished_ns, 0), host, device, log_path, result_path FROM jobs ";

Job job_from_row(const SqliteStatement& q) {
  Job j;
  j.id = q.int64(0);
  j.pass = q.text(1);
  j.pass_version = q.text(2);
  j.parameters_json = q.text(3);
  j.executor = q.text(4);
  j.external_id = q.text(5);
  j.state = job_state_from_string(q.text(6));
  j.progress = q.real(7);
  j.submitted_ns = q.int64(8);
  j.started_ns = q.int64(9);
  j.finished_ns = q.int64(10);
  j.host = q.text(11);
  j.device = q.text(12);
  j.log_path = q.text(13);
  j.result_path = q.text(14);
  return j;
}
}  // namespace

std::int64_t JobRepository::create(const Job& job) {
  SqliteStatement insert(db_,
                         "INSERT INTO jobs (pass, pass_version, parameters, executor, state, submitted_ns) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert.bind(1, job.pass).bind(2, job.pass_version).bind(3, job.parameters_json).bind(4, job.executor)
      .bind(5, std::string(to_string(job.state))).bind(6, job.submitted_ns ? job.submitted_ns : wall_clock_ns()).run();
  const std::int64_t id = db_.last_insert_id();
  Job stored = job;
  stored.id = id;
  update(stored);  // the columns a new job may already carry (host, device, paths...)
  return id;
}

void JobRepository::update(const Job& job) {
  SqliteStatement q(db_,
                    "UPDATE jobs SET external_id = ?2, state = ?3, progress = ?4, started_ns = ?5, finished_ns = ?6, "
                    "host = ?7, device = ?8, log_path = ?9, result_path = ?10 WHERE id = ?1");
  q.bind(1, job.id).bind(2, job.external_id).bind(3, std::string(to_string(job.state))).bind(4, job.progress)
      .bind(5, job.started_ns).bind(6, job.finished_ns).bind(7, job.host).bind(8, job.device).bind(9, job.log_path)
      .bind(10, job.result_path).run();
}

std::optional<Job> JobRepository::find(std::int64_t job_id) const {
  SqliteStatement q(db_, std::string(kJobColumns) + "WHERE id = ?1");
  q.bind(1, job_id);
  if (!q.step()) return std::nullopt;
  return job_from_row(q);
}

std::vector<Job> JobRepository::list() const {
  std::vector<Job> out;
  SqliteStatement q(db_, std::string(kJobColumns) + "ORDER BY id DESC");
  while (q.step()) out.push_back(job_from_row(q));
  return out;
}

}  // namespace dc::core

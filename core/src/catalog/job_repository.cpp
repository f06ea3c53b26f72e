#include "dc/core/catalog/job_repository.h"

#include "catalog/sqlite_database.h"

#include <cerrno>
#include <csignal>

namespace dc::core {

namespace {
const char* kJobColumns =
    "SELECT id, pass, pass_version, parameters, executor, external_id, state, progress, coalesce(submitted_ns, 0), "
    "coalesce(started_ns, 0), coalesce(finished_ns, 0), host, device, log_path, result_path, coalesce(drive_id, 0), "
    "pid, counts, error, coalesce(parent_id, 0), task_index, first_sample, end_sample, cluster_options, scheduler_state, "
    "node, exit_code, elapsed_s, log_tail FROM jobs ";

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
  j.drive_id = q.int64(15);
  j.pid = q.int64(16);
  j.counts_json = q.text(17);
  j.error = q.text(18);
  j.parent_id = q.int64(19);
  j.task_index = static_cast<int>(q.int64(20));
  j.first_sample = static_cast<int>(q.int64(21));
  j.end_sample = static_cast<int>(q.int64(22));
  j.cluster_options_json = q.text(23);
  j.scheduler_state = q.text(24);
  j.node = q.text(25);
  j.exit_code = q.text(26);
  j.elapsed_s = q.real(27);
  j.log_tail = q.text(28);
  return j;
}

bool process_alive(std::int64_t pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
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
  update(stored);  // the columns a new job may already carry (drive, host, device, paths...)
  return id;
}

void JobRepository::update(const Job& job) {
  SqliteStatement q(db_,
                    "UPDATE jobs SET external_id = ?2, state = ?3, progress = ?4, started_ns = ?5, finished_ns = ?6, "
                    "host = ?7, device = ?8, log_path = ?9, result_path = ?10, drive_id = nullif(?11, 0), pid = ?12, "
                    "counts = ?13, error = ?14, parent_id = nullif(?15, 0), task_index = ?16, first_sample = ?17, "
                    "end_sample = ?18, cluster_options = ?19, scheduler_state = ?20, node = ?21, exit_code = ?22, "
                    "elapsed_s = ?23, log_tail = ?24 WHERE id = ?1");
  q.bind(1, job.id).bind(2, job.external_id).bind(3, std::string(to_string(job.state))).bind(4, job.progress)
      .bind(5, job.started_ns).bind(6, job.finished_ns).bind(7, job.host).bind(8, job.device).bind(9, job.log_path)
      .bind(10, job.result_path).bind(11, job.drive_id).bind(12, job.pid).bind(13, job.counts_json)
      .bind(14, job.error).bind(15, job.parent_id).bind(16, job.task_index).bind(17, job.first_sample)
      .bind(18, job.end_sample).bind(19, job.cluster_options_json).bind(20, job.scheduler_state).bind(21, job.node)
      .bind(22, job.exit_code).bind(23, job.elapsed_s).bind(24, job.log_tail).run();
}

void JobRepository::set_progress(std::int64_t job_id, double progress) {
  SqliteStatement q(db_, "UPDATE jobs SET progress = ?2 WHERE id = ?1");
  q.bind(1, job_id).bind(2, progress).run();
}

std::optional<Job> JobRepository::find(std::int64_t job_id) const {
  SqliteStatement q(db_, std::string(kJobColumns) + "WHERE id = ?1");
  q.bind(1, job_id);
  if (!q.step()) return std::nullopt;
  return job_from_row(q);
}

std::vector<Job> JobRepository::list() const {
  std::vector<Job> out;
  SqliteStatement q(db_, std::string(kJobColumns) + "WHERE parent_id IS NULL ORDER BY id DESC");
  while (q.step()) out.push_back(job_from_row(q));
  return out;
}

std::vector<Job> JobRepository::tasks(std::int64_t array_job_id) const {
  std::vector<Job> out;
  SqliteStatement q(db_, std::string(kJobColumns) + "WHERE parent_id = ?1 ORDER BY task_index");
  q.bind(1, array_job_id);
  while (q.step()) out.push_back(job_from_row(q));
  return out;
}

std::vector<Job> JobRepository::unfinished_cluster_jobs() const {
  std::vector<Job> out;
  SqliteStatement q(db_, std::string(kJobColumns) + "WHERE parent_id IS NULL AND executor = 'slurm' AND state IN "
                                                     "('queued', 'running') ORDER BY id");
  while (q.step()) out.push_back(job_from_row(q));
  return out;
}

void JobRepository::request_cancel(std::int64_t job_id) {
  SqliteTransaction tx(db_);
  SqliteStatement flag(db_, "UPDATE jobs SET cancel_requested = 1 WHERE id = ?1");
  flag.bind(1, job_id).run();
  SqliteStatement queued(db_,
                         "UPDATE jobs SET state = 'cancelled', finished_ns = ?2 WHERE id = ?1 AND state = 'queued'");
  queued.bind(1, job_id).bind(2, wall_clock_ns()).run();
  tx.commit();
}

bool JobRepository::cancel_requested(std::int64_t job_id) const {
  SqliteStatement q(db_, "SELECT cancel_requested FROM jobs WHERE id = ?1");
  q.bind(1, job_id);
  return q.step() && q.int64(0) != 0;
}

std::vector<std::int64_t> JobRepository::mark_dead_runs_interrupted(const std::string& host) {
  std::vector<std::int64_t> dead;
  {
    SqliteStatement q(db_, "SELECT id, pid FROM jobs WHERE state IN ('queued', 'running') AND host = ?1 AND "
                           "executor = 'local'");
    q.bind(1, host);
    while (q.step())
      if (!process_alive(q.int64(1))) dead.push_back(q.int64(0));
  }
  if (dead.empty()) return dead;
  SqliteTransaction tx(db_);
  SqliteStatement mark(db_,
                       "UPDATE jobs SET state = 'interrupted', finished_ns = ?2, error = 'the process running it "
                       "ended before it finished (pid ' || pid || ')' WHERE id = ?1");
  // A run stores its results in one transaction when it finishes, so an interrupted run has none; any row that
  // names it anyway is removed so nothing partial stays visible.
  SqliteStatement findings(db_, "DELETE FROM findings WHERE job_id = ?1");
  SqliteStatement labels(db_, "DELETE FROM labels WHERE run_id = ?1");
  SqliteStatement calibrations(db_, "DELETE FROM calibrations WHERE job_id = ?1");
  SqliteStatement metrics(db_, "DELETE FROM sample_metrics WHERE job_id = ?1");
  for (std::int64_t id : dead) {
    mark.bind(1, id).bind(2, wall_clock_ns()).run();
    for (SqliteStatement* s : {&findings, &labels, &calibrations, &metrics}) s->bind(1, id).run();
  }
  tx.commit();
  return dead;
}

}  // namespace dc::core

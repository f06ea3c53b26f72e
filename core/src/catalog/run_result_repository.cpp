#include "dc/core/catalog/run_result_repository.h"

#include "catalog/calibration_json.h"
#include "catalog/sqlite_database.h"
#include "dc/core/catalog/finding_repository.h"
#include "dc/core/catalog/job_repository.h"
#include "dc/core/catalog/label_repository.h"

#include <nlohmann/json.hpp>

namespace dc::core {

std::optional<std::string> RunResultRepository::commit(Job run, const PassResult& result) {
  SqliteTransaction tx(db_);
  {
    // Checked inside the transaction: two processes importing the same cluster task store it once.
    SqliteStatement state(db_, "SELECT state FROM jobs WHERE id = ?1");
    state.bind(1, run.id);
    if (state.step() && state.text(0) == to_string(JobState::Done)) return std::nullopt;
  }
  std::vector<std::int64_t> earlier;
  {
    // The shards of one cluster job complete each other; they do not replace each other.
    SqliteStatement q(db_,
                      "SELECT id FROM jobs WHERE drive_id = ?1 AND pass = ?2 AND parameters = ?3 AND id != ?4 AND "
                      "state = 'done' AND (?5 = 0 OR coalesce(parent_id, 0) != ?5)");
    q.bind(1, run.drive_id).bind(2, run.pass).bind(3, run.parameters_json).bind(4, run.id).bind(5, run.parent_id);
    while (q.step()) earlier.push_back(q.int64(0));
  }
  SqliteStatement findings(db_, "DELETE FROM findings WHERE job_id = ?1");
  SqliteStatement labels(db_, "DELETE FROM labels WHERE run_id = ?1");
  SqliteStatement calibrations(db_, "DELETE FROM calibrations WHERE job_id = ?1");
  SqliteStatement metrics(db_, "DELETE FROM sample_metrics WHERE job_id = ?1");
  // An evaluation is replaced only by one of the same labels: "auto" resolves to the newest autolabel run, so
  // evaluating a new run with the same parameters adds to the history instead of overwriting it.
  SqliteStatement evaluations(db_, "DELETE FROM evaluations WHERE job_id = ?1 AND (predicted || '|' || reference) IN "
                                   "(SELECT value FROM json_each(?2))");
  nlohmann::json compared = nlohmann::json::array();
  for (const auto& e : result.evaluations) compared.push_back(e.predicted + "|" + e.reference);
  SqliteStatement replaced(db_, "UPDATE jobs SET counts = json_set(counts, '$.replaced_by', ?2) WHERE id = ?1");
  for (std::int64_t id : earlier) {
    for (SqliteStatement* s : {&findings, &labels, &calibrations, &metrics}) s->bind(1, id).run();
    evaluations.bind(1, id).bind(2, compared.dump()).run();
    replaced.bind(1, id).bind(2, run.id).run();
  }

  FindingRepository(db_).add_all(run.drive_id, result.findings, run.id);
  std::vector<BoxLabel> tagged = result.labels;
  for (auto& l : tagged) l.run_id = run.id;
  LabelRepository(db_).insert_all(run.drive_id, tagged);
  SqliteStatement calibration(db_,
                              "INSERT INTO calibrations (drive_id, valid_from_ns, valid_to_ns, data, source, job_id) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  for (const auto& c : result.calibrations)
    calibration.bind(1, run.drive_id).bind(2, c.valid_from_ns).bind(3, c.valid_to_ns).bind(4, calibration_to_json(c))
        .bind(5, std::string(to_string(CalibrationSource::Refined))).bind(6, run.id).run();  // never the file's
  SqliteStatement metric(db_,
                         "INSERT INTO sample_metrics (job_id, drive_id, sample_key, timestamp_ns, sensor, name, value) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (const auto& m : result.metrics)
    metric.bind(1, run.id).bind(2, run.drive_id).bind(3, m.sample_key).bind(4, m.timestamp_ns).bind(5, m.sensor)
        .bind(6, m.name).bind(7, m.value).run();

  SqliteStatement evaluation(db_,
                             "INSERT INTO evaluations (job_id, drive_id, created_ns, predicted, reference, parameters, "
                             "summary, curves) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (const auto& e : result.evaluations)
    evaluation.bind(1, run.id).bind(2, run.drive_id).bind(3, wall_clock_ns()).bind(4, e.predicted)
        .bind(5, e.reference).bind(6, e.parameters_json).bind(7, e.summary_json).bind(8, e.curves_json).run();

  nlohmann::json counts = {{"findings", result.findings.size()},
                           {"labels", result.labels.size()},
                           {"calibrations", result.calibrations.size()},
                           {"metrics", result.metrics.size()},
                           {"evaluations", result.evaluations.size()},
                           {"replaced_runs", earlier}};
  run.counts_json = counts.dump();
  run.state = JobState::Done;
  run.progress = 1.0;
  run.finished_ns = wall_clock_ns();
  JobRepository(db_).update(run);
  tx.commit();
  return run.counts_json;
}

std::vector<SampleMetric> RunResultRepository::metrics(std::int64_t drive_id, const std::string& name) const {
  std::vector<SampleMetric> out;
  SqliteStatement q(db_,
                    "SELECT m.name, m.sensor, m.sample_key, m.timestamp_ns, m.value FROM sample_metrics m "
                    "WHERE m.drive_id = ?1 AND (?2 = '' OR m.name = ?2) AND m.job_id = (SELECT max(m2.job_id) FROM "
                    "sample_metrics m2 JOIN jobs j ON j.id = m2.job_id WHERE m2.drive_id = ?1 AND m2.name = m.name "
                    "AND m2.sensor = m.sensor AND j.state = 'done') ORDER BY m.name, m.sensor, m.sample_key");
  q.bind(1, drive_id).bind(2, name);
  while (q.step()) {
    SampleMetric m;
    m.name = q.text(0);
    m.sensor = q.text(1);
    m.sample_key = q.int64(2);
    m.timestamp_ns = q.int64(3);
    m.value = q.real(4);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<SampleMetric> RunResultRepository::metrics_of_run(std::int64_t run_id) const {
  SqliteStatement q(db_, "SELECT name, sensor, sample_key, timestamp_ns, value FROM sample_metrics WHERE job_id = ?1 "
                         "ORDER BY name, sensor, sample_key");
  q.bind(1, run_id);
  std::vector<SampleMetric> out;
  while (q.step()) out.push_back({q.text(0), q.text(1), q.int64(2), q.int64(3), q.real(4)});
  return out;
}

namespace {

Evaluation evaluation_from_row(const SqliteStatement& q) {
  Evaluation e;
  e.id = q.int64(0);
  if (!q.is_null(1)) e.run_id = q.int64(1);
  e.drive_id = q.int64(2);
  e.created_ns = q.int64(3);
  e.predicted = q.text(4);
  e.reference = q.text(5);
  e.parameters_json = q.text(6);
  e.summary_json = q.text(7);
  e.curves_json = q.text(8);
  return e;
}

constexpr const char* kEvaluationColumns =
    "SELECT id, job_id, drive_id, created_ns, predicted, reference, parameters, summary, curves FROM evaluations ";

}  // namespace

std::vector<Evaluation> RunResultRepository::evaluations(std::optional<std::int64_t> drive_id) const {
  SqliteStatement q(db_, std::string(kEvaluationColumns) + "WHERE ?1 IS NULL OR drive_id = ?1 ORDER BY id");
  if (drive_id)
    q.bind(1, *drive_id);
  else
    q.bind_null(1);
  std::vector<Evaluation> out;
  while (q.step()) out.push_back(evaluation_from_row(q));
  return out;
}

std::optional<Evaluation> RunResultRepository::evaluation_of_run(std::int64_t run_id) const {
  SqliteStatement q(db_, std::string(kEvaluationColumns) + "WHERE job_id = ?1 ORDER BY id LIMIT 1");
  q.bind(1, run_id);
  if (!q.step()) return std::nullopt;
  return evaluation_from_row(q);
}

}  // namespace dc::core

#include "job_commands.h"

#include "progress_printer.h"

#include "dc/core/exec/pass_runner.h"
#include "dc/core/exec/slurm_executor.h"
#include "dc/core/model/time_stamp.h"
#include "dc/core/passes/pass_parameters.h"

#include <chrono>
#include <cstdio>
#include <thread>

namespace dc::app::cli {

json job_json(const core::Job& j) {
  json out = {{"id", j.id}, {"pass", j.pass}, {"version", j.pass_version},
              {"parameters", json::parse(j.parameters_json)}, {"executor", j.executor}, {"drive_id", j.drive_id},
              {"state", core::to_string(j.state)}, {"progress", j.progress}, {"submitted_ns", j.submitted_ns},
              {"started_ns", j.started_ns}, {"finished_ns", j.finished_ns}, {"host", j.host}, {"pid", j.pid},
              {"device", j.device}, {"log", j.log_path}, {"counts", json::parse(j.counts_json)}, {"error", j.error}};
  if (j.executor == "slurm") {
    out["external_id"] = j.external_id;
    if (j.parent_id == 0) {
      out["folder"] = j.result_path;
      out["cluster_options"] = json::parse(j.cluster_options_json);
    } else {
      out["parent_id"] = j.parent_id;
      out["task"] = j.task_index;
      out["samples"] = {j.first_sample, j.end_sample};
      out["scheduler_state"] = j.scheduler_state;
      out["node"] = j.node;
      out["exit_code"] = j.exit_code;
      out["elapsed_s"] = j.elapsed_s;
      out["results"] = j.result_path;
      out["log_tail"] = j.log_tail;
    }
  }
  return out;
}

namespace {

core::Job require_job(const core::Catalog& catalog, std::int64_t id) {
  auto j = catalog.job_repository().find(id);
  if (!j) throw std::invalid_argument("no run " + std::to_string(id) + " in " + catalog.path().string());
  return *j;
}

std::string samples_text(const core::Job& t) {
  if (t.first_sample == 0 && t.end_sample < 0) return "all";
  return std::to_string(t.first_sample) + ":" + (t.end_sample < 0 ? std::string("end") : std::to_string(t.end_sample));
}

void print_tasks(const std::vector<core::Job>& tasks) {
  std::printf("  %4s %6s %5s %-10s %-10s %-11s %-12s %8s %-6s %s\n", "TASK", "RUN", "DRIVE", "SAMPLES", "STATE",
              "SLURM", "NODE", "ELAPSED", "EXIT", "COUNTS / ERROR");
  for (const auto& t : tasks) {
    std::printf("  %4d %6lld %5lld %-10s %-10s %-11s %-12s %7.0fs %-6s %s\n", t.task_index,
                static_cast<long long>(t.id), static_cast<long long>(t.drive_id), samples_text(t).c_str(),
                core::to_string(t.state), t.scheduler_state.empty() ? "-" : t.scheduler_state.c_str(),
                t.node.empty() ? "-" : printable(t.node).c_str(), t.elapsed_s,
                t.exit_code.empty() ? "-" : t.exit_code.c_str(),
                printable(t.error.empty() ? t.counts_json : t.error).c_str());
    if ((t.state == core::JobState::Failed || t.state == core::JobState::Cancelled) && !t.log_tail.empty()) {
      std::printf("       log tail:\n");
      std::istringstream lines(t.log_tail);
      for (std::string line; std::getline(lines, line);) std::printf("       | %s\n", printable(line).c_str());
    }
  }
}

// Polls the cluster jobs that have not ended (importing what completed); a scheduler that cannot be reached is a
// warning, not a failure of the command.
void refresh_cluster_jobs(const Options& o) {
  for (const auto& error : core::SlurmExecutor(catalog_path(o)).poll_unfinished())
    std::cerr << "warning: " << printable(error) << "\n";
}

}  // namespace

int cmd_pass_submit(const Options& o, const std::string& pass, const std::vector<std::string>& drives,
                    const std::vector<std::string>& params, const core::SlurmOptions& slurm, bool wait) {
  core::SlurmExecutor executor(catalog_path(o));
  const std::int64_t id = executor.submit(pass, drives, core::parse_param_items(params), slurm);
  core::Job job;
  std::size_t task_count = 0;
  {
    core::Catalog catalog(catalog_path(o));
    job = require_job(catalog, id);
    task_count = catalog.job_repository().tasks(id).size();
  }
  if (!o.json)
    std::cout << "cluster job " << id << ": Slurm job " << job.external_id << ", " << task_count << " task"
              << (task_count == 1 ? "" : "s") << ", folder " << printable(job.result_path) << "\n";
  if (!wait) {
    if (o.json) print_json(job_json(job));
    return kOk;
  }
  ProgressPrinter printer(pass + " on the cluster", o.quiet);
  const core::Progress progress = printer.progress();
  bool cancel_sent = false;
  for (;;) {
    job = executor.poll(id);
    progress(job.progress, 1.0, core::to_string(job.state));
    if (job.finished()) break;
    if (progress.cancelled() && !cancel_sent) {
      executor.cancel(id);  // Ctrl-C cancels the cluster job, then waits for the scheduler to say so
      cancel_sent = true;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  printer.finish();
  if (o.json) {
    json out = job_json(job);
    out["tasks"] = json::array();
    core::Catalog catalog(catalog_path(o));
    for (const auto& t : catalog.job_repository().tasks(id)) out["tasks"].push_back(job_json(t));
    print_json(out);
  } else {
    return cmd_job_show(o, id);
  }
  return job.state == core::JobState::Done ? kOk : kBadInput;
}

int cmd_pass_task(const Options& o, const std::string& pass, const std::string& drive,
                  const std::vector<std::string>& params, const std::string& results, std::int64_t run_id,
                  const std::string& samples) {
  int first = 0, end = -1;
  if (!samples.empty()) {
    const auto colon = samples.find(':');
    try {
      if (colon == std::string::npos) throw std::invalid_argument(samples);
      first = std::stoi(samples.substr(0, colon));
      end = std::stoi(samples.substr(colon + 1));
    } catch (const std::exception&) {
      throw std::invalid_argument("--samples '" + samples + "': expected FIRST:END (END -1: to the end)");
    }
  }
  ProgressPrinter printer(pass, o.quiet);
  core::run_pass_task(catalog_path(o), {pass, drive, core::parse_param_items(params)}, run_id, first, end, results,
                      printer.progress());
  printer.finish();
  if (!o.quiet) std::cerr << "results written to " << printable(results) << "\n";
  return kOk;
}

int cmd_jobs(const Options& o) {
  refresh_cluster_jobs(o);
  core::Catalog catalog(catalog_path(o));
  const auto jobs = catalog.job_repository().list();
  if (o.json) {
    json arr = json::array();
    for (const auto& j : jobs) {
      json item = job_json(j);
      if (j.cluster_array()) {
        item["tasks"] = json::array();
        for (const auto& t : catalog.job_repository().tasks(j.id)) item["tasks"].push_back(job_json(t));
      }
      arr.push_back(item);
    }
    print_json(arr);
    return kOk;
  }
  std::printf("%6s %-12s %-8s %-11s %5s %8s  %-24s %s\n", "ID", "PASS", "EXECUTOR", "STATE", "DRIVE", "PROGRESS",
              "STARTED", "COUNTS / ERROR");
  for (const auto& j : jobs) {
    std::printf("%6lld %-12s %-8s %-11s %5lld %7.0f%%  %-24s %s\n", static_cast<long long>(j.id), j.pass.c_str(),
                j.executor.c_str(), core::to_string(j.state), static_cast<long long>(j.drive_id), j.progress * 100,
                j.started_ns ? core::format_iso8601(j.started_ns).c_str() : "-",
                printable(j.error.empty() ? j.counts_json : j.error).c_str());
    if (j.cluster_array()) print_tasks(catalog.job_repository().tasks(j.id));
  }
  return kOk;
}

int cmd_job_show(const Options& o, std::int64_t id) {
  core::Job j;
  {
    core::Catalog catalog(catalog_path(o));
    j = require_job(catalog, id);
  }
  if (j.cluster_array() && !j.finished()) {
    try {
      j = core::SlurmExecutor(catalog_path(o)).poll(id);
    } catch (const std::runtime_error& e) {
      std::cerr << "warning: cannot ask the scheduler: " << printable(e.what()) << "\n";
    }
  }
  core::Catalog catalog(catalog_path(o));
  const auto tasks = j.cluster_array() ? catalog.job_repository().tasks(id) : std::vector<core::Job>{};
  json out = job_json(j);
  if (j.cluster_array()) {
    out["tasks"] = json::array();
    for (const auto& t : tasks) out["tasks"].push_back(job_json(t));
  }
  if (o.json) {
    print_json(out);
    return kOk;
  }
  if (!j.cluster_array()) {
    print_json(out);
    return kOk;
  }
  std::printf("cluster job %lld: %s %s, Slurm job %s, %s (%.0f%%)\nfolder: %s\nparameters: %s\ncounts: %s\n",
              static_cast<long long>(j.id), j.pass.c_str(), j.pass_version.c_str(), j.external_id.c_str(),
              core::to_string(j.state), j.progress * 100, printable(j.result_path).c_str(), j.parameters_json.c_str(),
              j.counts_json.c_str());
  if (!j.error.empty()) std::printf("error: %s\n", printable(j.error).c_str());
  print_tasks(tasks);
  return kOk;
}

int cmd_job_cancel(const Options& o, std::int64_t id, std::optional<int> task) {
  core::Job j;
  {
    core::Catalog catalog(catalog_path(o));
    j = require_job(catalog, id);
  }
  if (j.cluster_array()) {
    core::SlurmExecutor(catalog_path(o)).cancel(id, task);
    std::cout << "cancelled " << (task ? "task " + std::to_string(*task) + " of " : std::string()) << "cluster job "
              << id << " (Slurm job " << j.external_id << ")\n";
    return kOk;
  }
  if (task) throw std::invalid_argument("run " + std::to_string(id) + " is not a cluster job: it has no tasks");
  if (j.finished()) {
    std::cout << "run " << id << " already ended: " << core::to_string(j.state) << "\n";
    return kOk;
  }
  core::Catalog catalog(catalog_path(o));
  catalog.job_repository().request_cancel(id);
  std::cout << "cancel requested for run " << id << "\n";
  return kOk;
}

int cmd_job_import(const Options& o, std::int64_t id) {
  {
    core::Catalog catalog(catalog_path(o));
    if (!require_job(catalog, id).cluster_array())
      throw std::invalid_argument("run " + std::to_string(id) + " is not a cluster job (local runs store their "
                                  "results themselves)");
  }
  const int stored = core::SlurmExecutor(catalog_path(o)).import(id);
  if (!o.json) std::cout << "imported " << stored << " task" << (stored == 1 ? "" : "s") << " now\n";
  return cmd_job_show(o, id);
}

}  // namespace dc::app::cli

#include "dc/core/exec/slurm_executor.h"

#include "catalog/sqlite_database.h"
#include "dc/core/catalog/catalog.h"
#include "dc/core/exec/pass_results_file.h"
#include "dc/core/model/time_stamp.h"
#include "dc/core/passes/pass_registry.h"
#include "dc/core/util/logging.h"
#include "exec/slurm_client.h"
#include "util/host_name.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace dc::core {

namespace fs = std::filesystem;

namespace {

fs::path task_argv_file(const fs::path& folder, int task) { return folder / "tasks" / (std::to_string(task) + ".argv"); }
fs::path task_log_file(const fs::path& folder, int task) { return folder / "logs" / ("task-" + std::to_string(task) + ".log"); }
fs::path task_results_file(const fs::path& folder, int task) {
  return folder / "results" / ("task-" + std::to_string(task) + ".json");
}

// sbatch expands %a, %j... in --output: a literal '%' in the folder must be doubled.
std::string sbatch_pattern(const std::string& path) {
  std::string out;
  for (char c : path) out += c == '%' ? std::string("%%") : std::string(1, c);
  return out;
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
}

// The last lines of a task's log (up to ~2 KB), where a failed task says why.
std::string log_tail(const fs::path& file, int lines = 15) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff from = std::max<std::streamoff>(0, size - 2048);
  in.seekg(from);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  std::size_t at = text.size();
  for (int n = 0; n < lines && at != std::string::npos && at > 0; ++n) at = text.rfind('\n', at - 1);
  return at == std::string::npos || at == 0 ? text : text.substr(at + 1);
}

std::string last_line(const std::string& text) {
  const auto at = text.rfind('\n');
  return at == std::string::npos ? text : text.substr(at + 1);
}

double read_progress(const fs::path& file) {
  std::ifstream in(file);
  double fraction = 0;
  return in >> fraction ? std::clamp(fraction, 0.0, 1.0) : 0.0;
}

bool waiting(const std::string& state) {
  return state == "PENDING" || state == "CONFIGURING" || state == "REQUEUED" || state == "REQUEUE_HOLD" ||
         state == "REQUEUE_FED" || state == "RESIZING" || state == "SUSPENDED";
}
bool running(const std::string& state) {
  return state == "RUNNING" || state == "COMPLETING" || state == "STAGE_OUT" || state == "SIGNALING";
}

// Checks that a results file is the one this task was to write, then stores it (once: a second import is a no-op).
// Returns whether this call stored it.
bool import_task(Catalog& catalog, const Job& array_job, Job task, const fs::path& file) {
  const PassResultsFile results = read_pass_results_file(file);
  auto mismatch = [&](const std::string& what) {
    return std::runtime_error(file.string() + ": " + what + " does not match run " + std::to_string(task.id));
  };
  if (results.run_id != task.id) throw mismatch("run id " + std::to_string(results.run_id));
  if (results.pass != array_job.pass || results.pass_version != array_job.pass_version)
    throw mismatch("pass " + results.pass + " " + results.pass_version);
  if (nlohmann::json::parse(results.parameters_json) != nlohmann::json::parse(array_job.parameters_json))
    throw mismatch("parameters " + results.parameters_json);
  if (results.drive_id != task.drive_id) throw mismatch("drive " + std::to_string(results.drive_id));
  if (results.first_sample != task.first_sample || results.end_sample != task.end_sample)
    throw mismatch("sample range");
  task.host = results.host;
  task.device = results.device;
  task.started_ns = results.started_ns;
  task.result_path = file.string();
  return catalog.run_results().commit(task, results.result).has_value();
}

// The array job's state from its tasks'.
void summarize(Job& job, const std::vector<Job>& tasks) {
  int done = 0, failed = 0, cancelled = 0, active = 0, started = 0;
  double progress = 0;
  nlohmann::json counts = nlohmann::json::object();
  std::string first_error;
  for (const auto& t : tasks) {
    if (t.started_ns && (!job.started_ns || t.started_ns < job.started_ns)) job.started_ns = t.started_ns;
    switch (t.state) {
      case JobState::Done: {
        ++done;
        progress += 1;
        const nlohmann::json c = nlohmann::json::parse(t.counts_json, nullptr, false);
        if (c.is_object())
          for (const auto& [key, value] : c.items())
            if (value.is_number_integer()) counts[key] = counts.value(key, 0) + value.get<std::int64_t>();
        break;
      }
      case JobState::Failed:
      case JobState::Interrupted:
        ++failed;
        if (first_error.empty()) first_error = "task " + std::to_string(t.task_index) + ": " + t.error;
        break;
      case JobState::Cancelled:
        ++cancelled;
        break;
      case JobState::Running:
        ++started;
        ++active;
        progress += t.progress;
        break;
      case JobState::Queued:
        ++active;
        break;
    }
  }
  counts["tasks"] = tasks.size();
  counts["tasks_done"] = done;
  counts["tasks_failed"] = failed;
  counts["tasks_cancelled"] = cancelled;
  job.counts_json = counts.dump();
  job.progress = tasks.empty() ? 0 : progress / static_cast<double>(tasks.size());
  if (active > 0) {
    job.state = started + done + failed + cancelled > 0 ? JobState::Running : JobState::Queued;
    return;
  }
  job.state = failed > 0 ? JobState::Failed : cancelled > 0 ? JobState::Cancelled : JobState::Done;
  job.error = failed > 0 ? std::to_string(failed) + " of " + std::to_string(tasks.size()) + " tasks failed; " +
                               first_error
                         : "";
  if (!job.finished_ns) job.finished_ns = wall_clock_ns();
}

}  // namespace

SlurmExecutor::SlurmExecutor(fs::path catalog_file) : catalog_file_(std::move(catalog_file)) {}

std::int64_t SlurmExecutor::submit(const std::string& pass_name, const std::vector<std::string>& drives,
                                   const std::map<std::string, std::string>& given, const SlurmOptions& options) {
  const Pass* pass = find_pass(pass_name);
  if (!pass) throw std::invalid_argument("unknown pass '" + pass_name + "'");
  if (drives.empty()) throw std::invalid_argument("no drive given");
  if (options.shard_size < 0) throw std::invalid_argument("the shard size must be 0 (a task per drive) or more");
  Catalog catalog(catalog_file_);
  const PassParameters parameters(pass->parameters(), given);  // throws on a bad value

  struct Shard {
    std::int64_t drive_id;
    int first, end;
  };
  std::vector<Shard> shards;
  std::set<std::int64_t> seen;
  for (const auto& name : drives) {
    const auto drive = catalog.find_drive(name);
    if (!drive) throw std::invalid_argument("no drive '" + name + "' in " + catalog_file_.string());
    if (!seen.insert(drive->id).second) continue;
    const int samples = static_cast<int>(drive->samples);
    if (options.shard_size == 0 || samples <= options.shard_size) {
      shards.push_back({drive->id, 0, -1});
      continue;
    }
    for (int first = 0; first < samples; first += options.shard_size) {
      const int end = first + options.shard_size;
      shards.push_back({drive->id, first, end >= samples ? -1 : end});
    }
  }

  SlurmOptions resolved = options;
  if (resolved.job_root.empty()) resolved.job_root = fs::absolute(catalog_file_).parent_path() / "jobs";
  if (resolved.cli_path.empty()) resolved.cli_path = default_cli_path();

  JobRepository& jobs = catalog.job_repository();
  Job array;
  array.pass = pass->name();
  array.pass_version = pass->version();
  array.parameters_json = parameters.to_json();
  array.executor = "slurm";
  array.state = JobState::Queued;
  array.host = host_name();
  array.pid = ::getpid();
  array.drive_id = seen.size() == 1 ? *seen.begin() : 0;
  array.cluster_options_json = resolved.to_json();
  array.id = jobs.create(array);
  const fs::path folder = fs::absolute(resolved.job_root) / ("job-" + std::to_string(array.id));
  array.result_path = folder.string();
  array.log_path = (folder / "logs").string();
  jobs.update(array);

  std::vector<Job> tasks;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    Job task = array;
    task.id = 0;
    task.parent_id = array.id;
    task.task_index = static_cast<int>(i);
    task.drive_id = shards[i].drive_id;
    task.first_sample = shards[i].first;
    task.end_sample = shards[i].end;
    task.cluster_options_json = "{}";
    task.log_path = task_log_file(folder, task.task_index).string();
    task.result_path = task_results_file(folder, task.task_index).string();
    task.id = jobs.create(task);
    tasks.push_back(task);
  }

  auto fail = [&](const std::string& why) {
    array.state = JobState::Failed;
    array.error = why;
    array.finished_ns = wall_clock_ns();
    jobs.update(array);
    for (auto& t : tasks) {
      t.state = JobState::Failed;
      t.error = why;
      t.finished_ns = array.finished_ns;
      jobs.update(t);
    }
    log(LogLevel::Error, "cluster job " + std::to_string(array.id) + ": " + why);
    throw std::runtime_error(why);
  };

  try {
    for (const char* sub : {"tasks", "logs", "results"}) fs::create_directories(folder / sub);
    // One argument vector per task, NUL-separated: the batch script executes it without any shell parsing, so
    // drive names, paths and parameters with spaces, quotes or ';' reach the program as they are.
    for (const auto& t : tasks) {
      std::vector<std::string> argv = {resolved.cli_path.string(), "--catalog", fs::absolute(catalog_file_).string(),
                                       "pass", "run", array.pass, "--drive", std::to_string(t.drive_id)};
      for (const auto& [name, value] : given) {
        argv.push_back("--param");
        argv.push_back(name + "=" + value);
      }
      for (const std::string& a : {std::string("--executor"), std::string("local"), std::string("--results"),
                                   task_results_file(folder, t.task_index).string(), std::string("--run-id"),
                                   std::to_string(t.id)})
        argv.push_back(a);
      if (t.first_sample != 0 || t.end_sample != -1) {
        argv.push_back("--samples");
        argv.push_back(std::to_string(t.first_sample) + ":" + std::to_string(t.end_sample));
      }
      std::string text;
      for (const auto& a : argv) text += a + '\0';
      write_text(task_argv_file(folder, t.task_index), text);
    }
    std::string script = "#!/bin/bash\n";
    for (const auto& line : resolved.extra_lines) script += "#SBATCH " + line + "\n";
    script +=
        "# DriveCurator cluster job " + std::to_string(array.id) + ": pass " + array.pass + " " + array.pass_version +
        ", " + std::to_string(tasks.size()) +
        " array tasks. Each runs the argument vector stored in tasks/<task>.argv (NUL-separated, never parsed by a "
        "shell).\nset -euo pipefail\nmapfile -d '' argv < " +
        shell_quote((folder / "tasks").string() + "/") + "\"${SLURM_ARRAY_TASK_ID}.argv\"\nexec \"${argv[@]}\"\n";
    write_text(folder / "job.sbatch", script);
    fs::permissions(folder / "job.sbatch", fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  } catch (const fs::filesystem_error& e) {
    fail(std::string("cannot write the job folder: ") + e.what());
  } catch (const std::runtime_error& e) {
    fail(std::string("cannot write the job folder: ") + e.what());
  }

  std::vector<std::string> sbatch = {"--array=0-" + std::to_string(tasks.size() - 1),
                                     "--job-name=drivecurator-" + array.pass,
                                     "--output=" + sbatch_pattern((folder / "logs").string()) + "/task-%a.log",
                                     "--chdir=" + folder.string()};
  if (!resolved.partition.empty()) sbatch.push_back("--partition=" + resolved.partition);
  if (!resolved.account.empty()) sbatch.push_back("--account=" + resolved.account);
  if (!resolved.time_limit.empty()) sbatch.push_back("--time=" + resolved.time_limit);
  if (!resolved.gres.empty()) sbatch.push_back("--gres=" + resolved.gres);
  if (resolved.cpus_per_task > 0) sbatch.push_back("--cpus-per-task=" + std::to_string(resolved.cpus_per_task));
  if (!resolved.memory.empty()) sbatch.push_back("--mem=" + resolved.memory);
  sbatch.push_back((folder / "job.sbatch").string());
  std::string slurm_id;
  try {
    slurm_id = SlurmClient(resolved.command_prefix()).submit(sbatch);
  } catch (const std::runtime_error& e) {
    fail(e.what());
  }
  array.external_id = slurm_id;
  array.submitted_ns = wall_clock_ns();
  jobs.update(array);
  for (auto& t : tasks) {
    t.external_id = slurm_id + "_" + std::to_string(t.task_index);
    jobs.update(t);
  }
  log(LogLevel::Info, "cluster job " + std::to_string(array.id) + ": Slurm job " + slurm_id + ", " +
                          std::to_string(tasks.size()) + " tasks, folder " + folder.string());
  return array.id;
}

Job SlurmExecutor::poll(std::int64_t job_id) {
  Catalog catalog(catalog_file_);
  JobRepository& jobs = catalog.job_repository();
  auto found = jobs.find(job_id);
  if (!found || !found->cluster_array())
    throw std::invalid_argument("no cluster job " + std::to_string(job_id) + " in " + catalog_file_.string());
  Job array = *found;
  if (array.finished()) return array;
  std::vector<Job> tasks = jobs.tasks(job_id);
  if (array.external_id.empty()) {
    // Stored, but the program ended before sbatch answered: nothing was submitted that we know of.
    for (auto& t : tasks)
      if (!t.finished()) {
        t.state = JobState::Failed;
        t.error = "the job was never submitted (the program ended while submitting it)";
        t.finished_ns = wall_clock_ns();
        jobs.update(t);
      }
    summarize(array, tasks);
    jobs.update(array);
    return array;
  }

  const SlurmOptions options = SlurmOptions::from_json(array.cluster_options_json);
  const auto status = SlurmClient(options.command_prefix()).status(array.external_id, static_cast<int>(tasks.size()));
  const fs::path folder = array.result_path;
  for (auto& t : tasks) {
    if (t.finished()) continue;
    const fs::path results = task_results_file(folder, t.task_index);
    const auto s = status.find(t.task_index);
    std::string state = s != status.end() ? s->second.state : "";
    if (s != status.end()) {
      t.scheduler_state = s->second.state;
      if (!s->second.node.empty()) t.node = s->second.node;
      if (!s->second.exit_code.empty()) t.exit_code = s->second.exit_code;
      t.elapsed_s = s->second.elapsed_s;
    } else {
      // Forgotten by the scheduler (past MinJobAge, no accounting): the results file says whether it completed.
      std::error_code ec;
      state = fs::exists(results, ec) ? "COMPLETED" : "";
    }
    if (waiting(state)) {
      t.state = JobState::Queued;
    } else if (running(state)) {
      t.state = JobState::Running;
      if (!t.started_ns) t.started_ns = wall_clock_ns();
      t.progress = read_progress(results.string() + ".progress");
    } else if (state == "COMPLETED") {
      try {
        const bool stored = import_task(catalog, array, t, results);
        log(LogLevel::Info, "cluster job " + std::to_string(job_id) + " task " + std::to_string(t.task_index) +
                                (stored ? ": imported " : ": already imported ") + results.string());
        t = *jobs.find(t.id);
        continue;
      } catch (const std::exception& e) {
        t.state = JobState::Failed;
        t.error = std::string("results not imported: ") + e.what();
        t.log_tail = log_tail(task_log_file(folder, t.task_index));
        t.finished_ns = wall_clock_ns();
      }
    } else if (state == "CANCELLED") {
      t.state = JobState::Cancelled;
      t.log_tail = log_tail(task_log_file(folder, t.task_index));
      t.finished_ns = wall_clock_ns();
    } else {
      t.state = JobState::Failed;
      t.log_tail = log_tail(task_log_file(folder, t.task_index));
      t.error = state.empty() ? "the scheduler no longer knows this task and it left no results"
                              : state + " (exit code " + t.exit_code + (t.node.empty() ? "" : " on " + t.node) +
                                    ")" + (t.log_tail.empty() ? "" : ": " + last_line(t.log_tail));
      t.finished_ns = wall_clock_ns();
    }
    jobs.update(t);
  }
  summarize(array, tasks);
  jobs.update(array);
  return array;
}

int SlurmExecutor::import(std::int64_t job_id) {
  const Job array = poll(job_id);
  Catalog catalog(catalog_file_);
  int stored = 0;
  for (const auto& t : catalog.job_repository().tasks(job_id))
    if (t.state == JobState::Done && import_task(catalog, array, t, t.result_path)) ++stored;
  return stored;
}

std::vector<std::string> SlurmExecutor::poll_unfinished() {
  std::vector<Job> unfinished;
  {
    Catalog catalog(catalog_file_);
    unfinished = catalog.job_repository().unfinished_cluster_jobs();
  }
  std::vector<std::string> errors;
  for (const auto& job : unfinished) try {
      poll(job.id);
    } catch (const std::exception& e) {
      errors.push_back("cluster job " + std::to_string(job.id) + ": " + e.what());
      log(LogLevel::Warning, errors.back());
    }
  return errors;
}

void SlurmExecutor::cancel(std::int64_t job_id, std::optional<int> task) {
  Catalog catalog(catalog_file_);
  JobRepository& jobs = catalog.job_repository();
  auto found = jobs.find(job_id);
  if (!found || !found->cluster_array())
    throw std::invalid_argument("no cluster job " + std::to_string(job_id) + " in " + catalog_file_.string());
  const std::vector<Job> tasks = jobs.tasks(job_id);
  if (task && (*task < 0 || *task >= static_cast<int>(tasks.size())))
    throw std::invalid_argument("cluster job " + std::to_string(job_id) + " has no task " + std::to_string(*task) +
                                " (tasks 0-" + std::to_string(tasks.size() - 1) + ")");
  if (found->finished()) return;
  if (!found->external_id.empty())
    SlurmClient(SlurmOptions::from_json(found->cluster_options_json).command_prefix()).cancel(found->external_id, task);
  for (const auto& t : tasks)
    if (!task || t.task_index == *task) jobs.request_cancel(t.id);
}

}  // namespace dc::core

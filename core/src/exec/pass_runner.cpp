#include "dc/core/exec/pass_runner.h"

#include "dc/core/exec/pass_results_file.h"

#include "catalog/sqlite_database.h"
#include "dc/core/catalog/catalog.h"
#include "dc/core/catalog/catalog_error.h"
#include "dc/core/data/drive_session.h"
#include "dc/core/passes/pass_registry.h"
#include "dc/core/util/logging.h"
#include "dc/gpu/compute_device.h"
#include "util/host_name.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <fstream>
#include <unistd.h>

namespace dc::core {

namespace fs = std::filesystem;

namespace {

// One run's own log file next to the application log; every line also goes to the application log.
class RunLog {
public:
  explicit RunLog(std::int64_t run_id) : path_(log_folder() / "runs" / ("run-" + std::to_string(run_id) + ".log")) {
    std::error_code ec;
    fs::create_directories(path_.parent_path(), ec);
    out_.open(path_, std::ios::app);
    prefix_ = "run " + std::to_string(run_id) + ": ";
  }
  const fs::path& path() const { return path_; }
  void line(LogLevel level, const std::string& text) {
    std::lock_guard lock(mutex_);
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", std::gmtime(&t));
    if (out_) out_ << stamp << " " << text << "\n" << std::flush;
    log(level, prefix_ + text);
  }

private:
  fs::path path_;
  std::ofstream out_;
  std::string prefix_;
  std::mutex mutex_;
};

// The stored canonical JSON back to the text form the schema validates.
std::map<std::string, std::string> parameters_from_json(const std::string& text) {
  std::map<std::string, std::string> given;
  const nlohmann::json stored = nlohmann::json::parse(text);  // must outlive the loop over its items
  for (const auto& [name, value] : stored.items())
    given[name] = value.is_string() ? value.get<std::string>() : value.dump();
  return given;
}

}  // namespace

std::int64_t queue_pass_run(Catalog& catalog, const PassRequest& request) {
  const Pass* pass = find_pass(request.pass);
  if (!pass) {
    std::string names;
    for (const auto& p : pass_registry()) names += (names.empty() ? "" : ", ") + p->name();
    throw std::invalid_argument("unknown pass '" + request.pass + "' (passes: " + names + ")");
  }
  const auto drive = catalog.find_drive(request.drive);
  if (!drive) throw std::invalid_argument("no drive '" + request.drive + "' in " + catalog.path().string());
  const PassParameters parameters(pass->parameters(), request.parameters);  // throws on a bad value
  Job job;
  job.pass = pass->name();
  job.pass_version = pass->version();
  job.parameters_json = parameters.to_json();
  job.executor = request.executor;
  job.drive_id = drive->id;
  job.state = JobState::Queued;
  job.host = host_name();
  job.pid = ::getpid();
  return catalog.job_repository().create(job);
}

Job execute_pass_run(const fs::path& catalog_file, std::int64_t run_id, const Progress& progress, unsigned threads) {
  Catalog catalog(catalog_file);
  JobRepository& jobs = catalog.job_repository();
  auto found = jobs.find(run_id);
  if (!found) throw std::invalid_argument("no run " + std::to_string(run_id) + " in " + catalog_file.string());
  Job run = *found;
  if (run.state != JobState::Queued)
    throw std::invalid_argument("run " + std::to_string(run_id) + " is " + to_string(run.state) + ", not queued");
  const Pass* pass = find_pass(run.pass);
  if (!pass) throw std::invalid_argument("unknown pass '" + run.pass + "'");

  RunLog log(run_id);
  run.state = JobState::Running;
  run.started_ns = wall_clock_ns();
  run.host = host_name();
  run.pid = ::getpid();
  run.device = dc::gpu::active_device().name;
  run.log_path = log.path().string();
  jobs.update(run);
  log.line(LogLevel::Info, "started " + run.pass + " " + run.pass_version + " on drive " +
                               std::to_string(run.drive_id) + " with " + run.parameters_json + " (" + run.device + ")");

  // Progress reports may come from the pass's workers at once: one lock around the caller's report, the
  // bookkeeping and the catalog write (throttled to twice a second; a failed write only delays the shown progress).
  std::mutex report_mutex;
  auto last_write = std::chrono::steady_clock::now();
  double last_logged = -1;
  std::atomic<bool> cancel{false};
  Progress pass_progress{[&](double done, double total, const std::string& message) {
                           const double fraction = total > 0 ? done / total : 0;
                           std::lock_guard lock(report_mutex);
                           progress(done, total, message);
                           const auto now = std::chrono::steady_clock::now();
                           if (now - last_write > std::chrono::milliseconds(500)) {
                             last_write = now;
                             try {
                               jobs.set_progress(run_id, fraction);
                             } catch (const std::exception&) {
                             }
                           }
                           if (fraction - last_logged >= 0.1) {
                             last_logged = fraction;
                             log.line(LogLevel::Debug, std::to_string(static_cast<int>(fraction * 100)) + "%: " +
                                                           message);
                           }
                         },
                         &cancel};
  // Cancel: the caller's flag (checked every 100 ms) or a request another process stored in the catalog (every
  // 500 ms), watched on a thread of its own because a pass may work for seconds without reporting progress (a
  // Ceres refinement); the pass sees it through pass_progress.
  std::jthread watcher([&](std::stop_token stop) {
    std::mutex idle;
    std::condition_variable_any tick;
    std::unique_lock lock(idle);
    for (int n = 1; !stop.stop_requested(); ++n) {
      tick.wait_for(lock, stop, std::chrono::milliseconds(100), [] { return false; });
      if (stop.stop_requested()) return;
      if (progress.cancelled()) cancel = true;
      if (n % 5 == 0) try {
          if (jobs.cancel_requested(run_id)) cancel = true;
        } catch (const std::exception&) {  // a failed poll only delays cancel
        }
    }
  });
  try {
    if (progress.cancelled()) throw Cancelled();
    const auto drive = catalog.find_drive(std::to_string(run.drive_id));
    if (!drive) throw std::invalid_argument("the run's drive is no longer in the catalog");
    const auto session = DriveSession::open(catalog, drive->name);
    const PassParameters parameters(pass->parameters(), parameters_from_json(run.parameters_json));
    PassResult result = pass->run({*session, parameters, pass_progress, threads});
    if (cancel) throw Cancelled();
    catalog.run_results().commit(run, result);
    run = *jobs.find(run_id);
    log.line(LogLevel::Info, "done: " + run.counts_json);
  } catch (const Cancelled&) {
    run.state = JobState::Cancelled;
    run.finished_ns = wall_clock_ns();
    jobs.update(run);
    log.line(LogLevel::Warning, "cancelled; nothing stored");
  } catch (const std::exception& e) {
    run.state = JobState::Failed;
    run.finished_ns = wall_clock_ns();
    run.error = e.what();
    jobs.update(run);
    log.line(LogLevel::Error, std::string("failed: ") + e.what());
  }
  return run;
}

void run_pass_task(const fs::path& catalog_file, const PassRequest& request, std::int64_t run_id, int first_sample,
                   int end_sample, const fs::path& results_file, const Progress& progress, unsigned threads) {
  const Pass* pass = find_pass(request.pass);
  if (!pass) throw std::invalid_argument("unknown pass '" + request.pass + "'");
  const Catalog catalog(catalog_file);
  const auto drive = catalog.find_drive(request.drive);
  if (!drive) throw std::invalid_argument("no drive '" + request.drive + "' in " + catalog_file.string());
  const PassParameters parameters(pass->parameters(), request.parameters);
  // A node that does not see the drive's folder (not mounted, moved) fails the task instead of reporting every
  // file of the drive missing.
  if (std::error_code ec; !fs::exists(Drive::location_of(drive->root), ec))
    throw std::runtime_error("drive '" + drive->name + "': its folder " + Drive::location_of(drive->root).string() +
                             " does not exist on " + host_name());

  PassResultsFile out;
  out.pass = pass->name();
  out.pass_version = pass->version();
  out.parameters_json = parameters.to_json();
  out.run_id = run_id;
  out.drive_id = drive->id;
  out.drive_name = drive->name;
  out.drive_root = drive->root;
  out.first_sample = first_sample;
  out.end_sample = end_sample;
  out.host = host_name();
  out.device = dc::gpu::active_device().name;
  out.started_ns = wall_clock_ns();
  log(LogLevel::Info, "task of run " + std::to_string(run_id) + ": " + out.pass + " " + out.pass_version + " on " +
                          drive->name + " samples " + std::to_string(first_sample) + ":" +
                          std::to_string(end_sample) + " with " + out.parameters_json + " (" + out.device + ")");
  const auto session = first_sample == 0 && end_sample < 0
                           ? DriveSession::open(catalog, drive->name)
                           : DriveSession::open_shard(catalog, drive->name, first_sample, end_sample);

  const fs::path progress_file = results_file.string() + ".progress";
  std::mutex report_mutex;
  auto last_write = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  Progress task_progress{[&](double done, double total, const std::string& message) {
                           std::lock_guard lock(report_mutex);
                           progress(done, total, message);
                           const auto now = std::chrono::steady_clock::now();
                           if (now - last_write < std::chrono::seconds(1)) return;
                           last_write = now;
                           std::ofstream(progress_file) << (total > 0 ? done / total : 0) << "\n";
                         },
                         progress.cancel};
  out.result = pass->run({*session, parameters, task_progress, threads});
  if (progress.cancelled()) throw Cancelled();
  out.finished_ns = wall_clock_ns();
  write_pass_results_file(results_file, out);
  std::error_code ec;
  fs::remove(progress_file, ec);
  log(LogLevel::Info, "task of run " + std::to_string(run_id) + " wrote " + results_file.string());
}

}  // namespace dc::core

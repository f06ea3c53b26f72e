// Cluster passes on a private one-node Slurm cluster (munged, slurmctld, slurmd on 127.0.0.1, as the tests start
// them): a 100-task array (one task per sample of a generated drive) of label-qa (findings) and of autolabel
// (labels). Prints the latency
// from submission to the first task running, from the last task's results file to the end of the import, the import
// rate (findings and labels per second), and the whole cluster run against the same pass run here in this process.
//   bench_slurm [--tasks N]
#include "slurm_test_cluster.h"
#include "test_support.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/exec/pass_results_file.h"
#include "dc/core/exec/pass_runner.h"
#include "dc/core/exec/slurm_executor.h"
#include "dc/core/io/ingester.h"
#include "dc/synth/drive_generator.h"

#include <QCoreApplication>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace dc;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Wall-clock time of a file's last write, as seconds before now.
double age_s(const fs::path& file) {
  const auto written = fs::last_write_time(file);
  return std::chrono::duration<double>(fs::file_time_type::clock::now() - written).count();
}

void bench_pass(const fs::path& catalog_file, const std::string& pass, const std::string& drive, int tasks,
                const fs::path& job_root) {
  core::SlurmOptions options;
  options.shard_size = 1;
  options.job_root = job_root;
  options.cli_path = DC_CLI_PATH;
  core::SlurmExecutor executor(catalog_file);

  const auto submit_start = Clock::now();
  const std::int64_t id = executor.submit(pass, {drive}, {}, options);
  const double submit_s = seconds_since(submit_start);

  // Watch the job folder without importing: the first progress or results file says a task ran; all results files
  // present and the scheduler done says the array finished.
  fs::path folder;
  {
    core::Catalog catalog(catalog_file);
    folder = catalog.job_repository().find(id)->result_path;
  }
  double first_running_s = -1;
  for (;;) {
    int results = 0;
    bool any = false;
    for (const auto& e : fs::directory_iterator(folder / "results")) {
      any = true;
      if (e.path().extension() == ".json") ++results;
    }
    for (const auto& e : fs::directory_iterator(folder / "logs")) any = any || fs::exists(e.path());
    if (any && first_running_s < 0) first_running_s = seconds_since(submit_start);
    if (results >= tasks) break;
    if (seconds_since(submit_start) > 1800) throw std::runtime_error("the array did not finish in 30 minutes");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double all_done_s = seconds_since(submit_start);
  double newest_age = 1e9;
  for (const auto& e : fs::directory_iterator(folder / "results")) newest_age = std::min(newest_age, age_s(e.path()));

  // Read-only reference in this process: parse and validate every results file (what import reads).
  const auto read_start = Clock::now();
  std::size_t findings = 0, labels = 0;
  for (const auto& e : fs::directory_iterator(folder / "results")) {
    const auto r = core::read_pass_results_file(e.path());
    findings += r.result.findings.size();
    labels += r.result.labels.size();
  }
  const double read_s = seconds_since(read_start);

  // The scheduler may still be finishing the last task's step: poll until the job ended (the import is the poll
  // that sees the tasks COMPLETED).
  const auto import_start = Clock::now();
  core::Job job;
  int polls = 0;
  double import_s = 0;
  for (;;) {
    const auto poll_start = Clock::now();
    job = executor.poll(id);
    ++polls;
    if (job.finished()) {
      import_s = seconds_since(poll_start);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double done_to_imported_s = newest_age + seconds_since(import_start);

  // The same pass over the whole drive here.
  const auto local_start = Clock::now();
  std::int64_t local_run = 0;
  {
    core::Catalog catalog(catalog_file);
    local_run = core::queue_pass_run(catalog, {pass, drive, {}});
  }
  const core::Job local = core::execute_pass_run(catalog_file, local_run, core::Progress{});
  const double local_s = seconds_since(local_start);

  std::printf("\n%s, %d array tasks (one sample each): %s\n", pass.c_str(), tasks, core::to_string(job.state));
  std::printf("  sbatch submission                  %8.2f s\n", submit_s);
  std::printf("  submit -> first task running       %8.2f s\n", first_running_s);
  std::printf("  submit -> last results file        %8.2f s   (%.2f s per task on this machine's slots)\n",
              all_done_s, all_done_s / tasks);
  std::printf("  last results file -> import done   %8.2f s   (%d polls; the importing poll %.3f s)\n",
              done_to_imported_s, polls, import_s);
  std::printf("  imported                           %8zu findings, %zu labels\n", findings, labels);
  std::printf("  import rate                        %8.0f findings+labels/s   (reading the files alone: %.0f/s, "
              "import/read time %.2fx)\n",
              (findings + labels) / import_s, (findings + labels) / read_s, import_s / read_s);
  std::printf("  the same pass here, whole drive    %8.2f s   (cluster array / local run: %.1fx; state %s)\n",
              local_s, all_done_s / local_s, core::to_string(local.state));
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  int tasks = 100;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--tasks") tasks = std::atoi(argv[i + 1]);

  dc::test::SlurmTestCluster cluster;
  if (!cluster.ok()) {
    std::fprintf(stderr, "cannot start the test cluster: %s\n", qPrintable(cluster.skip_reason()));
    return 1;
  }
  std::printf("one-node cluster on 127.0.0.1 started in %.2f s (%d CPUs)\n", cluster.start_seconds(), cluster.cpus());
  ::setenv("SLURM_CONF", cluster.conf_path().toUtf8().constData(), 1);

  const fs::path work = fs::temp_directory_path() / "dc-bench-slurm";
  fs::remove_all(work);
  fs::create_directories(work);
  core::GeneratorOptions g;
  g.out = work / "drive";
  g.frames = tasks;
  g.seed = 7;
  core::generate_drive(g);
  const fs::path catalog_file = work / "catalog.sqlite";
  {
    core::Catalog catalog(catalog_file);
    core::Ingester(catalog).ingest({g.out});
  }
  std::string drive;
  {
    core::Catalog catalog(catalog_file);
    drive = catalog.drives().front().name;
  }
  for (const std::string pass : {"label-qa", "autolabel"}) bench_pass(catalog_file, pass, drive, tasks, work / "jobs");
  fs::remove_all(work);
  return 0;
}

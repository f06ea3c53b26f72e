// Passes on a real one-node Slurm cluster (munged, slurmctld, slurmd started by the test on 127.0.0.1), driven
// through the command line as a user would: an array job over two drives whose imported findings equal a local
// run's; a sharded run; a truncated results file rejected whole; a task that fails (the drive's folder is gone on
// the node) beside one that succeeds; re-import changing nothing; cancel of a running job; the submitting program
// killed mid-poll and the job picked up and imported once by the next one; and submission through an ssh login
// node. Paths with spaces, quotes, ';' and '%' stay literal all the way to the node.
#include "slurm_test_cluster.h"
#include "ssh_test_server.h"
#include "test_support.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTest>
#include <nlohmann/json.hpp>

#include <set>
#include <thread>

using nlohmann::json;
namespace fs = std::filesystem;
using dc::test::run_cli;

namespace {

// What identifies a finding across catalogs (ids and run ids differ).
using FindingKey = std::tuple<std::string, std::string, std::int64_t, std::string, std::string>;

std::multiset<FindingKey> findings_of(const std::string& catalog, const std::string& drive,
                                      bool per_sample_only = false) {
  const auto r = run_cli({"--catalog", catalog, "--json", "findings", "--drive", drive});
  if (r.exit_code != 0) throw std::runtime_error("findings: " + r.err);
  std::multiset<FindingKey> out;
  const json all = json::parse(r.out);
  for (const auto& f : all) {
    const std::int64_t sample = f.at("sample_key").is_null() ? -1 : f.at("sample_key").get<std::int64_t>();
    if (per_sample_only && sample < 0) continue;
    out.insert({f.at("check").get<std::string>(), f.at("severity").get<std::string>(), sample,
                f.at("sensor").get<std::string>(), f.at("message").get<std::string>()});
  }
  return out;
}

json job_show(const std::string& catalog, std::int64_t id) {
  const auto r = run_cli({"--catalog", catalog, "--json", "job", "show", std::to_string(id)});
  if (r.exit_code != 0) throw std::runtime_error("job show: " + r.err);
  return json::parse(r.out);
}

// Polls with `job show` (which imports what completed) until the job ended.
json wait_for_job(const std::string& catalog, std::int64_t id, int timeout_s = 180) {
  QElapsedTimer t;
  t.start();
  for (;;) {
    json j = job_show(catalog, id);
    const std::string state = j.at("state");
    if (state != "queued" && state != "running") return j;
    if (t.elapsed() > timeout_s * 1000) throw std::runtime_error("cluster job still " + state);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

std::int64_t submitted_id(const dc::test::CommandResult& r) {
  const json j = json::parse(r.out);
  return j.at("id").get<std::int64_t>();
}

}  // namespace

class TestSlurmExecutor : public QObject {
  Q_OBJECT
  std::unique_ptr<dc::test::SlurmTestCluster> cluster_;
  fs::path work_, job_root_;
  std::string catalog_, local_catalog_;
  std::string drive_a_, drive_b_;

  // drivecurator-cli on the node, behind a wrapper that waits `seconds` first: a task that runs long enough to be
  // cancelled or outlive its poller. Its path has a space and a quote.
  std::string slow_cli(int seconds) {
    const fs::path wrapper = work_ / "node bin's" / ("slow-" + std::to_string(seconds) + ".sh");
    dc::test::write_text(wrapper, "#!/bin/sh\nsleep " + std::to_string(seconds) + "\nexec '" + DC_CLI_PATH +
                                      "' \"$@\"\n");
    fs::permissions(wrapper, fs::perms::owner_all);
    return wrapper.string();
  }

  // data-qc run here, on the twin catalog: what the cluster's results must equal.
  std::set<std::string> local_done_;
  std::multiset<FindingKey> local_findings(const std::string& drive, bool per_sample_only = false) {
    if (local_done_.insert(drive).second) {
      const auto l = run_cli({"--catalog", local_catalog_, "-q", "pass", "run", "data-qc", "--drive", drive});
      if (l.exit_code != 0) throw std::runtime_error("local run: " + l.err);
    }
    return findings_of(local_catalog_, drive, per_sample_only);
  }

  std::vector<std::string> submit_args(const std::string& pass, const std::vector<std::string>& drives) {
    std::vector<std::string> args = {"--catalog", catalog_, "--json", "-q", "pass", "run", pass, "--executor",
                                     "slurm", "--partition", cluster_->partition().toStdString(), "--job-root",
                                     job_root_.string(), "--time", "10:00", "--cpus-per-task", "1"};
    for (const auto& d : drives) {
      args.push_back("--drive");
      args.push_back(d);
    }
    return args;
  }

 private slots:
  void initTestCase() {
    cluster_ = std::make_unique<dc::test::SlurmTestCluster>();
    if (!cluster_->ok()) QSKIP(qPrintable(cluster_->skip_reason()));
    qInfo("cluster started in %.2f s", cluster_->start_seconds());
    qputenv("SLURM_CONF", cluster_->conf_path().toUtf8());  // the CLI and everything it starts see the cluster
    work_ = dc::test::fresh_work_dir("slurm_executor");
    job_root_ = work_ / "jobs; with 'quotes' and 100%";
    catalog_ = (work_ / "catalog.sqlite").string();
    local_catalog_ = (work_ / "local.sqlite").string();
    for (const auto& [seed, inject] : {std::pair{"5", "black:image_02:3"}, std::pair{"6", "drop:image_02:4-6"},
                                       std::pair{"7", "black:image_02:2"}}) {
      const auto out = work_ / ("drive-" + std::string(seed));
      const auto g = run_cli({"generate", "--out", out.string(), "--frames", "16", "--seed", seed, "--drive", seed,
                              "--width", "320", "--height", "96", "--beams", "16", "--columns", "512", "--inject",
                              inject, "-q"});
      QVERIFY2(g.exit_code == 0, g.err.c_str());
      for (const auto& c : {catalog_, local_catalog_}) {
        const auto r = run_cli({"--catalog", c, "-q", "ingest", out.string()});
        QVERIFY2(r.exit_code == 0, r.err.c_str());
      }
    }
    drive_a_ = "2030_01_01_drive_0005_sync";
    drive_b_ = "2030_01_01_drive_0006_sync";
  }

  void arrayOverTwoDrivesImportsWhatALocalRunFinds() {
    QElapsedTimer t;
    t.start();
    auto args = submit_args("data-qc", {drive_a_, drive_b_});
    args.push_back("--wait");
    const auto r = run_cli(args);
    QVERIFY2(r.exit_code == 0, (r.err + r.out).c_str());
    const json job = json::parse(r.out);
    qInfo("2-task array: submitted, ran and imported in %.1f s", t.elapsed() / 1000.0);
    QCOMPARE(job.at("state").get<std::string>(), std::string("done"));
    QCOMPARE(job.at("tasks").size(), std::size_t(2));
    for (const auto& task : job.at("tasks")) {
      QCOMPARE(task.at("state").get<std::string>(), std::string("done"));
      QCOMPARE(task.at("scheduler_state").get<std::string>(), std::string("COMPLETED"));
      QCOMPARE(task.at("node").get<std::string>(), cluster_->node_name().toStdString());
      QVERIFY(fs::exists(task.at("results").get<std::string>()));
    }
    for (const auto& d : {drive_a_, drive_b_}) {
      const auto remote = findings_of(catalog_, d), local = local_findings(d);
      QVERIFY(!local.empty());  // the injected faults are found
      QVERIFY2(remote == local, d.c_str());
    }
  }

  void reimportChangesNothing() {
    const auto before_a = findings_of(catalog_, drive_a_);
    const auto jobs = json::parse(run_cli({"--catalog", catalog_, "--json", "jobs"}).out);
    std::int64_t id = 0;
    for (const auto& j : jobs)
      if (j.at("executor") == "slurm" && j.at("state") == "done") id = j.at("id");
    QVERIFY(id > 0);
    const json before = job_show(catalog_, id);
    const auto r = run_cli({"--catalog", catalog_, "job", "import", std::to_string(id)});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY2(r.out.find("imported 0 tasks now") != std::string::npos, r.out.c_str());
    QCOMPARE(findings_of(catalog_, drive_a_), before_a);
    QVERIFY(job_show(catalog_, id).at("counts") == before.at("counts"));
  }

  void failedTaskIsReportedBesideASuccessfulOne() {
    // The third drive's folder disappears after ingest: its node cannot read it.
    const auto drive_c_dir = work_ / "drive-7";
    fs::rename(drive_c_dir, work_ / "drive-7-moved");
    const auto r = run_cli(submit_args("data-qc", {drive_b_, "2030_01_01_drive_0007_sync"}));
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json job = wait_for_job(catalog_, submitted_id(r));
    fs::rename(work_ / "drive-7-moved", drive_c_dir);
    QCOMPARE(job.at("state").get<std::string>(), std::string("failed"));
    const auto& ok = job.at("tasks")[0];
    const auto& bad = job.at("tasks")[1];
    QCOMPARE(ok.at("state").get<std::string>(), std::string("done"));
    QCOMPARE(bad.at("state").get<std::string>(), std::string("failed"));
    QCOMPARE(bad.at("scheduler_state").get<std::string>(), std::string("FAILED"));
    QVERIFY2(bad.at("log_tail").get<std::string>().find("does not exist") != std::string::npos,
             bad.at("log_tail").get<std::string>().c_str());
    QVERIFY2(job.at("error").get<std::string>().find("1 of 2 tasks failed") != std::string::npos,
             job.at("error").get<std::string>().c_str());
    QVERIFY(job.at("counts").at("findings").get<int>() > 0);  // drive B's task was imported
    QCOMPARE(findings_of(catalog_, drive_b_), local_findings(drive_b_));
    QVERIFY(findings_of(catalog_, "2030_01_01_drive_0007_sync").empty());
  }

  void truncatedResultsAreRejectedAndNothingIsImported() {
    // The node program writes its results, then the file loses its end (a full disk, a crashed copy).
    const fs::path wrapper = work_ / "node bin's" / "truncating.sh";
    dc::test::write_text(wrapper, std::string("#!/bin/sh\nprev=\nfor a; do [ \"$prev\" = --results ] && r=$a; prev=$a; "
                                              "done\n'") + DC_CLI_PATH + "' \"$@\" && truncate -s 300 \"$r\"\n");
    fs::permissions(wrapper, fs::perms::owner_all);
    const auto before = findings_of(catalog_, drive_b_);
    auto args = submit_args("label-qa", {drive_b_});
    args.insert(args.end(), {"--node-cli", wrapper.string()});
    const auto r = run_cli(args);
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json job = wait_for_job(catalog_, submitted_id(r));
    QCOMPARE(job.at("state").get<std::string>(), std::string("failed"));
    const auto& task = job.at("tasks")[0];
    QCOMPARE(task.at("scheduler_state").get<std::string>(), std::string("COMPLETED"));
    const std::string error = task.at("error");
    QVERIFY2(error.find("results not imported") != std::string::npos && error.find("task-0.json") != std::string::npos &&
                 error.find("truncated") != std::string::npos,
             error.c_str());
    QCOMPARE(findings_of(catalog_, drive_b_), before);  // label-qa stored nothing
  }

  void shardedRunCoversTheDrive() {
    auto args = submit_args("data-qc", {drive_a_});
    args.insert(args.end(), {"--shard-size", "5", "--wait"});
    const auto r = run_cli(args);
    QVERIFY2(r.exit_code == 0, (r.err + r.out).c_str());
    const json job = json::parse(r.out);
    QCOMPARE(job.at("tasks").size(), std::size_t(4));  // 16 samples: 0-5, 5-10, 10-15, 15-end
    QVERIFY(job.at("tasks")[3].at("samples") == json({15, -1}));
    // Per-sample findings fall in exactly one shard: the shards together find what one run finds. (Drive-level
    // statistics, such as the frame rate, are each shard's own.)
    const auto sharded = findings_of(catalog_, drive_a_, true);
    QVERIFY(!sharded.empty());
    QCOMPARE(sharded, local_findings(drive_a_, true));
  }

  void cancelStopsARunningJob() {
    auto args = submit_args("data-qc", {drive_a_, drive_b_});
    args.insert(args.end(), {"--node-cli", slow_cli(60)});
    const auto r = run_cli(args);
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const std::int64_t id = submitted_id(r);
    QElapsedTimer t;
    t.start();
    while (job_show(catalog_, id).at("state") != "running") {
      QVERIFY2(t.elapsed() < 30000, "the tasks never started");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    qInfo("submit to running: %.2f s", t.elapsed() / 1000.0);
    const auto before_a = findings_of(catalog_, drive_a_);
    const auto c = run_cli({"--catalog", catalog_, "job", "cancel", std::to_string(id)});
    QVERIFY2(c.exit_code == 0, c.err.c_str());
    const json job = wait_for_job(catalog_, id, 60);
    QCOMPARE(job.at("state").get<std::string>(), std::string("cancelled"));
    for (const auto& task : job.at("tasks")) {
      QCOMPARE(task.at("state").get<std::string>(), std::string("cancelled"));
      QCOMPARE(task.at("scheduler_state").get<std::string>(), std::string("CANCELLED"));
    }
    QCOMPARE(findings_of(catalog_, drive_a_), before_a);
    const auto again = run_cli({"--catalog", catalog_, "job", "cancel", std::to_string(id), "--task", "7"});
    QCOMPARE(again.exit_code, 1);
    QVERIFY2(again.err.find("has no task 7") != std::string::npos, again.err.c_str());
  }

  void killedPollerIsPickedUpAndImportedOnce() {
    auto args = submit_args("data-qc", {drive_a_, drive_b_});
    args.insert(args.end(), {"--node-cli", slow_cli(3), "--wait"});
    QProcess poller;
    QStringList qargs;
    for (const auto& a : args) qargs << QString::fromStdString(a);
    poller.start(DC_CLI_PATH, qargs);
    QVERIFY(poller.waitForStarted());
    // Wait for the submission to be stored, then kill the waiting program mid-poll.
    std::int64_t id = 0;
    QElapsedTimer t;
    t.start();
    while (id == 0 && t.elapsed() < 30000) {
      for (const auto& j : json::parse(run_cli({"--catalog", catalog_, "--json", "jobs"}).out))
        if (j.at("executor") == "slurm" && j.at("state") != "done" && j.at("state") != "failed" &&
            j.at("state") != "cancelled" && !j.at("external_id").get<std::string>().empty())
          id = j.at("id");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    QVERIFY(id > 0);
    poller.kill();
    QVERIFY(poller.waitForFinished());
    const json ended = wait_for_job(catalog_, id);  // a new program polls and imports
    QCOMPARE(ended.at("state").get<std::string>(), std::string("done"));
    // Imported once: each task's findings appear once, equal to a local run's.
    QCOMPARE(findings_of(catalog_, drive_a_), local_findings(drive_a_));
    QCOMPARE(findings_of(catalog_, drive_b_), local_findings(drive_b_));
    const auto again = run_cli({"--catalog", catalog_, "job", "import", std::to_string(id)});
    QVERIFY2(again.out.find("imported 0 tasks now") != std::string::npos, again.out.c_str());
  }

  void submitsThroughAnSshLoginNode() {
    dc::test::SshTestServer ssh(cluster_->env_vars());
    if (!ssh.ok()) QSKIP(qPrintable(ssh.skip_reason()));
    auto args = submit_args("data-qc", {drive_b_});
    args.insert(args.end(), {"--ssh", ssh.host_alias().toStdString(), "--ssh-config", ssh.client_config().toStdString(),
                             "--wait"});
    qunsetenv("SLURM_CONF");  // only the login node knows the cluster
    const auto r = run_cli(args);
    qputenv("SLURM_CONF", cluster_->conf_path().toUtf8());
    QVERIFY2(r.exit_code == 0, (r.err + r.out).c_str());
    const json job = json::parse(r.out);
    QCOMPARE(job.at("state").get<std::string>(), std::string("done"));
    QCOMPARE(job.at("cluster_options").at("ssh").get<std::string>(), ssh.host_alias().toStdString());
    QCOMPARE(findings_of(catalog_, drive_b_), local_findings(drive_b_));
  }

  void cleanupTestCase() { cluster_.reset(); }
};

QTEST_GUILESS_MAIN(TestSlurmExecutor)
#include "tst_slurm_executor.moc"

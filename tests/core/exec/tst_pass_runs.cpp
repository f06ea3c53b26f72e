// The pass framework end to end: registry and parameter schema, the run state machine with its catalog row, results
// stored only when a run finishes, replacement on rerun, cancel, and a run killed with SIGKILL mid-way (the catalog
// reopened afterwards has no partial rows, passes its integrity check and shows the run as interrupted).
#include "test_support.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/exec/local_executor.h"
#include "dc/core/exec/pass_runner.h"
#include "dc/core/io/ingester.h"
#include "dc/core/passes/pass_registry.h"

#include <QProcess>
#include <QTest>

#include <nlohmann/json.hpp>

#include <csignal>
#include <set>

using namespace dc::core;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
const char* kDrive = "2030_01_01_drive_0001_sync";

std::int64_t count_rows(const fs::path& catalog, const std::string& sql) {
  const auto r = dc::test::run_program("sqlite3", {catalog.string(), sql});
  return std::stoll(r.out);
}
}  // namespace

class TestPassRuns : public QObject {
  Q_OBJECT
  fs::path work_, drive_dir_, catalog_;

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("pass_runs");
    auto r = dc::test::run_cli({"generate", "--out", (work_ / "gen").string(), "--frames", "120", "--seed", "4", "--columns", "1000",
                                "--cameras", "1", "--width", "160", "--height", "64", "--json", "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    drive_dir_ = json::parse(r.out)["drive_dir"].get<std::string>();
    catalog_ = work_ / "c.sqlite";
    Catalog c(catalog_);
    Ingester(c).ingest({drive_dir_});
  }

  void registryAndSchema() {
    std::set<std::string> names;
    for (const auto& p : pass_registry()) {
      QVERIFY(names.insert(p->name()).second);
      QVERIFY(!p->version().empty());
      QVERIFY(!p->summary().empty());
      for (const auto& spec : p->parameters()) {
        QVERIFY2(!spec.doc.empty(), (p->name() + "." + spec.name).c_str());
        // Every default is valid under its own schema.
        PassParameters({spec}, {});
      }
      QCOMPARE(find_pass(p->name()), p.get());
    }
    QVERIFY(find_pass("label-qa"));
    QVERIFY(find_pass("no-such-pass") == nullptr);
  }

  void parameterValidation() {
    const std::vector<ParamSpec> schema = {
        {"min_points", ParamSpec::Type::Integer, "5", 0, 1000, "a count"},
        {"iou", ParamSpec::Type::Number, "0.1", 0, 1, "a ratio"},
        {"tracks", ParamSpec::Type::Flag, "true", {}, {}, "a switch"},
        {"source", ParamSpec::Type::Text, "all", {}, {}, "a name"}};
    const PassParameters defaults(schema, {});
    QCOMPARE(defaults.integer("min_points"), std::int64_t(5));
    QCOMPARE(defaults.number("iou"), 0.1);
    QVERIFY(defaults.flag("tracks"));
    QCOMPARE(defaults.text("source"), std::string("all"));
    QCOMPARE(defaults.to_json(), std::string(R"({"iou":0.1,"min_points":5,"source":"all","tracks":true})"));
    const PassParameters given(schema, {{"iou", "0.5"}, {"tracks", "no"}});
    QCOMPARE(given.number("iou"), 0.5);
    QVERIFY(!given.flag("tracks"));
    auto message = [&](const std::map<std::string, std::string>& bad) {
      try {
        PassParameters(schema, bad);
      } catch (const std::invalid_argument& e) {
        return std::string(e.what());
      }
      return std::string("accepted");
    };
    QCOMPARE(message({{"iou", "2"}}), std::string("parameter iou=2: outside 0.0..1.0"));
    QCOMPARE(message({{"min_points", "1.5"}}), std::string("parameter min_points=1.5: not a whole number"));
    QCOMPARE(message({{"iou", "abc"}}), std::string("parameter iou=abc: not a number"));
    QCOMPARE(message({{"tracks", "maybe"}}), std::string("parameter tracks=maybe: not true or false"));
    QCOMPARE(message({{"colour", "red"}}),
             std::string("unknown parameter 'colour' (parameters: min_points, iou, tracks, source)"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parse_param_items({"iou"}));
    QCOMPARE(parse_param_items({"iou=0.3", "source=gt"}).at("source"), std::string("gt"));
  }

  void runStoresResultsWhenDoneAndRerunReplaces() {
    Catalog c(catalog_);
    const std::int64_t first = queue_pass_run(c, {"label-qa", kDrive, {{"max_speed", "5"}}});
    QCOMPARE(c.job_repository().find(first)->state, JobState::Queued);
    const Job done = execute_pass_run(catalog_, first, {});
    QCOMPARE(done.state, JobState::Done);
    QCOMPARE(done.progress, 1.0);
    QVERIFY(done.started_ns > 0 && done.finished_ns >= done.started_ns);
    QVERIFY(!done.device.empty());
    QVERIFY(!done.host.empty());
    QVERIFY(fs::exists(done.log_path));
    const auto drive = c.find_drive(kDrive)->id;
    const auto findings = c.finding_repository().list(drive);
    // With a 5 m/s limit the generated traffic (cars at 8-14 m/s) is reported: the run found something.
    QVERIFY(!findings.empty());
    QCOMPARE(json::parse(done.counts_json)["findings"].get<std::size_t>(), findings.size());
    QCOMPARE(count_rows(catalog_, "SELECT count(*) FROM findings WHERE job_id = " + std::to_string(first) + ";"),
             std::int64_t(findings.size()));

    // The same parameters again: the earlier run's findings are replaced, not doubled.
    const std::int64_t second = queue_pass_run(c, {"label-qa", kDrive, {{"max_speed", "5"}}});
    QCOMPARE(execute_pass_run(catalog_, second, {}).state, JobState::Done);
    QCOMPARE(c.finding_repository().list(drive).size(), findings.size());
    QCOMPARE(count_rows(catalog_, "SELECT count(*) FROM findings WHERE job_id = " + std::to_string(first) + ";"),
             std::int64_t(0));
    QCOMPARE(json::parse(c.job_repository().find(first)->counts_json)["replaced_by"].get<std::int64_t>(), second);
    // Other parameters: a separate result set that stays beside it.
    const std::int64_t other = queue_pass_run(c, {"label-qa", kDrive, {{"max_speed", "4"}}});
    QCOMPARE(execute_pass_run(catalog_, other, {}).state, JobState::Done);
    QVERIFY(c.finding_repository().list(drive).size() > findings.size());
  }

  void badRequestsAreRefusedBeforeAnyRow() {
    Catalog c(catalog_);
    const auto before = c.job_repository().list().size();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, queue_pass_run(c, {"no-such-pass", kDrive, {}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, queue_pass_run(c, {"label-qa", "no-such-drive", {}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, queue_pass_run(c, {"label-qa", kDrive, {{"max_speed", "-1"}}}));
    QCOMPARE(c.job_repository().list().size(), before);
  }

  void cancelLeavesNothing() {
    Catalog c(catalog_);
    const std::int64_t run = queue_pass_run(c, {"label-qa", kDrive, {{"max_speed", "3"}}});
    std::atomic<bool> cancel{true};
    const Job ended = execute_pass_run(catalog_, run, Progress{{}, &cancel});
    QCOMPARE(ended.state, JobState::Cancelled);
    QCOMPARE(count_rows(catalog_, "SELECT count(*) FROM findings WHERE job_id = " + std::to_string(run) + ";"),
             std::int64_t(0));
    // A queued run cancelled through the catalog (as `job cancel` from another process does) never starts.
    const std::int64_t queued = queue_pass_run(c, {"label-qa", kDrive, {}});
    c.job_repository().request_cancel(queued);
    QCOMPARE(c.job_repository().find(queued)->state, JobState::Cancelled);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, execute_pass_run(catalog_, queued, {}));
  }

  void localExecutorRunsQueuedRunsInOrder() {
    std::vector<std::int64_t> finished;
    std::mutex mutex;
    LocalExecutor executor(catalog_, {}, [&](const Job& j) {
      std::lock_guard lock(mutex);
      finished.push_back(j.id);
    });
    const auto a = executor.submit({"label-qa", kDrive, {{"max_speed", "6"}}});
    const auto b = executor.submit({"label-qa", kDrive, {{"max_speed", "7"}}});
    const auto cancelled = executor.submit({"label-qa", kDrive, {{"max_speed", "8"}}});
    executor.cancel(cancelled);
    executor.wait_idle();
    Catalog c(catalog_);
    QCOMPARE(c.job_repository().find(a)->state, JobState::Done);
    QCOMPARE(c.job_repository().find(b)->state, JobState::Done);
    QCOMPARE(c.job_repository().find(cancelled)->state, JobState::Cancelled);
    std::lock_guard lock(mutex);
    QCOMPARE(finished.size(), std::size_t(3));
    QCOMPARE(finished[0] == a || finished[1] == a, true);
  }

  void killedRunIsInterruptedAndLeavesNoRows() {
    // A child process runs the pass; SIGKILL once it reports progress. Reopening the catalog marks the run
    // interrupted; nothing of it is visible; the catalog is intact; rerunning gives the clean results.
    const fs::path file = work_ / "killed.sqlite";
    fs::copy_file(catalog_, file);
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(DC_CLI_PATH, {"--catalog", QString::fromStdString(file.string()), "pass", "run", "label-qa", "--drive",
                          kDrive, "--param", "max_speed=2"});
    QVERIFY(p.waitForStarted());
    QByteArray out;
    while (!out.contains("label-qa [")) {
      QVERIFY2(p.waitForReadyRead(20000), out.constData());
      out += p.readAll();
    }
    ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);

    Catalog c(file);
    const Job killed = c.job_repository().list().front();
    QCOMPARE(killed.state, JobState::Interrupted);
    QVERIFY(killed.error.find("ended before it finished") != std::string::npos);
    QCOMPARE(count_rows(file, "SELECT count(*) FROM findings WHERE job_id = " + std::to_string(killed.id) + ";"),
             std::int64_t(0));
    const auto check = dc::test::run_program("sqlite3", {file.string(), "PRAGMA integrity_check;"});
    QCOMPARE(check.out, std::string("ok\n"));
    const std::int64_t again = queue_pass_run(c, {"label-qa", kDrive, {{"max_speed", "2"}}});
    const Job rerun = execute_pass_run(file, again, {});
    QCOMPARE(rerun.state, JobState::Done);
    // The same as a run that was never interrupted, on the original catalog.
    Catalog reference(catalog_);
    const std::int64_t clean = queue_pass_run(reference, {"label-qa", kDrive, {{"max_speed", "2"}}});
    const Job clean_run = execute_pass_run(catalog_, clean, {});
    QCOMPARE(json::parse(rerun.counts_json)["findings"].get<int>(), json::parse(clean_run.counts_json)["findings"].get<int>());
  }
};

QTEST_GUILESS_MAIN(TestPassRuns)
#include "tst_pass_runs.moc"

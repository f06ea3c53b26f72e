// A killed export: drivecurator-cli export runs in a child process and is killed (SIGKILL, no chance to clean up)
// once its progress on stderr shows it half-way. Nothing may exist under the target name afterwards, and a later
// export to the same target succeeds and is complete.
#include "test_support.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <regex>

using nlohmann::json;
namespace fs = std::filesystem;
using dc::test::run_cli;

namespace {

// Starts the CLI with stderr on a pipe shrunk to one page, so the child cannot run far ahead of what was read.
pid_t start_cli(const std::vector<std::string>& args, int& stderr_fd) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) qFatal("pipe failed");
  ::fcntl(fds[0], F_SETPIPE_SZ, 4096);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDERR_FILENO);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(DC_CLI_PATH));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(DC_CLI_PATH, argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  stderr_fd = fds[0];
  return pid;
}

}  // namespace

class TestExportInterrupted : public QObject {
  Q_OBJECT
  fs::path work_;
  std::string catalog_;

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("export_interrupted");
    catalog_ = (work_ / "catalog.sqlite").string();
    auto r = run_cli({"generate", "--out", (work_ / "gen").string(), "--frames", "60", "--seed", "2", "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = run_cli({"--catalog", catalog_, "ingest", (work_ / "gen").string(), "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = run_cli({"--catalog", catalog_, "collection", "create", "all", "--query", "sample>=0"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
  }

  void killedMidwayLeavesNothing_data() {
    QTest::addColumn<QString>("format");
    QTest::newRow("kitti-raw") << "kitti-raw";
    QTest::newRow("kitti-object") << "kitti-object";
  }

  void killedMidwayLeavesNothing() {
    QFETCH(QString, format);
    const fs::path target = work_ / format.toStdString() / "training";
    int err = -1;
    // -v prints a progress line per file written; --copy makes every payload a real copy.
    const pid_t pid = start_cli({"--catalog", catalog_, "-v", "export", "all", "--format", format.toStdString(),
                                 "--out", target.string(), "--copy"},
                                err);
    FILE* in = ::fdopen(err, "r");
    static const std::regex progress(R"(export \[\s*[\d.]+%\] (\d+)/(\d+) )");
    char* line = nullptr;
    std::size_t capacity = 0;
    double done = 0, total = 0;
    while (::getline(&line, &capacity, in) > 0) {
      std::cmatch m;
      if (std::regex_search(line, m, progress)) {
        done = std::stod(m[1].str());
        total = std::stod(m[2].str());
        if (total > 0 && done >= total / 2) break;
      }
    }
    std::free(line);
    QVERIFY2(total > 100 && done >= total / 2 && done < total, "no mid-way progress line");
    QVERIFY(::kill(pid, SIGKILL) == 0);
    int status = 0;
    QVERIFY(::waitpid(pid, &status, 0) == pid);
    std::fclose(in);
    QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    // Nothing under the final name; the killed run's staging folder is all that is left, beside it.
    QVERIFY(!fs::exists(target));
    int staging = 0;
    for (const auto& e : fs::directory_iterator(target.parent_path())) {
      QVERIFY2(e.path().filename().string().rfind(".training.partial-", 0) == 0, e.path().c_str());
      ++staging;
    }
    QCOMPARE(staging, 1);

    // A later export succeeds and is complete: every file the manifest lists is there. It removes the killed
    // run's staging folder (no process holds its lock any more).
    const auto r = run_cli({"--catalog", catalog_, "--json", "export", "all", "--format", format.toStdString(),
                            "--out", target.string(), "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    for (const auto& e : fs::directory_iterator(target.parent_path()))
      QVERIFY2(e.path() == target, ("left beside the export: " + e.path().string()).c_str());
    const json m = json::parse(dc::test::read_text(target / "manifest.json"));
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(target))
      if (e.is_regular_file() && e.path().filename() != "manifest.json") ++files;
    QCOMPARE(m["files"].size(), files);
    QCOMPARE(2.0 * static_cast<double>(files), total);  // the progress total: each file listed, filed and on disk
    for (const auto& f : m["files"]) QVERIFY(fs::exists(target / f["path"].get<std::string>()));
  }

  // A staging folder whose process is alive (it holds the folder's flock, as this test does here) is never removed
  // by another export to the same target.
  void runningExportsStagingFolderStays() {
    const fs::path out = work_ / "live";
    fs::create_directories(out);
    const fs::path live = out / ".training.partial-live01";
    fs::create_directories(live / "velodyne");
    { std::ofstream(live / "velodyne" / "000000.bin") << "half"; }
    const int fd = ::open(live.c_str(), O_RDONLY | O_DIRECTORY);
    QVERIFY(fd >= 0);
    QVERIFY(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    const auto r = run_cli({"--catalog", catalog_, "export", "all", "--format", "kitti-object", "--out",
                            (out / "training").string(), "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY(fs::exists(live / "velodyne" / "000000.bin"));
    ::close(fd);
  }
};

QTEST_GUILESS_MAIN(TestExportInterrupted)
#include "tst_export_interrupted.moc"

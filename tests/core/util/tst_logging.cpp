// Logging: a rotating file under $XDG_STATE_HOME/drivecurator/, the in-memory lines the GUI's log view shows, and
// CUDA fallbacks from dc_gpu routed into the log instead of vanishing.
#include "test_support.h"

#include "dc/core/util/logging.h"
#include "dc/gpu/compute_device.h"

#include <QTest>

#include <algorithm>
#include <cstdlib>

using namespace dc::core;

namespace {
bool contains(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
}
}  // namespace

class TestLogging : public QObject {
  Q_OBJECT
private slots:
  void initTestCase() {
    const auto dir = dc::test::fresh_work_dir("logging_state");
    setenv("XDG_STATE_HOME", dir.c_str(), 1);
    init_logging();
  }

  void writesTheFileUnderTheStateFolder() {
    QCOMPARE(log_file().parent_path().filename().string(), std::string("drivecurator"));
    log_error("catalog switch failed: disk full");
    const std::string text = dc::test::read_text(log_file());  // errors are flushed at once
    QVERIFY2(text.find("[error] catalog switch failed: disk full") != std::string::npos, text.c_str());
  }

  void keepsRecentLinesForTheLogView() {
    for (int k = 0; k < 5; ++k) log_info("line " + std::to_string(k));
    const auto lines = recent_log_lines(3);
    QCOMPARE(lines.size(), std::size_t(3));
    QVERIFY(lines.back().find("[info] line 4") != std::string::npos);
    QVERIFY(lines.front().find("line 2") != std::string::npos);
  }

  void cudaFallbackIsLogged() {
    dc::gpu::report_fallback("CUDA failed, ran on the CPU instead: out of memory");
    QVERIFY(contains(recent_log_lines(10), "[warning] CUDA failed, ran on the CPU instead: out of memory"));
  }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"

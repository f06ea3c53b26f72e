// Slurm cluster jobs in the real main window under Xvfb, on a private one-node cluster: the launch dialog's Slurm
// executor and fields (remembered in the settings), the array job and its task rows in the jobs panel, the findings
// a completed task imported, and cancelling one task of a running array job.
#include "gui_test_support.h"
#include "slurm_test_cluster.h"
#include "test_support.h"

#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/widgets/findings_panel.h"
#include "dc/widgets/jobs_panel.h"
#include "dc/widgets/pass_launch_dialog.h"
#include "dc/widgets/surface_format.h"

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QGroupBox>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QTest>
#include <QToolButton>

#include <memory>

namespace fs = std::filesystem;
using dc::widgets::JobsPanel;

namespace {

const QColor kDoneColor(0x81, 0xc7, 0x84), kCancelledColor(0xff, 0xa7, 0x26);

// Passes → Run pass… with the mouse, as a user opens it.
dc::widgets::PassLaunchDialog* open_dialog_by_menu(dc::app::MainWindow& w) {
  QMenu* passes = w.passes_menu();
  QTest::mouseClick(w.menuBar(), Qt::LeftButton, {}, w.menuBar()->actionGeometry(passes->menuAction()).center());
  if (!QTest::qWaitFor([&] { return passes->isVisible(); }, 5000)) return nullptr;
  QAction* run_action = passes->findChild<QAction*>("runPassAction");
  if (!run_action) return nullptr;
  QTest::mouseClick(passes, Qt::LeftButton, {}, passes->actionGeometry(run_action).center());
  auto* dialog = w.findChild<dc::widgets::PassLaunchDialog*>();
  if (!dialog || !QTest::qWaitFor([&] { return dialog->isVisible(); }, 5000)) return nullptr;
  return dialog;
}

void type_into(QLineEdit* edit, const QString& text) {
  QTest::mouseClick(edit, Qt::LeftButton);
  edit->selectAll();
  QTest::keyClicks(edit, text);
}

}  // namespace

class TestSlurmJobs : public QObject {
  Q_OBJECT
  fs::path work_;
  fs::path catalog_;
  std::unique_ptr<dc::test::SlurmTestCluster> cluster_;

  QString cell(JobsPanel* jobs, std::int64_t run, JobsPanel::Column c) { return jobs->text(run, c); }
  QColor state_color(JobsPanel* jobs, std::int64_t run) {
    const int r = jobs->row_of(run);
    return r < 0 ? QColor() : jobs->table()->item(r, JobsPanel::StateColumn)->foreground().color();
  }

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("gui_slurm_jobs");
    // The test's own settings scope: nothing read from or written to the user's settings.
    qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((work_ / "config").string()));
    qputenv("XDG_STATE_HOME", QByteArray::fromStdString((work_ / "state").string()));
    cluster_ = std::make_unique<dc::test::SlurmTestCluster>();
    if (!cluster_->ok()) QSKIP(qPrintable(cluster_->skip_reason()));
    qputenv("SLURM_CONF", cluster_->conf_path().toUtf8());  // the executor's sbatch/squeue/scancel use it
    qInfo("cluster started in %.1f s, node %s", cluster_->start_seconds(), qPrintable(cluster_->node_name()));

    auto r = dc::test::run_cli({"generate", "--out", (work_ / "gen").string(), "--frames", "12", "--seed", "5",
                                "--width", "320", "--height", "96", "--beams", "16", "--columns", "512", "--inject",
                                "black:image_02:3", "-q"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    catalog_ = work_ / "catalog.sqlite";
    r = dc::test::run_cli({"--quiet", "--catalog", catalog_.string(), "ingest", (work_ / "gen").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
  }

  void cleanupTestCase() { cluster_.reset(); }

  // data-qc on the cluster from the dialog: the array job and its task end done on the cluster's node, the findings
  // the task stored are listed, the Slurm fields are offered again; a slow second job's task is cancelled.
  void submitPollAndCancelFromTheGui() {
    QTemporaryDir job_root(QString::fromStdString((work_ / "jobs_XXXXXX").string()));
    QVERIFY(job_root.isValid());
    QElapsedTimer clock;
    clock.start();

    dc::app::MainWindow window(QString::fromStdString(catalog_.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.open_single_drive(0));
    QVERIFY(QTest::qWaitFor([&] { return window.shown_sample() == 0; }, 30000));
    auto* jobs = window.jobs_panel();
    QCOMPARE(jobs->table()->rowCount(), 0);
    QCOMPARE(window.findings_panel()->visible_count(), 0);

    auto* dialog = open_dialog_by_menu(window);
    QVERIFY(dialog);
    QVERIFY(dialog->local_button()->isChecked());
    QVERIFY(!dialog->slurm_box()->isVisible());
    QVERIFY(dialog->select_pass("data-qc"));
    QTest::mouseClick(dialog->slurm_button(), Qt::LeftButton);
    QVERIFY(dialog->slurm_selected());
    QTRY_VERIFY(dialog->slurm_box()->isVisible());
    type_into(dialog->partition_edit(), "debug");
    type_into(dialog->job_root_edit(), job_root.path());
    // The node program as the nodes see it (the default looks beside the running program: here, the test's).
    type_into(dialog->cli_path_edit(), DC_CLI_PATH);
    QCOMPARE(dialog->slurm_options().partition, std::string("debug"));
    QCOMPARE(dialog->checked_drives().size(), 1);

    QSignalSpy submitted(&window, &dc::app::MainWindow::cluster_job_submitted);
    QSignalSpy results(&window, &dc::app::MainWindow::run_results_shown);
    const qint64 before_submit = clock.elapsed();
    QTest::mouseClick(dialog->run_button(), Qt::LeftButton);
    QVERIFY(!dialog->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(submitted.size(), 1, 60000);
    const std::int64_t job = submitted.at(0).at(0).toLongLong();
    qInfo("submitted cluster job %lld in %lld ms", static_cast<long long>(job), clock.elapsed() - before_submit);
    QVERIFY(jobs->row_of(job) >= 0);
    QVERIFY(window.cluster_timer()->isActive());

    // The array row ends done with one task row, done, on the cluster's node.
    QTRY_VERIFY_WITH_TIMEOUT(jobs->job(job) && jobs->job(job)->finished(), 120000);
    QVERIFY2(cell(jobs, job, JobsPanel::StateColumn) == "done", jobs->job(job)->error.c_str());
    qInfo("array job done %lld ms after the submission", clock.elapsed() - before_submit);
    const auto tasks = jobs->task_ids(job);
    QCOMPARE(tasks.size(), std::size_t{1});
    const std::int64_t task = tasks.front();
    QVERIFY(jobs->row_of(task) == jobs->row_of(job) + 1);  // the child row follows its array job
    QVERIFY2(cell(jobs, task, JobsPanel::StateColumn).startsWith("done"),
             qPrintable(cell(jobs, task, JobsPanel::StateColumn)));
    QCOMPARE(state_color(jobs, task), kDoneColor);
    QCOMPARE(state_color(jobs, job), kDoneColor);
    QCOMPARE(cell(jobs, task, JobsPanel::NodeColumn), cluster_->node_name());
    QCOMPARE(cell(jobs, task, JobsPanel::ExitColumn), QString("0:0"));
    QCOMPARE(cell(jobs, task, JobsPanel::SamplesColumn), QString("all"));
    QVERIFY(cell(jobs, job, JobsPanel::PassColumn).startsWith("data-qc"));
    QVERIFY(!jobs->cancel_button(job)->isEnabled());
    QVERIFY(!jobs->cancel_button(task)->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!window.cluster_timer()->isActive(), 10000);  // nothing left to poll

    // What the task imported is listed, as after a local run.
    std::size_t stored = 0;
    {
      dc::core::Catalog c(catalog_);
      stored = c.finding_repository().list(c.drives().front().id).size();
    }
    QVERIFY(stored > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!results.isEmpty(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(window.findings_panel()->visible_count(), static_cast<int>(stored), 10000);

    // The jobs panel, for a look: array job and task row.
    auto* dock = window.findChild<QDockWidget*>("jobsDock");
    QVERIFY(dock);
    dock->setFloating(true);  // wide enough for every column
    dock->resize(1450, 300);
    QTest::qWait(300);
    const QImage shot = dock->grab().toImage();
    dock->setFloating(false);
    dc::test::save_screenshot(shot, "slurm_jobs_panel.png", work_);
    QVERIFY(shot.save("/tmp/dc_slurm_jobs_panel.png"));

    // The Slurm fields were remembered: in the settings, and in the dialog opened again.
    QCOMPARE(QSettings().value("slurm/partition").toString(), QString("debug"));
    QCOMPARE(QSettings().value("slurm/job_root").toString(), job_root.path());
    QCOMPARE(QSettings().value("passes/executor").toString(), QString("slurm"));
    dialog = open_dialog_by_menu(window);
    QVERIFY(dialog);
    QCOMPARE(dialog->partition_edit()->text(), QString("debug"));
    QVERIFY(dialog->slurm_button()->isChecked());
    dialog->reject();

    // A second job whose node program sleeps first: its task is cancelled from its row while it runs.
    const fs::path wrapper = work_ / "slow_cli.sh";
    {
      QFile f(QString::fromStdString(wrapper.string()));
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(QByteArray("#!/bin/sh\nsleep 60; exec ") + DC_CLI_PATH + " \"$@\"\n");
      f.close();
      QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                               QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther |
                               QFileDevice::ExeOther));
    }
    QSettings().setValue("slurm/cli_path", QString::fromStdString(wrapper.string()));
    dialog = open_dialog_by_menu(window);
    QVERIFY(dialog);
    QCOMPARE(dialog->cli_path_edit()->text(), QString::fromStdString(wrapper.string()));
    QVERIFY(dialog->select_pass("data-qc"));
    QTest::mouseClick(dialog->run_button(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(submitted.size(), 2, 60000);
    const std::int64_t slow = submitted.at(1).at(0).toLongLong();
    QVERIFY(slow != job);
    QCOMPARE(jobs->row_of(slow), 0);  // newest first
    QTRY_COMPARE_WITH_TIMEOUT(jobs->task_ids(slow).size(), std::size_t{1}, 10000);
    const std::int64_t slow_task = jobs->task_ids(slow).front();
    QTRY_VERIFY_WITH_TIMEOUT(jobs->job(slow_task)->state != dc::core::JobState::Queued, 60000);
    QVERIFY2(cell(jobs, slow_task, JobsPanel::StateColumn).startsWith("running"),
             qPrintable(cell(jobs, slow_task, JobsPanel::StateColumn)));

    // Select the task row with the mouse and cancel just that task.
    auto* table = jobs->table();
    const QRect rect = table->visualItemRect(table->item(jobs->row_of(slow_task), JobsPanel::PassColumn));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(jobs->selected_run(), std::optional<std::int64_t>(slow_task));
    QVERIFY(jobs->cancel_selected_button()->isEnabled());
    const qint64 before_cancel = clock.elapsed();
    QTest::mouseClick(jobs->cancel_selected_button(), Qt::LeftButton);
    QCOMPARE(cell(jobs, slow_task, JobsPanel::StateColumn), QString("cancelling"));
    QTRY_VERIFY_WITH_TIMEOUT(cell(jobs, slow_task, JobsPanel::StateColumn).startsWith("cancelled"), 30000);
    qInfo("task cancelled %lld ms after the click", clock.elapsed() - before_cancel);
    QCOMPARE(state_color(jobs, slow_task), kCancelledColor);
    QTRY_COMPARE_WITH_TIMEOUT(cell(jobs, slow, JobsPanel::StateColumn), QString("cancelled"), 10000);
    QCOMPARE(state_color(jobs, slow), kCancelledColor);
    // The cancelled task imported nothing: the findings are those of the first job.
    QCOMPARE(window.findings_panel()->visible_count(), static_cast<int>(stored));
    qInfo("whole test %lld ms", clock.elapsed());
  }
};

int main(int argc, char** argv) {
  dc::widgets::use_vtk_surface_format();
  QApplication app(argc, argv);
  QApplication::setOrganizationName("DriveCurator");
  QApplication::setApplicationName("drivecurator-tests");
  // QTRY_ waits up to 120 s for the cluster (and twice that again to report a failure): above Qt's 5 minutes.
  if (qEnvironmentVariableIsEmpty("QTEST_FUNCTION_TIMEOUT")) qputenv("QTEST_FUNCTION_TIMEOUT", "900000");
  TestSlurmJobs t;
  return QTest::qExec(&t, argc, argv);
}
#include "tst_slurm_jobs.moc"

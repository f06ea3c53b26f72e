// Validation passes in the real main window under Xvfb: the Passes menu and launch dialog, the jobs panel (progress,
// log, cancel), the findings panel (filters, review, jump to a finding's sample and camera), the findings and
// calib-score timeline lanes, the score chart, and the camera overlay with the stored or the refined calibration.
#include "gui_test_support.h"
#include "test_support.h"

#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "dc/core/passes/pass_registry.h"
#include "dc/widgets/calibration_score_chart.h"
#include "dc/widgets/camera_view.h"
#include "dc/widgets/finding_table_model.h"
#include "dc/widgets/findings_panel.h"
#include "dc/widgets/jobs_panel.h"
#include "dc/widgets/pass_launch_dialog.h"
#include "dc/widgets/pass_parameter_form.h"
#include "dc/widgets/playback_controller.h"
#include "dc/widgets/run_log_view.h"
#include "dc/widgets/surface_format.h"
#include "dc/widgets/timeline_widget.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

namespace fs = std::filesystem;
using dc::core::Finding;
using dc::core::ReviewState;
using dc::core::Severity;

namespace {

const std::string kDriveA = "2030_01_01_drive_0001_sync";
const std::string kDriveB = "2030_01_01_drive_0002_sync";

bool wait_shown(dc::app::MainWindow& w, int sample) {
  return QTest::qWaitFor([&] { return w.shown_sample() == sample && w.current_sample() == sample; }, 30000);
}

dc::widgets::CameraView* camera_view(dc::app::MainWindow& w, const QString& sensor) {
  for (auto* v : w.camera_views())
    if (v->objectName() == "camera_" + sensor) return v;
  return nullptr;
}

// Frames of a fault written by the generator (<drive>/injected.json), e.g. black:image_03:8 -> {8}.
std::vector<int> injected_frames(const fs::path& drive_dir, const QString& spec) {
  const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(dc::test::read_text(drive_dir / "injected.json")));
  const QJsonArray faults = doc.isArray() ? doc.array() : doc.object()["faults"].toArray();
  std::vector<int> frames;
  for (const auto& f : faults)
    if (f.toObject()["spec"].toString() == spec)
      for (const auto& v : f.toObject()["frames"].toArray()) frames.push_back(v.toInt());
  return frames;
}

// The lidar points of a KITTI .bin file (x y z intensity float32), read here rather than through core.
std::vector<Eigen::Vector3d> read_points(const fs::path& file) {
  const std::string bytes = dc::test::read_text(file);
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), v.size() * 4);
  std::vector<Eigen::Vector3d> points;
  for (std::size_t i = 0; i + 3 < v.size(); i += 4) points.emplace_back(v[i], v[i + 1], v[i + 2]);
  return points;
}

// Pinhole projection written for the test (the generated drives are rectified: no distortion): per point, (u, v)
// when it is 0.1 m or more in front of the camera and inside the image, as OpenCV counts pixels.
struct Pixel {
  bool valid = false;
  double u = 0, v = 0;
};
std::vector<Pixel> project(const std::vector<Eigen::Vector3d>& points, const Eigen::Isometry3d& T_cam_from_lidar,
                           const Eigen::Matrix3d& K, int width, int height) {
  std::vector<Pixel> out(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Eigen::Vector3d p = T_cam_from_lidar * points[i];
    if (!(p.z() > 0.1)) continue;
    const double u = K(0, 0) * p.x() / p.z() + K(0, 2), v = K(1, 1) * p.y() / p.z() + K(1, 2);
    if (u < -0.5 || u >= width - 0.5 || v < -0.5 || v >= height - 0.5) continue;
    out[i] = {true, u, v};
  }
  return out;
}

// Largest pixel difference between the view's projection and the expected one, over points both call valid; the
// counts of valid points must agree to a few points on the image border (float rounding of the product's path).
double max_pixel_error(const dc::core::ProjectedPoints& shown, const std::vector<Pixel>& expected,
                       std::size_t* disagreements) {
  double worst = 0;
  *disagreements = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const bool valid = i < shown.valid.size() && shown.valid[i];
    if (valid != expected[i].valid) {
      ++*disagreements;
      continue;
    }
    if (!valid) continue;
    worst = std::max({worst, std::abs(shown.u[i] - expected[i].u), std::abs(shown.v[i] - expected[i].v)});
  }
  return worst;
}

// T_cam2_from_velo as a calibration stores it (an entry of its extrinsics, not through core's chaining).
std::optional<Eigen::Isometry3d> stored_extrinsic(const dc::core::Calibration& c, const std::string& to,
                                                  const std::string& from) {
  for (const auto& e : c.extrinsics) {
    if (e.to_frame == to && e.from_frame == from) return e.T_to_from;
    if (e.to_frame == from && e.from_frame == to) return e.T_to_from.inverse();
  }
  return std::nullopt;
}

}  // namespace

class TestValidationPasses : public QObject {
  Q_OBJECT
  fs::path work_;
  fs::path catalog_;        // drives A (black frames injected) and B (data-qc run from the CLI)
  fs::path drift_catalog_;  // one drive whose image_02 extrinsic drifted
  fs::path long_catalog_;   // one drive long enough that a run can be cancelled halfway
  fs::path drive_a_dir_;

  std::vector<Finding> findings_of(const std::string& drive) {
    dc::core::Catalog c(catalog_);
    return c.finding_repository().list(c.find_drive(drive)->id);
  }

  QString jobs_text(dc::app::MainWindow& w, std::int64_t run, dc::widgets::JobsPanel::Column column) {
    return w.jobs_panel()->text(run, column);
  }

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("gui_validation_passes");
    qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((work_ / "config").string()));  // no user settings
    qputenv("XDG_STATE_HOME", QByteArray::fromStdString((work_ / "state").string()));    // run logs
    const std::vector<std::string> small = {"--width", "480", "--height", "144", "--columns", "800"};
    auto generate = [&](const fs::path& out, std::vector<std::string> extra, int frames = 20) {
      std::vector<std::string> args = {"--quiet", "generate", "--out", out.string(), "--frames", std::to_string(frames)};
      args.insert(args.end(), small.begin(), small.end());
      args.insert(args.end(), extra.begin(), extra.end());
      const auto r = dc::test::run_cli(args);
      QVERIFY2(r.exit_code == 0, r.err.c_str());
    };
    generate(work_ / "gen_a", {"--seed", "11", "--inject", "black:image_03:8", "--inject", "black:image_02:14"});
    generate(work_ / "gen_b", {"--seed", "12", "--drive", "2", "--inject", "black:image_02:3"});
    drive_a_dir_ = work_ / "gen_a" / "2030_01_01" / kDriveA;
    QVERIFY(fs::exists(drive_a_dir_ / "injected.json"));
    catalog_ = work_ / "catalog.sqlite";
    auto r = dc::test::run_cli({"--quiet", "--catalog", catalog_.string(), "ingest", (work_ / "gen_a").string(),
                                (work_ / "gen_b").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    // An earlier run, made outside the GUI: the jobs panel lists it at startup.
    r = dc::test::run_cli({"--quiet", "--catalog", catalog_.string(), "pass", "run", "data-qc", "--drive", kDriveB});
    QVERIFY2(r.exit_code == 0, r.err.c_str());

    generate(work_ / "gen_long", {"--seed", "14"}, 150);
    long_catalog_ = work_ / "long.sqlite";
    r = dc::test::run_cli({"--quiet", "--catalog", long_catalog_.string(), "ingest", (work_ / "gen_long").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());

    generate(work_ / "gen_drift", {"--seed", "13", "--inject", "calib-drift:image_02:from=0:yaw=1.5deg"}, 12);
    drift_catalog_ = work_ / "drift.sqlite";
    r = dc::test::run_cli({"--quiet", "--catalog", drift_catalog_.string(), "ingest", (work_ / "gen_drift").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
  }

  // Passes → Run pass… with the mouse, data-qc with its defaults, Run; the jobs row ends done; a double-click on a
  // finding moves the viewer to its sample and frames its camera; the findings lane shows the drive's findings.
  void runDataQcFromThePassesMenuAndJumpToAFinding() {
    dc::app::MainWindow window(QString::fromStdString(catalog_.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.open_drive(QString::fromStdString(kDriveA)));
    QVERIFY(wait_shown(window, 0));

    // The CLI's run is listed from the catalog at startup.
    auto* jobs = window.jobs_panel();
    QCOMPARE(jobs->table()->rowCount(), 1);
    QCOMPARE(jobs_text(window, 1, dc::widgets::JobsPanel::PassColumn), QString("data-qc"));
    QCOMPARE(jobs_text(window, 1, dc::widgets::JobsPanel::DriveColumn), QString::fromStdString(kDriveB));
    QCOMPARE(jobs_text(window, 1, dc::widgets::JobsPanel::StateColumn), QString("done"));

    // The Passes menu, opened and clicked with the mouse.
    QMenu* passes = window.passes_menu();
    QVERIFY(passes);
    QTest::mouseClick(window.menuBar(), Qt::LeftButton, {},
                      window.menuBar()->actionGeometry(passes->menuAction()).center());
    QTRY_VERIFY_WITH_TIMEOUT(passes->isVisible(), 5000);
    QAction* run_action = passes->findChild<QAction*>("runPassAction");
    QVERIFY(run_action);
    QTest::mouseClick(passes, Qt::LeftButton, {}, passes->actionGeometry(run_action).center());
    auto* dialog = window.findChild<dc::widgets::PassLaunchDialog*>();
    QVERIFY(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), 5000);

    // Every registered pass is offered; the open drive is checked, the other is not.
    QStringList offered;
    for (int i = 0; i < dialog->pass_box()->count(); ++i) offered << dialog->pass_box()->itemText(i);
    QStringList registered;
    for (const auto& p : dc::core::pass_registry()) registered << QString::fromStdString(p->name());
    QCOMPARE(offered, registered);
    QCOMPARE(dialog->checked_drives(), QStringList{QString::fromStdString(kDriveA)});
    QCOMPARE(dialog->drive_list()->count(), 2);

    QVERIFY(dialog->select_pass("data-qc"));
    // One editor per parameter of the schema, at its default, with its doc as tooltip.
    const auto schema = dc::core::find_pass("data-qc")->parameters();
    QCOMPARE(dialog->form()->schema().size(), schema.size());
    for (const auto& spec : schema) {
      QWidget* editor = dialog->form()->editor(spec.name);
      QVERIFY2(editor, spec.name.c_str());
      QVERIFY2(editor->toolTip().contains(QString::fromStdString(spec.doc).toHtmlEscaped()), spec.name.c_str());
      if (spec.type == dc::core::ParamSpec::Type::Integer) {
        auto* box = qobject_cast<QSpinBox*>(editor);
        QVERIFY2(box, spec.name.c_str());
        QCOMPARE(box->value(), std::stoi(spec.default_value));
        QCOMPARE(box->minimum(), static_cast<int>(*spec.min));
        QCOMPARE(box->maximum(), static_cast<int>(std::min(*spec.max, 2147483647.0)));
      } else if (spec.type == dc::core::ParamSpec::Type::Number) {
        auto* line = qobject_cast<QLineEdit*>(editor);
        QVERIFY2(line, spec.name.c_str());
        QCOMPARE(line->text().toStdString(), spec.default_value);
      }
    }
    QVERIFY(dialog->problems().isEmpty());

    // An out-of-range value is refused with core's message and nothing is queued.
    auto* black_mean = qobject_cast<QLineEdit*>(dialog->form()->editor("image_black_mean"));
    QVERIFY(black_mean);
    black_mean->selectAll();
    QTest::keyClicks(black_mean, "300");
    QCOMPARE(black_mean->text(), QString("300"));
    QTest::mouseClick(dialog->run_button(), Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    QVERIFY2(dialog->message_label()->text().contains("image_black_mean=300") &&
                 dialog->message_label()->text().contains("outside 0.0..255.0"),
             qPrintable(dialog->message_label()->text()));
    QCOMPARE(jobs->table()->rowCount(), 1);
    black_mean->selectAll();
    QTest::keyClicks(black_mean, "10");
    QVERIFY(dialog->problems().isEmpty());
    QVERIFY(dialog->message_label()->text().isEmpty());

    QSignalSpy results(&window, &dc::app::MainWindow::run_results_shown);
    QTest::mouseClick(dialog->run_button(), Qt::LeftButton);
    QVERIFY(!dialog->isVisible());
    QCOMPARE(jobs->table()->rowCount(), 2);
    const std::int64_t run = 2;  // the CLI's run was 1
    QCOMPARE(jobs_text(window, run, dc::widgets::JobsPanel::PassColumn), QString("data-qc"));
    QCOMPARE(jobs_text(window, run, dc::widgets::JobsPanel::DriveColumn), QString::fromStdString(kDriveA));
    QTRY_COMPARE_WITH_TIMEOUT(jobs_text(window, run, dc::widgets::JobsPanel::StateColumn), QString("done"), 60000);
    QCOMPARE(jobs->progress_bar(run)->value(), 100);
    QVERIFY(!jobs->cancel_button(run)->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!results.isEmpty(), 10000);
    {
      dc::core::Catalog c(catalog_);
      const auto stored = c.job_repository().find(run);
      QVERIFY(stored);
      QCOMPARE(stored->state, dc::core::JobState::Done);
      QVERIFY(!stored->device.empty());
      QCOMPARE(jobs_text(window, run, dc::widgets::JobsPanel::DeviceColumn), QString::fromStdString(stored->device));
      QCOMPARE(jobs_text(window, run, dc::widgets::JobsPanel::ElapsedColumn),
               QString::number(static_cast<double>(stored->finished_ns - stored->started_ns) * 1e-9, 'f', 1) + " s");
      QVERIFY(stored->parameters_json.find("\"image_black_mean\":10.0") != std::string::npos);
    }

    // The findings panel lists the findings of both drives, as stored.
    const auto findings_a = findings_of(kDriveA), findings_b = findings_of(kDriveB);
    auto* panel = window.findings_panel();
    QCOMPARE(panel->visible_count(), static_cast<int>(findings_a.size() + findings_b.size()));

    // The findings lane of the open drive: one span per finding, colored by severity.
    auto* timeline = window.timeline();
    const int lane = timeline->lane_index("findings");
    QVERIFY(lane >= 0);
    QCOMPARE(timeline->lane(lane).items.size(), findings_a.size());
    const std::map<Severity, QColor> expected_color = {{Severity::Info, QColor(0x78, 0x90, 0x9c)},
                                                       {Severity::Warning, QColor(0xff, 0xa7, 0x26)},
                                                       {Severity::Error, QColor(0xef, 0x53, 0x50)}};
    for (const auto& item : timeline->lane(lane).items) {
      const auto f = std::find_if(findings_a.begin(), findings_a.end(), [&](const Finding& x) { return x.id == item.id; });
      QVERIFY(f != findings_a.end());
      QCOMPARE(item.color, expected_color.at(f->severity));
    }

    // The injected black frame 8 of image_03 is in the sample whose image_03 member is frame 8.
    const auto frames = injected_frames(drive_a_dir_, "black:image_03:8");
    QCOMPARE(frames, std::vector<int>{8});
    auto session = window.session();
    int expected_sample = -1;
    for (int i = 0; i < session->sample_count(); ++i)
      if (const auto* m = session->sample(i).member("image_03"); m && m->frame_index == 8) expected_sample = i;
    QVERIFY(expected_sample > 0);

    // Double-click its row in the findings table.
    const auto black = std::find_if(findings_a.begin(), findings_a.end(), [](const Finding& f) {
      return f.check == "image-black" && f.sensor == "image_03";
    });
    QVERIFY(black != findings_a.end());
    auto* findings_dock = window.findChild<QDockWidget*>("findingsDock");
    findings_dock->show();
    findings_dock->raise();
    const int row = panel->visible_row_of(black->id);
    QVERIFY(row >= 0);
    const QModelIndex index = panel->table()->model()->index(row, dc::widgets::FindingTableModel::MessageColumn);
    panel->table()->scrollTo(index);
    QTRY_VERIFY(panel->table()->isVisible());
    QSignalSpy activated(panel, &dc::widgets::FindingsPanel::finding_activated);
    // The press of a double-click's first click is what the view matches the double-click against.
    const QPoint at = panel->table()->visualRect(index).center();
    QTest::mouseClick(panel->table()->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(panel->table()->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(activated.count(), 1);
    QVERIFY(wait_shown(window, expected_sample));
    QCOMPARE(session->sample(expected_sample).key(), black->sample_key);
    QCOMPARE(window.selected_camera(), QString("image_03"));
    QVERIFY(camera_view(window, "image_03")->highlighted());
    QVERIFY(!camera_view(window, "image_02")->highlighted());
    QVERIFY(window.findChild<QDockWidget*>("camerasDock")->isVisible());
    dc::test::save_screenshot(window.grab().toImage(), "validation_finding_jump.png", work_);

    // A click on the other black frame in the findings lane jumps there and frames image_02.
    const auto black2 = std::find_if(findings_a.begin(), findings_a.end(), [](const Finding& f) {
      return f.check == "image-black" && f.sensor == "image_02";
    });
    QVERIFY(black2 != findings_a.end());
    int sample2 = -1;
    for (int i = 0; i < session->sample_count(); ++i)
      if (const auto* m = session->sample(i).member("image_02"); m && m->frame_index == 14) sample2 = i;
    QVERIFY(sample2 >= 0);
    const auto& items = timeline->lane(lane).items;
    const auto item = std::find_if(items.begin(), items.end(), [&](const auto& it) { return it.id == black2->id; });
    QVERIFY(item != items.end());
    QTest::mouseClick(timeline, Qt::LeftButton, {},
                      QPoint(static_cast<int>(std::lround(timeline->x_for_time((item->start_ns + item->end_ns) / 2))),
                             timeline->lane_rect(lane).center().y()));
    QVERIFY(wait_shown(window, sample2));
    QCOMPARE(window.selected_camera(), QString("image_02"));
    QVERIFY(camera_view(window, "image_02")->highlighted());
    QVERIFY(!camera_view(window, "image_03")->highlighted());
  }

  // Filters by check, severity, drive and review state leave exactly the matching findings; Accept stores the
  // review state in the catalog.
  void findingsPanelFilters() {
    dc::app::MainWindow window(QString::fromStdString(catalog_.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* dock = window.findChild<QDockWidget*>("findingsDock");
    dock->show();
    dock->raise();
    auto* panel = window.findings_panel();

    struct Stored {
      Finding f;
      std::string drive;
    };
    std::vector<Stored> all;
    for (const auto& d : {kDriveA, kDriveB})
      for (const auto& f : findings_of(d)) all.push_back({f, d});
    QVERIFY(all.size() > 4);
    QCOMPARE(panel->visible_count(), static_cast<int>(all.size()));
    auto expected = [&](const std::function<bool(const Stored&)>& keep) {
      return static_cast<int>(std::count_if(all.begin(), all.end(), keep));
    };
    auto choose = [](QComboBox* box, const QString& text) {
      const int i = box->findText(text);
      if (i >= 0) box->setCurrentIndex(i);
      return i >= 0;
    };
    auto visible_all = [&](const std::function<bool(const dc::widgets::FindingRow&)>& ok) {
      for (int r = 0; r < panel->visible_count(); ++r)
        if (!ok(*panel->visible_row(r))) return false;
      return true;
    };

    QVERIFY(choose(panel->check_filter(), "image-black"));
    QCOMPARE(panel->visible_count(), expected([](const Stored& s) { return s.f.check == "image-black"; }));
    QCOMPARE(panel->visible_count(), 3);  // two injected in drive A, one in drive B
    QVERIFY(visible_all([](const auto& r) { return r.finding.check == "image-black"; }));
    dc::test::save_screenshot(window.grab().toImage(), "validation_findings_filters.png", work_);

    QVERIFY(choose(panel->drive_filter(), QString::fromStdString(kDriveB)));
    QCOMPARE(panel->visible_count(), 1);
    QCOMPARE(panel->visible_row(0)->finding.sensor, std::string("image_02"));

    QVERIFY(choose(panel->check_filter(), "All checks"));
    QCOMPARE(panel->visible_count(), expected([](const Stored& s) { return s.drive == kDriveB; }));
    QVERIFY(choose(panel->severity_filter(), "info"));
    QCOMPARE(panel->visible_count(),
             expected([](const Stored& s) { return s.drive == kDriveB && s.f.severity == Severity::Info; }));
    QVERIFY(panel->visible_count() > 0);
    QVERIFY(visible_all([](const auto& r) { return r.finding.severity == Severity::Info; }));
    QVERIFY(choose(panel->drive_filter(), "All drives"));
    QVERIFY(choose(panel->severity_filter(), "warning"));
    QCOMPARE(panel->visible_count(), expected([](const Stored& s) { return s.f.severity == Severity::Warning; }));
    QVERIFY(choose(panel->severity_filter(), "All severities"));

    // Review: accept drive A's image_03 black frame with the button; the catalog has it; the review filter finds it.
    QVERIFY(choose(panel->check_filter(), "image-black"));
    QVERIFY(choose(panel->drive_filter(), QString::fromStdString(kDriveA)));
    QCOMPARE(panel->visible_count(), 2);
    int row = 0;
    while (panel->visible_row(row)->finding.sensor != "image_03") ++row;
    const std::int64_t id = panel->visible_row(row)->finding.id;
    panel->table()->selectRow(row);
    QTest::mouseClick(panel->accept_button(), Qt::LeftButton);
    {
      const auto stored = findings_of(kDriveA);
      const auto f = std::find_if(stored.begin(), stored.end(), [&](const Finding& x) { return x.id == id; });
      QVERIFY(f != stored.end());
      QCOMPARE(f->review, ReviewState::Accepted);
    }
    QVERIFY(choose(panel->check_filter(), "All checks"));
    QVERIFY(choose(panel->drive_filter(), "All drives"));
    QVERIFY(choose(panel->review_filter(), "accepted"));
    QCOMPARE(panel->visible_count(), 1);
    QCOMPARE(panel->visible_row(0)->finding.id, id);
    QVERIFY(choose(panel->review_filter(), "unreviewed"));
    QCOMPARE(panel->visible_count(), static_cast<int>(all.size()) - 1);
    QCOMPARE(panel->findChild<QLabel*>("findingsCount")->text(),
             QString("%1 of %2 findings").arg(all.size() - 1).arg(all.size()));

    // Reset puts it back to unreviewed, in the catalog too.
    QVERIFY(choose(panel->review_filter(), "accepted"));
    panel->table()->selectRow(0);
    QTest::mouseClick(panel->reset_button(), Qt::LeftButton);
    QCOMPARE(panel->visible_count(), 0);
    for (const auto& f : findings_of(kDriveA)) QCOMPARE(f.review, ReviewState::Unreviewed);
  }

  // A running calib-check (per-sample scoring only, 150 samples) is cancelled from its row within a second; its
  // log opens.
  void cancelARunAndViewItsLog() {
    dc::app::MainWindow window(QString::fromStdString(long_catalog_.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_single_drive());
    QVERIFY(wait_shown(window, 0));
    auto* dialog = window.show_pass_dialog();
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    QVERIFY(dialog->select_pass("calib-check"));
    auto* refine = qobject_cast<QCheckBox*>(dialog->form()->editor("refine"));
    QVERIFY(refine);
    QVERIFY(refine->isChecked());  // default true
    QTest::mouseClick(refine, Qt::LeftButton, {}, QPoint(8, refine->height() / 2));
    QVERIFY(!refine->isChecked());
    QCOMPARE(dialog->requests().size(), std::size_t{1});
    QCOMPARE(dialog->requests().front().parameters.at("refine"), std::string("false"));
    QTest::mouseClick(dialog->run_button(), Qt::LeftButton);
    QVERIFY(!dialog->isVisible());

    auto* jobs = window.jobs_panel();
    const std::int64_t run = jobs->table()->item(0, dc::widgets::JobsPanel::RunColumn)->text().toLongLong();
    QCOMPARE(jobs_text(window, run, dc::widgets::JobsPanel::PassColumn), QString("calib-check"));
    // Running, with some samples scored.
    const bool started = QTest::qWaitFor(
        [&] {
          return jobs->progress_bar(run) && jobs->progress_bar(run)->value() > 0 &&
                 jobs_text(window, run, dc::widgets::JobsPanel::StateColumn) == "running";
        },
        60000);
    QVERIFY2(started, qPrintable(QString("run %1 is %2 at %3%").arg(run)
                                     .arg(jobs_text(window, run, dc::widgets::JobsPanel::StateColumn))
                                     .arg(jobs->progress_bar(run) ? jobs->progress_bar(run)->value() : -1)));
    QVERIFY(jobs->progress_bar(run)->value() < 100);
    auto* cancel = jobs->cancel_button(run);
    QVERIFY(cancel && cancel->isEnabled());
    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(cancel, Qt::LeftButton);
    const int at = jobs->progress_bar(run)->value();
    QTRY_COMPARE_WITH_TIMEOUT(jobs_text(window, run, dc::widgets::JobsPanel::StateColumn), QString("cancelled"), 10000);
    const qint64 took = clock.elapsed();
    qInfo("cancel at %d%% took %lld ms", at, took);
    {
      dc::core::Catalog c(long_catalog_);
      QCOMPARE(c.job_repository().find(run)->state, dc::core::JobState::Cancelled);
      QVERIFY(c.run_results().metrics(c.drives().front().id, "calib-score").empty());  // nothing stored
    }
    QVERIFY(jobs->progress_bar(run)->value() < 100);  // the bar stays where the run stopped
    QVERIFY(!jobs->cancel_button(run)->isEnabled());

    // Its log: the run's own file, as written.
    QVERIFY(jobs->log_button(run)->isEnabled());
    QTest::mouseClick(jobs->log_button(run), Qt::LeftButton);
    auto* log = jobs->log_view();
    QVERIFY(log && log->isVisible());
    const fs::path file = work_ / "state" / "drivecurator" / "runs" / ("run-" + std::to_string(run) + ".log");
    QCOMPARE(log->log_file(), QString::fromStdString(file.string()));
    QTRY_COMPARE_WITH_TIMEOUT(log->text()->toPlainText(), QString::fromStdString(dc::test::read_text(file)), 3000);
    QVERIFY(log->text()->toPlainText().contains("cancelled; nothing stored"));
    dc::test::save_screenshot(window.grab().toImage(), "validation_jobs.png", work_);
    dc::test::save_screenshot(log->grab().toImage(), "validation_run_log.png", work_);
  }

  // calib-check run from the window: the score lanes and the chart show the stored per-sample scores; the camera
  // overlay follows the stored or the refined extrinsic.
  void refinedCalibrationOverlayAndScores() {
    dc::app::MainWindow window(QString::fromStdString(drift_catalog_.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_single_drive());
    QVERIFY(wait_shown(window, 0));
    QCOMPARE(window.timeline()->lane_index("calib image_02"), -1);
    QVERIFY(window.score_chart()->cameras().isEmpty());

    QSignalSpy results(&window, &dc::app::MainWindow::run_results_shown);
    const auto runs = window.queue_runs({{"calib-check", window.session()->name(), {{"cameras", "image_02"}}, "local"}});
    QCOMPARE(runs.size(), std::size_t{1});
    QTRY_VERIFY_WITH_TIMEOUT(!results.isEmpty(), 120000);
    QCOMPARE(results.first().first().toLongLong(), runs.front());

    dc::core::Catalog c(drift_catalog_);
    const auto drive = c.find_drive(window.session()->name());
    QCOMPARE(c.job_repository().find(runs.front())->state, dc::core::JobState::Done);
    const auto metrics = c.run_results().metrics(drive->id, "calib-score");
    QCOMPARE(metrics.size(), std::size_t{12});  // one score per sample of image_02
    auto session = window.session();
    auto position_of = [&](std::int64_t key) {
      for (int i = 0; i < session->sample_count(); ++i)
        if (session->sample(i).key() == key) return i;
      return -1;
    };
    // Timeline: one bar per scored sample at its time, the score as its value.
    const int lane = window.timeline()->lane_index("calib image_02");
    QVERIFY(lane >= 0);
    QCOMPARE(window.timeline()->lane_index("calib image_03"), -1);
    const auto& bars = window.timeline()->lane(lane).items;
    QCOMPARE(bars.size(), metrics.size());
    for (const auto& m : metrics) {
      const int i = position_of(m.sample_key);
      QVERIFY(i >= 0);
      const auto bar = std::find_if(bars.begin(), bars.end(), [&](const auto& b) { return b.id == i; });
      QVERIFY(bar != bars.end());
      QCOMPARE(bar->start_ns, session->sample_times()[static_cast<std::size_t>(i)]);
      QCOMPARE(bar->value, m.value);
    }
    // Chart: the same scores against the sample position.
    QCOMPARE(window.score_chart()->cameras(), QStringList{"image_02"});
    const auto points = window.score_chart()->points("image_02");
    QCOMPARE(points.size(), static_cast<qsizetype>(metrics.size()));
    for (const auto& m : metrics) {
      const int i = position_of(m.sample_key);
      const auto p = std::find_if(points.begin(), points.end(), [&](const QPointF& q) { return q.x() == i; });
      QVERIFY(p != points.end());
      QCOMPARE(p->y(), m.value);
    }

    // The overlay at sample 4 with the stored calibration, then with the refined one.
    const int sample = 4;
    window.playback()->set_current(sample);
    QVERIFY(wait_shown(window, sample));
    auto* view = camera_view(window, "image_02");
    QVERIFY(view);
    const auto points_lidar = read_points(session->lidar_frame(sample)->file);
    QCOMPARE(points_lidar.size(), view->projection().valid.size());
    const auto calibrations = c.drive_repository().calibrations(drive->id, true);
    const dc::core::Calibration* file_calibration = nullptr;
    const dc::core::Calibration* refined = nullptr;
    const auto t = session->sample_times()[static_cast<std::size_t>(sample)];
    for (const auto& cal : calibrations) {
      if (cal.source == dc::core::CalibrationSource::File) file_calibration = &cal;
      if (cal.source == dc::core::CalibrationSource::Refined && cal.cameras.count("image_02") &&
          t >= cal.valid_from_ns && t < cal.valid_to_ns &&
          (!refined || cal.run_id.value_or(0) > refined->run_id.value_or(0)))
        refined = &cal;
    }
    QVERIFY(file_calibration && refined);
    const auto& intr = file_calibration->cameras.at("image_02");
    const auto T_stored = stored_extrinsic(*file_calibration, "cam2", "velo");
    const auto T_refined = stored_extrinsic(*refined, "cam2", "velo");
    QVERIFY(T_stored && T_refined);
    const auto expected_stored = project(points_lidar, *T_stored, intr.K, 480, 144);
    const auto expected_refined = project(points_lidar, *T_refined, intr.K, 480, 144);
    // The refined extrinsic moves the points visibly (the drift is 1.5 degrees).
    double moved = 0;
    std::size_t both = 0;
    for (std::size_t i = 0; i < expected_stored.size(); ++i)
      if (expected_stored[i].valid && expected_refined[i].valid) {
        moved += std::hypot(expected_stored[i].u - expected_refined[i].u, expected_stored[i].v - expected_refined[i].v);
        ++both;
      }
    QVERIFY(both > 1000);
    qInfo("refined extrinsic moves the overlay by %.2f px on average", moved / both);
    QVERIFY(moved / both > 2.0);

    std::size_t disagreements = 0;
    QVERIFY(max_pixel_error(view->projection(), expected_stored, &disagreements) < 0.01);
    QVERIFY(disagreements <= 5);
    QCOMPARE(view->caption(), QString("image_02"));

    QSignalSpy shown(&window, &dc::app::MainWindow::sample_shown);
    QAction* toggle = window.refined_calibration_action();
    QVERIFY(toggle && !toggle->isChecked());
    toggle->trigger();
    QVERIFY(window.view_options().camera_refined_calibration);
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 20000);
    QCOMPARE(window.shown_sample(), sample);
    QVERIFY(max_pixel_error(view->projection(), expected_refined, &disagreements) < 0.01);
    QVERIFY(disagreements <= 5);
    QCOMPARE(view->caption(), QString("image_02 · refined calibration (run %1)").arg(*refined->run_id));
    QVERIFY(camera_view(window, "image_03")->caption().contains("stored calibration"));  // image_03 was not checked
    auto* chart_dock = window.findChild<QDockWidget*>("calibrationScoreDock");
    chart_dock->show();
    chart_dock->raise();
    QTest::qWait(200);
    dc::test::save_screenshot(window.grab().toImage(), "validation_refined_overlay.png", work_);
    dc::test::save_screenshot(view->render_image_overlay(), "validation_refined_camera.png", work_);

    shown.clear();
    toggle->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 20000);
    QVERIFY(max_pixel_error(view->projection(), expected_stored, &disagreements) < 0.01);
    QVERIFY(disagreements <= 5);
    dc::test::save_screenshot(view->render_image_overlay(), "validation_stored_camera.png", work_);
    QCOMPARE(view->caption(), QString("image_02"));
  }
};

int main(int argc, char** argv) {
  dc::widgets::use_vtk_surface_format();
  QApplication app(argc, argv);
  QApplication::setOrganizationName("DriveCurator");
  QApplication::setApplicationName("drivecurator-tests");
  TestValidationPasses t;
  return QTest::qExec(&t, argc, argv);
}
#include "tst_validation_passes.moc"

// The real main window under Xvfb: catalog listing, a generated drive stepped with the keyboard, overlays, timeline.
#include "test_support.h"

#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/io/ingester.h"
#include "dc/core/util/logging.h"
#include "dc/widgets/inspector_panel.h"
#include "dc/widgets/ingest_runner.h"
#include "dc/widgets/log_view.h"
#include "dc/widgets/camera_view.h"
#include "dc/widgets/drive_browser.h"
#include "dc/core/data/drive_session.h"
#include "dc/widgets/point_cloud_view.h"
#include "dc/widgets/timeline_widget.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QElapsedTimer>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QTimer>
#include <QSignalSpy>
#include <QSurfaceFormat>
#include <QTableView>
#include <QTest>

#include "dc/widgets/surface_format.h"

namespace fs = std::filesystem;

namespace {
// Waits until the window shows `sample` (data loaded off the GUI thread).
bool wait_shown(dc::app::MainWindow& w, int sample) {
  return QTest::qWaitFor([&] { return w.shown_sample() == sample && w.current_sample() == sample; }, 20000);
}

std::size_t drawn_label_count(const dc::core::DriveSession& s, int sample) {
  return s.labels(sample).size();  // DontCare rows are regions, never boxes
}

// Drives open off the GUI thread: waits until the window holds the session.
bool wait_session(dc::app::MainWindow& w) {
  return QTest::qWaitFor([&] { return w.session() != nullptr; }, 20000);
}
}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT
  fs::path work_;
  fs::path generated_catalog_;

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("gui_main_window");
    qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((work_ / "config").string()));  // no user settings
    auto r = dc::test::run_cli({"--quiet", "generate", "--out", (work_ / "gen").string(), "--frames", "20", "--width",
                                "480", "--height", "144", "--columns", "800", "--seed", "11"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    generated_catalog_ = work_ / "gen.sqlite";
    r = dc::test::run_cli({"--quiet", "--catalog", generated_catalog_.string(), "ingest", (work_ / "gen").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
  }

  void listsCatalogDrives() {
    auto catalog = work_ / "kitti.sqlite";
    {
      dc::core::Catalog c(catalog);
      const auto data = dc::test::shared_data_dir();  // its KITTI folders (mcap-conformance holds MCAP files without sensor data)
      dc::core::Ingester(c).ingest({data / "kitti-raw", data / "kitti-object"});
    }
    dc::app::MainWindow window(QString::fromStdString(catalog.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* table = window.findChild<QTableView*>("drivesTable");
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), 2);
    QStringList names;
    for (int r = 0; r < 2; ++r) names << table->model()->index(r, 0).data().toString();
    QVERIFY(names.contains("2011_09_26_drive_0001_sync"));
    QVERIFY(names.contains("kitti-object/training"));
    QVERIFY(!window.open_single_drive());  // two drives: none is opened implicitly

    // The real KITTI object frame 000001: its 3D view and camera overlay.
    QVERIFY(window.open_drive("kitti-object/training", 1));
    QVERIFY(wait_shown(window, 1));
    QCOMPARE(window.point_view()->point_count(),
             static_cast<std::size_t>(fs::file_size(dc::test::shared_data_dir() /
                                                    "kitti-object/training/velodyne/000001.bin") / 16));
    QCOMPARE(window.camera_views().size(), std::size_t(1));
    auto* cam = window.camera_views().front();
    QVERIFY(cam->projected_point_count() > 5000);
    QVERIFY(cam->points_inside_image());
    QVERIFY(cam->drawn_box_count() >= 3);
    window.grab().save(QString::fromStdString((work_ / "kitti_object_000001.png").string()));
  }

  void generatedDriveKeyboardAndTimeline() {
    dc::app::MainWindow window(QString::fromStdString(generated_catalog_.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_single_drive());
    QVERIFY(wait_session(window));
    auto session = window.session();
    QVERIFY(session);
    QCOMPARE(session->sample_count(), 20);
    QVERIFY(wait_shown(window, 0));
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));

    auto check_sample = [&](int i) {
      const auto* lidar = session->lidar_frame(i);
      QVERIFY(lidar);
      QCOMPARE(window.point_view()->point_count(), static_cast<std::size_t>(fs::file_size(lidar->file) / 16));
      QCOMPARE(window.point_view()->box_count(), drawn_label_count(*session, i));
      QCOMPARE(window.camera_views().size(), std::size_t(2));
      for (auto* cam : window.camera_views()) {
        QVERIFY(cam->projected_point_count() > 1000);
        QVERIFY(cam->points_inside_image());
        QCOMPARE(cam->image_size(), QSize(480, 144));
      }
    };
    check_sample(0);

    // Keyboard: Right steps, End jumps to the last sample, Home back, Left from 1 to 0.
    QTest::keyClick(&window, Qt::Key_Right);
    QVERIFY(wait_shown(window, 1));
    check_sample(1);
    QTest::keyClick(&window, Qt::Key_Right);
    QVERIFY(wait_shown(window, 2));
    QTest::keyClick(&window, Qt::Key_End);
    QVERIFY(wait_shown(window, 19));
    check_sample(19);
    QTest::keyClick(&window, Qt::Key_Home);
    QVERIFY(wait_shown(window, 0));
    QTest::keyClick(&window, Qt::Key_Right);
    QTest::keyClick(&window, Qt::Key_Left);
    QVERIFY(wait_shown(window, 0));

    // A click on the timeline jumps to the sample nearest that time.
    auto* timeline = window.timeline();
    const int target = 12;
    const double x = timeline->x_for_time(session->sample_times()[target]);
    const int lane = timeline->lane_index("velodyne_points");
    QVERIFY(lane >= 0);
    QTest::mouseClick(timeline, Qt::LeftButton, {}, QPoint(static_cast<int>(x), timeline->lane_rect(lane).center().y()));
    QVERIFY(wait_shown(window, target));
    check_sample(target);

    // Space plays, and playback advances on its own; space again pauses.
    QTest::keyClick(&window, Qt::Key_Space);
    QVERIFY(QTest::qWaitFor([&] { return window.shown_sample() > target; }, 10000));
    QTest::keyClick(&window, Qt::Key_Space);

    // A click on a box in a camera view selects it everywhere: 3D view, every camera, inspector.
    {
      QTest::keyClick(&window, Qt::Key_Home);
      QVERIFY(wait_shown(window, 0));
      auto* cam = window.camera_views().front();
      int target = -1;
      QRectF rect;
      for (int i = 0; i < static_cast<int>(cam->boxes().size()) && target < 0; ++i) {
        rect = cam->projected_box_rect(i);
        // A box whose centre is not inside another (smaller) box's rectangle, so the click means it.
        if (!rect.isNull() && rect.width() > 6 && cam->box_at_image_point(rect.center() - QPointF(0.5, 0.5)) == i)
          target = i;
      }
      QVERIFY2(target >= 0, "no clickable box in the first camera");
      const QPoint at = cam->image_to_widget(rect.center() - QPointF(0.5, 0.5)).toPoint();
      QTest::mouseClick(cam, Qt::LeftButton, {}, at);
      QCOMPARE(cam->selected_box(), target);
      QCOMPARE(window.point_view()->selected_box(), target);
      for (auto* other : window.camera_views()) QCOMPARE(other->selected_box(), target);
      const auto& box = session->labels(0)[static_cast<std::size_t>(target)];
      QCOMPARE(window.inspector()->value("Box/Class"), QString::fromStdString(box.category));
      QCOMPARE(window.inspector()->value("Box/Center (m)"),
               QString("%1, %2, %3").arg(box.center.x(), 0, 'f', 2).arg(box.center.y(), 0, 'f', 2)
                   .arg(box.center.z(), 0, 'f', 2));

      // The other way: a click on a box in the 3D view highlights it in the cameras.
      window.point_view()->select_box(-1);
      QCOMPARE(cam->selected_box(), -1);
      int picked = -1;
      for (int i = 0; i < static_cast<int>(session->labels(0).size()) && picked < 0; ++i) {
        const auto p = window.point_view()->project_to_widget(session->labels(0)[static_cast<std::size_t>(i)].center);
        if (!p || !window.point_view()->rect().contains(p->toPoint())) continue;
        if (window.point_view()->box_at(p->toPoint()) != i) continue;
        QTest::mouseClick(window.point_view(), Qt::LeftButton, {}, p->toPoint());
        picked = i;
      }
      QVERIFY2(picked >= 0, "no box visible in the 3D view");
      QCOMPARE(window.point_view()->selected_box(), picked);
      for (auto* other : window.camera_views()) QCOMPARE(other->selected_box(), picked);
      QCOMPARE(window.inspector()->value("Box/Class"),
               QString::fromStdString(session->labels(0)[static_cast<std::size_t>(picked)].category));
    }

    // Screenshots of the views as a user would save them.
    const QString shot3d = QString::fromStdString((work_ / "view3d.png").string());
    const QString shotcam = QString::fromStdString((work_ / "camera.png").string());
    window.save_screenshot_3d(shot3d);
    window.save_screenshot_camera(shotcam);
    QVERIFY(QImage(shot3d).width() > 100);
    QCOMPARE(QImage(shotcam).size(), QSize(480, 144));
    window.grab().save(QString::fromStdString((work_ / "generated.png").string()));
  }

  // drivecurator --catalog C --sample 3 with a one-drive catalog opens that drive at sample 3.
  void singleDriveOpensAtTheRequestedSample() {
    dc::app::MainWindow window(QString::fromStdString(generated_catalog_.string()));
    window.show();
    QVERIFY(window.open_single_drive(3));
    QVERIFY(wait_shown(window, 3));
  }

  // An object split has no timestamps: no 1970 dates, no gaps, "no timestamps" where a time would be.
  void objectSplitHasNoTimestamps() {
    auto catalog = work_ / "object.sqlite";
    {
      dc::core::Catalog c(catalog);
      dc::core::Ingester(c).ingest({dc::test::shared_data_dir() / "kitti-object" / "training"});
    }
    dc::app::MainWindow window(QString::fromStdString(catalog.string()));
    window.show();
    QVERIFY(window.open_single_drive(2));
    QVERIFY(wait_shown(window, 2));
    QCOMPARE(window.inspector()->value("Sample/Time"), QString("no timestamps"));
    QVERIFY(!window.timeline()->timestamped());
    const auto& times = window.timeline()->sample_times();
    QCOMPARE(times.size(), std::size_t{3});
    QCOMPARE(times[1] - times[0], times[2] - times[1]);  // evenly spaced: an order, not a time
    auto* status = window.findChild<QLabel*>("statusSample");
    QVERIFY(status);
    QVERIFY2(status->text().contains("no timestamps") && !status->text().contains("1970"), qPrintable(status->text()));
  }

  // Switching catalogs in the middle of an ingest and stepping samples: the event loop never stalls long, and
  // nothing of the old drive stays on screen.
  void catalogSwitchDuringIngestKeepsTheGuiLive() {
    const auto big = work_ / "big";
    auto r = dc::test::run_cli({"--quiet", "generate", "--out", big.string(), "--frames", "150", "--width", "640",
                                "--height", "192", "--columns", "1200", "--seed", "21"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const auto other = work_ / "other.sqlite";
    {
      dc::core::Catalog c(other);  // a second catalog holding the KITTI object split
      dc::core::Ingester(c).ingest({dc::test::shared_data_dir() / "kitti-object" / "training"});
    }
    dc::app::MainWindow window(QString::fromStdString(generated_catalog_.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.open_single_drive());
    QVERIFY(wait_shown(window, 0));
    const QString old_drive = QString::fromStdString(window.session()->name());

    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.elapsed(), worst = 0;
    QTimer ticker;
    ticker.setInterval(10);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
      const qint64 now = clock.elapsed();
      worst = std::max(worst, now - last);
      last = now;
    });
    ticker.start();

    window.add_drive_folder(QString::fromStdString(big.string()));
    QVERIFY(window.ingest_runner()->is_running());
    window.activateWindow();  // the progress dialog is not modal: keep stepping in the main window
    QVERIFY(QTest::qWaitForWindowActive(&window));
    for (int i = 0; i < 3; ++i) {  // step while the ingest runs
      QTest::keyClick(&window, Qt::Key_Right);
      QTest::qWait(30);
    }
    QTest::qWait(200);
    QVERIFY(window.open_catalog(QString::fromStdString(other.string())));  // what File → Open catalog calls
    // Nothing of the old drive is on screen any more.
    QVERIFY(!window.session());
    QCOMPARE(window.point_view()->point_count(), std::size_t{0});
    QVERIFY(window.camera_views().empty());
    QVERIFY(window.inspector()->value("Sample").isEmpty() || window.inspector()->value("Sample") == "no drive open");
    QVERIFY(window.timeline()->sample_times().empty());
    QVERIFY(window.open_single_drive(1));
    QVERIFY(wait_shown(window, 1));
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_Right);
    QVERIFY(wait_shown(window, 2));
    QTest::qWait(100);
    ticker.stop();
    qInfo("longest event-loop stall while switching catalogs during an ingest and stepping: %lld ms", worst);
    QVERIFY(window.session()->name() != old_drive.toStdString());
    QCOMPARE(window.point_view()->point_count(),
             static_cast<std::size_t>(fs::file_size(dc::test::shared_data_dir() /
                                                    "kitti-object/training/velodyne/000002.bin") / 16));
    QCOMPARE(window.camera_views().size(), std::size_t{1});
    QVERIFY(!window.camera_views().front()->image_size().isEmpty());
    QVERIFY2(worst < 2000, "the GUI thread was blocked for seconds");  // generous: a freeze, not a slow frame
  }

  // Help → Show log: recent log lines and the log file; errors that reach the status bar are logged too.
  void logViewShowsErrors() {
    dc::core::init_logging();
    dc::app::MainWindow window(QString::fromStdString(generated_catalog_.string()));
    window.show();
    QVERIFY(!window.open_drive("no_such_drive"));
    auto* log = window.show_log();
    QVERIFY(log->isVisible());
    QVERIFY(log->log_file_text().contains(QString::fromStdString(dc::core::log_file().string())));
    QTRY_VERIFY_WITH_TIMEOUT(log->text()->toPlainText().contains("no drive named 'no_such_drive'"), 3000);
  }

  // Every dock, also those made after the menus (review, query, edit history), can be shown and hidden from
  // View > Panels.
  void panelsMenuListsEveryDock() {
    dc::app::MainWindow window(QString::fromStdString(generated_catalog_.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* panels = window.findChild<QMenu*>("panelsMenu");
    QVERIFY(panels);
    const auto docks = window.findChildren<QDockWidget*>();
    QStringList expected;
    for (auto* dock : docks) expected << dock->windowTitle();
    for (const char* title : {"Review", "Query", "Edit history"}) QVERIFY2(expected.contains(title), title);
    panels->popup(window.mapToGlobal(QPoint(50, 50)));
    QTRY_VERIFY(panels->isVisible());
    QStringList listed;
    for (auto* a : panels->actions()) listed << a->text();
    expected.sort();
    listed.sort();
    QCOMPARE(listed, expected);
    QDockWidget* query = nullptr;
    for (auto* dock : docks)
      if (dock->windowTitle() == "Query") query = dock;
    QAction* toggle = nullptr;
    for (auto* a : panels->actions())
      if (a->text() == "Query") toggle = a;
    QVERIFY(query && toggle);
    const bool was_visible = query->isVisible();
    panels->setActiveAction(toggle);
    QTest::keyClick(panels, Qt::Key_Return);
    QTRY_COMPARE(query->isVisible(), !was_visible);
  }

  void viewOptionsPersist() {
    {
      dc::app::MainWindow window(QString::fromStdString(generated_catalog_.string()));
      auto o = window.view_options();
      o.color_mode = dc::widgets::ColorMode::Height;
      o.camera_boxes_3d = false;
      window.set_view_options(o);
      window.close();  // saves settings
    }
    dc::app::MainWindow again(QString::fromStdString(generated_catalog_.string()));
    QCOMPARE(again.view_options().color_mode, dc::widgets::ColorMode::Height);
    QCOMPARE(again.view_options().camera_boxes_3d, false);
  }
};

int main(int argc, char** argv) {
  dc::widgets::use_vtk_surface_format();
  QApplication app(argc, argv);
  QApplication::setOrganizationName("DriveCurator");
  QApplication::setApplicationName("drivecurator-tests");
  TestMainWindow t;
  return QTest::qExec(&t, argc, argv);
}
#include "tst_main_window.moc"

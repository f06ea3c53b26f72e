// The real main window under Xvfb: catalog listing, a generated drive stepped with the keyboard, overlays, timeline.
#include "test_support.h"

#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/io/ingester.h"
#include "dc/widgets/camera_view.h"
#include "dc/widgets/drive_browser.h"
#include "dc/widgets/drive_session.h"
#include "dc/widgets/point_cloud_view.h"
#include "dc/widgets/timeline_widget.h"

#include <QAbstractItemModel>
#include <QApplication>
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

std::size_t drawn_label_count(const dc::widgets::DriveSession& s, int sample) {
  std::size_t n = 0;
  for (const auto& b : s.labels(sample)) n += b.category != "DontCare";
  return n;
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
      dc::core::Ingester(c).ingest({dc::test::shared_data_dir()});
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

    // Clicking a box in a camera selects it everywhere.
    window.point_view()->select_box(0);
    QCOMPARE(window.camera_views().front()->selected_box(), 0);

    // Screenshots of the views as a user would save them.
    const QString shot3d = QString::fromStdString((work_ / "view3d.png").string());
    const QString shotcam = QString::fromStdString((work_ / "camera.png").string());
    window.save_screenshot_3d(shot3d);
    window.save_screenshot_camera(shotcam);
    QVERIFY(QImage(shot3d).width() > 100);
    QCOMPARE(QImage(shotcam).size(), QSize(480, 144));
    window.grab().save(QString::fromStdString((work_ / "generated.png").string()));
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

// The viewer opens a drive of every format it reads: the same synthetic scene generated as KITTI raw, as a nuScenes
// root and as an MCAP recording (ROS 2), ingested into one catalog, each opened in the main window. Each shows the
// lidar points of its first sample in the 3D view and a camera image with the points projected into it; the
// screenshots are written next to the test's work folder (and to $DC_SCREENSHOT_DIR when set).
#include "test_support.h"

#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/widgets/box_edit_form.h"
#include "dc/widgets/camera_view.h"
#include "dc/widgets/inspector_panel.h"
#include "dc/widgets/point_cloud_view.h"
#include "dc/widgets/surface_format.h"

#include <QApplication>
#include <QImage>
#include <QLabel>
#include <QRegularExpression>
#include <QTest>

#include <filesystem>
#include <map>

namespace fs = std::filesystem;

class TestViewerFormats : public QObject {
  Q_OBJECT
  fs::path work_;
  std::string catalog_;
  std::map<std::string, std::string> drive_of_format_;  // reader format -> drive name

  void save(QImage image, const std::string& name) {
    image.save(QString::fromStdString((work_ / name).string()));
    if (qEnvironmentVariableIsSet("DC_SCREENSHOT_DIR"))
      image.save(qEnvironmentVariable("DC_SCREENSHOT_DIR") + "/" + QString::fromStdString(name));
  }

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("gui_viewer_formats");
    qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((work_ / "config").string()));
    catalog_ = (work_ / "catalog.sqlite").string();
    for (const std::string format : {"kitti-raw", "nuscenes", "mcap"}) {
      const fs::path out = work_ / format;
      auto r = dc::test::run_cli({"--quiet", "generate", "--format", format, "--out", out.string(), "--frames", "3",
                                  "--seed", "9", "--width", "480", "--height", "144", "--columns", "600",
                                  "--beams", "32"});
      QVERIFY2(r.exit_code == 0, (format + ": " + r.err).c_str());
      r = dc::test::run_cli_on(catalog_, {"--quiet", "ingest", out.string()});
      QVERIFY2(r.exit_code == 0, (format + ": " + r.out + r.err).c_str());
    }
    dc::core::Catalog catalog(catalog_);
    for (const auto& d : catalog.drives()) drive_of_format_[d.format] = d.name;
    QCOMPARE(drive_of_format_.size(), std::size_t(3));
  }

  void opensEveryFormat_data() {
    QTest::addColumn<QString>("format");
    QTest::newRow("kitti-raw") << "kitti-raw";
    QTest::newRow("nuscenes") << "nuscenes";
    QTest::newRow("mcap") << "mcap";
  }

  void opensEveryFormat() {
    QFETCH(QString, format);
    const std::string drive = drive_of_format_.at(format.toStdString());
    dc::app::MainWindow window(QString::fromStdString(catalog_));
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_drive(QString::fromStdString(drive)));
    QVERIFY(QTest::qWaitFor([&] { return window.shown_sample() == 0; }, 20000));
    auto* view = window.point_view();
    QVERIFY2(view->point_count() > 1000, qPrintable(QString("%1 points").arg(view->point_count())));
    QVERIFY(!window.camera_views().empty());
    auto* camera = window.camera_views().front();
    QTRY_VERIFY_WITH_TIMEOUT(camera->image_size() == QSize(480, 144), 10000);
    // Points project into the image: the calibration (file, tables or TF tree) put the lidar in front of the camera.
    QVERIFY2(camera->projected_point_count() > 100,
             qPrintable(QString("%1 points in the image").arg(camera->projected_point_count())));
    QVERIFY(camera->points_inside_image());
    // The inspector shows a selected ground-truth box's class in its dataset: nuScenes' category, none elsewhere.
    int gt = -1;
    for (int i = 0; i < static_cast<int>(view->boxes().size()) && gt < 0; ++i)
      if (view->boxes()[static_cast<std::size_t>(i)].source == dc::core::LabelSource::GroundTruth) gt = i;
    if (format == "nuscenes") QVERIFY(gt >= 0);
    if (gt >= 0) {
      view->select_box(gt);
      const auto* dataset_class = window.inspector()->box_form()->findChild<QLabel*>("boxDatasetClass");
      QVERIFY(dataset_class);
      const QString text = dataset_class->text();
      if (format == "nuscenes")
        QVERIFY2(QRegularExpression("^(vehicle|human|movable_object|static_object|animal)(\\.|$)").match(text).hasMatch(),
                 qPrintable(text));
      else
        QVERIFY2(text.isEmpty(), qPrintable(text));
    }
    save(view->render_to_image(), "viewer_" + format.toStdString() + "_3d.png");
    save(camera->render_to_image(), "viewer_" + format.toStdString() + "_camera.png");
    window.close();
  }
};

int main(int argc, char** argv) {
  dc::widgets::use_vtk_surface_format();
  QApplication app(argc, argv);
  QApplication::setOrganizationName("DriveCurator");
  QApplication::setApplicationName("drivecurator-tests");
  TestViewerFormats t;
  return QTest::qExec(&t, argc, argv);
}

#include "tst_viewer_formats.moc"

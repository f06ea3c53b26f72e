// Label editing in the real main window under Xvfb, with the mouse and keyboard as a person uses them: select a
// box in the bird's-eye view, drag its body and its rotation knob, draw a new box with Shift+drag, delete one,
// edit a field in the inspector, undo with Ctrl+Z. Expected positions come from the view's camera through an
// independent pinhole computation, stored rows from plain SQL.
#include "sql_table_snapshot.h"
#include "test_support.h"

#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "dc/core/io/ingester.h"
#include "dc/synth/drive_generator.h"
#include "dc/widgets/box_edit_form.h"
#include "dc/widgets/camera_view.h"
#include "dc/widgets/inspector_panel.h"
#include "dc/widgets/point_cloud_view.h"
#include "dc/widgets/surface_format.h"

#include <QAction>
#include <QApplication>
#include <QDoubleSpinBox>
#include <QImage>
#include <QLabel>
#include <QStatusBar>
#include <QTest>
#include <QUndoStack>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>

namespace fs = std::filesystem;
using dc::core::BoxLabel;

namespace {

bool wait_shown(dc::app::MainWindow& w, int sample) {
  return QTest::qWaitFor([&] { return w.shown_sample() == sample && w.current_sample() == sample; }, 20000);
}

// The point on the plane z = `z` under a widget pixel (its centre), from the camera's position and focal point
// and the view's 40° vertical field of view; in bird's-eye view the lidar's x axis points up on the screen.
Eigen::Vector3d ground_under_pixel(const dc::widgets::PointCloudView& view, QPoint px, double z) {
  const Eigen::Vector3d eye = view.camera_position();
  const Eigen::Vector3d forward = (view.camera_focal_point() - eye).normalized();
  const Eigen::Vector3d up(1, 0, 0);
  const Eigen::Vector3d right = forward.cross(up);
  const double t = std::tan(20.0 * std::numbers::pi / 180.0);
  const double w = view.width(), h = view.height();
  const double nx = (2 * (px.x() + 0.5) / w - 1) * t * (w / h);
  const double ny = (1 - 2 * (px.y() + 0.5) / h) * t;
  const Eigen::Vector3d dir = forward + nx * right + ny * up;
  return eye + (z - eye.z()) / dir.z() * dir;
}

// The point under a widget pixel on the upright plane through `anchor` that faces the camera (its normal is the
// viewing direction made horizontal), for a turntable camera with +z up: screen up is world z made orthogonal to
// the viewing direction.
Eigen::Vector3d upright_under_pixel(const dc::widgets::PointCloudView& view, QPoint px, const Eigen::Vector3d& anchor) {
  const Eigen::Vector3d eye = view.camera_position();
  const Eigen::Vector3d forward = (view.camera_focal_point() - eye).normalized();
  const Eigen::Vector3d up = (Eigen::Vector3d::UnitZ() - forward.z() * forward).normalized();
  const Eigen::Vector3d right = forward.cross(up);
  const double t = std::tan(20.0 * std::numbers::pi / 180.0);
  const double w = view.width(), h = view.height();
  const double nx = (2 * (px.x() + 0.5) / w - 1) * t * (w / h);
  const double ny = (1 - 2 * (px.y() + 0.5) / h) * t;
  const Eigen::Vector3d dir = forward + nx * right + ny * up;
  const Eigen::Vector3d n = Eigen::Vector3d(forward.x(), forward.y(), 0).normalized();
  return eye + n.dot(anchor - eye) / n.dot(dir) * dir;
}

QPoint pixel_of(const dc::widgets::PointCloudView& view, const Eigen::Vector3d& p) {
  const auto px = view.project_to_widget(p);
  return px ? px->toPoint() : QPoint(-1, -1);
}

dc::core::PointCloud read_velodyne(const fs::path& file) {
  dc::core::PointCloud cloud;
  std::ifstream in(file, std::ios::binary);
  cloud.xyzi.resize(fs::file_size(file) / sizeof(float));
  in.read(reinterpret_cast<char*>(cloud.xyzi.data()), static_cast<std::streamsize>(fs::file_size(file)));
  return cloud;
}

int brute_force_points_inside(const dc::core::PointCloud& cloud, const BoxLabel& box) {
  int n = 0;
  for (std::size_t i = 0; i < cloud.size(); ++i) {
    const float* p = cloud.point(i);
    n += dc::test::box_contains(box, Eigen::Vector3d(p[0], p[1], p[2])) ? 1 : 0;
  }
  return n;
}

double wrap(double a) {
  while (a > std::numbers::pi) a -= 2 * std::numbers::pi;
  while (a <= -std::numbers::pi) a += 2 * std::numbers::pi;
  return a;
}

// Pixels of exactly this color inside and outside a rectangle.
std::pair<int, int> color_pixels(const QImage& image, QRgb color, const QRect& inside) {
  int in = 0, out = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x)
      if ((image.pixel(x, y) & 0xffffff) == (color & 0xffffff)) (inside.contains(x, y) ? in : out)++;
  return {in, out};
}

}  // namespace

class TestLabelEditing : public QObject {
  Q_OBJECT
  fs::path work_, catalog_file_;

  // Shows the window, opens the catalog's drive and waits for its first sample.
  static bool show_first_sample(dc::app::MainWindow& window) {
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) return false;
    window.activateWindow();
    return QTest::qWaitForWindowActive(&window) && window.open_single_drive() && wait_shown(window, 0);
  }

  void drag(QWidget* w, QPoint from, QPoint to, Qt::KeyboardModifiers modifiers = {}) {
    QTest::mousePress(w, Qt::LeftButton, modifiers, from);
    for (int k = 1; k <= 6; ++k) QTest::mouseMove(w, from + (to - from) * k / 6);
    QTest::mouseRelease(w, Qt::LeftButton, modifiers, to);
  }

 private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("gui_label_editing");
    qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((work_ / "config").string()));
    dc::core::GeneratorOptions g;
    g.out = work_ / "gen";
    g.frames = 4;
    g.seed = 11;
    g.cameras = 1;
    g.image_width = 480;
    g.image_height = 144;
    g.lidar_columns = 800;
    g.threads = 2;
    dc::core::generate_drive(g);
    catalog_file_ = work_ / "catalog.sqlite";
    dc::core::Catalog catalog(catalog_file_);
    dc::core::Ingester(catalog).ingest({work_ / "gen"});
  }

  void dragMoveRotateCreateDeleteAndUndo() {
    dc::app::MainWindow window(QString::fromStdString(catalog_file_.string()));
    QVERIFY(show_first_sample(window));
    auto* view = window.point_view();

    // A click on a box in the camera view selects it everywhere.
    QCOMPARE(window.camera_views().size(), std::size_t(1));
    auto* camera = window.camera_views().front();
    int in_camera = -1;
    for (int i = 0; i < static_cast<int>(camera->boxes().size()) && in_camera < 0; ++i) {
      const QRectF r = camera->projected_box_rect(i);
      if (!r.isNull() && r.width() > 8 && camera->box_at_image_point(r.center()) == i) in_camera = i;
    }
    QVERIFY(in_camera >= 0);
    QTest::mouseClick(camera, Qt::LeftButton, {},
                      camera->image_to_widget(camera->projected_box_rect(in_camera).center()).toPoint());
    QCOMPARE(camera->selected_box(), in_camera);
    QCOMPARE(view->selected_box(), in_camera);
    QCOMPARE(window.selected_label_id(), camera->boxes()[static_cast<std::size_t>(in_camera)].id);

    view->setFocus();
    QTest::keyClick(view, Qt::Key_B);  // bird's eye
    QVERIFY(view->editing_enabled());

    // A ground-truth box near the middle of the view, away from the others.
    const auto& boxes = view->boxes();
    int index = -1;
    for (std::size_t i = 0; i < boxes.size() && index < 0; ++i) {
      const auto& b = boxes[i];
      if (std::abs(b.center.x() - 12) > 18 || std::abs(b.center.y()) > 15 || b.length < 2) continue;
      bool alone = true;
      for (std::size_t j = 0; j < boxes.size(); ++j)
        alone = alone && (j == i || (boxes[j].center - b.center).head<2>().norm() > 5.5);
      if (alone) index = static_cast<int>(i);
    }
    if (index < 0)
      for (const auto& b : boxes)
        qWarning("box %s at %.1f %.1f l %.1f", b.category.c_str(), b.center.x(), b.center.y(), b.length);
    QVERIFY2(index >= 0, "no isolated box in view");
    const BoxLabel original = boxes[static_cast<std::size_t>(index)];
    const std::size_t box_count = boxes.size();
    const dc::test::LabelTables start = dc::test::label_tables(catalog_file_);
    const auto cloud = read_velodyne(window.session()->lidar_frame(0)->file);

    // Select it with a click.
    const QPoint center_px = pixel_of(*view, original.center);
    QTest::mouseClick(view, Qt::LeftButton, {}, center_px);
    QCOMPARE(view->selected_box(), index);
    QCOMPARE(window.selected_label_id(), original.id);
    auto* points_label = window.inspector()->box_form()->findChild<QLabel*>("boxPointsInside");
    QVERIFY(points_label);
    QCOMPARE(points_label->text().toInt(), brute_force_points_inside(cloud, original));

    // Handles are drawn on the selected box and nowhere else.
    const QImage shot = view->render_to_image();
    shot.save(QString::fromStdString((work_ / "handles_bird_eye.png").string()));
    if (qEnvironmentVariableIsSet("DC_SCREENSHOT_DIR"))
      shot.save(qEnvironmentVariable("DC_SCREENSHOT_DIR") + "/label_handles_bird_eye.png");
    QRect around;
    for (const auto& p : view->resize_handles()) around |= QRect(pixel_of(*view, p), QSize(1, 1));
    around |= QRect(pixel_of(*view, *view->rotation_knob()), QSize(1, 1));
    around = around.adjusted(-12, -12, 12, 12);
    const auto [handle_in, handle_out] = color_pixels(shot, qRgb(255, 0, 220), around);
    const auto [knob_in, knob_out] = color_pixels(shot, qRgb(0, 255, 0), around);
    QVERIFY2(handle_in > 40 && knob_in > 10, qPrintable(QString("%1 %2").arg(handle_in).arg(knob_in)));
    QCOMPARE(handle_out, 0);
    QCOMPARE(knob_out, 0);

    // Drag the body: the box follows the ground point under the cursor.
    const QPoint release = center_px + QPoint(45, -28);
    QTest::mousePress(view, Qt::LeftButton, {}, center_px);
    for (int k = 1; k <= 5; ++k) QTest::mouseMove(view, center_px + (release - center_px) * k / 6);
    // While dragging, the inspector counts the points of the box as previewed.
    QCOMPARE(points_label->text().toInt(),
             brute_force_points_inside(cloud, view->boxes()[static_cast<std::size_t>(index)]));
    QTest::mouseMove(view, release);
    QTest::mouseRelease(view, Qt::LeftButton, {}, release);
    const Eigen::Vector3d shift = ground_under_pixel(*view, release, original.center.z()) -
                                  ground_under_pixel(*view, center_px, original.center.z());
    QVERIFY(shift.head<2>().norm() > 1.0);
    dc::core::Catalog catalog(catalog_file_);
    auto& labels = catalog.label_repository();
    BoxLabel moved = *labels.find(original.id);
    QCOMPARE(moved.revision, original.revision + 1);
    QVERIFY(moved.source == dc::core::LabelSource::Manual);
    QVERIFY(std::abs(moved.center.x() - (original.center.x() + shift.x())) < 1e-6);
    QVERIFY(std::abs(moved.center.y() - (original.center.y() + shift.y())) < 1e-6);
    QCOMPARE(moved.center.z(), original.center.z());
    QCOMPARE(moved.yaw, original.yaw);
    // The camera overlay shows the stored box.
    QCOMPARE(camera->boxes()[static_cast<std::size_t>(index)].center, moved.center);
    const auto history = labels.history(original.id);
    QCOMPARE(history.size(), std::size_t(2));
    QVERIFY(history.front().source == original.source);
    QCOMPARE(history.front().center, original.center);
    // The stored centre lies under the release pixel's ground point shifted by the grab offset: check it back.
    const auto back = view->project_to_widget(moved.center);
    QVERIFY(back && (QPointF(center_px + (release - center_px)) - *back).manhattanLength() < 1.5);

    // Turn it with the knob.
    QCOMPARE(window.selected_label_id(), original.id);
    const auto knob = view->rotation_knob();
    QVERIFY(knob);
    const QPoint knob_px = pixel_of(*view, *knob);
    const QPoint turn_to = knob_px + QPoint(-50, 35);
    drag(view, knob_px, turn_to);
    const Eigen::Vector3d a = ground_under_pixel(*view, knob_px, moved.center.z()) - moved.center;
    const Eigen::Vector3d b = ground_under_pixel(*view, turn_to, moved.center.z()) - moved.center;
    const double expected_yaw = wrap(moved.yaw + std::atan2(b.y(), b.x()) - std::atan2(a.y(), a.x()));
    const BoxLabel turned = *labels.find(original.id);
    QCOMPARE(turned.revision, original.revision + 2);
    QVERIFY2(std::abs(wrap(turned.yaw - expected_yaw)) < 1e-6,
             qPrintable(QString("%1 vs %2").arg(turned.yaw).arg(expected_yaw)));
    QVERIFY(std::abs(wrap(turned.yaw - moved.yaw)) > 0.1);
    QVERIFY((turned.center - moved.center).norm() < 1e-12);
    view->render_to_image().save(QString::fromStdString((work_ / "handles_after_turn.png").string()));

    // Drag the front-left corner: the back-right corner stays where it is.
    const auto corners = view->resize_handles();
    QCOMPARE(corners.size(), std::size_t(8));
    const QPoint corner_px = pixel_of(*view, corners[0]);
    const QPoint corner_to = corner_px + QPoint(12, -9);
    drag(view, corner_px, corner_to);
    const Eigen::Vector3d d = ground_under_pixel(*view, corner_to, turned.center.z()) -
                              ground_under_pixel(*view, corner_px, turned.center.z());
    const double c = std::cos(turned.yaw), s = std::sin(turned.yaw);
    const double du = c * d.x() + s * d.y(), dv = -s * d.x() + c * d.y();
    const BoxLabel resized = *labels.find(original.id);
    QCOMPARE(resized.revision, original.revision + 3);
    QVERIFY(std::abs(resized.length - (turned.length + du)) < 1e-6);
    QVERIFY(std::abs(resized.width - (turned.width + dv)) < 1e-6);
    QVERIFY(std::abs(resized.center.x() - (turned.center.x() + (c * du - s * dv) / 2)) < 1e-6);
    QVERIFY(std::abs(resized.center.y() - (turned.center.y() + (s * du + c * dv) / 2)) < 1e-6);
    QCOMPARE(resized.yaw, turned.yaw);
    QVERIFY(std::abs(du) > 0.3 || std::abs(dv) > 0.3);

    // Looking straight down there is no height handle; tilt the view (drag on empty ground orbits) and drag the
    // handle on the top face up: the top follows the cursor on the upright plane facing the camera, the bottom stays.
    QVERIFY(!view->height_handle());
    drag(view, QPoint(8, view->height() - 8), QPoint(8, view->height() - 158));
    const auto top_handle = view->height_handle();
    QVERIFY2(top_handle, "no height handle in the tilted view");
    const QPoint top_px = pixel_of(*view, *top_handle);
    QVERIFY(view->rect().contains(top_px));
    const QPoint raise_to = top_px + QPoint(0, -30);
    drag(view, top_px, raise_to);
    const double z_grab = upright_under_pixel(*view, top_px, *top_handle).z();
    const double z_release = upright_under_pixel(*view, raise_to, *top_handle).z();
    const BoxLabel raised = *labels.find(original.id);
    QCOMPARE(raised.revision, original.revision + 4);
    QVERIFY2(std::abs(raised.height - (resized.height + z_release - z_grab)) < 1e-6,
             qPrintable(QString("%1 vs %2").arg(raised.height).arg(resized.height + z_release - z_grab)));
    QVERIFY(z_release - z_grab > 0.2);
    QVERIFY(std::abs((raised.center.z() - raised.height / 2) - (resized.center.z() - resized.height / 2)) < 1e-9);
    QCOMPARE(raised.center.head<2>(), resized.center.head<2>());
    QCOMPARE(raised.length, resized.length);
    view->render_to_image().save(QString::fromStdString((work_ / "handles_tilted.png").string()));
    QTest::keyClick(view, Qt::Key_B);  // back to bird's eye for what follows

    // Height from the inspector's field.
    auto* height = window.inspector()->box_form()->findChild<QDoubleSpinBox*>("boxHeight");
    QVERIFY(height && height->isEnabled());
    height->setValue(2.25);
    QCOMPARE(labels.find(original.id)->height, 2.25);
    QCOMPARE(labels.find(original.id)->revision, original.revision + 5);

    // Ctrl+Z five times: the rows are exactly as before the first drag.
    for (int i = 0; i < 5; ++i) QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(dc::test::label_tables(catalog_file_) == start);
    QCOMPARE(view->boxes()[static_cast<std::size_t>(index)].center, original.center);
    // Ctrl+Shift+Z redoes the move.
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(labels.find(original.id)->center, moved.center);
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(dc::test::label_tables(catalog_file_) == start);

    // Draw a new pedestrian with Shift+drag on an empty stretch of ground.
    window.findChild<QAction*>("newBoxClass_Pedestrian")->trigger();
    const double gz = view->footprint_plane_z();
    const QPoint from = pixel_of(*view, {30, 18, gz}), to = from + QPoint(14, 9);
    const auto before_create = dc::test::label_tables(catalog_file_);
    drag(view, from, to, Qt::ShiftModifier);
    const Eigen::Vector3d ga = ground_under_pixel(*view, from, gz), gb = ground_under_pixel(*view, to, gz);
    const auto created =
        catalog.labels(catalog.find_drive(window.session()->name())->id, window.session()->sample(0).key());
    const BoxLabel* fresh = nullptr;
    for (const auto& l : created)
      if (l.source == dc::core::LabelSource::Manual) fresh = &l;
    QVERIFY(fresh);
    QCOMPARE(fresh->category, std::string("Pedestrian"));
    // It gets a track of its own: a track id no other label of the drive has (direct SQL, deleted rows too).
    QVERIFY(!fresh->track_id.empty());
    {
      sqlite3* db = nullptr;
      QVERIFY(sqlite3_open_v2(catalog_file_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
      sqlite3_stmt* q = nullptr;
      QVERIFY(sqlite3_prepare_v2(db, "SELECT count(*) FROM labels WHERE track_id = ? AND id != ?", -1, &q, nullptr) ==
              SQLITE_OK);
      sqlite3_bind_text(q, 1, fresh->track_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(q, 2, fresh->id);
      QCOMPARE(sqlite3_step(q), SQLITE_ROW);
      const int others = sqlite3_column_int(q, 0);
      sqlite3_finalize(q);
      sqlite3_close(db);
      QCOMPARE(others, 0);
    }
    QVERIFY(std::abs(fresh->center.x() - (ga.x() + gb.x()) / 2) < 1e-6);
    QVERIFY(std::abs(fresh->center.y() - (ga.y() + gb.y()) / 2) < 1e-6);
    QVERIFY(std::abs(fresh->length - std::abs(gb.x() - ga.x())) < 1e-6);
    QVERIFY(std::abs(fresh->width - std::abs(gb.y() - ga.y())) < 1e-6);
    // Height and z by brute force: ground = 5th percentile of the z within 1 m around the footprint, top = the
    // highest point inside it more than 0.2 m above that ground (1.5 m without any).
    std::vector<double> around_z;
    double top = -INFINITY;
    for (std::size_t i = 0; i < cloud.size(); ++i) {
      const float* p = cloud.point(i);
      const double dx = std::abs(p[0] - fresh->center.x()), dy = std::abs(p[1] - fresh->center.y());
      if (dx <= fresh->length / 2 + 1 && dy <= fresh->width / 2 + 1) around_z.push_back(p[2]);
    }
    std::sort(around_z.begin(), around_z.end());
    const double ground = around_z.empty() ? gz : around_z[static_cast<std::size_t>(0.05 * (around_z.size() - 1))];
    for (std::size_t i = 0; i < cloud.size(); ++i) {
      const float* p = cloud.point(i);
      if (std::abs(p[0] - fresh->center.x()) <= fresh->length / 2 &&
          std::abs(p[1] - fresh->center.y()) <= fresh->width / 2 && p[2] > ground + 0.2)
        top = std::max(top, static_cast<double>(p[2]));
    }
    if (!std::isfinite(top)) top = ground + 1.5;
    QVERIFY(std::abs(fresh->height - (top - ground)) < 1e-6);
    QVERIFY(std::abs(fresh->center.z() - (top + ground) / 2) < 1e-6);
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(dc::test::label_tables(catalog_file_) == before_create);

    // Select the box again and delete it with the Delete key; Ctrl+Z brings it back exactly.
    QTest::mouseClick(view, Qt::LeftButton, {}, pixel_of(*view, original.center));
    QCOMPARE(window.selected_label_id(), original.id);
    QTest::keyClick(view, Qt::Key_Delete);
    QVERIFY(labels.find(original.id)->deleted);
    QCOMPARE(labels.find(original.id)->revision, original.revision + 1);
    QCOMPARE(view->box_count(), box_count - 1);  // gone from the view as well
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(dc::test::label_tables(catalog_file_) == start);
    QCOMPARE(view->box_count(), box_count);
    QCOMPARE(window.undo_stack()->index(), 0);

    // Closer in, the handles keep their size on screen and stay on the selected box.
    QTest::mouseClick(view, Qt::LeftButton, {}, pixel_of(*view, original.center));
    QCOMPARE(view->selected_box(), index);
    QWheelEvent wheel(QPointF(view->width() / 2.0, view->height() / 2.0), view->mapToGlobal(QPointF(0, 0)), {},
                      {0, 3 * 120}, Qt::NoButton, {}, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view, &wheel);
    const QImage zoomed = view->render_to_image();
    zoomed.save(QString::fromStdString((work_ / "handles_zoomed.png").string()));
    if (qEnvironmentVariableIsSet("DC_SCREENSHOT_DIR"))
      zoomed.save(qEnvironmentVariable("DC_SCREENSHOT_DIR") + "/label_handles_zoomed.png");
    QRect near;
    for (const auto& p : view->resize_handles()) near |= QRect(pixel_of(*view, p), QSize(1, 1));
    near |= QRect(pixel_of(*view, *view->rotation_knob()), QSize(1, 1));
    near = near.adjusted(-12, -12, 12, 12);
    const auto [zoomed_in, zoomed_out] = color_pixels(zoomed, qRgb(255, 0, 220), near);
    QVERIFY(zoomed_in > 40);
    QCOMPARE(zoomed_out, 0);

    // Propagating a ground-truth box whose track has ground truth in the next samples stores nothing and says so.
    const auto before_propagate = dc::test::label_tables(catalog_file_);
    const int commands = window.undo_stack()->count();
    window.propagate_selected_box(2);
    QVERIFY2(window.statusBar()->currentMessage().contains("skipped"),
             qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(dc::test::label_tables(catalog_file_) == before_propagate);
    QCOMPARE(window.undo_stack()->count(), commands);
  }

  // The same edits in the camera view: the selected box's handles drag on the plane through its centre (the height
  // handle on an upright plane), the box follows the lidar-frame point under the cursor (an independent pinhole ray
  // from the camera's calibration), the 3D view previews it, every drag is one stored revision, and Ctrl+Z takes
  // them back.
  void cameraHandlesMoveTurnRaiseAndUndo() {
    dc::app::MainWindow window(QString::fromStdString(catalog_file_.string()));
    window.resize(1400, 900);
    QVERIFY(show_first_sample(window));
    auto* camera = window.camera_views().front();
    QVERIFY(camera->editing_enabled());
    const auto model = window.session()->camera_model(0, window.session()->camera_sensors().front());
    QVERIFY(model);
    const Eigen::Matrix3d K = model->intrinsics.K;
    const Eigen::Isometry3d T_lidar_from_cam = model->T_cam_from_lidar.inverse();
    // The point on the plane z = `z` seen at a widget pixel: the view's zoom and pan give the image pixel, the
    // pinhole model of the calibration the ray.
    const auto on_plane_under = [&](QPoint widget_px, double z) {
      const QPointF img = camera->widget_to_image(QPointF(widget_px));
      const Eigen::Vector3d ray_cam((img.x() - K(0, 2)) / K(0, 0), (img.y() - K(1, 2)) / K(1, 1), 1);
      const Eigen::Vector3d o = T_lidar_from_cam.translation(), d = T_lidar_from_cam.linear() * ray_cam;
      return Eigen::Vector3d(o + (z - o.z()) / d.z() * d);
    };

    // The widest box in the image whose handles are all in front of the camera and inside the view.
    int index = -1;
    double widest = 0;
    for (int i = 0; i < static_cast<int>(camera->boxes().size()); ++i) {
      const QRectF r = camera->projected_box_rect(i);
      if (r.isNull() || r.width() <= widest || camera->box_at_image_point(r.center()) != i) continue;
      QTest::mouseClick(camera, Qt::LeftButton, {}, camera->image_to_widget(r.center()).toPoint());
      if (camera->selected_box() != i) continue;
      bool all_in = true;
      for (const auto& h : camera->handle_widget_points()) all_in = all_in && h && camera->rect().contains(h->toPoint());
      if (all_in) index = i, widest = r.width();
    }
    QVERIFY2(index >= 0, "no box with all its handles in the camera view");
    QTest::mouseClick(camera, Qt::LeftButton, {},
                      camera->image_to_widget(camera->projected_box_rect(index).center()).toPoint());
    QCOMPARE(camera->selected_box(), index);
    const BoxLabel original = camera->boxes()[static_cast<std::size_t>(index)];
    QCOMPARE(window.selected_label_id(), original.id);
    const auto start = dc::test::label_tables(catalog_file_);

    // Handles are drawn: magenta resize squares and a green knob near their positions.
    const QImage shot = camera->render_to_image();
    shot.save(QString::fromStdString((work_ / "handles_camera.png").string()));
    if (qEnvironmentVariableIsSet("DC_SCREENSHOT_DIR"))
      shot.save(qEnvironmentVariable("DC_SCREENSHOT_DIR") + "/label_handles_camera.png");
    auto handles = camera->handle_widget_points();
    QCOMPARE(handles.size(), std::size_t(11));
    QRect around;
    for (const auto& h : handles) around |= QRect(h->toPoint(), QSize(1, 1));
    around = around.adjusted(-10, -10, 10, 10);
    QVERIFY(color_pixels(shot, qRgb(255, 0, 220), around).first > 20);
    QVERIFY(color_pixels(shot, qRgb(0, 255, 0), around).first > 5);

    // Drag the centre mark: the box moves by the difference of the plane points under press and release.
    const QPoint press = handles[0]->toPoint(), release = press + QPoint(36, 6);
    QTest::mousePress(camera, Qt::LeftButton, {}, press);
    for (int k = 1; k <= 5; ++k) QTest::mouseMove(camera, press + (release - press) * k / 6);
    QCOMPARE(window.point_view()->boxes()[static_cast<std::size_t>(index)].center.x(),
             camera->boxes()[static_cast<std::size_t>(index)].center.x());  // previewed in 3D
    QTest::mouseMove(camera, release);
    QTest::mouseRelease(camera, Qt::LeftButton, {}, release);
    const Eigen::Vector3d shift = on_plane_under(release, original.center.z()) - on_plane_under(press, original.center.z());
    QVERIFY(shift.head<2>().norm() > 0.3);
    dc::core::Catalog catalog(catalog_file_);
    auto& labels = catalog.label_repository();
    const BoxLabel moved = *labels.find(original.id);
    QCOMPARE(moved.revision, original.revision + 1);
    QVERIFY(moved.source == dc::core::LabelSource::Manual);
    QVERIFY2(std::abs(moved.center.x() - (original.center.x() + shift.x())) < 1e-6 &&
                 std::abs(moved.center.y() - (original.center.y() + shift.y())) < 1e-6,
             qPrintable(QString("moved to %1 %2, expected %3 %4")
                            .arg(moved.center.x()).arg(moved.center.y())
                            .arg(original.center.x() + shift.x()).arg(original.center.y() + shift.y())));
    QCOMPARE(moved.center.z(), original.center.z());
    QCOMPARE(moved.yaw, original.yaw);
    QCOMPARE(window.point_view()->boxes()[static_cast<std::size_t>(index)].center, moved.center);

    // Turn it with the knob: the yaw changes by the angle the cursor's plane point sweeps about the centre.
    QCOMPARE(camera->selected_box(), index);
    handles = camera->handle_widget_points();
    const QPoint knob = handles[9]->toPoint(), turned = knob + QPoint(-14, 10);
    QTest::mousePress(camera, Qt::LeftButton, {}, knob);
    for (int k = 1; k <= 6; ++k) QTest::mouseMove(camera, knob + (turned - knob) * k / 6);
    QTest::mouseRelease(camera, Qt::LeftButton, {}, turned);
    const Eigen::Vector2d a = on_plane_under(knob, moved.center.z()).head<2>() - moved.center.head<2>();
    const Eigen::Vector2d b = on_plane_under(turned, moved.center.z()).head<2>() - moved.center.head<2>();
    const double swept = std::atan2(b.y(), b.x()) - std::atan2(a.y(), a.x());
    const BoxLabel rotated = *labels.find(original.id);
    QCOMPARE(rotated.revision, original.revision + 2);
    QVERIFY(std::abs(swept) > 0.02);
    QVERIFY2(std::abs(wrap(rotated.yaw - (original.yaw + swept))) < 1e-6,
             qPrintable(QString("yaw %1, expected %2").arg(rotated.yaw).arg(wrap(original.yaw + swept))));
    QCOMPARE(rotated.center, moved.center);

    // Raise it with the top-face handle: the top follows the cursor on the upright plane through the handle that
    // faces the camera, the bottom stays.
    handles = camera->handle_widget_points();
    const Eigen::Vector3d top = rotated.center + Eigen::Vector3d(0, 0, rotated.height / 2);
    const QPoint grip = handles[10]->toPoint(), raised = grip + QPoint(0, -24);
    const auto on_upright_under = [&](QPoint widget_px) {
      const QPointF img = camera->widget_to_image(QPointF(widget_px));
      const Eigen::Vector3d ray_cam((img.x() - K(0, 2)) / K(0, 0), (img.y() - K(1, 2)) / K(1, 1), 1);
      const Eigen::Vector3d o = T_lidar_from_cam.translation(), d = T_lidar_from_cam.linear() * ray_cam;
      const Eigen::Vector3d n(top.x() - o.x(), top.y() - o.y(), 0);
      return Eigen::Vector3d(o + n.dot(top - o) / n.dot(d) * d);
    };
    QTest::mousePress(camera, Qt::LeftButton, {}, grip);
    for (int k = 1; k <= 6; ++k) QTest::mouseMove(camera, grip + (raised - grip) * k / 6);
    QTest::mouseRelease(camera, Qt::LeftButton, {}, raised);
    const double rise = on_upright_under(raised).z() - on_upright_under(grip).z();
    const BoxLabel taller = *labels.find(original.id);
    QCOMPARE(taller.revision, original.revision + 3);
    QVERIFY(rise > 0.2);
    QVERIFY2(std::abs(taller.height - (rotated.height + rise)) < 1e-6,
             qPrintable(QString("height %1, expected %2").arg(taller.height).arg(rotated.height + rise)));
    QVERIFY(std::abs((taller.center.z() - taller.height / 2) - (rotated.center.z() - rotated.height / 2)) < 1e-9);
    QCOMPARE(taller.center.head<2>(), rotated.center.head<2>());
    QCOMPARE(taller.yaw, rotated.yaw);

    // A plain drag elsewhere still pans the image and edits nothing.
    const QPointF pan_from(8, camera->height() - 8);
    const QPointF before_pan = camera->widget_to_image(pan_from);
    drag(camera, pan_from.toPoint(), pan_from.toPoint() + QPoint(20, 0));
    QVERIFY(camera->widget_to_image(pan_from).x() < before_pan.x() - 1);
    QCOMPARE(labels.find(original.id)->revision, original.revision + 3);

    // Ctrl+Z three times: the rows are exactly as before.
    for (int k = 0; k < 3; ++k) QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(dc::test::label_tables(catalog_file_) == start);
    QCOMPARE(camera->boxes()[static_cast<std::size_t>(index)].center, original.center);
  }
};

int main(int argc, char** argv) {
  dc::widgets::use_vtk_surface_format();
  QApplication app(argc, argv);
  QApplication::setOrganizationName("DriveCurator");
  QApplication::setApplicationName("drivecurator-tests");
  TestLabelEditing t;
  return QTest::qExec(&t, argc, argv);
}
#include "tst_label_editing.moc"

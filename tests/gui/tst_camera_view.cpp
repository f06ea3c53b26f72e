#include "dc/core/data/point_box_membership.h"
#include "dc/core/io/kitti_box_conversion.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "dc/widgets/camera_view.h"
#include "gui_test_support.h"
#include "test_support.h"

#include <QApplication>
#include <QSignalSpy>
#include <QSurfaceFormat>
#include <QTest>

#include "dc/widgets/surface_format.h"

#include <cmath>
#include <fstream>
#include <sstream>

using dc::core::BoxLabel;
using dc::core::PointCloud;
using dc::widgets::CameraView;
using dc::widgets::ViewOptions;

namespace {

using dc::test::compare_with_baseline;
using dc::test::count_differing;
using dc::test::save_screenshot;

QRectF bbox2d_rect(const BoxLabel& b) {
  return QRectF(QPointF(b.bbox2d[0], b.bbox2d[1]), QPointF(b.bbox2d[2], b.bbox2d[3]));
}

double iou(const QRectF& a, const QRectF& b) {
  const QRectF i = a.intersected(b);
  if (i.isEmpty()) return 0;
  const double inter = i.width() * i.height();
  return inter / (a.width() * a.height() + b.width() * b.height() - inter);
}

}  // namespace

class TstCameraView : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void projected_points_lie_in_image();
  void lidar_points_of_objects_fall_in_their_2d_boxes();
  void projected_boxes_match_kitti_2d_boxes();
  void boxes_are_drawn();
  void says_why_there_is_no_image();
  void depth_coloring_near_red_far_blue();
  void zoom_pan_fit_and_click();
  void boxes_behind_camera_are_clipped();
  void no_cloud_no_image();
  void overlay_matches_baseline();

 private:
  void show_kitti();
  std::filesystem::path work_;
  std::filesystem::path split_;
  cv::Mat image_;
  PointCloud cloud_;
  std::vector<BoxLabel> boxes_;
  Eigen::Isometry3d T_cam_from_lidar_ = Eigen::Isometry3d::Identity();
  dc::core::CameraIntrinsics intrinsics_;
  std::unique_ptr<CameraView> view_;
};

void TstCameraView::initTestCase() {
  work_ = dc::test::fresh_work_dir("tst_camera_view");
  split_ = dc::test::shared_data_dir() / "kitti-object" / "training";
  if (!std::filesystem::exists(split_ / "image_2" / "000001.png")) QSKIP("KITTI object sample not present");
  const auto* reader = dc::core::reader_for_format("kitti-object");
  QVERIFY(reader);
  const auto drive = reader->read_single(split_);
  // The object split gives frame i the timestamp i * 100 ms and one calibration per frame.
  const auto* calib = drive.calibration_at(100'000'000);
  QVERIFY(calib);
  QVERIFY(calib->cameras.count("image_2"));
  intrinsics_ = calib->cameras.at("image_2");
  const auto T = calib->transform("cam2", "velo");
  QVERIFY(T);
  T_cam_from_lidar_ = *T;
  for (const auto& b : drive.labels)
    if (b.frame_index == 1) boxes_.push_back(b);
  QVERIFY(!boxes_.empty());
  image_ = dc::core::load_image(split_ / "image_2" / "000001.png");
  cloud_ = dc::core::load_velodyne_bin(split_ / "velodyne" / "000001.bin");
  QCOMPARE(intrinsics_.width, image_.cols);
  QCOMPARE(intrinsics_.height, image_.rows);

  view_ = std::make_unique<CameraView>();
  view_->resize(1242, 375);
  view_->show();
  QVERIFY(QTest::qWaitForWindowExposed(view_.get()));
}

void TstCameraView::show_kitti() {
  view_->set_options(ViewOptions{});
  view_->set_frame(image_, &cloud_, boxes_, T_cam_from_lidar_, intrinsics_);
  view_->select_box(-1);
  view_->fit_to_window();
}

void TstCameraView::projected_points_lie_in_image() {
  show_kitti();
  QVERIFY2(view_->projected_point_count() > 5000,
           qPrintable(QString("only %1 points projected").arg(view_->projected_point_count())));
  QVERIFY(view_->projected_point_count() < cloud_.size());  // the camera sees a fraction of the sweep
  QVERIFY(view_->points_inside_image());
  const auto& p = view_->projection();
  for (std::size_t i = 0; i < p.valid.size(); ++i) {
    if (!p.valid[i]) continue;
    QVERIFY(p.u[i] >= -0.5f && p.u[i] < image_.cols - 0.5f && p.v[i] >= -0.5f && p.v[i] < image_.rows - 0.5f);
    QVERIFY(p.depth[i] > 0.1f);
  }
  save_screenshot(view_->render_image_overlay(), "view_camera_kitti_000001.png", work_);
}

void TstCameraView::lidar_points_of_objects_fall_in_their_2d_boxes() {
  show_kitti();
  const auto& p = view_->projection();
  const auto owner = dc::core::first_box_per_point(cloud_, boxes_);
  int checked = 0;
  for (std::size_t b = 0; b < boxes_.size(); ++b) {
    const auto& box = boxes_[b];
    if (box.bbox2d[0] < 0) continue;
    std::size_t inside_3d = 0, inside_2d = 0;
    const QRectF r = bbox2d_rect(box).adjusted(-3, -3, 3, 3);
    for (std::size_t i = 0; i < cloud_.size(); ++i) {
      if (!p.valid[i] || owner[i] != static_cast<std::int32_t>(b)) continue;
      ++inside_3d;
      inside_2d += r.contains(QPointF(p.u[i], p.v[i]));
    }
    qInfo("%s: %zu lidar points in the 3D box, %zu of them inside its 2D box", box.category.c_str(), inside_3d,
          inside_2d);
    if (inside_3d < 5) continue;  // too far away to say anything
    QVERIFY2(inside_2d >= 0.8 * inside_3d, qPrintable(QString::fromStdString(box.category)));
    ++checked;
  }
  QVERIFY(checked >= 2);
}

// The projected 3D boxes against KITTI's own 2D boxes, read here straight from label_2 (columns 4-7: left top
// right bottom), not through the reader: each side within 5% of the box's size (at least 4 px).
void TstCameraView::projected_boxes_match_kitti_2d_boxes() {
  show_kitti();
  std::ifstream in(split_ / "label_2" / "000001.txt");
  QVERIFY(in.good());
  struct Row {
    std::string type;
    double left, top, right, bottom;
  };
  std::vector<Row> objects;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Row r;
    double truncated, alpha;
    int occluded;
    fields >> r.type >> truncated >> occluded >> alpha >> r.left >> r.top >> r.right >> r.bottom;
    if (fields && r.type != "DontCare") objects.push_back(r);
  }
  QCOMPARE(boxes_.size(), objects.size());  // DontCare rows are not boxes
  int compared = 0;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const auto& want = objects[i];
    QCOMPARE(QString::fromStdString(boxes_[i].category), QString::fromStdString(want.type));
    const QRectF got = view_->projected_box_rect(static_cast<int>(i)).translated(-0.5, -0.5);  // to OpenCV pixels
    QVERIFY2(!got.isNull(), qPrintable(QString("box %1 not projected").arg(i)));
    const double w = want.right - want.left, h = want.bottom - want.top;
    const double tol_x = std::max(4.0, 0.05 * w), tol_y = std::max(4.0, 0.05 * h);
    qInfo("%s: projected [%.0f %.0f %.0f %.0f], label_2 [%.0f %.0f %.0f %.0f]", want.type.c_str(), got.left(),
          got.top(), got.right(), got.bottom(), want.left, want.top, want.right, want.bottom);
    // The projection is clipped to the image by at most the half-size margin; KITTI's box stops at the border.
    const double left = std::max(got.left(), 0.0), right = std::min(got.right(), image_.cols - 1.0);
    const double top = std::max(got.top(), 0.0), bottom = std::min(got.bottom(), image_.rows - 1.0);
    QVERIFY2(std::abs(left - want.left) <= tol_x && std::abs(right - want.right) <= tol_x &&
                 std::abs(top - want.top) <= tol_y && std::abs(bottom - want.bottom) <= tol_y,
             qPrintable(QString("%1 %2").arg(i).arg(QString::fromStdString(want.type))));
    ++compared;
  }
  QVERIFY(compared >= 3);
}

void TstCameraView::says_why_there_is_no_image() {
  CameraView view;
  view.resize(400, 200);
  view.show_message("no frame within 0.1 s");
  QCOMPARE(view.message(), QString("no frame within 0.1 s"));
  QVERIFY(view.image_size().isEmpty());
  QCOMPARE(view.projected_point_count(), std::size_t{0});
  view.set_frame(image_, static_cast<const PointCloud*>(nullptr), {}, T_cam_from_lidar_, intrinsics_);
  QVERIFY(view.message().isEmpty());
}

void TstCameraView::boxes_are_drawn() {
  show_kitti();
  std::size_t objects = 0;
  for (std::size_t i = 0; i < boxes_.size(); ++i) {
    const auto& b = boxes_[i];
    ++objects;
    const auto edges = view_->projected_box_edges(static_cast<int>(i));
    QCOMPARE(edges.size(), std::size_t{13});  // 12 edges and the heading line, all in front of the camera
    // The projected 3D box and the annotated 2D box describe the same object.
    const double overlap = iou(view_->projected_box_rect(static_cast<int>(i)), bbox2d_rect(b));
    qInfo("%s: IoU(projected 3D box, 2D box) = %.2f", b.category.c_str(), overlap);
    QVERIFY2(overlap > 0.5, qPrintable(QString::fromStdString(b.category)));
  }
  QCOMPARE(view_->drawn_box_count(), objects);

  ViewOptions o;
  const QImage with_boxes = view_->render_image_overlay();
  o.camera_boxes_3d = o.camera_boxes_2d = false;
  view_->set_options(o);
  const QImage without_boxes = view_->render_image_overlay();
  QVERIFY(count_differing(with_boxes, without_boxes) > 200);
  o.camera_points = false;
  view_->set_options(o);
  const QImage plain = view_->render_image_overlay();
  QVERIFY(count_differing(without_boxes, plain) > 5000);
  // With every overlay off the view shows the camera image itself.
  QImage original(image_.data, image_.cols, image_.rows, static_cast<qsizetype>(image_.step), QImage::Format_BGR888);
  QCOMPARE(count_differing(plain, original.convertToFormat(QImage::Format_RGB32), 0), std::size_t{0});
}

void TstCameraView::depth_coloring_near_red_far_blue() {
  // Two points straight ahead of the camera, one near and one far, drawn as large dots on a black image.
  dc::core::CameraIntrinsics in;
  in.K << 500, 0, 200, 0, 500, 100, 0, 0, 1;
  in.width = 400;
  in.height = 200;
  PointCloud cloud;
  // Lidar frame = camera frame here (identity); x right, y down, z forward.
  cloud.xyzi = {-1.0f, 0, 5, 0, 1.0f, 0, 55, 0};
  ViewOptions o;
  o.camera_point_size = 9;
  o.camera_depth_legend = false;
  view_->set_options(o);
  view_->set_frame(cv::Mat(200, 400, CV_8UC3, cv::Scalar(0, 0, 0)), &cloud, {}, Eigen::Isometry3d::Identity(), in);
  QCOMPARE(view_->projected_point_count(), std::size_t{2});
  const QImage out = view_->render_image_overlay();
  const QColor near = out.pixelColor(100, 100), far = out.pixelColor(209, 100);
  QVERIFY2(near.red() > 150 && near.red() > near.blue(), qPrintable(near.name()));
  QVERIFY2(far.blue() > far.red(), qPrintable(far.name()));
}

void TstCameraView::zoom_pan_fit_and_click() {
  show_kitti();
  const double fit_zoom = view_->zoom();
  QVERIFY(std::abs(fit_zoom - 1.0) < 1e-9);  // the widget is the image's size

  // Wheel zoom keeps the image point under the cursor in place.
  const QPointF anchor(300, 200);
  const QPointF before = view_->widget_to_image(anchor);
  QWheelEvent wheel(anchor, view_->mapToGlobal(anchor), {}, {0, 240}, Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase,
                    false);
  QApplication::sendEvent(view_.get(), &wheel);
  QVERIFY(view_->zoom() > fit_zoom * 1.3);
  const QPointF after = view_->widget_to_image(anchor);
  QVERIFY(std::abs(before.x() - after.x()) < 1e-6 && std::abs(before.y() - after.y()) < 1e-6);

  // Drag pans.
  const QPointF center_before = view_->widget_to_image({600, 180});
  QTest::mousePress(view_.get(), Qt::LeftButton, {}, {600, 180});
  for (int x = 590; x >= 500; x -= 10) QTest::mouseMove(view_.get(), {x, 180});
  QTest::mouseRelease(view_.get(), Qt::LeftButton, {}, {500, 180});
  QVERIFY(view_->widget_to_image({600, 180}).x() > center_before.x() + 30);

  // Double-click fits the image again.
  QTest::mouseDClick(view_.get(), Qt::LeftButton, {}, {100, 20});
  QVERIFY(std::abs(view_->zoom() - fit_zoom) < 1e-9);

  // A click inside the car's box selects it; a click on empty sky clears the selection.
  const auto car = std::find_if(boxes_.begin(), boxes_.end(), [](const BoxLabel& b) { return b.category == "Car"; });
  const int car_index = static_cast<int>(car - boxes_.begin());
  QSignalSpy spy(view_.get(), &CameraView::box_selected);
  const QImage unselected = view_->render_to_image();
  const QPointF car_center = bbox2d_rect(*car).center();
  QTest::mouseClick(view_.get(), Qt::LeftButton, {}, view_->image_to_widget(car_center).toPoint());
  QCOMPARE(spy.count(), 1);
  QCOMPARE(spy.takeFirst().at(0).toInt(), car_index);
  QCOMPARE(view_->selected_box(), car_index);
  QVERIFY(count_differing(unselected, view_->render_to_image()) > 50);
  QTest::mouseClick(view_.get(), Qt::LeftButton, {}, view_->image_to_widget({100, 20}).toPoint());
  QCOMPARE(view_->selected_box(), -1);
  QCOMPARE(spy.count(), 1);
  QCOMPARE(spy.takeFirst().at(0).toInt(), -1);
}

void TstCameraView::boxes_behind_camera_are_clipped() {
  // A box around the lidar itself straddles the camera plane; one fully behind the car is not drawn at all.
  BoxLabel around;
  around.center = {0, 0, -0.9};
  around.length = 6;
  around.width = 3;
  around.height = 1.6;
  around.category = "Van";
  BoxLabel behind = around;
  behind.center = {-20, 0, -0.9};
  view_->set_options(ViewOptions{});
  view_->set_frame(image_, &cloud_, {around, behind}, T_cam_from_lidar_, intrinsics_);
  const auto edges = view_->projected_box_edges(0);
  QVERIFY(!edges.empty());
  QVERIFY(edges.size() < 13);  // the edges entirely behind the camera are gone
  const QRectF allowed(-0.5 * 1242 - 2, -0.5 * 1242 - 2, 2 * 1242 + 4, 375 + 1242 + 4);
  for (const auto& e : edges) {
    QVERIFY(std::isfinite(e.x1()) && std::isfinite(e.y1()) && std::isfinite(e.x2()) && std::isfinite(e.y2()));
    QVERIFY(allowed.contains(e.p1()) && allowed.contains(e.p2()));
  }
  QVERIFY(view_->projected_box_edges(1).empty());
  QCOMPARE(view_->drawn_box_count(), std::size_t{1});
  QVERIFY(!view_->render_image_overlay().isNull());
}

void TstCameraView::no_cloud_no_image() {
  view_->set_frame(image_, nullptr, boxes_, T_cam_from_lidar_, intrinsics_);
  QCOMPARE(view_->projected_point_count(), std::size_t{0});
  QVERIFY(view_->points_inside_image());
  QVERIFY(view_->drawn_box_count() > 0);
  view_->clear();
  QVERIFY(view_->image_size().isEmpty());
  QVERIFY(view_->render_image_overlay().isNull());
  QVERIFY(!view_->render_to_image().isNull());  // paints "no image"
}

void TstCameraView::overlay_matches_baseline() {
  show_kitti();
  const auto car = std::find_if(boxes_.begin(), boxes_.end(), [](const BoxLabel& b) { return b.category == "Car"; });
  view_->select_box(static_cast<int>(car - boxes_.begin()));
  const QImage image = view_->render_image_overlay();
  QCOMPARE(image.size(), QSize(image_.cols, image_.rows));
  compare_with_baseline(image, "camera_view_kitti_000001.png", work_);
  save_screenshot(view_->render_to_image(), "view_camera_widget_kitti_000001.png", work_);
  // Zoomed in on the objects, to check by eye that points sit on them.
  view_->zoom_at(3.0, view_->image_to_widget({560, 180}));
  save_screenshot(view_->render_to_image(), "view_camera_widget_kitti_000001_zoom.png", work_);
  view_->fit_to_window();
}

int main(int argc, char** argv) {
  dc::widgets::use_vtk_surface_format();
  QApplication app(argc, argv);
  TstCameraView test;
  return QTest::qExec(&test, argc, argv);
}

#include "tst_camera_view.moc"

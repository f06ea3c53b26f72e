#include "dc/core/io/kitti_box_conversion.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "dc/widgets/point_cloud_view.h"
#include "gui_test_support.h"
#include "test_support.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSurfaceFormat>
#include <QTest>

#include "dc/widgets/surface_format.h"

#include <cmath>
#include <cstdint>

using dc::core::BoxLabel;
using dc::core::LabelSource;
using dc::core::PointCloud;
using dc::widgets::ColorMode;
using dc::widgets::PointCloudView;
using dc::widgets::ViewOptions;

namespace {

using dc::test::compare_with_baseline;
using dc::test::count_differing;
using dc::test::save_screenshot;

constexpr int kWidth = 640, kHeight = 480;

// SplitMix64: the scene must be bit-identical on every machine, which std:: distributions do not promise.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

BoxLabel make_box(double x, double y, double yaw, const char* category, LabelSource source, double l = 4.2,
                  double w = 1.8, double h = 1.6) {
  BoxLabel b;
  b.center = {x, y, -1.73 + h / 2};
  b.length = l;
  b.width = w;
  b.height = h;
  b.yaw = yaw;
  b.category = category;
  b.source = source;
  return b;
}

std::vector<BoxLabel> synthetic_boxes() {
  return {make_box(12, 3.5, 0.1, "Car", LabelSource::GroundTruth), make_box(22, -4, 3.1, "Car", LabelSource::Auto),
          make_box(8, -6, 1.5, "Pedestrian", LabelSource::Model, 0.8, 0.7, 1.8),
          make_box(30, 4, 0.0, "Truck", LabelSource::Manual, 9, 2.6, 3.2),
          make_box(15, 8, 0.4, "Cyclist", LabelSource::GroundTruth, 1.8, 0.6, 1.7)};
}

// Ground rings, two building facades and points on the boxes' surfaces: `n` points, fixed by `seed`.
PointCloud synthetic_cloud(std::size_t n, std::uint64_t seed, const std::vector<BoxLabel>& boxes) {
  Rng rng{seed};
  PointCloud cloud;
  cloud.xyzi.reserve(4 * n);
  auto push = [&cloud](double x, double y, double z, double i) {
    cloud.xyzi.insert(cloud.xyzi.end(),
                      {static_cast<float>(x), static_cast<float>(y), static_cast<float>(z), static_cast<float>(i)});
  };
  for (std::size_t k = 0; k < n; ++k) {
    const double kind = rng.uniform(0, 1);
    if (kind < 0.6) {
      const double r = 3 + 57 * std::pow(rng.uniform(0, 1), 2), a = rng.uniform(-3.14159, 3.14159);
      push(r * std::cos(a), r * std::sin(a), -1.73 + rng.uniform(-0.03, 0.03), rng.uniform(0.0, 0.35));
    } else if (kind < 0.8) {
      const double side = rng.uniform(0, 1) < 0.5 ? -12 : 12;
      push(rng.uniform(-40, 60), side + rng.uniform(-0.1, 0.1), rng.uniform(-1.7, 6), rng.uniform(0.2, 0.6));
    } else {
      const auto& b = boxes[static_cast<std::size_t>(rng.next() % boxes.size())];
      const double u = rng.uniform(-0.5, 0.5) * b.length, v = rng.uniform(-0.5, 0.5) * b.width;
      const double z = b.center.z() + rng.uniform(-0.5, 0.5) * b.height;
      const double c = std::cos(b.yaw), s = std::sin(b.yaw);
      push(b.center.x() + c * u - s * v, b.center.y() + s * u + c * v, z, rng.uniform(0.5, 1.0));
    }
  }
  return cloud;
}

bool is_background(QRgb p) {
  return std::abs(qRed(p) - 18) <= 3 && std::abs(qGreen(p) - 20) <= 3 && std::abs(qBlue(p) - 26) <= 3;
}

std::size_t count_non_background(const QImage& image) {
  std::size_t n = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) n += !is_background(image.pixel(x, y));
  return n;
}

}  // namespace

class TstPointCloudView : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void counts_match();
  void set_points_updates_in_place();
  void renders_points_and_boxes();
  void camera_presets_change_view();
  void mouse_and_keyboard();
  void click_selects_box();
  void color_modes_and_toggles();
  void render_matches_baseline();
  void survives_context_recreation();
  void kitti_frame();
  void cleanupTestCase();

 private:
  void reset_scene();
  std::unique_ptr<PointCloudView> view_;
  std::vector<BoxLabel> boxes_ = synthetic_boxes();
  std::filesystem::path work_;
};

void TstPointCloudView::initTestCase() {
  work_ = dc::test::fresh_work_dir("tst_point_cloud_view");
  view_ = std::make_unique<PointCloudView>();
  view_->resize(kWidth, kHeight);
  view_->show();
  QVERIFY(QTest::qWaitForWindowExposed(view_.get()));
}

void TstPointCloudView::cleanupTestCase() {
  view_.reset();
}

void TstPointCloudView::reset_scene() {
  view_->set_options(ViewOptions{});
  view_->set_points(synthetic_cloud(120'000, 7, boxes_));
  view_->set_boxes(boxes_);
  view_->set_ego_path({});
  view_->select_box(-1);
  view_->reset_view();
}

void TstPointCloudView::counts_match() {
  reset_scene();
  QCOMPARE(view_->point_count(), std::size_t{120'000});
  QCOMPARE(view_->box_count(), boxes_.size());
  QCOMPARE(view_->boxes().size(), boxes_.size());
}

void TstPointCloudView::set_points_updates_in_place() {
  reset_scene();
  (void)view_->render_to_image();
  const std::size_t capacity = view_->point_capacity();
  QVERIFY(capacity >= 120'000);

  // Smaller frame: same buffers, new count, and the new points reach the screen.
  const QImage full = view_->render_to_image();
  view_->set_points(synthetic_cloud(50'000, 8, boxes_));
  QCOMPARE(view_->point_count(), std::size_t{50'000});
  QCOMPARE(view_->point_capacity(), capacity);
  const QImage smaller = view_->render_to_image();
  QVERIFY(count_non_background(smaller) > 2000);
  QVERIFY(count_differing(full, smaller) > 5000);

  // Back to a frame that fits: still no reallocation.
  view_->set_points(synthetic_cloud(120'000, 9, boxes_));
  QCOMPARE(view_->point_capacity(), capacity);

  // Larger than the capacity: grows once.
  view_->set_points(synthetic_cloud(capacity + 1000, 10, boxes_));
  QCOMPARE(view_->point_count(), capacity + 1000);
  QVERIFY(view_->point_capacity() >= capacity + 1000);
  (void)view_->render_to_image();

  // Empty frame, then a normal one again.
  view_->set_points(PointCloud{});
  QCOMPARE(view_->point_count(), std::size_t{0});
  (void)view_->render_to_image();

  // A stream of 130k-point frames (a 64-beam sweep): prints the rate, asserts nothing about time.
  constexpr int kFrames = 10;
  std::vector<PointCloud> frames;
  for (int i = 0; i < 2; ++i) frames.push_back(synthetic_cloud(130'000, 20 + i, boxes_));
  qint64 update_ns = 0, total_ns = 0;
  for (int i = 0; i < kFrames; ++i) {
    QElapsedTimer timer;
    timer.start();
    view_->set_points(frames[static_cast<std::size_t>(i % 2)]);
    update_ns += timer.nsecsElapsed();
    (void)view_->render_to_image();
    total_ns += timer.nsecsElapsed();
  }
  qInfo("130k points per frame: set_points %.2f ms, set_points + render + read back %.1f ms (this machine's GL)",
        update_ns / 1e6 / kFrames, total_ns / 1e6 / kFrames);
  QCOMPARE(view_->point_count(), std::size_t{130'000});
}

void TstPointCloudView::renders_points_and_boxes() {
  reset_scene();
  const QImage with_boxes = view_->render_to_image();
  QCOMPARE(with_boxes.size(), QSize(kWidth, kHeight));
  QVERIFY2(count_non_background(with_boxes) > std::size_t(kWidth * kHeight / 20), "render is (nearly) blank");

  view_->set_boxes({});
  const QImage without_boxes = view_->render_to_image();
  QCOMPARE(view_->box_count(), std::size_t{0});
  QVERIFY2(count_differing(with_boxes, without_boxes) > 500, "boxes do not change the image");

  // The ego path shows up too.
  std::vector<Eigen::Vector3d> path;
  for (int i = 0; i <= 30; ++i) path.emplace_back(i, 0.02 * i * i / 3.0, -1.73);
  view_->set_ego_path(path);
  QVERIFY(count_differing(without_boxes, view_->render_to_image()) > 100);
}

void TstPointCloudView::camera_presets_change_view() {
  reset_scene();
  const QImage reset = view_->render_to_image();
  const Eigen::Vector3d reset_pos = view_->camera_position();

  view_->bird_eye_view();
  const QImage bird = view_->render_to_image();
  const Eigen::Vector3d bird_pos = view_->camera_position();
  QVERIFY((bird_pos - reset_pos).norm() > 1);
  // Straight above the focal point, x forward pointing up on screen.
  QVERIFY(std::abs(bird_pos.x() - view_->camera_focal_point().x()) < 1e-6);
  QVERIFY(std::abs(bird_pos.y() - view_->camera_focal_point().y()) < 1e-6);
  const auto ahead = view_->project_to_widget({40, 0, -1.73}), behind = view_->project_to_widget({-10, 0, -1.73});
  QVERIFY(ahead && behind);
  QVERIFY(ahead->y() < behind->y());
  QVERIFY(count_differing(reset, bird) > std::size_t(kWidth * kHeight / 20));

  view_->chase_view();
  const QImage chase = view_->render_to_image();
  const Eigen::Vector3d chase_pos = view_->camera_position();
  QVERIFY(chase_pos.x() < 0);  // behind the ego vehicle
  QVERIFY(std::abs(chase_pos.y()) < 1e-6);
  QVERIFY(chase_pos.z() > 0);
  QVERIFY(count_differing(bird, chase) > std::size_t(kWidth * kHeight / 20));

  view_->reset_view();
  QVERIFY((view_->camera_position() - reset_pos).norm() < 1e-9);
  QCOMPARE(count_differing(reset, view_->render_to_image(), 0), std::size_t{0});
}

void TstPointCloudView::mouse_and_keyboard() {
  reset_scene();
  const Eigen::Vector3d p0 = view_->camera_position(), f0 = view_->camera_focal_point();
  // Left drag orbits: the camera moves, the focal point stays.
  QTest::mousePress(view_.get(), Qt::LeftButton, {}, {300, 200});
  for (int x = 310; x <= 400; x += 10) QTest::mouseMove(view_.get(), {x, 220});
  QTest::mouseRelease(view_.get(), Qt::LeftButton, {}, {400, 220});
  QVERIFY((view_->camera_position() - p0).norm() > 1);
  QVERIFY((view_->camera_focal_point() - f0).norm() < 1e-9);
  const double distance = (view_->camera_position() - view_->camera_focal_point()).norm();

  // Right drag pans: focal point and camera move together.
  const Eigen::Vector3d f1 = view_->camera_focal_point();
  QTest::mousePress(view_.get(), Qt::RightButton, {}, {300, 200});
  for (int x = 310; x <= 380; x += 10) QTest::mouseMove(view_.get(), {x, 200});
  QTest::mouseRelease(view_.get(), Qt::RightButton, {}, {380, 200});
  QVERIFY((view_->camera_focal_point() - f1).norm() > 0.5);
  QVERIFY(std::abs((view_->camera_position() - view_->camera_focal_point()).norm() - distance) < 1e-6);

  // Wheel forward zooms in.
  QWheelEvent wheel(QPointF(320, 240), view_->mapToGlobal(QPointF(320, 240)), {}, {0, 240}, Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(view_.get(), &wheel);
  QVERIFY((view_->camera_position() - view_->camera_focal_point()).norm() < distance * 0.9);

  // Keys: B, C, R presets and +/- point size.
  view_->setFocus();
  QTest::keyClick(view_.get(), Qt::Key_B);
  QVERIFY(std::abs(view_->camera_position().x() - view_->camera_focal_point().x()) < 1e-6);
  QTest::keyClick(view_.get(), Qt::Key_C);
  QVERIFY(view_->camera_position().x() < 0);
  QTest::keyClick(view_.get(), Qt::Key_R);
  QVERIFY((view_->camera_position() - p0).norm() < 1e-9);
  QSignalSpy options_spy(view_.get(), &PointCloudView::options_changed);
  const float size = view_->options().point_size;
  QTest::keyClick(view_.get(), Qt::Key_Plus);
  QCOMPARE(view_->options().point_size, size + 1);
  QTest::keyClick(view_.get(), Qt::Key_Minus);
  QTest::keyClick(view_.get(), Qt::Key_Minus);
  QCOMPARE(view_->options().point_size, size - 1);
  QCOMPARE(options_spy.count(), 3);
}

void TstPointCloudView::click_selects_box() {
  reset_scene();
  QSignalSpy spy(view_.get(), &PointCloudView::box_selected);
  const QImage before = view_->render_to_image();
  const auto target = view_->project_to_widget(boxes_[3].center);  // the truck
  QVERIFY(target);
  const QPoint pos = target->toPoint();
  QCOMPARE(view_->box_at(pos), 3);
  QTest::mouseClick(view_.get(), Qt::LeftButton, {}, pos);
  QCOMPARE(spy.count(), 1);
  QCOMPARE(spy.takeFirst().at(0).toInt(), 3);
  QCOMPARE(view_->selected_box(), 3);
  // Highlighted: the image changes.
  QVERIFY(count_differing(before, view_->render_to_image()) > 100);

  // A click on empty ground clears the selection.
  const auto empty = view_->project_to_widget({-15, 0, -1.73});
  QVERIFY(empty);
  QCOMPARE(view_->box_at(empty->toPoint()), -1);
  QTest::mouseClick(view_.get(), Qt::LeftButton, {}, empty->toPoint());
  QCOMPARE(view_->selected_box(), -1);
  QCOMPARE(spy.count(), 1);
  QCOMPARE(spy.takeFirst().at(0).toInt(), -1);
}

void TstPointCloudView::color_modes_and_toggles() {
  reset_scene();
  std::vector<QImage> images;
  for (ColorMode mode : {ColorMode::Intensity, ColorMode::Height, ColorMode::Range, ColorMode::Label}) {
    ViewOptions o;
    o.color_mode = mode;
    view_->set_options(o);
    images.push_back(view_->render_to_image());
    save_screenshot(images.back(), QString("view_synthetic_%1.png").arg(dc::widgets::to_string(mode)), work_);
  }
  for (std::size_t i = 1; i < images.size(); ++i)
    QVERIFY2(count_differing(images[i - 1], images[i]) > 1000, "color modes render alike");

  ViewOptions o;
  o.color_map = dc::widgets::ColorMapKind::Viridis;
  view_->set_options(o);
  QVERIFY(count_differing(images[0], view_->render_to_image()) > 1000);

  // Turning grid, axes, boxes and legend off leaves points on the background only.
  o = ViewOptions{};
  o.show_grid = o.show_axes = o.show_boxes = o.show_legend = false;
  view_->set_options(o);
  view_->set_points(PointCloud{});
  QCOMPARE(count_non_background(view_->render_to_image()), std::size_t{0});
}

void TstPointCloudView::render_matches_baseline() {
  reset_scene();
  ViewOptions o;
  o.color_mode = ColorMode::Height;
  view_->set_options(o);
  std::vector<Eigen::Vector3d> path;
  for (int i = 0; i <= 30; ++i) path.emplace_back(i, 0.01 * i * i, -1.73);
  view_->set_ego_path(path);
  view_->select_box(4);
  const QImage image = view_->render_to_image();
  QCOMPARE(image.size(), QSize(kWidth, kHeight));
  compare_with_baseline(image, "point_cloud_view.png", work_);
}

void TstPointCloudView::survives_context_recreation() {
  reset_scene();
  const QImage before = view_->render_to_image();
  {
    // Moving the view into another window (as floating a dock does) gives it a new GL context.
    QWidget host;
    host.resize(kWidth, kHeight);
    view_->setParent(&host);
    view_->setGeometry(0, 0, kWidth, kHeight);
    host.show();
    QVERIFY(QTest::qWaitForWindowExposed(&host));
    const QImage inside = view_->render_to_image();
    QCOMPARE(inside.size(), before.size());
    QCOMPARE(count_differing(before, inside), std::size_t{0});
    view_->setParent(nullptr);
  }
  view_->resize(kWidth, kHeight);
  view_->show();
  QVERIFY(QTest::qWaitForWindowExposed(view_.get()));
  QCOMPARE(count_differing(before, view_->render_to_image()), std::size_t{0});

  // A view destroyed while shown releases its GL resources without touching freed memory.
  auto other = std::make_unique<PointCloudView>();
  other->resize(200, 150);
  other->show();
  QVERIFY(QTest::qWaitForWindowExposed(other.get()));
  other->set_points(synthetic_cloud(1000, 3, boxes_));
  QVERIFY(!other->render_to_image().isNull());
  other.reset();
}

void TstPointCloudView::kitti_frame() {
  const auto split = dc::test::shared_data_dir() / "kitti-object" / "training";
  if (!std::filesystem::exists(split / "velodyne" / "000001.bin")) QSKIP("KITTI object sample not present");
  const auto* reader = dc::core::reader_for_format("kitti-object");
  QVERIFY(reader);
  const auto drive = reader->read_single(split);
  std::vector<BoxLabel> boxes;
  for (const auto& b : drive.labels)
    if (b.frame_index == 1) boxes.push_back(b);
  const std::size_t drawn = boxes.size();  // DontCare rows are regions, not boxes
  const PointCloud cloud = dc::core::load_velodyne_bin(split / "velodyne" / "000001.bin");

  view_->resize(1000, 600);
  ViewOptions o;
  o.color_mode = ColorMode::Label;
  view_->set_options(o);
  view_->set_points(cloud);
  view_->set_boxes(boxes);
  view_->set_ego_path({});
  view_->select_box(-1);
  view_->reset_view();
  QCOMPARE(view_->point_count(), cloud.size());
  QCOMPARE(view_->box_count(), drawn);
  const QImage label_image = view_->render_to_image();
  QVERIFY(count_non_background(label_image) > 20000);
  save_screenshot(label_image, "view_point_cloud_kitti_000001_label.png", work_);

  o.color_mode = ColorMode::Intensity;
  view_->set_options(o);
  view_->chase_view();
  save_screenshot(view_->render_to_image(), "view_point_cloud_kitti_000001_chase.png", work_);
  view_->bird_eye_view();
  save_screenshot(view_->render_to_image(), "view_point_cloud_kitti_000001_bev.png", work_);
  view_->resize(kWidth, kHeight);
}

int main(int argc, char** argv) {
  dc::widgets::use_vtk_surface_format();
  QApplication app(argc, argv);
  TstPointCloudView test;
  return QTest::qExec(&test, argc, argv);
}

#include "tst_point_cloud_view.moc"

#include "dc/widgets/camera_view.h"

#include "box_drag.h"
#include "box_edges.h"
#include "dc/core/io/kitti_box_conversion.h"

#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>

namespace dc::widgets {

using dc::core::BoxLabel;
using dc::core::LabelSource;

namespace {

constexpr double kNearPlane = 0.1;  // meters; box edges are clipped here, as project_points drops points
constexpr double kMinZoom = 0.05, kMaxZoom = 40;
constexpr int kClickSlopPx = 4;
const QColor kSelectedColor(255, 255, 255);
// Handles look as in the 3D view: magenta squares to resize, a green knob to turn, and a white centre mark to move.
const QColor kHandleColor(255, 0, 220);
const QColor kKnobColor(0, 255, 0);
constexpr double kHandleRadiusPx = 4.5;  // drawn half-size, widget pixels
constexpr double kHandlePickPx = 9;      // a press this close to a handle grabs it
constexpr double kKnobOffset_m = 1.0;    // knob distance in front of the front face
const QColor kHighlightColor(0xff, 0xd5, 0x4f);  // the timeline's playhead color: "this is where you jumped"

// Color-map position for a depth: near is the hot end, depth_max and beyond the cold end. Both ends of turbo (and
// the low end of viridis) are too dark to see on road and shadows, so the map is used from 0.1 to 0.95.
float depth_to_t(float depth, float depth_max) {
  const float near_fraction = 1.f - std::clamp(depth / std::max(depth_max, 0.1f), 0.f, 1.f);
  return 0.1f + 0.85f * near_fraction;
}

bool has_bbox2d(const BoxLabel& box) {
  return box.bbox2d[0] >= 0 && box.bbox2d[1] >= 0 && box.bbox2d[2] > box.bbox2d[0] && box.bbox2d[3] > box.bbox2d[1];
}

QColor to_qcolor(Rgb8 c, int alpha = 255) {
  return QColor(c.r, c.g, c.b, alpha);
}

// OpenCV pixel centres are at integers, Qt's at +0.5.
QPointF to_qt(double u, double v) {
  return {u + 0.5, v + 0.5};
}

QImage to_qimage(const cv::Mat& image) {
  if (image.empty()) return {};
  cv::Mat m = image;
  if (m.depth() == CV_16U)
    m.convertTo(m, CV_8U, 1.0 / 256);
  else if (m.depth() != CV_8U)
    m.convertTo(m, CV_8U);
  QImage::Format format = QImage::Format_Invalid;
  switch (m.channels()) {
    case 1:
      format = QImage::Format_Grayscale8;
      break;
    case 3:
      format = QImage::Format_BGR888;
      break;
    case 4:
      format = QImage::Format_ARGB32;
      break;  // BGRA bytes on little-endian
    default:
      return {};
  }
  const QImage view(m.data, m.cols, m.rows, static_cast<qsizetype>(m.step), format);
  return view.convertToFormat(QImage::Format_RGB32);  // deep copy in the fastest format to paint
}

// Clips segment a-b (camera frame) to z >= near and to the image's viewing wedge widened by `margin` pixels on
// every side, so that its ends project to finite pixels near the image. False when nothing is left.
bool clip_to_frustum(Eigen::Vector3d& a, Eigen::Vector3d& b, const dc::core::CameraIntrinsics& in, double margin) {
  const double fx = in.K(0, 0), fy = in.K(1, 1), cx = in.K(0, 2), cy = in.K(1, 2);
  const double w = in.width, h = in.height;
  // Each plane as n . p >= d (linear in the camera-frame point).
  const std::array<std::pair<Eigen::Vector3d, double>, 5> planes{{
      {{0, 0, 1}, kNearPlane},
      {{fx, 0, cx + margin}, 0},       // u >= -margin
      {{-fx, 0, w + margin - cx}, 0},  // u <= w + margin
      {{0, fy, cy + margin}, 0},       // v >= -margin
      {{0, -fy, h + margin - cy}, 0},  // v <= h + margin
  }};
  double t0 = 0, t1 = 1;
  const Eigen::Vector3d d = b - a;
  for (const auto& [n, offset] : planes) {
    const double fa = n.dot(a) - offset, fd = n.dot(d);
    if (std::abs(fd) < 1e-15) {
      if (fa < 0) return false;
      continue;
    }
    const double t = -fa / fd;
    if (fd > 0)
      t0 = std::max(t0, t);
    else
      t1 = std::min(t1, t);
    if (t0 > t1) return false;
  }
  const Eigen::Vector3d a0 = a;
  a = a0 + t0 * d;
  b = a0 + t1 * d;
  return true;
}

// The camera with its image widened by `margin` pixels on every side: points just outside the image project too.
dc::core::CameraIntrinsics widened(const dc::core::CameraIntrinsics& intrinsics, double margin) {
  dc::core::CameraIntrinsics canvas = intrinsics;
  canvas.K(0, 2) += margin;
  canvas.K(1, 2) += margin;
  canvas.width = intrinsics.width + static_cast<int>(2 * margin) + 1;
  canvas.height = intrinsics.height + static_cast<int>(2 * margin) + 1;
  return canvas;
}

struct ProjectedBox {
  std::vector<QLineF> edges;  // Qt image coordinates (pixel centres at +0.5)
  QRectF bounds;
};

// Projects the 12 edges and the heading line of each box. Clipped camera-frame edge points go through
// dc::core::project_points (identity transform, image canvas widened by the margin) so that boxes and lidar
// points share one projection model, distortion included.
std::vector<ProjectedBox> project_boxes(const std::vector<BoxLabel>& boxes, const Eigen::Isometry3d& T_cam_from_lidar,
                                        const dc::core::CameraIntrinsics& intrinsics) {
  std::vector<ProjectedBox> out(boxes.size());
  if (intrinsics.width <= 0 || intrinsics.height <= 0) return out;
  const double margin = 0.5 * std::max(intrinsics.width, intrinsics.height);
  const bool distorted =
      std::any_of(intrinsics.distortion.begin(), intrinsics.distortion.end(), [](double k) { return k != 0; });
  // Distortion bends straight edges: split them so the drawn polyline follows the curve.
  const int pieces = distorted ? 8 : 1;

  dc::core::PointCloud endpoints;
  std::vector<std::pair<std::size_t, std::size_t>> segment_owner;  // (box, first endpoint index)
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const auto& box = boxes[i];
    const auto corners = dc::core::box_corners(box);
    std::vector<std::pair<Eigen::Vector3d, Eigen::Vector3d>> lines;
    for (const auto& e : kBoxEdges)
      lines.emplace_back(corners[static_cast<std::size_t>(e[0])], corners[static_cast<std::size_t>(e[1])]);
    const Eigen::Vector3d front =
        box.center + box.length / 2 * Eigen::Vector3d(std::cos(box.yaw), std::sin(box.yaw), 0);
    lines.emplace_back(box.center, front);
    for (auto [a, b] : lines) {
      a = T_cam_from_lidar * a;
      b = T_cam_from_lidar * b;
      if (!clip_to_frustum(a, b, intrinsics, margin)) continue;
      for (int k = 0; k < pieces; ++k) {
        const Eigen::Vector3d p0 = a + (b - a) * (double(k) / pieces), p1 = a + (b - a) * (double(k + 1) / pieces);
        segment_owner.emplace_back(i, endpoints.size());
        for (const auto* p : {&p0, &p1})
          endpoints.xyzi.insert(endpoints.xyzi.end(), {static_cast<float>(p->x()), static_cast<float>(p->y()),
                                                       static_cast<float>(p->z()), 0.f});
      }
    }
  }
  const dc::core::CameraIntrinsics canvas = widened(intrinsics, margin);
  const auto proj = dc::core::project_points(endpoints, Eigen::Isometry3d::Identity(), canvas, false);
  for (const auto& [box, first] : segment_owner) {
    if (!proj.valid[first] || !proj.valid[first + 1]) continue;
    const QLineF line(to_qt(proj.u[first] - margin, proj.v[first] - margin),
                      to_qt(proj.u[first + 1] - margin, proj.v[first + 1] - margin));
    auto& pb = out[box];
    pb.edges.push_back(line);
    const QRectF r = QRectF(line.p1(), line.p2()).normalized();
    pb.bounds = pb.bounds.isNull() ? r : pb.bounds.united(r);
  }
  return out;
}

QPen box_pen(LabelSource source, QColor color) {
  QPen pen(color);
  pen.setCosmetic(true);
  pen.setJoinStyle(Qt::MiterJoin);
  switch (source) {
    case LabelSource::GroundTruth:
      pen.setWidthF(2.0);
      break;
    case LabelSource::Auto:
      pen.setWidthF(1.5);
      pen.setStyle(Qt::DashLine);
      break;
    case LabelSource::Model:
      pen.setWidthF(2.0);
      pen.setStyle(Qt::DotLine);
      break;
    case LabelSource::Manual:
      pen.setWidthF(3.0);
      pen.setColor(color.lighter(150));
      break;
  }
  return pen;
}

}  // namespace

struct CameraView::Impl {
  ViewOptions options;
  QImage image;
  std::vector<BoxLabel> boxes;
  Eigen::Isometry3d T_cam_from_lidar = Eigen::Isometry3d::Identity();
  dc::core::CameraIntrinsics intrinsics;
  std::shared_ptr<const dc::core::CameraProjection> projection;  // points and their far-to-near order
  std::vector<dc::core::DontCareRegion> dont_care;
  QString message;  // shown instead of an image (why there is none)
  QString caption;
  bool highlighted = false;
  std::vector<ProjectedBox> projected_boxes;
  // Points grouped by color (runs of the far-to-near order), rebuilt when the depth coloring changes.
  struct DotRun {
    QColor color;
    std::vector<QPointF> points;
  };
  std::vector<DotRun> dot_runs;
  int selected = -1;

  bool fit = true;
  double zoom = 1;
  QPointF offset;  // widget position of image point (0, 0)
  QPoint press_pos, last_pos;
  bool dragging = false, dragged = false;
  // Handle editing: the handle held, the box when it was grabbed and the plane point grabbed.
  bool editing = false;
  BoxHandle held;
  BoxLabel held_start;
  Eigen::Vector2d grab = Eigen::Vector2d::Zero();
  double grab_z = 0;  // the height handle's grab height

  std::vector<BoxHandle> handles() const;  // centre, then resize_and_rotate_handles(), then the height handle
  std::optional<QPointF> image_point_of(const Eigen::Vector3d& p_lidar) const;  // Qt image coordinates
  // The viewing ray through an image point in the lidar frame (origin, direction); distortion undone.
  std::optional<std::pair<Eigen::Vector3d, Eigen::Vector3d>> ray_of(const QPointF& opencv_image_point) const;
  std::optional<Eigen::Vector3d> on_plane(const QPointF& opencv_image_point, double z) const;
  // Where the ray meets the upright plane through `anchor` that faces the camera: a height handle's drag.
  std::optional<Eigen::Vector3d> on_upright(const QPointF& opencv_image_point, const Eigen::Vector3d& anchor) const;
  void paint_handles(QPainter& p) const;

  void rebuild_dots();
  void fit_to(const QSize& widget_size);
  QTransform view() const { return QTransform(zoom, 0, 0, zoom, offset.x(), offset.y()); }
  void paint_overlays(QPainter& p, const QTransform& image_to_target) const;
  void paint_legend(QPainter& p, const QRect& target) const;
  void paint_frame(QPainter& p, const QRect& target) const;
};

void CameraView::Impl::paint_frame(QPainter& p, const QRect& target) const {
  p.save();
  if (!caption.isEmpty()) {
    QFont font = p.font();
    font.setPixelSize(11);
    p.setFont(font);
    const QFontMetrics fm(font);
    const QRect box(target.left() + 6, target.top() + 6, fm.horizontalAdvance(caption) + 12, fm.height() + 6);
    p.fillRect(box, QColor(0, 0, 0, 160));
    p.setPen(highlighted ? kHighlightColor : QColor(220, 223, 228));
    p.drawText(box, Qt::AlignCenter, caption);
  }
  if (highlighted) {
    p.setPen(QPen(kHighlightColor, 3));
    p.setBrush(Qt::NoBrush);
    p.drawRect(target.adjusted(1, 1, -2, -2));
  }
  p.restore();
}

void CameraView::Impl::rebuild_dots() {
  dot_runs.clear();
  const auto kind = options.color_map;
  int current = -1;
  if (!projection) return;
  for (std::uint32_t i : projection->far_to_near) {
    const float t = depth_to_t(projection->points.depth[i], options.camera_depth_max);
    const int level = static_cast<int>(t * 255.f + 0.5f);
    if (level != current) {
      current = level;
      dot_runs.push_back({to_qcolor(color_table(kind)[static_cast<std::size_t>(level)]), {}});
    }
    dot_runs.back().points.push_back(to_qt(projection->points.u[i], projection->points.v[i]));
  }
}

void CameraView::Impl::fit_to(const QSize& widget_size) {
  if (image.isNull() || widget_size.isEmpty()) return;
  zoom = std::min(double(widget_size.width()) / image.width(), double(widget_size.height()) / image.height());
  offset =
      QPointF((widget_size.width() - zoom * image.width()) / 2, (widget_size.height() - zoom * image.height()) / 2);
}

void CameraView::Impl::paint_overlays(QPainter& p, const QTransform& image_to_target) const {
  p.save();
  p.setTransform(image_to_target, true);

  if (options.camera_boxes_2d) {
    p.setRenderHint(QPainter::Antialiasing, false);
    // DontCare regions: gray and hatched, so nobody reads them as objects.
    QPen dont_care_pen(QColor(160, 160, 160, 170));
    dont_care_pen.setCosmetic(true);
    dont_care_pen.setStyle(Qt::DashLine);
    p.setPen(dont_care_pen);
    p.setBrush(QBrush(QColor(160, 160, 160, 90), Qt::BDiagPattern));
    for (const auto& r : dont_care)
      p.drawRect(QRectF(to_qt(r.bbox2d[0], r.bbox2d[1]), to_qt(r.bbox2d[2], r.bbox2d[3])));
    for (std::size_t i = 0; i < boxes.size(); ++i) {
      const auto& b = boxes[i];
      if (!has_bbox2d(b) || !options.show_source[static_cast<std::size_t>(b.source)]) continue;
      QPen pen(to_qcolor(box_color(b), 200));
      pen.setCosmetic(true);
      pen.setWidthF(1.0);
      if (static_cast<int>(i) == selected) pen.setColor(kSelectedColor);
      p.setPen(pen);
      p.setBrush(Qt::NoBrush);
      p.drawRect(QRectF(to_qt(b.bbox2d[0], b.bbox2d[1]), to_qt(b.bbox2d[2], b.bbox2d[3])));
    }
  }

  if (options.camera_points) {
    p.setRenderHint(QPainter::Antialiasing, false);
    QPen pen;
    pen.setCosmetic(true);
    pen.setWidthF(std::max(1.0f, options.camera_point_size));
    pen.setCapStyle(options.camera_point_size >= 3 ? Qt::RoundCap : Qt::SquareCap);
    for (const auto& run : dot_runs) {
      pen.setColor(run.color);
      p.setPen(pen);
      p.drawPoints(run.points.data(), static_cast<int>(run.points.size()));
    }
  }

  if (options.camera_boxes_3d) {
    p.setRenderHint(QPainter::Antialiasing, true);
    for (std::size_t i = 0; i < boxes.size() && i < projected_boxes.size(); ++i) {
      if (static_cast<int>(i) == selected || projected_boxes[i].edges.empty()) continue;
      if (!options.show_source[static_cast<std::size_t>(boxes[i].source)]) continue;
      p.setPen(box_pen(boxes[i].source, to_qcolor(box_color(boxes[i]))));
      p.drawLines(projected_boxes[i].edges.data(), static_cast<int>(projected_boxes[i].edges.size()));
    }
  }
  if (selected >= 0 && static_cast<std::size_t>(selected) < projected_boxes.size()) {
    // The selection is drawn last and thick so it stays visible over everything else.
    p.setRenderHint(QPainter::Antialiasing, true);
    QPen pen(kSelectedColor);
    pen.setCosmetic(true);
    pen.setWidthF(3.5);
    p.setPen(pen);
    const auto& edges = projected_boxes[static_cast<std::size_t>(selected)].edges;
    p.drawLines(edges.data(), static_cast<int>(edges.size()));
  }
  p.restore();
}

std::vector<BoxHandle> CameraView::Impl::handles() const {
  std::vector<BoxHandle> out{{BoxHandle::Kind::Body, 0, 0}};
  for (const BoxHandle& h : resize_and_rotate_handles()) out.push_back(h);
  out.push_back({BoxHandle::Kind::Height, 0, 0});
  return out;
}

std::optional<QPointF> CameraView::Impl::image_point_of(const Eigen::Vector3d& p_lidar) const {
  // Through project_points, so handles sit where the box edges (and the lidar points) are drawn.
  dc::core::PointCloud one;
  const Eigen::Vector3d c = T_cam_from_lidar * p_lidar;
  if (c.z() < kNearPlane || intrinsics.width <= 0) return std::nullopt;
  one.xyzi = {static_cast<float>(c.x()), static_cast<float>(c.y()), static_cast<float>(c.z()), 0.f};
  const double margin = 0.5 * std::max(intrinsics.width, intrinsics.height);
  const dc::core::CameraIntrinsics canvas = widened(intrinsics, margin);
  const auto proj = dc::core::project_points(one, Eigen::Isometry3d::Identity(), canvas, false);
  if (!proj.valid[0]) return std::nullopt;
  return to_qt(proj.u[0] - margin, proj.v[0] - margin);
}

std::optional<std::pair<Eigen::Vector3d, Eigen::Vector3d>> CameraView::Impl::ray_of(const QPointF& image_point) const {
  const auto& K = intrinsics.K;
  if (K(0, 0) == 0 || K(1, 1) == 0) return std::nullopt;
  Eigen::Vector3d ray((image_point.x() - K(0, 2)) / K(0, 0), (image_point.y() - K(1, 2)) / K(1, 1), 1);
  if (std::any_of(intrinsics.distortion.begin(), intrinsics.distortion.end(), [](double k) { return k != 0; })) {
    cv::Matx33d k_cv;
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) k_cv(r, c) = K(r, c);
    std::vector<cv::Point2d> in{{image_point.x(), image_point.y()}}, out;
    cv::undistortPoints(in, out, k_cv, std::vector<double>(intrinsics.distortion.begin(), intrinsics.distortion.end()));
    ray = {out[0].x, out[0].y, 1};
  }
  const Eigen::Isometry3d T_lidar_from_cam = T_cam_from_lidar.inverse();
  return std::pair{T_lidar_from_cam.translation(), Eigen::Vector3d(T_lidar_from_cam.linear() * ray)};
}

std::optional<Eigen::Vector3d> CameraView::Impl::on_plane(const QPointF& image_point, double z) const {
  const auto ray = ray_of(image_point);
  if (!ray) return std::nullopt;
  return ray_plane_hit(ray->first, ray->second, Eigen::Vector3d(0, 0, z), Eigen::Vector3d::UnitZ());
}

std::optional<Eigen::Vector3d> CameraView::Impl::on_upright(const QPointF& image_point,
                                                            const Eigen::Vector3d& anchor) const {
  const auto ray = ray_of(image_point);
  if (!ray) return std::nullopt;
  const auto& [origin, dir] = *ray;
  Eigen::Vector3d n = anchor - origin;  // facing the camera, upright
  n.z() = 0;
  if (n.norm() < 1e-9) return std::nullopt;
  return ray_plane_hit(origin, dir, anchor, n);
}

void CameraView::Impl::paint_handles(QPainter& p) const {
  if (!editing || selected < 0 || selected >= static_cast<int>(boxes.size())) return;
  const BoxLabel& box = boxes[static_cast<std::size_t>(selected)];
  const QTransform to_widget = view();
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  const auto front = image_point_of(handle_position(box, {BoxHandle::Kind::Resize, 1, 0}, kKnobOffset_m));
  for (const BoxHandle& h : handles()) {
    const auto at = image_point_of(handle_position(box, h, kKnobOffset_m));
    if (!at) continue;
    const QPointF w = to_widget.map(*at);
    const double r = kHandleRadiusPx;
    switch (h.kind) {
      case BoxHandle::Kind::Body:
        p.setPen(QPen(kSelectedColor, 2));
        p.drawLine(w - QPointF(r + 2, 0), w + QPointF(r + 2, 0));
        p.drawLine(w - QPointF(0, r + 2), w + QPointF(0, r + 2));
        break;
      case BoxHandle::Kind::Rotate:
        if (front) {
          p.setPen(QPen(kKnobColor, 1.5));
          p.drawLine(to_widget.map(*front), w);
        }
        p.setPen(QPen(Qt::black, 1));
        p.setBrush(kKnobColor);
        p.drawEllipse(w, r + 1, r + 1);
        break;
      case BoxHandle::Kind::Height:  // a square with a stalk up: drag it up or down
        p.setPen(QPen(kHandleColor, 1.5));
        p.drawLine(w - QPointF(0, r), w - QPointF(0, 3 * r));
        [[fallthrough]];
      default:
        p.setPen(QPen(Qt::black, 1));
        p.setBrush(kHandleColor);
        p.drawRect(QRectF(w - QPointF(r, r), QSizeF(2 * r, 2 * r)));
        break;
    }
  }
  p.restore();
}

void CameraView::Impl::paint_legend(QPainter& p, const QRect& target) const {
  if (!options.camera_points || !options.camera_depth_legend || !projection || projection->far_to_near.empty())
    return;
  // Small horizontal bar in the bottom-left corner: near (left) to far (right).
  const int bar_w = 140, bar_h = 8, pad = 8;
  const QRect bar(target.left() + pad + 30, target.bottom() - pad - bar_h - 2, bar_w, bar_h);
  p.save();
  p.setRenderHint(QPainter::Antialiasing, false);
  p.fillRect(QRect(bar.left() - 34, bar.top() - 6, bar_w + 80, bar_h + 12), QColor(0, 0, 0, 150));
  QLinearGradient gradient(bar.topLeft(), bar.topRight());
  for (int k = 0; k <= 8; ++k) {
    const float s = k / 8.f;  // position along the bar = depth fraction
    gradient.setColorAt(
        s, to_qcolor(map_color(options.color_map, depth_to_t(s * options.camera_depth_max, options.camera_depth_max))));
  }
  p.fillRect(bar, gradient);
  QFont font = p.font();
  font.setPixelSize(10);
  p.setFont(font);
  p.setPen(QColor(235, 235, 235));
  p.drawText(QRect(bar.left() - 32, bar.top() - 4, 30, bar_h + 8), Qt::AlignRight | Qt::AlignVCenter, "0 m");
  p.drawText(QRect(bar.right() + 4, bar.top() - 4, 44, bar_h + 8), Qt::AlignLeft | Qt::AlignVCenter,
             QString("%1 m").arg(static_cast<int>(std::lround(options.camera_depth_max))));
  p.restore();
}

// ---------------------------------------------------------------------------------------------------------------

CameraView::CameraView(QWidget* parent) : QWidget(parent), impl_(std::make_unique<Impl>()) {
  setMinimumSize(160, 60);
  setMouseTracking(false);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

CameraView::~CameraView() = default;

void CameraView::set_frame(cv::Mat image, const dc::core::PointCloud* cloud, std::vector<dc::core::BoxLabel> boxes,
                           const Eigen::Isometry3d& T_cam_from_lidar, const dc::core::CameraIntrinsics& intrinsics) {
  dc::core::CameraIntrinsics in = intrinsics;
  if ((in.width <= 0 || in.height <= 0) && !image.empty()) {
    in.width = image.cols;
    in.height = image.rows;
  }
  std::shared_ptr<const dc::core::CameraProjection> projection;
  if (cloud)
    projection = std::make_shared<const dc::core::CameraProjection>(
        dc::core::project_far_to_near(*cloud, T_cam_from_lidar, in));
  set_frame(std::move(image), std::move(projection), std::move(boxes), T_cam_from_lidar, intrinsics);
}

void CameraView::set_frame(cv::Mat image, std::shared_ptr<const dc::core::CameraProjection> projection,
                           std::vector<dc::core::BoxLabel> boxes, const Eigen::Isometry3d& T_cam_from_lidar,
                           const dc::core::CameraIntrinsics& intrinsics) {
  auto& d = *impl_;
  const QSize old_size = d.image.size();
  d.image = to_qimage(image);
  d.message.clear();
  d.boxes = std::move(boxes);
  d.T_cam_from_lidar = T_cam_from_lidar;
  d.intrinsics = intrinsics;
  if ((d.intrinsics.width <= 0 || d.intrinsics.height <= 0) && !d.image.isNull()) {
    d.intrinsics.width = d.image.width();
    d.intrinsics.height = d.image.height();
  }
  if (d.selected >= static_cast<int>(d.boxes.size())) d.selected = -1;
  d.projection = std::move(projection);
  d.rebuild_dots();
  d.projected_boxes = project_boxes(d.boxes, T_cam_from_lidar, d.intrinsics);

  if (d.fit || d.image.size() != old_size) {
    d.fit = true;
    d.fit_to(size());
  }
  update();
}

void CameraView::set_boxes(std::vector<dc::core::BoxLabel> boxes) {
  auto& d = *impl_;
  d.boxes = std::move(boxes);
  if (d.selected >= static_cast<int>(d.boxes.size())) d.selected = -1;
  d.projected_boxes = project_boxes(d.boxes, d.T_cam_from_lidar, d.intrinsics);
  update();
}

void CameraView::set_dont_care(std::vector<dc::core::DontCareRegion> regions) {
  impl_->dont_care = std::move(regions);
  update();
}

void CameraView::clear() {
  set_frame(cv::Mat(), std::shared_ptr<const dc::core::CameraProjection>(), {}, Eigen::Isometry3d::Identity(), {});
  impl_->dont_care.clear();
}

void CameraView::show_message(const QString& message) {
  clear();
  impl_->message = message;
  update();
}

QString CameraView::message() const {
  return impl_->message;
}

void CameraView::set_options(const ViewOptions& options) {
  const ViewOptions old = impl_->options;
  impl_->options = options;
  if (old.color_map != options.color_map || old.camera_depth_max != options.camera_depth_max) impl_->rebuild_dots();
  // (box visibility per source is read when painting)
  update();
}

void CameraView::set_caption(const QString& caption) {
  impl_->caption = caption;
  update();
}

QString CameraView::caption() const {
  return impl_->caption;
}

void CameraView::set_highlighted(bool highlighted) {
  impl_->highlighted = highlighted;
  update();
}

bool CameraView::highlighted() const {
  return impl_->highlighted;
}

const ViewOptions& CameraView::options() const {
  return impl_->options;
}

std::size_t CameraView::projected_point_count() const {
  return impl_->projection ? impl_->projection->points.valid_count : 0;
}

bool CameraView::points_inside_image() const {
  if (!impl_->projection) return true;
  const auto& pr = impl_->projection->points;
  for (std::size_t i = 0; i < pr.valid.size(); ++i) {
    if (!pr.valid[i]) continue;
    // Pixel centers are at integers: the image spans [-0.5, width - 0.5).
    if (!(pr.u[i] >= -0.5f && pr.u[i] < pr.width - 0.5f && pr.v[i] >= -0.5f && pr.v[i] < pr.height - 0.5f))
      return false;
  }
  return true;
}

const dc::core::ProjectedPoints& CameraView::projection() const {
  static const dc::core::ProjectedPoints none;
  return impl_->projection ? impl_->projection->points : none;
}
const std::vector<dc::core::BoxLabel>& CameraView::boxes() const {
  return impl_->boxes;
}

std::size_t CameraView::drawn_box_count() const {
  return static_cast<std::size_t>(std::count_if(impl_->projected_boxes.begin(), impl_->projected_boxes.end(),
                                                [](const ProjectedBox& b) { return !b.edges.empty(); }));
}

std::vector<QLineF> CameraView::projected_box_edges(int index) const {
  if (index < 0 || static_cast<std::size_t>(index) >= impl_->projected_boxes.size()) return {};
  return impl_->projected_boxes[static_cast<std::size_t>(index)].edges;
}

QRectF CameraView::projected_box_rect(int index) const {
  if (index < 0 || static_cast<std::size_t>(index) >= impl_->projected_boxes.size()) return {};
  return impl_->projected_boxes[static_cast<std::size_t>(index)].bounds;
}

int CameraView::selected_box() const {
  return impl_->selected;
}

int CameraView::box_at_image_point(const QPointF& image_point) const {
  const auto& d = *impl_;
  const QPointF q = image_point + QPointF(0.5, 0.5);  // Qt image coordinates, as the boxes are stored
  int best = -1;
  double best_area = 0;
  for (std::size_t i = 0; i < d.boxes.size(); ++i) {
    const auto& b = d.boxes[i];
    QRectF r;
    if (d.options.camera_boxes_3d && i < d.projected_boxes.size()) r = d.projected_boxes[i].bounds;
    if (d.options.camera_boxes_2d && has_bbox2d(b)) {
      const QRectF r2(to_qt(b.bbox2d[0], b.bbox2d[1]), to_qt(b.bbox2d[2], b.bbox2d[3]));
      r = r.isNull() ? r2 : r.united(r2);
    }
    if (r.isNull() || !r.adjusted(-2, -2, 2, 2).contains(q)) continue;
    // Innermost wins: a small box in front of a large one is what the click aimed at.
    const double area = r.width() * r.height();
    if (best < 0 || area < best_area) {
      best = static_cast<int>(i);
      best_area = area;
    }
  }
  return best;
}

QSize CameraView::image_size() const {
  return impl_->image.size();
}
double CameraView::zoom() const {
  return impl_->zoom;
}

QPointF CameraView::widget_to_image(const QPointF& widget_point) const {
  return (widget_point - impl_->offset) / impl_->zoom - QPointF(0.5, 0.5);
}

QPointF CameraView::image_to_widget(const QPointF& image_point) const {
  return (image_point + QPointF(0.5, 0.5)) * impl_->zoom + impl_->offset;
}

QImage CameraView::render_to_image() {
  return grab().toImage().convertToFormat(QImage::Format_RGB32);
}

QImage CameraView::render_image_overlay() const {
  if (impl_->image.isNull()) return {};
  QImage out = impl_->image.copy();
  QPainter p(&out);
  impl_->paint_overlays(p, QTransform());
  impl_->paint_legend(p, out.rect());
  return out;
}

void CameraView::fit_to_window() {
  impl_->fit = true;
  impl_->fit_to(size());
  update();
}

void CameraView::zoom_at(double factor, const QPointF& widget_anchor) {
  auto& d = *impl_;
  if (d.image.isNull()) return;
  const double z = std::clamp(d.zoom * factor, kMinZoom, kMaxZoom);
  // Keep the image point under the anchor where it is.
  const QPointF image_point = (widget_anchor - d.offset) / d.zoom;
  d.zoom = z;
  d.offset = widget_anchor - image_point * z;
  d.fit = false;
  update();
}

void CameraView::set_editing_enabled(bool on) {
  impl_->editing = on;
  update();
}

bool CameraView::editing_enabled() const {
  return impl_->editing;
}

std::vector<std::optional<QPointF>> CameraView::handle_widget_points() const {
  const auto& d = *impl_;
  std::vector<std::optional<QPointF>> out;
  if (!d.editing || d.image.isNull() || d.selected < 0 || d.selected >= static_cast<int>(d.boxes.size())) return out;
  const BoxLabel& box = d.boxes[static_cast<std::size_t>(d.selected)];
  for (const BoxHandle& h : d.handles()) {
    const auto at = d.image_point_of(handle_position(box, h, kKnobOffset_m));
    out.push_back(at ? std::optional<QPointF>(d.view().map(*at)) : std::nullopt);
  }
  return out;
}

std::optional<Eigen::Vector3d> CameraView::lidar_point_on_plane(const QPointF& image_point, double z) const {
  return impl_->on_plane(image_point, z);
}

void CameraView::select_box(int index) {
  if (index < -1 || index >= static_cast<int>(impl_->boxes.size())) index = -1;
  if (index == impl_->selected) return;
  impl_->selected = index;
  update();
  emit box_selected(index);
}

void CameraView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), QColor(18, 20, 26));
  const auto& d = *impl_;
  if (d.image.isNull()) {
    p.setPen(QColor(150, 150, 150));
    p.drawText(rect(), Qt::AlignCenter, d.message.isEmpty() ? tr("no image") : d.message);
    d.paint_frame(p, rect());
    return;
  }
  p.setRenderHint(QPainter::SmoothPixmapTransform, d.zoom < 2);
  p.setTransform(d.view());
  p.drawImage(QPointF(0, 0), d.image);
  p.resetTransform();
  d.paint_overlays(p, d.view());
  d.paint_handles(p);
  d.paint_legend(p, rect());
  d.paint_frame(p, rect());
}

void CameraView::resizeEvent(QResizeEvent* event) {
  if (impl_->fit) impl_->fit_to(size());
  QWidget::resizeEvent(event);
}

void CameraView::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps != 0) zoom_at(std::pow(1.2, steps), event->position());
  event->accept();
}

void CameraView::mousePressEvent(QMouseEvent* event) {
  auto& d = *impl_;
  d.press_pos = d.last_pos = event->position().toPoint();
  d.dragged = false;
  d.held = {};
  if (event->button() == Qt::LeftButton) {
    // The nearest handle of the selected box within reach, grabbed on the plane through the box centre.
    const auto points = handle_widget_points();
    const auto kinds = d.handles();
    double best = kHandlePickPx;
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (!points[i]) continue;
      const double dist = std::hypot(points[i]->x() - event->position().x(), points[i]->y() - event->position().y());
      if (dist > best) continue;
      const BoxLabel& box = d.boxes[static_cast<std::size_t>(d.selected)];
      const QPointF image_point = widget_to_image(event->position());
      const bool height = kinds[i].kind == BoxHandle::Kind::Height;
      const auto grab = height ? d.on_upright(image_point, handle_position(box, kinds[i], kKnobOffset_m))
                               : d.on_plane(image_point, box.center.z());
      if (!grab) continue;
      best = dist;
      d.held = kinds[i];
      d.held_start = box;
      d.grab = grab->head<2>();
      d.grab_z = grab->z();
    }
  }
  d.dragging = d.held.kind == BoxHandle::Kind::None &&
               (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton);
  event->accept();
}

void CameraView::mouseMoveEvent(QMouseEvent* event) {
  auto& d = *impl_;
  const QPoint pos = event->position().toPoint();
  if (d.held.kind != BoxHandle::Kind::None && d.selected >= 0 && d.selected < static_cast<int>(d.boxes.size())) {
    const QPointF image_point = widget_to_image(event->position());
    const bool height = d.held.kind == BoxHandle::Kind::Height;
    const auto now = height ? d.on_upright(image_point, handle_position(d.held_start, d.held, kKnobOffset_m))
                            : d.on_plane(image_point, d.held_start.center.z());
    if (now) {
      d.dragged = true;
      const BoxLabel box = height ? heightened_box(d.held_start, d.grab_z, now->z())
                                  : dragged_box(d.held_start, d.held, d.grab, now->head<2>());
      d.boxes[static_cast<std::size_t>(d.selected)] = box;
      d.projected_boxes = project_boxes(d.boxes, d.T_cam_from_lidar, d.intrinsics);
      update();
      emit box_edit_preview(d.selected, box);
    }
  } else if (d.dragging) {
    if ((pos - d.press_pos).manhattanLength() > kClickSlopPx) d.dragged = true;
    if (d.dragged) {
      d.offset += pos - d.last_pos;
      d.fit = false;
      update();
    }
  }
  d.last_pos = pos;
  event->accept();
}

void CameraView::mouseReleaseEvent(QMouseEvent* event) {
  auto& d = *impl_;
  if (d.held.kind != BoxHandle::Kind::None) {
    d.held = {};
    const int index = d.selected;
    if (d.dragged && index >= 0 && index < static_cast<int>(d.boxes.size())) {
      const BoxLabel& box = d.boxes[static_cast<std::size_t>(index)];
      const BoxLabel& start = d.held_start;
      if (box.center != start.center || box.yaw != start.yaw || box.length != start.length ||
          box.width != start.width || box.height != start.height)
        emit box_edit_finished(index, box);
    }
    event->accept();
    return;
  }
  if (event->button() == Qt::LeftButton && !d.dragged && !d.image.isNull())
    select_box(box_at_image_point(widget_to_image(event->position())));
  d.dragging = false;
  event->accept();
}

void CameraView::mouseDoubleClickEvent(QMouseEvent* event) {
  fit_to_window();
  event->accept();
}

}  // namespace dc::widgets

#include "dc/widgets/point_cloud_view.h"

#include "box_drag.h"
#include "box_edges.h"
#include "dc/core/data/point_box_membership.h"
#include "dc/core/io/kitti_box_conversion.h"
#include "vtk_line_set.h"
#include "vtk_orbit_camera.h"
#include "vtk_point_buffers.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QWheelEvent>

#include <vtkActor.h>
#include <vtkAutoInit.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkLookupTable.h>
#include <vtkOpenGLState.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkSmartPointer.h>
#include <vtkStdString.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

// The factories that give vtkRenderer, vtkActor, vtkPolyDataMapper and text rendering their OpenGL / FreeType
// implementations; without them New() returns abstract objects. Registration is reference counted, so a CMake
// vtk_module_autoinit elsewhere does no harm.
VTK_MODULE_INIT(vtkRenderingOpenGL2);
VTK_MODULE_INIT(vtkRenderingFreeType);

namespace dc::widgets {

using dc::core::BoxLabel;
using dc::core::LabelSource;

namespace {

constexpr Rgb8 kBackground{18, 20, 26};
constexpr Rgb8 kGridColor{70, 74, 82};
constexpr Rgb8 kEgoPathColor{255, 80, 255};
constexpr Rgb8 kSelectedColor{255, 255, 255};
constexpr float kMinPointSize = 1, kMaxPointSize = 12;
constexpr int kClickSlopPx = 4;
// Apart from every class color and the selection's white.
constexpr Rgb8 kHandleColor{255, 0, 220};
constexpr Rgb8 kKnobColor{0, 255, 0};
constexpr Rgb8 kFootprintColor{255, 255, 140};
constexpr double kHandleHalfPx = 5;   // half the side of a handle square, pixels
constexpr double kKnobOffsetPx = 26;  // knob distance in front of the front face, pixels
constexpr double kHandlePickPx = 9;   // how near the cursor must be to grab a handle
constexpr double kDegToRad = 3.14159265358979323846 / 180.0;

Rgb8 brighten(Rgb8 c, double amount) {
  auto f = [amount](std::uint8_t v) { return static_cast<std::uint8_t>(std::lround(v + (255 - v) * amount)); };
  return {f(c.r), f(c.g), f(c.b)};
}

struct LineStyle {
  double dash = 0, gap = 0;  // 0: solid
  float width = 1;
};

// Ground truth solid and thick, auto-labels dashed and thin, model output dotted, manual edits bright and thick.
LineStyle style_for(LabelSource source) {
  switch (source) {
    case LabelSource::GroundTruth:
      return {0, 0, 2.5f};
    case LabelSource::Auto:
      return {0.35, 0.25, 1.5f};
    case LabelSource::Model:
      return {0.1, 0.15, 2.0f};
    case LabelSource::Manual:
      return {0, 0, 3.5f};
  }
  return {};
}

void add_box(VtkLineSet& lines, const BoxLabel& box, Rgb8 color, const LineStyle& style) {
  const auto corners = dc::core::box_corners(box);
  auto edge = [&](const Eigen::Vector3d& a, const Eigen::Vector3d& b) {
    if (style.dash > 0)
      lines.add_dashed(a, b, color, style.dash, style.gap);
    else
      lines.add_segment(a, b, color);
  };
  for (const auto& e : kBoxEdges)
    edge(corners[static_cast<std::size_t>(e[0])], corners[static_cast<std::size_t>(e[1])]);
  // Heading: from the box centre to the middle of the front face.
  const Eigen::Vector3d front = box.center + box.length / 2 * Eigen::Vector3d(std::cos(box.yaw), std::sin(box.yaw), 0);
  edge(box.center, front);
}

// Distance along the ray to an oriented box, or infinity when missed. A small margin makes thin boxes clickable.
double ray_box_distance(const Eigen::Vector3d& origin, const Eigen::Vector3d& dir, const BoxLabel& box) {
  constexpr double kMargin = 0.1;
  const double c = std::cos(box.yaw), s = std::sin(box.yaw);
  const Eigen::Vector3d o = origin - box.center;
  const Eigen::Vector3d lo(c * o.x() + s * o.y(), -s * o.x() + c * o.y(), o.z());
  const Eigen::Vector3d ld(c * dir.x() + s * dir.y(), -s * dir.x() + c * dir.y(), dir.z());
  const Eigen::Vector3d half(box.length / 2 + kMargin, box.width / 2 + kMargin, box.height / 2 + kMargin);
  double t0 = 0, t1 = std::numeric_limits<double>::infinity();
  for (int k = 0; k < 3; ++k) {
    if (std::abs(ld[k]) < 1e-12) {
      if (std::abs(lo[k]) > half[k]) return std::numeric_limits<double>::infinity();
      continue;
    }
    double a = (-half[k] - lo[k]) / ld[k], b = (half[k] - lo[k]) / ld[k];
    if (a > b) std::swap(a, b);
    t0 = std::max(t0, a);
    t1 = std::min(t1, b);
    if (t0 > t1) return std::numeric_limits<double>::infinity();
  }
  return t0;
}

struct LineLayer {
  vtkSmartPointer<vtkPolyData> data = vtkSmartPointer<vtkPolyData>::New();
  vtkSmartPointer<vtkPolyDataMapper> mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
  vtkSmartPointer<vtkActor> actor = vtkSmartPointer<vtkActor>::New();

  void init(vtkRenderer* renderer, float width) {
    mapper->SetInputData(data);
    mapper->ScalarVisibilityOn();
    mapper->SetScalarModeToUseCellData();
    mapper->SetColorModeToDirectScalars();
    actor->SetMapper(mapper);
    actor->GetProperty()->SetLineWidth(width);
    actor->GetProperty()->LightingOff();
    actor->PickableOff();
    renderer->AddActor(actor);
  }
  void set(const VtkLineSet& lines) {
    lines.store(data);
    actor->SetVisibility(!lines.empty());
  }
};

}  // namespace

struct PointCloudView::Impl {
  explicit Impl(PointCloudView* view);

  PointCloudView* self;
  ViewOptions options;
  VtkPointBuffers points;
  std::vector<BoxLabel> boxes;
  // Per point: the first box containing it (-1 none), for label coloring. Given by the sample loader (computed
  // off the GUI thread); empty when stale, then computed on first use.
  std::vector<std::int32_t> point_box;
  std::vector<Eigen::Vector3d> ego_path;
  int selected = -1;
  OrbitCamera camera;

  vtkSmartPointer<vtkGenericOpenGLRenderWindow> window = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
  vtkSmartPointer<vtkRenderer> renderer = vtkSmartPointer<vtkRenderer>::New();
  vtkSmartPointer<vtkPolyDataMapper> points_mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
  vtkSmartPointer<vtkActor> points_actor = vtkSmartPointer<vtkActor>::New();
  std::array<LineLayer, 4> box_layers;  // by LabelSource
  LineLayer selected_layer, grid_layer, axes_layer, ego_layer;
  vtkSmartPointer<vtkScalarBarActor> legend = vtkSmartPointer<vtkScalarBarActor>::New();
  vtkSmartPointer<vtkLookupTable> legend_lut = vtkSmartPointer<vtkLookupTable>::New();
  std::vector<unsigned long> observers;
  bool gl_ready = false;

  QPoint press_pos, last_pos;
  bool dragged = false;

  // Editing.
  bool editing = false;
  LineLayer handle_layer;
  enum class Drag { Camera, Handle, Footprint };
  Drag drag = Drag::Camera;
  BoxHandle active;
  BoxLabel drag_start;
  Eigen::Vector2d grab = Eigen::Vector2d::Zero();
  double grab_z = 0;  // height handle: where on the upright plane the drag started
  Eigen::Vector3d footprint_a = Eigen::Vector3d::Zero(), footprint_b = Eigen::Vector3d::Zero();
  double knob_offset = 1.0;  // m; follows the zoom, frozen while dragging so the knob stays under the cursor

  double meters_per_pixel(const Eigen::Vector3d& at) const;
  bool handles_shown() const;
  bool height_handle_shown() const;
  // The cursor ray met with the upright plane through `anchor` that faces the camera (for the height handle).
  std::optional<Eigen::Vector3d> upright_point(const QPointF& pos, const Eigen::Vector3d& anchor) const;
  // The selected box as the active handle's drag to `pos` makes it; none where the cursor ray misses the drag plane.
  std::optional<BoxLabel> dragged_to(const QPointF& pos) const;
  void rebuild_handles();
  BoxHandle handle_at(const QPoint& pos) const;
  std::optional<Eigen::Vector3d> ground_point(const QPointF& pos, double z) const;
  BoxLabel footprint_box() const;

  void load_points(const dc::core::PointCloud& cloud);
  void recolor();
  void rebuild_boxes();
  void rebuild_grid();
  void rebuild_axes();
  void rebuild_ego_path();
  void update_legend();
  void apply_visibility();
  void release_gl();
  void on_window_event(vtkObject*, unsigned long event, void* call_data);
};

PointCloudView::Impl::Impl(PointCloudView* view) : self(view) {
  renderer->SetBackground(kBackground.r / 255.0, kBackground.g / 255.0, kBackground.b / 255.0);
  // Opaque background so that Qt does not blend the widget with what lies behind it.
  renderer->SetBackgroundAlpha(1.0);
  window->AddRenderer(renderer);
  window->SetMultiSamples(0);  // deterministic pixels for the baseline tests; Qt's FBO is single-sampled anyway
  // A core-profile context has no wide hardware lines: width 1 makes VTK draw wide lines in its shader.
  window->SetForceMaximumHardwareLineWidth(1);
  window->SetReadyForRendering(false);
  for (unsigned long event :
       {vtkCommand::WindowMakeCurrentEvent, vtkCommand::WindowIsCurrentEvent, vtkCommand::WindowFrameEvent})
    observers.push_back(window->AddObserver(event, this, &Impl::on_window_event));

  points_mapper->SetInputData(points.poly_data());
  points_mapper->ScalarVisibilityOn();
  points_mapper->SetScalarModeToUsePointData();
  points_mapper->SetColorModeToDirectScalars();
  points_mapper->StaticOff();
  points_actor->SetMapper(points_mapper);
  points_actor->GetProperty()->SetRepresentationToPoints();
  points_actor->GetProperty()->SetPointSize(options.point_size);
  points_actor->GetProperty()->LightingOff();
  renderer->AddActor(points_actor);

  for (std::size_t i = 0; i < box_layers.size(); ++i)
    box_layers[i].init(renderer, style_for(static_cast<LabelSource>(i)).width);
  selected_layer.init(renderer, 5.0f);
  grid_layer.init(renderer, 1.0f);
  axes_layer.init(renderer, 3.0f);
  ego_layer.init(renderer, 3.0f);
  handle_layer.init(renderer, 2.5f);

  legend->SetLookupTable(legend_lut);
  legend->SetOrientationToVertical();
  // Bottom-right corner; the width (bar + labels) is capped so the labels fit on narrow and wide views alike.
  legend->SetPosition(0.87, 0.08);
  legend->SetWidth(0.12);
  legend->SetHeight(0.45);
  legend->SetMaximumWidthInPixels(100);
  legend->SetBarRatio(0.2);
  legend->SetNumberOfLabels(5);
  legend->SetLabelFormat("%.1f");
  legend->UnconstrainedFontSizeOn();  // fixed 11 px text instead of text scaled with the view
  legend->SetVerticalTitleSeparation(6);
  legend->SetTextPad(6);
  for (vtkTextProperty* text :
       {legend->GetTitleTextProperty(), legend->GetLabelTextProperty(), legend->GetAnnotationTextProperty()}) {
    text->SetColor(0.9, 0.9, 0.9);
    text->SetFontSize(11);
    text->BoldOff();
    text->ItalicOff();
    text->ShadowOff();
  }
  renderer->AddActor2D(legend);

  rebuild_grid();
  rebuild_axes();
  update_legend();
  apply_visibility();
}

void PointCloudView::Impl::on_window_event(vtkObject*, unsigned long event, void* call_data) {
  switch (event) {
    case vtkCommand::WindowMakeCurrentEvent:
      // QOpenGLWidget::makeCurrent() also rebinds the widget's framebuffer behind VTK's state cache, which makes
      // VTK attach its textures to Qt's framebuffer; only switch when another context is current.
      if (QOpenGLContext::currentContext() != self->context()) self->makeCurrent();
      break;
    case vtkCommand::WindowIsCurrentEvent: {
      const QOpenGLContext* current = QOpenGLContext::currentContext();
      *static_cast<bool*>(call_data) = current != nullptr && current == self->context();
      break;
    }
    case vtkCommand::WindowFrameEvent:
      break;  // Qt composes the widget's framebuffer itself
    default:
      break;
  }
}

void PointCloudView::Impl::recolor() {
  const std::size_t n = points.size();
  const float* xyz = points.xyz();
  const float* intensity = points.intensity();
  std::uint8_t* rgb = points.rgb();
  const auto& table = color_table(options.color_map);
  auto put = [rgb](std::size_t i, Rgb8 c) {
    rgb[3 * i] = c.r;
    rgb[3 * i + 1] = c.g;
    rgb[3 * i + 2] = c.b;
  };
  // Maps value v in [lo, hi] to a table entry; NaN and out-of-range values clamp to the ends.
  auto lut = [&table](float v, float lo, float hi) {
    const float t = hi > lo ? (v - lo) / (hi - lo) : 0.f;
    const float idx = std::clamp(t, 0.f, 1.f) * 255.f + 0.5f;
    return table[static_cast<std::size_t>(idx >= 0.f ? idx : 0.f)];
  };
  switch (options.color_mode) {
    case ColorMode::Intensity:
      for (std::size_t i = 0; i < n; ++i) put(i, lut(intensity[i], options.intensity_min, options.intensity_max));
      break;
    case ColorMode::Height:
      for (std::size_t i = 0; i < n; ++i) put(i, lut(xyz[3 * i + 2], options.height_min, options.height_max));
      break;
    case ColorMode::Range:
      for (std::size_t i = 0; i < n; ++i) {
        const float* p = xyz + 3 * i;
        put(i, lut(std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]), 0.f, options.range_max));
      }
      break;
    case ColorMode::Label: {
      if (point_box.size() != n) {
        dc::core::PointCloud cloud;
        cloud.xyzi.resize(4 * n);
        for (std::size_t i = 0; i < n; ++i)
          std::copy(xyz + 3 * i, xyz + 3 * i + 3, cloud.xyzi.begin() + static_cast<std::ptrdiff_t>(4 * i));
        point_box = dc::core::first_box_per_point(cloud, boxes);
      }
      std::vector<Rgb8> colors;
      for (const auto& b : boxes) colors.push_back(class_color(b.category));
      for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t b = point_box[i];
        put(i, b >= 0 && static_cast<std::size_t>(b) < colors.size() ? colors[static_cast<std::size_t>(b)]
                                                                      : kUnlabeledColor);
      }
      break;
    }
  }
  points.mark_colors_modified();
}

void PointCloudView::Impl::rebuild_boxes() {
  std::array<VtkLineSet, 4> lines;
  VtkLineSet highlight;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const auto& b = boxes[i];
    if (static_cast<int>(i) == selected) {
      add_box(highlight, b, kSelectedColor, {});
      continue;
    }
    const auto layer = static_cast<std::size_t>(b.source);
    if (!options.show_source[layer]) continue;
    Rgb8 color = box_color(b);
    if (b.source == LabelSource::Manual) color = brighten(color, 0.45);
    add_box(lines[layer], b, color, style_for(b.source));
  }
  for (std::size_t i = 0; i < lines.size(); ++i) box_layers[i].set(lines[i]);
  selected_layer.set(highlight);
  rebuild_handles();
}

double PointCloudView::Impl::meters_per_pixel(const Eigen::Vector3d& at) const {
  const double depth = std::max(0.1, (at - camera.position()).dot(camera.forward()));
  return 2 * depth * std::tan(camera.view_angle_deg * kDegToRad / 2) / std::max(1, self->height());
}

bool PointCloudView::Impl::handles_shown() const {
  return editing && options.show_boxes && selected >= 0 && selected < static_cast<int>(boxes.size());
}

bool PointCloudView::Impl::height_handle_shown() const {
  // Looking (nearly) straight down the top handle sits on the body and an up/down drag cannot be read from the
  // cursor: bird's-eye view edits the footprint only.
  return handles_shown() && std::abs(camera.forward().z()) < 0.95;
}

std::optional<Eigen::Vector3d> PointCloudView::Impl::upright_point(const QPointF& pos,
                                                                   const Eigen::Vector3d& anchor) const {
  Eigen::Vector3d n = camera.forward();
  n.z() = 0;
  if (n.norm() < 1e-6) return std::nullopt;
  n.normalize();
  Eigen::Vector3d origin, dir;
  camera.ray(pos.x() + 0.5, pos.y() + 0.5, self->width(), self->height(), origin, dir);
  return ray_plane_hit(origin, dir, anchor, n);
}

std::optional<BoxLabel> PointCloudView::Impl::dragged_to(const QPointF& pos) const {
  if (active.kind == BoxHandle::Kind::Height) {
    const auto g = upright_point(pos, handle_position(drag_start, active, knob_offset));
    if (!g) return std::nullopt;
    return heightened_box(drag_start, grab_z, g->z());
  }
  const auto g = ground_point(pos, drag_start.center.z());
  if (!g) return std::nullopt;
  return dragged_box(drag_start, active, grab, g->head<2>());
}

void PointCloudView::Impl::rebuild_handles() {
  VtkLineSet lines;
  if (drag == Drag::Footprint && dragged) {
    const BoxLabel f = footprint_box();
    const auto corners = dc::core::box_corners(f);
    for (int k = 0; k < 4; ++k)  // the bottom face: the footprint on the ground plane
      lines.add_segment(corners[static_cast<std::size_t>(k)], corners[static_cast<std::size_t>((k + 1) % 4)],
                        kFootprintColor);
  }
  if (handles_shown()) {
    const BoxLabel& box = boxes[static_cast<std::size_t>(selected)];
    const double mpp = meters_per_pixel(box.center);
    if (drag != Drag::Handle) knob_offset = kKnobOffsetPx * mpp;
    const double h = kHandleHalfPx * mpp;
    const double c = std::cos(box.yaw), s = std::sin(box.yaw);
    const Eigen::Vector3d u(c, s, 0), v(-s, c, 0);
    for (const auto& handle : resize_and_rotate_handles()) {
      const Eigen::Vector3d p = handle_position(box, handle, knob_offset);
      if (handle.kind == BoxHandle::Kind::Rotate) {
        // A ring on a stalk from the front face.
        const Eigen::Vector3d front = handle_position(box, {BoxHandle::Kind::Resize, 1, 0}, knob_offset);
        const double r = 1.5 * h;
        lines.add_segment(front, p - r * u, kKnobColor);
        constexpr int kSegments = 16;
        for (int k = 0; k < kSegments; ++k) {
          const double a0 = 2 * std::numbers::pi * k / kSegments, a1 = 2 * std::numbers::pi * (k + 1) / kSegments;
          lines.add_segment(p + r * (std::cos(a0) * u + std::sin(a0) * v),
                            p + r * (std::cos(a1) * u + std::sin(a1) * v), kKnobColor);
        }
        continue;
      }
      const Eigen::Vector3d a = p + h * (u + v), b = p + h * (u - v), d = p - h * (u + v), e = p - h * (u - v);
      lines.add_segment(a, b, kHandleColor);
      lines.add_segment(b, d, kHandleColor);
      lines.add_segment(d, e, kHandleColor);
      lines.add_segment(e, a, kHandleColor);
    }
    if (height_handle_shown()) {
      // An upright square facing the camera on the middle of the top face, with a stalk up from it.
      const Eigen::Vector3d p = handle_position(box, {BoxHandle::Kind::Height, 0, 0}, knob_offset);
      Eigen::Vector3d side = camera.forward().cross(Eigen::Vector3d::UnitZ());
      side = side.norm() > 1e-9 ? side.normalized() : u;
      const Eigen::Vector3d up = Eigen::Vector3d::UnitZ();
      const Eigen::Vector3d a = p + h * (side + up), b = p + h * (side - up), d = p - h * (side + up),
                            e = p - h * (side - up);
      lines.add_segment(a, b, kHandleColor);
      lines.add_segment(b, d, kHandleColor);
      lines.add_segment(d, e, kHandleColor);
      lines.add_segment(e, a, kHandleColor);
      lines.add_segment(p + h * up, p + 3 * h * up, kHandleColor);
    }
  }
  handle_layer.set(lines);
}

std::optional<Eigen::Vector3d> PointCloudView::Impl::ground_point(const QPointF& pos, double z) const {
  Eigen::Vector3d origin, dir;
  camera.ray(pos.x() + 0.5, pos.y() + 0.5, self->width(), self->height(), origin, dir);
  return ray_plane_hit(origin, dir, Eigen::Vector3d(0, 0, z), Eigen::Vector3d::UnitZ());
}

BoxHandle PointCloudView::Impl::handle_at(const QPoint& pos) const {
  if (!handles_shown()) return {};
  const BoxLabel& box = boxes[static_cast<std::size_t>(selected)];
  BoxHandle best;
  double best_d = kHandlePickPx;
  // The knob first: it must win where it overlaps a face handle of a short box.
  auto handles = resize_and_rotate_handles();
  std::rotate(handles.rbegin(), handles.rbegin() + 1, handles.rend());
  if (height_handle_shown()) handles.insert(handles.begin(), BoxHandle{BoxHandle::Kind::Height, 0, 0});
  const auto centre = camera.project(box.center, self->width(), self->height());
  for (const auto& handle : handles) {
    const auto px = camera.project(handle_position(box, handle, knob_offset), self->width(), self->height());
    if (!px) continue;
    const double d = std::hypot(px->x() - (pos.x() + 0.5), px->y() - (pos.y() + 0.5));
    // On a box only a few pixels wide the face handles crowd its middle: nearer the centre, the body wins.
    if (handle.kind == BoxHandle::Kind::Resize && centre &&
        std::hypot(centre->x() - (pos.x() + 0.5), centre->y() - (pos.y() + 0.5)) <= d)
      continue;
    if (d < best_d) best_d = d, best = handle;
  }
  return best;
}

BoxLabel PointCloudView::Impl::footprint_box() const {
  BoxLabel f;
  f.center = (footprint_a + footprint_b) / 2;
  f.length = std::abs(footprint_b.x() - footprint_a.x());
  f.width = std::abs(footprint_b.y() - footprint_a.y());
  f.height = 0;
  f.yaw = 0;
  return f;
}

void PointCloudView::Impl::rebuild_grid() {
  VtkLineSet lines;
  const double s = std::max(1.0f, options.grid_spacing);
  const int n = static_cast<int>(std::floor(options.grid_extent / s));
  const double e = n * s, z = options.ground_z;
  for (int i = -n; i <= n; ++i) {
    lines.add_segment({i * s, -e, z}, {i * s, e, z}, kGridColor);
    lines.add_segment({-e, i * s, z}, {e, i * s, z}, kGridColor);
  }
  grid_layer.set(lines);
}

void PointCloudView::Impl::rebuild_axes() {
  VtkLineSet lines;
  constexpr double kLength = 3.0;
  lines.add_segment({0, 0, 0}, {kLength, 0, 0}, {255, 60, 60});
  lines.add_segment({0, 0, 0}, {0, kLength, 0}, {60, 255, 60});
  lines.add_segment({0, 0, 0}, {0, 0, kLength}, {80, 120, 255});
  axes_layer.set(lines);
}

void PointCloudView::Impl::rebuild_ego_path() {
  VtkLineSet lines;
  lines.add_polyline(ego_path, kEgoPathColor);
  ego_layer.set(lines);
}

void PointCloudView::Impl::update_legend() {
  const auto& table = color_table(options.color_map);
  if (options.color_mode == ColorMode::Label) {
    // Categorical legend: the classes present among the drawn boxes, then the color of the remaining points.
    std::vector<std::string> classes;
    for (const auto& b : boxes)
      if (std::find(classes.begin(), classes.end(), b.category) == classes.end())
        classes.push_back(b.category);
    std::sort(classes.begin(), classes.end());
    classes.push_back("unlabeled");
    legend_lut->ResetAnnotations();
    legend_lut->IndexedLookupOn();
    legend_lut->SetNumberOfTableValues(static_cast<vtkIdType>(classes.size()));
    for (std::size_t i = 0; i < classes.size(); ++i) {
      const Rgb8 c = i + 1 == classes.size() ? kUnlabeledColor : class_color(classes[i]);
      legend_lut->SetTableValue(static_cast<vtkIdType>(i), c.r / 255.0, c.g / 255.0, c.b / 255.0, 1.0);
      legend_lut->SetAnnotation(vtkStdString(classes[i]), vtkStdString(classes[i]));
    }
    legend->SetTitle("class");
    legend->DrawAnnotationsOn();
    legend->SetDrawTickLabels(false);
    return;
  }
  legend_lut->ResetAnnotations();
  legend_lut->IndexedLookupOff();
  legend_lut->SetNumberOfTableValues(256);
  for (std::size_t i = 0; i < table.size(); ++i)
    legend_lut->SetTableValue(static_cast<vtkIdType>(i), table[i].r / 255.0, table[i].g / 255.0, table[i].b / 255.0,
                              1.0);
  double lo = 0, hi = 1;
  const char* title = "intensity";
  switch (options.color_mode) {
    case ColorMode::Intensity:
      lo = options.intensity_min, hi = options.intensity_max;
      break;
    case ColorMode::Height:
      lo = options.height_min, hi = options.height_max, title = "height [m]";
      break;
    case ColorMode::Range:
      lo = 0, hi = options.range_max, title = "range [m]";
      break;
    case ColorMode::Label:
      break;
  }
  legend_lut->SetTableRange(lo, hi > lo ? hi : lo + 1);
  legend->SetTitle(title);
  legend->DrawAnnotationsOff();
  legend->SetDrawTickLabels(true);
}

void PointCloudView::Impl::apply_visibility() {
  for (auto& layer : box_layers) layer.actor->SetVisibility(options.show_boxes && layer.data->GetNumberOfCells() > 0);
  selected_layer.actor->SetVisibility(options.show_boxes && selected_layer.data->GetNumberOfCells() > 0);
  grid_layer.actor->SetVisibility(options.show_grid);
  axes_layer.actor->SetVisibility(options.show_axes);
  ego_layer.actor->SetVisibility(options.show_ego_path && ego_layer.data->GetNumberOfCells() > 0);
  handle_layer.actor->SetVisibility(handle_layer.data->GetNumberOfCells() > 0);
  legend->SetVisibility(options.show_legend);
  points_actor->GetProperty()->SetPointSize(options.point_size);
}

void PointCloudView::Impl::release_gl() {
  if (!gl_ready) return;
  self->makeCurrent();
  window->Finalize();  // releases VTK's buffers, shaders and textures in this context
  window->SetReadyForRendering(false);
  self->doneCurrent();
  gl_ready = false;
}

// ---------------------------------------------------------------------------------------------------------------

PointCloudView::PointCloudView(QWidget* parent) : QOpenGLWidget(parent), impl_(std::make_unique<Impl>(this)) {
  setFocusPolicy(Qt::StrongFocus);
  setMinimumSize(200, 150);
}

PointCloudView::~PointCloudView() {
  // The base class destroys the context after impl_ is gone: nothing may react to that any more.
  if (context()) disconnect(context(), nullptr, this, nullptr);
  impl_->release_gl();
  for (unsigned long id : impl_->observers) impl_->window->RemoveObserver(id);
}

void PointCloudView::Impl::load_points(const dc::core::PointCloud& cloud) {
  auto& buffers = points;
  const std::size_t n = cloud.size();
  buffers.resize(n);
  float* xyz = buffers.xyz();
  float* intensity = buffers.intensity();
  const float* src = cloud.xyzi.data();
  for (std::size_t i = 0; i < n; ++i) {
    xyz[3 * i] = src[4 * i];
    xyz[3 * i + 1] = src[4 * i + 1];
    xyz[3 * i + 2] = src[4 * i + 2];
    intensity[i] = src[4 * i + 3];
  }
  buffers.mark_points_modified();
}

void PointCloudView::set_points(const dc::core::PointCloud& cloud) {
  impl_->load_points(cloud);
  impl_->point_box.clear();
  impl_->recolor();
  update();
}

void PointCloudView::set_sample(const dc::core::PointCloud& cloud, std::vector<dc::core::BoxLabel> boxes,
                                std::vector<std::int32_t> point_box) {
  impl_->boxes = std::move(boxes);
  if (impl_->selected >= static_cast<int>(impl_->boxes.size())) impl_->selected = -1;
  impl_->rebuild_boxes();
  impl_->update_legend();
  impl_->load_points(cloud);
  impl_->point_box = std::move(point_box);
  impl_->recolor();
  impl_->apply_visibility();
  update();
}

void PointCloudView::set_boxes(std::vector<dc::core::BoxLabel> boxes) {
  impl_->boxes = std::move(boxes);
  impl_->point_box.clear();
  if (impl_->selected >= static_cast<int>(impl_->boxes.size())) impl_->selected = -1;
  impl_->rebuild_boxes();
  if (impl_->options.color_mode == ColorMode::Label) {
    impl_->recolor();
    impl_->update_legend();
  }
  impl_->apply_visibility();
  update();
}

void PointCloudView::set_ego_path(std::vector<Eigen::Vector3d> path_lidar) {
  impl_->ego_path = std::move(path_lidar);
  impl_->rebuild_ego_path();
  impl_->apply_visibility();
  update();
}

void PointCloudView::set_options(const ViewOptions& options) {
  const ViewOptions old = impl_->options;
  impl_->options = options;
  const bool colors = old.color_mode != options.color_mode || old.color_map != options.color_map ||
                      old.intensity_min != options.intensity_min || old.intensity_max != options.intensity_max ||
                      old.height_min != options.height_min || old.height_max != options.height_max ||
                      old.range_max != options.range_max;
  if (colors) {
    impl_->recolor();
    impl_->update_legend();
  }
  if (old.ground_z != options.ground_z || old.grid_spacing != options.grid_spacing ||
      old.grid_extent != options.grid_extent)
    impl_->rebuild_grid();
  if (old.show_source != options.show_source) impl_->rebuild_boxes();
  impl_->apply_visibility();
  update();
}

const ViewOptions& PointCloudView::options() const {
  return impl_->options;
}

std::size_t PointCloudView::point_count() const {
  return impl_->points.size();
}
std::size_t PointCloudView::point_capacity() const {
  return impl_->points.capacity();
}

std::size_t PointCloudView::box_count() const {
  return impl_->boxes.size();
}

const std::vector<dc::core::BoxLabel>& PointCloudView::boxes() const {
  return impl_->boxes;
}
int PointCloudView::selected_box() const {
  return impl_->selected;
}

Eigen::Vector3d PointCloudView::camera_position() const {
  return impl_->camera.position();
}
Eigen::Vector3d PointCloudView::camera_focal_point() const {
  return impl_->camera.focal;
}

std::optional<QPointF> PointCloudView::project_to_widget(const Eigen::Vector3d& p_lidar) const {
  const auto px = impl_->camera.project(p_lidar, width(), height());
  if (!px) return std::nullopt;
  return QPointF(px->x(), px->y());
}

int PointCloudView::box_at(const QPoint& widget_pos) const {
  if (!impl_->options.show_boxes) return -1;
  Eigen::Vector3d origin, dir;
  impl_->camera.ray(widget_pos.x() + 0.5, widget_pos.y() + 0.5, width(), height(), origin, dir);
  int best = -1;
  double best_t = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < impl_->boxes.size(); ++i) {
    const double t = ray_box_distance(origin, dir, impl_->boxes[i]);
    if (t < best_t) {
      best_t = t;
      best = static_cast<int>(i);
    }
  }
  return best;
}

void PointCloudView::set_editing_enabled(bool on) {
  impl_->editing = on;
  impl_->rebuild_handles();
  impl_->apply_visibility();
  update();
}

bool PointCloudView::editing_enabled() const {
  return impl_->editing;
}

void PointCloudView::set_box(int index, const dc::core::BoxLabel& box) {
  if (index < 0 || index >= static_cast<int>(impl_->boxes.size())) return;
  impl_->boxes[static_cast<std::size_t>(index)] = box;
  impl_->point_box.clear();
  impl_->rebuild_boxes();
  if (impl_->options.color_mode == ColorMode::Label) impl_->recolor();
  impl_->apply_visibility();
  update();
}

std::optional<Eigen::Vector3d> PointCloudView::ground_point(const QPointF& widget_pos, double z) const {
  return impl_->ground_point(widget_pos, z);
}

std::optional<Eigen::Vector3d> PointCloudView::rotation_knob() const {
  if (!impl_->handles_shown()) return std::nullopt;
  return handle_position(impl_->boxes[static_cast<std::size_t>(impl_->selected)], {BoxHandle::Kind::Rotate, 0, 0},
                         impl_->knob_offset);
}

std::optional<Eigen::Vector3d> PointCloudView::height_handle() const {
  if (!impl_->height_handle_shown()) return std::nullopt;
  return handle_position(impl_->boxes[static_cast<std::size_t>(impl_->selected)], {BoxHandle::Kind::Height, 0, 0},
                         impl_->knob_offset);
}

std::vector<Eigen::Vector3d> PointCloudView::resize_handles() const {
  std::vector<Eigen::Vector3d> out;
  if (!impl_->handles_shown()) return out;
  for (const auto& h : resize_and_rotate_handles())
    if (h.kind == BoxHandle::Kind::Resize)
      out.push_back(handle_position(impl_->boxes[static_cast<std::size_t>(impl_->selected)], h, impl_->knob_offset));
  return out;
}

double PointCloudView::footprint_plane_z() const {
  return impl_->options.ground_z;
}

QImage PointCloudView::render_to_image() {
  return grabFramebuffer().convertToFormat(QImage::Format_RGB32);
}

void PointCloudView::reset_view() {
  impl_->camera = OrbitCamera{};
  update();
}

void PointCloudView::bird_eye_view() {
  OrbitCamera c;
  c.focal = {12, 0, 0};
  c.distance = 120;
  c.azimuth_deg = 180;  // x forward points up on screen
  c.elevation_deg = 90;
  impl_->camera = c;
  update();
}

void PointCloudView::chase_view() {
  OrbitCamera c;
  c.focal = {14, 0, 0};
  c.distance = 24;
  c.azimuth_deg = 180;
  c.elevation_deg = 12;
  impl_->camera = c;
  update();
}

void PointCloudView::select_box(int index) {
  if (index < -1 || index >= static_cast<int>(impl_->boxes.size())) index = -1;
  if (index == impl_->selected) return;
  impl_->selected = index;
  impl_->rebuild_boxes();
  impl_->apply_visibility();
  update();
  emit box_selected(index);
}

void PointCloudView::set_point_size(float pixels) {
  impl_->options.point_size = std::clamp(pixels, kMinPointSize, kMaxPointSize);
  impl_->apply_visibility();
  update();
}

void PointCloudView::initializeGL() {
  auto& w = *impl_->window;
  w.SetOwnContext(false);  // Qt owns the context
  // VTK renders into its own framebuffers and, at the end of a frame, blits into the framebuffer that was bound
  // when rendering started: the one Qt composes this widget from.
  w.SetFrameBlitModeToBlitToCurrent();
  w.SetReadyForRendering(true);
  impl_->gl_ready = w.InitializeFromCurrentContext();
  // Reparenting (e.g. floating a dock) destroys the context: VTK's GL objects must go with it.
  connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] { impl_->release_gl(); });
}

void PointCloudView::paintGL() {
  if (!impl_->gl_ready) return;
  auto& w = *impl_->window;
  // VTK caches GL state; tell it which framebuffer Qt bound for this widget before it renders.
  w.GetState()->ResetFramebufferBindings();
  const qreal dpr = devicePixelRatioF();
  const int pw = std::max(1, static_cast<int>(std::lround(width() * dpr)));
  const int ph = std::max(1, static_cast<int>(std::lround(height() * dpr)));
  w.SetSize(pw, ph);
  impl_->rebuild_handles();  // their size follows the zoom
  impl_->apply_visibility();
  impl_->camera.apply(impl_->renderer->GetActiveCamera());
  impl_->renderer->ResetCameraClippingRange();
  w.Render();
}

void PointCloudView::mousePressEvent(QMouseEvent* event) {
  auto& d = *impl_;
  d.press_pos = d.last_pos = event->position().toPoint();
  d.dragged = false;
  d.drag = Impl::Drag::Camera;
  if (event->button() == Qt::LeftButton && d.editing) {
    const QPoint pos = d.press_pos;
    BoxHandle handle = d.handle_at(pos);
    if (handle.kind == BoxHandle::Kind::None && (event->modifiers() & Qt::ShiftModifier)) {
      if (const auto g = d.ground_point(pos, d.options.ground_z)) {
        d.drag = Impl::Drag::Footprint;
        d.footprint_a = d.footprint_b = *g;
      }
    } else {
      if (handle.kind == BoxHandle::Kind::None && d.handles_shown() && box_at(pos) == d.selected)
        handle.kind = BoxHandle::Kind::Body;
      if (handle.kind == BoxHandle::Kind::Height) {
        const BoxLabel& box = d.boxes[static_cast<std::size_t>(d.selected)];
        if (const auto g = d.upright_point(pos, handle_position(box, handle, d.knob_offset))) {
          d.drag = Impl::Drag::Handle;
          d.active = handle;
          d.drag_start = box;
          d.grab_z = g->z();
        }
      } else if (handle.kind != BoxHandle::Kind::None) {
        const BoxLabel& box = d.boxes[static_cast<std::size_t>(d.selected)];
        if (const auto g = d.ground_point(pos, box.center.z())) {
          d.drag = Impl::Drag::Handle;
          d.active = handle;
          d.drag_start = box;
          d.grab = g->head<2>();
        }
      }
    }
  }
  event->accept();
}

void PointCloudView::mouseMoveEvent(QMouseEvent* event) {
  auto& d = *impl_;
  const QPoint pos = event->position().toPoint();
  const QPoint delta = pos - d.last_pos;
  d.last_pos = pos;
  if ((pos - d.press_pos).manhattanLength() > kClickSlopPx) d.dragged = true;
  if (d.drag == Impl::Drag::Handle && (event->buttons() & Qt::LeftButton)) {
    if (d.dragged && d.selected >= 0 && d.selected < static_cast<int>(d.boxes.size())) {
      if (const auto edited = d.dragged_to(pos)) {
        set_box(d.selected, *edited);
        emit box_edit_preview(d.selected, *edited);
      }
    }
  } else if (d.drag == Impl::Drag::Footprint && (event->buttons() & Qt::LeftButton)) {
    if (const auto g = d.ground_point(pos, d.options.ground_z)) d.footprint_b = *g;
    d.rebuild_handles();
    d.apply_visibility();
    update();
  } else if (event->buttons() & Qt::LeftButton) {
    d.camera.orbit(delta.x(), delta.y());
    update();
  } else if (event->buttons() & (Qt::RightButton | Qt::MiddleButton)) {
    d.camera.pan(delta.x(), delta.y(), height());
    update();
  }
  event->accept();
}

void PointCloudView::mouseReleaseEvent(QMouseEvent* event) {
  auto& d = *impl_;
  const Impl::Drag drag = d.drag;
  if (event->button() == Qt::LeftButton) d.drag = Impl::Drag::Camera;
  if (event->button() == Qt::LeftButton && drag == Impl::Drag::Handle && d.dragged) {
    if (d.selected >= 0 && d.selected < static_cast<int>(d.boxes.size())) {
      // The release position decides, whether or not a move event came for it.
      if (const auto dragged = d.dragged_to(event->position())) set_box(d.selected, *dragged);
      const BoxLabel edited = d.boxes[static_cast<std::size_t>(d.selected)];
      if (edited.center != d.drag_start.center || edited.yaw != d.drag_start.yaw ||
          edited.length != d.drag_start.length || edited.width != d.drag_start.width ||
          edited.height != d.drag_start.height)
        emit box_edit_finished(d.selected, edited);
    }
  } else if (event->button() == Qt::LeftButton && drag == Impl::Drag::Footprint) {
    if (const auto g = d.ground_point(event->position(), d.options.ground_z)) d.footprint_b = *g;
    const BoxLabel footprint = d.footprint_box();
    d.dragged = false;
    d.rebuild_handles();
    d.apply_visibility();
    update();
    if (footprint.length >= kMinBoxSize && footprint.width >= kMinBoxSize) emit footprint_drawn(footprint);
  } else if (event->button() == Qt::LeftButton && !d.dragged) {
    select_box(box_at(event->position().toPoint()));
  }
  event->accept();
}

void PointCloudView::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps != 0) {
    impl_->camera.zoom(std::pow(0.85, steps));
    update();
  }
  event->accept();
}

void PointCloudView::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Escape:
      if (impl_->drag == Impl::Drag::Handle) {  // cancel the drag: back to the box as it was
        impl_->drag = Impl::Drag::Camera;
        set_box(impl_->selected, impl_->drag_start);
        emit box_edit_preview(impl_->selected, impl_->drag_start);
      } else if (impl_->drag == Impl::Drag::Footprint) {
        impl_->drag = Impl::Drag::Camera;
        impl_->rebuild_handles();
        impl_->apply_visibility();
        update();
      } else {
        QOpenGLWidget::keyPressEvent(event);
        return;
      }
      break;
    case Qt::Key_R:
      reset_view();
      break;
    case Qt::Key_B:
      bird_eye_view();
      break;
    case Qt::Key_C:
      chase_view();
      break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
      set_point_size(impl_->options.point_size + 1);
      emit options_changed(impl_->options);
      break;
    case Qt::Key_Minus:
      set_point_size(impl_->options.point_size - 1);
      emit options_changed(impl_->options);
      break;
    default:
      QOpenGLWidget::keyPressEvent(event);
      return;
  }
  event->accept();
}

}  // namespace dc::widgets

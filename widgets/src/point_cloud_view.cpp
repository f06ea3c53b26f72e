#include "dc/widgets/point_cloud_view.h"

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
    Rgb8 color = class_color(b.category);
    if (b.source == LabelSource::Manual) color = brighten(color, 0.45);
    add_box(lines[layer], b, color, style_for(b.source));
  }
  for (std::size_t i = 0; i < lines.size(); ++i) box_layers[i].set(lines[i]);
  selected_layer.set(highlight);
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
  impl_->camera.apply(impl_->renderer->GetActiveCamera());
  impl_->renderer->ResetCameraClippingRange();
  w.Render();
}

void PointCloudView::mousePressEvent(QMouseEvent* event) {
  impl_->press_pos = impl_->last_pos = event->position().toPoint();
  impl_->dragged = false;
  event->accept();
}

void PointCloudView::mouseMoveEvent(QMouseEvent* event) {
  const QPoint pos = event->position().toPoint();
  const QPoint delta = pos - impl_->last_pos;
  impl_->last_pos = pos;
  if ((pos - impl_->press_pos).manhattanLength() > kClickSlopPx) impl_->dragged = true;
  if (event->buttons() & Qt::LeftButton) {
    impl_->camera.orbit(delta.x(), delta.y());
    update();
  } else if (event->buttons() & (Qt::RightButton | Qt::MiddleButton)) {
    impl_->camera.pan(delta.x(), delta.y(), height());
    update();
  }
  event->accept();
}

void PointCloudView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton && !impl_->dragged) select_box(box_at(event->position().toPoint()));
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

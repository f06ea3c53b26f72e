#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/point_cloud.h"
#include "dc/widgets/view_options.h"

#include <Eigen/Core>
#include <QImage>
#include <QOpenGLWidget>
#include <QPoint>
#include <QPointF>
#include <memory>
#include <optional>
#include <vector>

namespace dc::widgets {

// 3D lidar view: points colored by intensity / height / range / label, labeled boxes, ego path, ground grid and
// axes. VTK renders into this QOpenGLWidget's context through a vtkGenericOpenGLRenderWindow (VTK stays out of
// this header). Everything is in the lidar frame of the current sample (x forward, y left, z up).
//
// Mouse: left-drag orbits around the focal point, right- or middle-drag pans, the wheel zooms, a left click on
// a box selects it. Keys: R reset view, B bird's eye, C chase camera, +/- point size.
//
// Editing (set_editing_enabled): the selected box shows handles on the plane z = its centre z. Dragging its body
// moves it in x/y, the knob in front of it turns its yaw, its corners and face middles change length and width;
// Shift+drag on the ground draws the footprint of a new box. The cursor maps to the world exactly (the viewing
// ray through the pixel intersected with that plane). The preview follows the mouse (box_edit_preview); the edit
// is handed over on release (box_edit_finished, footprint_drawn); Escape during a drag cancels it.
class PointCloudView : public QOpenGLWidget {
  Q_OBJECT
 public:
  explicit PointCloudView(QWidget* parent = nullptr);
  ~PointCloudView() override;

  // Copies the points into buffers that are reused from frame to frame (reallocated only when they grow).
  void set_points(const dc::core::PointCloud& cloud);
  // Boxes keep their indexes for box_selected().
  void set_boxes(std::vector<dc::core::BoxLabel> boxes);
  // Points, boxes and which box each point is in (dc::core::LoadedSample::point_box, computed off the GUI thread)
  // at once. set_points / set_boxes alone compute the membership here when label coloring needs it.
  void set_sample(const dc::core::PointCloud& cloud, std::vector<dc::core::BoxLabel> boxes,
                  std::vector<std::int32_t> point_box);
  void set_ego_path(std::vector<Eigen::Vector3d> path_lidar);
  void set_options(const ViewOptions& options);
  const ViewOptions& options() const;

  std::size_t point_count() const;
  std::size_t point_capacity() const;  // allocated points; grows, never shrinks
  std::size_t box_count() const;       // boxes drawn
  const std::vector<dc::core::BoxLabel>& boxes() const;
  int selected_box() const;  // index into boxes(), -1 when none

  // Camera state, for presets and tests.
  Eigen::Vector3d camera_position() const;
  Eigen::Vector3d camera_focal_point() const;
  // Widget pixel (Qt coordinates) where a lidar-frame point appears; nothing when it is behind the camera.
  std::optional<QPointF> project_to_widget(const Eigen::Vector3d& p_lidar) const;
  // Index of the nearest drawn box under a widget pixel, -1 when none.
  int box_at(const QPoint& widget_pos) const;

  void set_editing_enabled(bool on);
  bool editing_enabled() const;
  // Replaces one drawn box (an edit's preview, or the stored result), keeping the selection.
  void set_box(int index, const dc::core::BoxLabel& box);
  // Where the viewing ray through a widget pixel (its centre) meets the plane z = `z`, lidar frame; nothing when
  // the ray runs parallel to it or away from it.
  std::optional<Eigen::Vector3d> ground_point(const QPointF& widget_pos, double z) const;
  // The rotation knob of the selected box (none without a selection or editing), lidar frame.
  std::optional<Eigen::Vector3d> rotation_knob() const;
  // Resize handles of the selected box: 4 corners (front-left, front-right, back-left, back-right), then the
  // middles of the front, back, left and right faces.
  std::vector<Eigen::Vector3d> resize_handles() const;
  // The height handle on the middle of the selected box's top face; none without a selection or editing, or when
  // the view looks (nearly) straight down. Dragged up or down it moves the top face; the bottom stays.
  std::optional<Eigen::Vector3d> height_handle() const;
  // Height of the plane footprints are drawn on (the ground grid's).
  double footprint_plane_z() const;

  // Renders the current scene and returns it (the widget must be shown for its context to exist).
  QImage render_to_image();

 public slots:
  void reset_view();
  void bird_eye_view();
  void chase_view();
  void select_box(int index);  // -1 clears; emits box_selected when the selection changes
  void set_point_size(float pixels);

 signals:
  void box_selected(int index);
  void options_changed(const dc::widgets::ViewOptions& options);  // after keyboard changes (point size)
  // While a handle is dragged: the box as it would be (index into boxes()).
  void box_edit_preview(int index, const dc::core::BoxLabel& box);
  // On release after a drag that changed the box.
  void box_edit_finished(int index, const dc::core::BoxLabel& box);
  // Shift+drag: a footprint in the lidar frame (centre x/y on the ground plane, length along x, width along y,
  // yaw 0); z and height are left to the receiver.
  void footprint_drawn(const dc::core::BoxLabel& footprint);

 protected:
  void initializeGL() override;
  void paintGL() override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dc::widgets

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

#pragma once
#include "dc/core/data/camera_projection.h"
#include "dc/core/model/box_label.h"
#include "dc/core/model/camera_intrinsics.h"
#include "dc/core/model/dont_care_region.h"
#include "dc/core/model/point_cloud.h"
#include "dc/core/model/projection.h"
#include "dc/widgets/view_options.h"

#include <Eigen/Geometry>
#include <QImage>
#include <QLineF>
#include <QPointF>
#include <QRectF>
#include <QTransform>
#include <QWidget>
#include <memory>
#include <optional>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace dc::widgets {

// One camera image with lidar points projected into it (colored by depth: near red, far blue), the labels' 3D
// boxes projected as wireframes and their 2D boxes where the label has one (KITTI object).
//
// Mouse: wheel zooms around the cursor, drag pans, double-click fits the image to the window, a click on a box
// selects it. With editing enabled the selected box shows handles, dragged on the plane through its centre as in
// the 3D view: the centre mark moves it, corners and face middles resize it, the knob in front turns it.
// Image coordinates follow OpenCV: pixel (u, v) has its centre at (u, v).
class CameraView : public QWidget {
  Q_OBJECT
 public:
  explicit CameraView(QWidget* parent = nullptr);
  ~CameraView() override;

  // image: BGR (or gray) 8-bit as dc::core::load_image gives it; cloud may be null (no points drawn); boxes are in
  // the lidar frame. Intrinsics without a size take the image's size.
  // This one projects the points on the calling thread; the viewer passes a projection made by the sample loader.
  void set_frame(cv::Mat image, const dc::core::PointCloud* cloud, std::vector<dc::core::BoxLabel> boxes,
                 const Eigen::Isometry3d& T_cam_from_lidar, const dc::core::CameraIntrinsics& intrinsics);
  // With the points already projected (dc::core::SampleLoader does it off the GUI thread); null draws no points.
  void set_frame(cv::Mat image, std::shared_ptr<const dc::core::CameraProjection> projection,
                 std::vector<dc::core::BoxLabel> boxes, const Eigen::Isometry3d& T_cam_from_lidar,
                 const dc::core::CameraIntrinsics& intrinsics);
  // Replaces the boxes of the frame shown (after a label edit, or its preview while dragging); keeps the selection.
  void set_boxes(std::vector<dc::core::BoxLabel> boxes);
  // KITTI DontCare regions (image pixels), drawn gray and hatched with the 2D boxes; set_frame keeps them.
  void set_dont_care(std::vector<dc::core::DontCareRegion> regions);
  void clear();
  // Clears and says why there is no image ("no frame within 0.1 s").
  void show_message(const QString& message);
  QString message() const;  // empty while an image is shown
  void set_options(const ViewOptions& options);
  const ViewOptions& options() const;
  // A line drawn in the top-left corner (camera name, which calibration the overlay uses); kept across frames.
  void set_caption(const QString& caption);
  QString caption() const;
  // A colored frame around the view: the camera a finding is about, after jumping to it.
  void set_highlighted(bool highlighted);
  bool highlighted() const;

  // Lidar points that landed in the image (in front of the camera, inside its bounds).
  std::size_t projected_point_count() const;
  // True when every projected point lies inside the image bounds.
  bool points_inside_image() const;
  const dc::core::ProjectedPoints& projection() const;

  const std::vector<dc::core::BoxLabel>& boxes() const;
  std::size_t drawn_box_count() const;                       // boxes with at least one visible projected edge
  std::vector<QLineF> projected_box_edges(int index) const;  // image pixels, clipped; empty when not visible
  QRectF projected_box_rect(int index) const;                // bounds of those edges; null when not visible
  int selected_box() const;
  int box_at_image_point(const QPointF& image_point) const;  // innermost box under the point, -1 when none

  void set_editing_enabled(bool on);
  bool editing_enabled() const;
  // Widget positions of the selected box's handles while editing: [0] the centre (move), then the 4 corners
  // (front-left, front-right, back-left, back-right), the 4 face middles (front, back, left, right), the
  // rotation knob and [10] the middle of the top face (height); nullopt for a handle behind the camera. Empty
  // without a selection or editing.
  std::vector<std::optional<QPointF>> handle_widget_points() const;
  // Where the viewing ray through an image point (OpenCV pixel coordinates) meets the plane z = `z` of the lidar
  // frame; nullopt when it runs parallel to it or away from it. Distortion is undone first.
  std::optional<Eigen::Vector3d> lidar_point_on_plane(const QPointF& image_point, double z) const;

  QSize image_size() const;
  double zoom() const;  // widget pixels per image pixel
  QPointF widget_to_image(const QPointF& widget_point) const;
  QPointF image_to_widget(const QPointF& image_point) const;

  // What the widget shows, at the widget's size.
  QImage render_to_image();
  // The image at its own resolution with the overlays drawn on it (no zoom, no pan).
  QImage render_image_overlay() const;

 public slots:
  void fit_to_window();
  void zoom_at(double factor, const QPointF& widget_anchor);
  void select_box(int index);  // -1 clears; emits box_selected when the selection changes

 signals:
  void box_selected(int index);
  // While a handle is dragged: the box as it would be (index into boxes()).
  void box_edit_preview(int index, const dc::core::BoxLabel& box);
  // On release after a drag that changed the box.
  void box_edit_finished(int index, const dc::core::BoxLabel& box);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dc::widgets

#include "view_settings.h"

#include <QSettings>

namespace dc::app {

widgets::ViewOptions load_view_options(QSettings& s) {
  widgets::ViewOptions o;
  s.beginGroup("view");
  o.color_mode = widgets::color_mode_from_string(
      s.value("color_mode", widgets::to_string(o.color_mode)).toString().toStdString());
  o.color_map = widgets::color_map_from_string(s.value("color_map", widgets::to_string(o.color_map)).toString().toStdString());
  o.point_size = s.value("point_size", o.point_size).toFloat();
  o.show_boxes = s.value("show_boxes", o.show_boxes).toBool();
  o.show_grid = s.value("show_grid", o.show_grid).toBool();
  o.show_axes = s.value("show_axes", o.show_axes).toBool();
  o.show_ego_path = s.value("show_ego_path", o.show_ego_path).toBool();
  o.show_legend = s.value("show_legend", o.show_legend).toBool();
  o.camera_points = s.value("camera_points", o.camera_points).toBool();
  o.camera_boxes_3d = s.value("camera_boxes_3d", o.camera_boxes_3d).toBool();
  o.camera_boxes_2d = s.value("camera_boxes_2d", o.camera_boxes_2d).toBool();
  o.camera_point_size = s.value("camera_point_size", o.camera_point_size).toFloat();
  o.camera_refined_calibration = s.value("camera_refined_calibration", o.camera_refined_calibration).toBool();
  for (std::size_t i = 0; i < o.show_source.size(); ++i)
    o.show_source[i] = s.value(QString("show_source_%1").arg(i), o.show_source[i]).toBool();
  s.endGroup();
  return o;
}

void save_view_options(QSettings& s, const widgets::ViewOptions& o) {
  s.beginGroup("view");
  s.setValue("color_mode", widgets::to_string(o.color_mode));
  s.setValue("color_map", widgets::to_string(o.color_map));
  s.setValue("point_size", o.point_size);
  s.setValue("show_boxes", o.show_boxes);
  s.setValue("show_grid", o.show_grid);
  s.setValue("show_axes", o.show_axes);
  s.setValue("show_ego_path", o.show_ego_path);
  s.setValue("show_legend", o.show_legend);
  s.setValue("camera_points", o.camera_points);
  s.setValue("camera_boxes_3d", o.camera_boxes_3d);
  s.setValue("camera_boxes_2d", o.camera_boxes_2d);
  s.setValue("camera_point_size", o.camera_point_size);
  s.setValue("camera_refined_calibration", o.camera_refined_calibration);
  for (std::size_t i = 0; i < o.show_source.size(); ++i) s.setValue(QString("show_source_%1").arg(i), o.show_source[i]);
  s.endGroup();
}

}  // namespace dc::app

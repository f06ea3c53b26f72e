#pragma once
#include "dc/widgets/color_map.h"

#include <array>
#include <string_view>

namespace dc::widgets {

enum class ColorMode { Intensity, Height, Range, Label };

// Display options shared by the 3D view and the camera views; plain data so it can be persisted in QSettings.
struct ViewOptions {
  // 3D view
  ColorMode color_mode = ColorMode::Intensity;
  ColorMapKind color_map = ColorMapKind::Turbo;
  float point_size = 2.0f;  // pixels
  bool show_boxes = true;
  bool show_grid = true;
  bool show_axes = true;
  bool show_ego_path = true;
  bool show_legend = true;
  // Value ranges mapped onto the color map (lidar frame, meters; intensity as stored, KITTI uses 0..1).
  float intensity_min = 0.0f, intensity_max = 1.0f;
  float height_min = -2.5f, height_max = 1.5f;
  float range_max = 70.0f;
  float ground_z = -1.73f;     // grid height in the lidar frame (KITTI's HDL-64 sits 1.73 m above the road)
  float grid_spacing = 10.0f;  // meters
  float grid_extent = 80.0f;   // half size, meters

  // Camera overlays
  bool camera_points = true;
  bool camera_boxes_3d = true;
  bool camera_boxes_2d = true;
  bool camera_depth_legend = true;
  float camera_point_size = 2.0f;  // dot diameter in screen pixels
  float camera_depth_max = 80.0f;  // meters; near is red, this far and beyond is blue
  // Project with the newest refined calibration (a calib-check run's) where one covers the sample, instead of the
  // drive's own: whether the points snap onto the image's edges.
  bool camera_refined_calibration = false;

  // Boxes drawn per label source, indexed by dc::core::LabelSource (gt, auto, model, manual), in every view.
  std::array<bool, 4> show_source = {true, true, true, true};

  bool operator==(const ViewOptions&) const = default;
};

inline const char* to_string(ColorMode mode) {
  switch (mode) {
    case ColorMode::Intensity:
      return "intensity";
    case ColorMode::Height:
      return "height";
    case ColorMode::Range:
      return "range";
    case ColorMode::Label:
      return "label";
  }
  return "intensity";
}

inline ColorMode color_mode_from_string(std::string_view text) {
  if (text == "height") return ColorMode::Height;
  if (text == "range") return ColorMode::Range;
  if (text == "label") return ColorMode::Label;
  return ColorMode::Intensity;
}

inline const char* to_string(ColorMapKind kind) {
  return kind == ColorMapKind::Viridis ? "viridis" : "turbo";
}
inline ColorMapKind color_map_from_string(std::string_view text) {
  return text == "viridis" ? ColorMapKind::Viridis : ColorMapKind::Turbo;
}

}  // namespace dc::widgets

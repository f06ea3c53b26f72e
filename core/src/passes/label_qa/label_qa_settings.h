#pragma once
#include "dc/core/passes/pass_parameters.h"

#include <optional>
#include <string>
#include <vector>

namespace dc::core::label_qa {

// The thresholds of one label-qa run, read once from the validated parameters.
struct LabelQaSettings {
  std::string source = "all";  // gt / auto / model / manual / all
  int min_points = 5;
  double min_points_range = 50;
  double overlap_iou = 0.1;
  double ground_tolerance = 0.5;
  double ground_range = 40;
  double max_speed = 40;
  double max_acceleration = 25;
  double max_yaw_rate = 2.0;
  double heading_flip_deg = 150;
  double id_switch_radius = 2.5;
  double size_change_tolerance = 0.3;

  static std::vector<ParamSpec> schema();
  // Throws std::invalid_argument for an unknown source.
  static LabelQaSettings from(const PassParameters& parameters);
};

}  // namespace dc::core::label_qa

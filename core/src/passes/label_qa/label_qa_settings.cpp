#include "passes/label_qa/label_qa_settings.h"

#include <stdexcept>

namespace dc::core::label_qa {

std::vector<ParamSpec> LabelQaSettings::schema() {
  using T = ParamSpec::Type;
  return {
      {"source", T::Text, "all", {}, {}, "label source to check: gt, auto, model, manual or all"},
      {"min_points", T::Integer, "5", 0, 100000, "a box with fewer lidar points inside is reported"},
      {"min_points_range", T::Number, "50", 0, 1000,
       "boxes farther than this (m) skip the point count: few returns are normal there"},
      {"overlap_iou", T::Number, "0.1", 0, 1,
       "bird's-eye IoU above which two vertically overlapping boxes are reported"},
      {"ground_tolerance", T::Number, "0.5", 0, 10,
       "box bottom may sit this far (m) below or above the fitted ground plane"},
      {"ground_range", T::Number, "40", 0, 1000,
       "ground plane is fitted and boxes checked against it within this range (m)"},
      {"max_speed", T::Number, "40", 0, 1000, "track speed limit (m/s) between consecutive frames"},
      {"max_acceleration", T::Number, "25", 0, 10000,
       "track acceleration limit (m/s^2); generous because 10 Hz labels are noisy"},
      {"max_yaw_rate", T::Number, "2", 0, 1000, "yaw-rate limit (rad/s) of vehicle and cyclist tracks"},
      {"heading_flip_deg", T::Number, "150", 90, 180,
       "a heading change above this (degrees) between consecutive frames is a flip"},
      {"id_switch_radius", T::Number, "2.5", 0, 100,
       "a same-class box this close (m) to a jumping track's predicted position means an id switch"},
      {"size_change_tolerance", T::Number, "0.3", 0, 100,
       "rigid tracks' length / width / height may vary this much (m)"},
  };
}

LabelQaSettings LabelQaSettings::from(const PassParameters& p) {
  LabelQaSettings s;
  s.source = p.text("source");
  if (s.source != "all" && s.source != "gt" && s.source != "auto" && s.source != "model" && s.source != "manual")
    throw std::invalid_argument("parameter source: '" + s.source + "' is not one of gt, auto, model, manual, all");
  s.min_points = static_cast<int>(p.integer("min_points"));
  s.min_points_range = p.number("min_points_range");
  s.overlap_iou = p.number("overlap_iou");
  s.ground_tolerance = p.number("ground_tolerance");
  s.ground_range = p.number("ground_range");
  s.max_speed = p.number("max_speed");
  s.max_acceleration = p.number("max_acceleration");
  s.max_yaw_rate = p.number("max_yaw_rate");
  s.heading_flip_deg = p.number("heading_flip_deg");
  s.id_switch_radius = p.number("id_switch_radius");
  s.size_change_tolerance = p.number("size_change_tolerance");
  return s;
}

}  // namespace dc::core::label_qa

#pragma once
#include "dc/core/passes/pass_parameters.h"
#include "passes/eval/label_source_filter.h"

#include <cstdint>
#include <set>
#include <vector>

namespace dc::core::eval {

struct EvalSettings {
  LabelSourceFilter predicted{"auto"};
  LabelSourceFilter reference;
  double car_iou = 0.7;     // Car, Van, Truck
  double small_iou = 0.5;   // Pedestrian, Cyclist and the rest
  std::vector<double> band_edges = {30, 50};  // range bands 0-30, 30-50, 50+ (m, from the lidar)
  double min_score = 0.3;   // predictions below it are left out of precision, recall and tracking (not of AP)
  bool kitti = true;        // KITTI benchmark numbers when the drive has 2D boxes and a camera calibration
  // Reference boxes with fewer lidar points inside are ignored by the band and tracking metrics (0: none are): a
  // lidar-only labeler cannot find a fully hidden object. The KITTI benchmark keeps its own rules.
  int min_gt_points = 0;
  // Only these sample keys (a collection's samples on this drive); empty: every sample.
  std::set<std::int64_t> sample_keys;
  bool selected(std::int64_t key) const { return sample_keys.empty() || sample_keys.count(key) > 0; }

  double iou_for(const std::string& category) const;
  static std::vector<ParamSpec> schema();
  static EvalSettings from(const PassParameters& parameters);
};

}  // namespace dc::core::eval

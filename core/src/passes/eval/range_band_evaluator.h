#pragma once
#include "dc/core/model/box_label.h"
#include "passes/eval/eval_settings.h"

#include <nlohmann/json.hpp>

#include <map>
#include <vector>

namespace dc::core::eval {

// Detection quality without 2D boxes (raw and generated drives): per class and range band (by distance from the
// lidar; "all" too), predictions are matched to reference boxes in each sample, highest score first, each to the
// unmatched reference box it overlaps most at or above the class's IoU; bird's-eye and 3D average precision (40
// recall positions, as KITTI), and precision / recall / TP / FP / FN of the predictions at or above min_score.
// Reference boxes flagged as ignored (too few lidar points, min_gt_points) are counted apart: not a miss, and a
// prediction matched to one is neither a hit nor a false positive.
class RangeBandEvaluator {
 public:
  explicit RangeBandEvaluator(const EvalSettings& settings) : settings_(settings) {}

  // `ignored`: empty (none) or one flag per reference box. Throws std::invalid_argument on a size mismatch.
  void add_sample(std::int64_t sample_key, const std::vector<const BoxLabel*>& reference,
                  const std::vector<const BoxLabel*>& predicted, const std::vector<bool>& ignored = {});
  // {class: {band: {bev_ap, 3d_ap, precision, recall, tp, fp, fn, reference, ignored}}}; reference excludes the
  // ignored boxes.
  nlohmann::json summary() const;
  // {class: {band: {bev: [[recall, precision], ...], 3d: [...]}}}
  nlohmann::json curves() const;
  // Bird's-eye FP and FN at min_score per sample, all classes and ranges.
  const std::map<std::int64_t, std::pair<int, int>>& errors_per_sample() const { return per_sample_; }

 private:
  struct Ranked {
    double score;
    bool tp;
  };
  struct Tally {
    int reference = 0;  // boxes that count
    int ignored = 0;
    std::vector<Ranked> bev, box3d;
  };
  std::vector<std::string> band_names() const;
  int band_of(const BoxLabel& b) const;

  const EvalSettings& settings_;
  std::map<std::string, std::map<std::string, Tally>> tallies_;  // class -> band -> tally
  std::map<std::int64_t, std::pair<int, int>> per_sample_;
};

// Average precision over 40 recall positions (1/40 .. 1): at each, the best precision at that recall or more.
double average_precision_40(std::vector<std::pair<double, bool>> ranked, int references,
                            std::vector<std::pair<double, double>>* curve = nullptr);

}  // namespace dc::core::eval

#pragma once
#include "dc/core/eval/kitti_eval_frame.h"
#include "dc/core/eval/kitti_eval_parameters.h"
#include "dc/core/eval/kitti_eval_result.h"

#include <vector>

namespace dc::core {

// The KITTI object benchmark (2D, bird's-eye view, 3D AP and AOS) computed the way the official devkit's
// evaluate_object does, so its numbers can be quoted next to published ones. Devkit behaviour kept on purpose:
// - score thresholds are sampled at 41 recall steps from the true positives' scores; with few ground-truth boxes
//   (under ~40) the later steps are never reached and count as precision 0 (one box found perfectly: AP_R40 = 0);
// - a detection shorter than the difficulty's minimum height (any class) is "ignored": it may absorb a ground
//   truth without being a true positive, and is never a false positive;
// - DontCare regions absorb unmatched detections by image-box overlap only (their 3D fields are placeholders);
// - a class is evaluated for a metric only if some detection of it carries that kind of box.
class KittiObjectEvaluator {
 public:
  explicit KittiObjectEvaluator(KittiEvalParameters parameters = {});

  KittiEvalResult evaluate(const std::vector<KittiEvalFrame>& frames) const;

  const KittiEvalParameters& parameters() const { return parameters_; }

 private:
  KittiEvalParameters parameters_;
};

}  // namespace dc::core

#include "eval/kitti_recall_thresholds.h"

#include "dc/core/eval/kitti_eval_result.h"

#include <algorithm>
#include <functional>

namespace dc::core {

std::vector<double> kitti_recall_thresholds(std::vector<double> scores, int ground_truth_count) {
  std::sort(scores.begin(), scores.end(), std::greater<double>());
  const double n_gt = ground_truth_count;
  std::vector<double> thresholds;
  // Accumulated the way the devkit does (repeated += 1/40), so ties at a step break the same way.
  double current_recall = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const bool last = i + 1 == scores.size();
    const double l_recall = static_cast<double>(i + 1) / n_gt;
    const double r_recall = last ? l_recall : static_cast<double>(i + 2) / n_gt;
    if ((r_recall - current_recall) < (current_recall - l_recall) && !last) continue;
    thresholds.push_back(scores[i]);
    current_recall += 1.0 / (kKittiRecallPositions - 1.0);
  }
  return thresholds;
}

}  // namespace dc::core

#pragma once
#include <vector>

namespace dc::core {

// The devkit's getThresholds: from the scores of the true positives (matched at the best score), the score
// thresholds whose recall comes closest to each of the 41 steps 0, 1/40, ..., 1. Walking down the sorted scores, a
// score is taken when its recall is at least as close to the next step as the following score's recall; the last
// score is always taken. Few ground-truth boxes therefore give fewer than 41 thresholds.
std::vector<double> kitti_recall_thresholds(std::vector<double> true_positive_scores, int ground_truth_count);

}  // namespace dc::core

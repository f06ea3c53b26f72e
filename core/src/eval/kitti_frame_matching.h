#pragma once
#include "dc/core/eval/kitti_eval_frame.h"
#include "dc/core/eval/kitti_eval_parameters.h"

#include <vector>

namespace dc::core {

// Devkit roles of a frame's boxes for one class and difficulty (its cleanData).
struct KittiFrameRoles {
  enum : int { kOtherClass = -1, kCounted = 0, kIgnored = 1 };
  std::vector<int> ground_truth;           // kCounted, kIgnored (neighbour class or beyond the difficulty), kOtherClass
  std::vector<int> detections;             // kCounted (this class), kIgnored (too short, any class), kOtherClass
  std::vector<int> relevant_ground_truth;  // indices whose role is not kOtherClass, ascending
  std::vector<int> relevant_detections;
  int counted_ground_truth = 0;
};

KittiFrameRoles kitti_frame_roles(const KittiEvalFrame& frame, const KittiEvalClass& cls,
                                  const KittiDifficultyLimits& limits);

// One metric's overlaps in one frame, computed once and reused for every class, difficulty and threshold.
struct KittiFrameOverlaps {
  int ground_truth_count = 0;
  int dont_care_count = 0;
  std::vector<int> dont_care;             // ground-truth indices of the DontCare rows
  std::vector<double> with_ground_truth;  // [detection * ground_truth_count + gt], IoU
  std::vector<double> with_dont_care;     // [detection * dont_care_count + k], share of the detection inside

  double iou(int detection, int ground_truth) const {
    return with_ground_truth[static_cast<std::size_t>(detection) * ground_truth_count + ground_truth];
  }
  double in_dont_care(int detection, int k) const {
    return with_dont_care[static_cast<std::size_t>(detection) * dont_care_count + k];
  }
};

KittiFrameOverlaps kitti_frame_overlaps(const KittiEvalFrame& frame, KittiEvalMetric metric);

struct KittiFrameCounts {
  int tp = 0, fp = 0, fn = 0;
  double similarity = 0;                     // summed orientation similarity of the frame's tp (fp count 0)
  std::vector<double> true_positive_scores;  // filled when counting for thresholds
};

// The devkit's computeStatistics. Without `count_false_positives` each ground truth takes the overlapping
// detection with the best score (to sample thresholds); with it, detections under `threshold` are dropped, each
// ground truth takes the overlapping detection with the largest overlap, and unmatched detections are false
// positives unless they lie in a DontCare region.
KittiFrameCounts kitti_match_frame(const KittiEvalFrame& frame, const KittiFrameRoles& roles,
                                   const KittiFrameOverlaps& overlaps, double min_overlap, bool count_false_positives,
                                   bool compute_orientation, double threshold);

}  // namespace dc::core

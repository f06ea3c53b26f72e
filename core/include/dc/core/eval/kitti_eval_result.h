#pragma once
#include "dc/core/eval/kitti_eval_parameters.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace dc::core {

// Counts at one score threshold, before interpolation (one per recall step the devkit sampled).
struct KittiPrPoint {
  double score_threshold = 0;
  double recall = 0;                  // tp / (tp + fn)
  double precision = 0;               // tp / (tp + fp)
  double orientation_similarity = 0;  // summed (1 + cos dalpha) / 2 over tp, / (tp + fp); Orientation curves only
  int tp = 0, fp = 0, fn = 0;
};

inline constexpr int kKittiRecallPositions = 41;  // recall 0, 1/40, ..., 1

// One class, metric and difficulty. AP values are in percent, like the devkit's summaries.
struct KittiMetricCurve {
  // False where the devkit skips the evaluation: no detection of the class gives this kind of box (2D: left >= 0;
  // BEV: x, z != -1000 and w, l > 0; 3D: also y != -1000 and h > 0), or, for AOS, some detection has alpha = -10.
  bool evaluated = false;
  int ground_truth_count = 0;  // boxes that count at this difficulty (recall denominator)
  double ap_r40 = 0;           // mean of interpolated[1..40]: the official AP since 2019
  double ap_r11 = 0;           // mean of interpolated[0, 4, ..., 40]: the 11-point AP of the 2017 offline tools
  // Precision (or orientation similarity) at the devkit's i-th sampled recall step, made monotone with
  // max over steps >= i: what the devkit writes to its stats_*.txt / plot files. Steps it never reached are 0.
  std::array<double, kKittiRecallPositions> interpolated{};
  std::vector<KittiPrPoint> points;  // the raw point of each sampled step, in step order
};

struct KittiClassResult {
  std::string class_name;
  std::array<std::array<KittiMetricCurve, kKittiDifficultyCount>, kKittiMetricCount> curves{};

  const KittiMetricCurve& curve(KittiEvalMetric metric, KittiDifficulty difficulty) const {
    return curves[static_cast<int>(metric)][static_cast<int>(difficulty)];
  }
  KittiMetricCurve& curve(KittiEvalMetric metric, KittiDifficulty difficulty) {
    return curves[static_cast<int>(metric)][static_cast<int>(difficulty)];
  }
};

struct KittiEvalResult {
  int frame_count = 0;
  bool orientation_evaluated = false;     // false when some detection has alpha = -10
  std::vector<KittiClassResult> classes;  // in the order of KittiEvalParameters::classes

  // The class named `name` (case-insensitive), or nullptr.
  const KittiClassResult* find(std::string_view name) const;
};

}  // namespace dc::core

#include "dc/core/eval/kitti_object_evaluator.h"

#include "eval/kitti_frame_matching.h"
#include "eval/kitti_recall_thresholds.h"

#include <strings.h>
#include <algorithm>

namespace dc::core {

namespace {

constexpr KittiEvalMetric kBoxMetrics[] = {KittiEvalMetric::Image2d, KittiEvalMetric::BirdsEye, KittiEvalMetric::Box3d};

// Which metrics the devkit runs for each class: only those some detection of the class has a box for
// (its eval_image / eval_ground / eval_3d flags; the first class whose name matches decides).
std::vector<std::array<bool, 3>> metrics_with_detections(const std::vector<KittiEvalFrame>& frames,
                                                         const KittiEvalParameters& parameters) {
  std::vector<std::array<bool, 3>> flags(parameters.classes.size(), {false, false, false});
  for (const KittiEvalFrame& frame : frames)
    for (const KittiEvalObject& d : frame.detections)
      for (std::size_t c = 0; c < parameters.classes.size(); ++c) {
        if (strcasecmp(d.type.c_str(), parameters.classes[c].name.c_str()) != 0) continue;
        const auto& p = d.box.bottom_center;
        const auto& b = d.box;
        if (d.bbox[0] >= 0) flags[c][0] = true;
        if (p.x() != -1000 && p.z() != -1000 && b.w > 0 && b.l > 0) flags[c][1] = true;
        if (p.x() != -1000 && p.y() != -1000 && p.z() != -1000 && b.h > 0 && b.w > 0 && b.l > 0) flags[c][2] = true;
        break;
      }
  return flags;
}

// AOS needs every detection's alpha; the devkit drops it for the whole run when one says -10.
bool all_orientations_given(const std::vector<KittiEvalFrame>& frames) {
  for (const KittiEvalFrame& frame : frames)
    for (const KittiEvalObject& d : frame.detections)
      if (d.alpha == -10) return false;
  return true;
}

// Monotone precision (max over later steps) and both AP summaries, as the devkit and the benchmark server do.
void summarize(std::array<double, kKittiRecallPositions> values, KittiMetricCurve& curve) {
  for (int i = 0; i < kKittiRecallPositions; ++i) values[i] = *std::max_element(values.begin() + i, values.end());
  curve.interpolated = values;
  double r40 = 0, r11 = 0;
  for (int i = 1; i < kKittiRecallPositions; ++i) r40 += values[i];
  for (int i = 0; i < kKittiRecallPositions; i += 4) r11 += values[i];
  curve.ap_r40 = r40 / 40.0 * 100.0;
  curve.ap_r11 = r11 / 11.0 * 100.0;
}

// The devkit's eval_class for one class, difficulty and metric (with AOS alongside the 2D boxes).
void evaluate_class(const std::vector<KittiEvalFrame>& frames, const std::vector<KittiFrameOverlaps>& overlaps,
                    const KittiEvalClass& cls, const KittiDifficultyLimits& limits, double min_overlap,
                    bool compute_orientation, KittiMetricCurve& curve, KittiMetricCurve* orientation_curve) {
  std::vector<KittiFrameRoles> roles;
  roles.reserve(frames.size());
  int ground_truth_count = 0;
  std::vector<double> scores;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    roles.push_back(kitti_frame_roles(frames[f], cls, limits));
    ground_truth_count += roles.back().counted_ground_truth;
    const KittiFrameCounts counts =
        kitti_match_frame(frames[f], roles.back(), overlaps[f], min_overlap, false, false, 0);
    scores.insert(scores.end(), counts.true_positive_scores.begin(), counts.true_positive_scores.end());
  }
  std::vector<double> thresholds = kitti_recall_thresholds(std::move(scores), ground_truth_count);
  // At most one threshold per recall step; the devkit would write past its array otherwise.
  if (thresholds.size() > kKittiRecallPositions) thresholds.resize(kKittiRecallPositions);

  std::vector<KittiPrPoint> points(thresholds.size());
  std::vector<double> similarity(thresholds.size(), 0.0);
  for (std::size_t f = 0; f < frames.size(); ++f) {
    if (roles[f].relevant_ground_truth.empty() && roles[f].relevant_detections.empty()) continue;
    for (std::size_t t = 0; t < thresholds.size(); ++t) {
      const KittiFrameCounts counts =
          kitti_match_frame(frames[f], roles[f], overlaps[f], min_overlap, true, compute_orientation, thresholds[t]);
      points[t].tp += counts.tp;
      points[t].fp += counts.fp;
      points[t].fn += counts.fn;
      similarity[t] += counts.similarity;
    }
  }

  std::array<double, kKittiRecallPositions> precision{};
  std::array<double, kKittiRecallPositions> orientation{};
  for (std::size_t t = 0; t < thresholds.size(); ++t) {
    KittiPrPoint& p = points[t];
    p.score_threshold = thresholds[t];
    p.recall = p.tp / static_cast<double>(p.tp + p.fn);
    p.precision = p.tp / static_cast<double>(p.tp + p.fp);
    precision[t] = p.precision;
    if (compute_orientation) {
      p.orientation_similarity = similarity[t] / static_cast<double>(p.tp + p.fp);
      orientation[t] = p.orientation_similarity;
    }
  }
  curve.evaluated = true;
  curve.ground_truth_count = ground_truth_count;
  curve.points = points;
  summarize(precision, curve);
  if (orientation_curve && compute_orientation) {
    orientation_curve->evaluated = true;
    orientation_curve->ground_truth_count = ground_truth_count;
    orientation_curve->points = std::move(points);
    summarize(orientation, *orientation_curve);
  }
}

}  // namespace

KittiObjectEvaluator::KittiObjectEvaluator(KittiEvalParameters parameters) : parameters_(std::move(parameters)) {}

KittiEvalResult KittiObjectEvaluator::evaluate(const std::vector<KittiEvalFrame>& frames) const {
  KittiEvalResult result;
  result.frame_count = static_cast<int>(frames.size());
  result.orientation_evaluated = all_orientations_given(frames);
  const auto flags = metrics_with_detections(frames, parameters_);
  for (const KittiEvalClass& cls : parameters_.classes) result.classes.push_back({cls.name, {}});

  for (KittiEvalMetric metric : kBoxMetrics) {
    const int m = static_cast<int>(metric);
    const bool needed = std::any_of(flags.begin(), flags.end(), [m](const auto& f) { return f[m]; });
    if (!needed) continue;
    std::vector<KittiFrameOverlaps> overlaps;
    overlaps.reserve(frames.size());
    for (const KittiEvalFrame& frame : frames) overlaps.push_back(kitti_frame_overlaps(frame, metric));

    for (std::size_t c = 0; c < parameters_.classes.size(); ++c) {
      if (!flags[c][m]) continue;
      const KittiEvalClass& cls = parameters_.classes[c];
      const bool with_orientation = metric == KittiEvalMetric::Image2d && result.orientation_evaluated;
      for (int d = 0; d < kKittiDifficultyCount; ++d) {
        const auto difficulty = static_cast<KittiDifficulty>(d);
        KittiClassResult& out = result.classes[c];
        evaluate_class(frames, overlaps, cls, parameters_.difficulties[d], cls.min_overlap[m], with_orientation,
                       out.curve(metric, difficulty),
                       with_orientation ? &out.curve(KittiEvalMetric::Orientation, difficulty) : nullptr);
      }
    }
  }
  return result;
}

}  // namespace dc::core

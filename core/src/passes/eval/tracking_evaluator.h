#pragma once
#include "dc/core/model/box_label.h"
#include "passes/eval/eval_settings.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace dc::core::eval {

// Multi-object tracking metrics per class over a drive's samples in time order (predictions at or above
// min_score, bird's-eye IoU at the class's threshold): CLEAR MOT (MOTA = 1 - (FN + FP + ID switches) / reference
// boxes, MOTP = mean IoU of the matches; a reference track keeps the prediction it had while they still overlap,
// the rest are paired by the Hungarian method; fragmentations count the times a reference track is found again
// after being lost) and IDF1 (reference and predicted tracks paired once for the whole drive to maximise the boxes
// they share).
class TrackingEvaluator {
 public:
  explicit TrackingEvaluator(const EvalSettings& settings) : settings_(settings) {}

  // `ignored`: empty (none) or one flag per reference box; ignored boxes take no part, and a prediction left
  // unmatched that overlaps one is dropped. Throws std::invalid_argument on a size mismatch.
  void add_sample(const std::vector<const BoxLabel*>& reference, const std::vector<const BoxLabel*>& predicted,
                  const std::vector<bool>& ignored = {});
  // {class: {mota, motp, idf1, id_switches, fragmentations, tp, fp, fn, reference, ignored, reference_tracks,
  //          predicted_tracks, mostly_tracked}}
  nlohmann::json summary() const;

 private:
  struct ClassState {
    int tp = 0, fp = 0, fn = 0, id_switches = 0, fragmentations = 0, ignored = 0;
    double iou_sum = 0;
    std::map<std::string, std::string> mapped;   // reference track -> last predicted track matched
    std::map<std::string, bool> tracked_before;  // reference track -> matched in the sample it was last seen
    std::map<std::string, bool> ever_tracked;
    std::map<std::string, int> reference_boxes, predicted_boxes;  // per track
    std::map<std::string, int> reference_matched;                 // per track: samples with a match
    std::map<std::pair<std::string, std::string>, int> shared;    // (reference, predicted) -> overlapping samples
  };
  void add_class(ClassState& state, const std::vector<const BoxLabel*>& reference,
                 const std::vector<const BoxLabel*>& ignored_reference, const std::vector<const BoxLabel*>& predicted,
                 double iou);

  const EvalSettings& settings_;
  std::map<std::string, ClassState> classes_;
};

}  // namespace dc::core::eval

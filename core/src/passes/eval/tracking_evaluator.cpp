#include "passes/eval/tracking_evaluator.h"

#include "passes/eval/lidar_box_overlap.h"
#include "util/hungarian_assignment.h"

#include <algorithm>
#include <stdexcept>

namespace dc::core::eval {

namespace {
constexpr double kForbidden = 1e9;
constexpr double kMostlyTracked = 0.8;  // a reference track matched in this share of its samples
}  // namespace

void TrackingEvaluator::add_sample(const std::vector<const BoxLabel*>& reference,
                                   const std::vector<const BoxLabel*>& predicted, const std::vector<bool>& ignored) {
  if (!ignored.empty() && ignored.size() != reference.size())
    throw std::invalid_argument("TrackingEvaluator::add_sample: one ignore flag per reference box expected");
  std::set<std::string> categories;
  for (auto* b : reference) categories.insert(b->category);
  for (auto* b : predicted) categories.insert(b->category);
  for (const auto& c : categories) {
    std::vector<const BoxLabel*> ref, ref_ignored, pred;
    for (std::size_t i = 0; i < reference.size(); ++i)
      if (reference[i]->category == c) (!ignored.empty() && ignored[i] ? ref_ignored : ref).push_back(reference[i]);
    for (auto* b : predicted)
      if (b->category == c && b->score >= settings_.min_score) pred.push_back(b);
    add_class(classes_[c], ref, ref_ignored, pred, settings_.iou_for(c));
  }
}

void TrackingEvaluator::add_class(ClassState& s, const std::vector<const BoxLabel*>& ref,
                                  const std::vector<const BoxLabel*>& ref_ignored,
                                  const std::vector<const BoxLabel*>& pred, double iou) {
  std::vector<std::vector<double>> overlap(ref.size(), std::vector<double>(pred.size(), 0));
  for (std::size_t r = 0; r < ref.size(); ++r)
    for (std::size_t p = 0; p < pred.size(); ++p) {
      overlap[r][p] = bev_iou(*ref[r], *pred[p]);
      if (overlap[r][p] >= iou) ++s.shared[{ref[r]->track_id, pred[p]->track_id}];
    }
  for (auto* b : ref) ++s.reference_boxes[b->track_id];
  s.ignored += static_cast<int>(ref_ignored.size());

  // Keep last sample's pairs that still overlap, then pair the rest by the Hungarian method on 1 - IoU.
  std::vector<int> match(ref.size(), -1);
  std::vector<char> used(pred.size(), 0);
  for (std::size_t r = 0; r < ref.size(); ++r) {
    const auto it = s.mapped.find(ref[r]->track_id);
    if (it == s.mapped.end()) continue;
    for (std::size_t p = 0; p < pred.size(); ++p)
      if (!used[p] && pred[p]->track_id == it->second && overlap[r][p] >= iou) {
        match[r] = static_cast<int>(p), used[p] = 1;
        break;
      }
  }
  std::vector<std::size_t> free_ref, free_pred;
  for (std::size_t r = 0; r < ref.size(); ++r)
    if (match[r] < 0) free_ref.push_back(r);
  for (std::size_t p = 0; p < pred.size(); ++p)
    if (!used[p]) free_pred.push_back(p);
  std::vector<std::vector<double>> cost(free_ref.size(), std::vector<double>(free_pred.size(), kForbidden));
  for (std::size_t i = 0; i < free_ref.size(); ++i)
    for (std::size_t j = 0; j < free_pred.size(); ++j)
      if (overlap[free_ref[i]][free_pred[j]] >= iou) cost[i][j] = 1.0 - overlap[free_ref[i]][free_pred[j]];
  const auto assigned = hungarian_assignment(cost, kForbidden);
  for (std::size_t i = 0; i < free_ref.size(); ++i)
    if (assigned[i] >= 0) {
      match[free_ref[i]] = static_cast<int>(free_pred[static_cast<std::size_t>(assigned[i])]);
      used[static_cast<std::size_t>(match[free_ref[i]])] = 1;
    }

  // Predictions left over that overlap an ignored reference box (one each, highest score first) take no part.
  std::vector<std::size_t> left;
  for (std::size_t p = 0; p < pred.size(); ++p)
    if (!used[p]) left.push_back(p);
  std::stable_sort(left.begin(), left.end(), [&](auto a, auto b) { return pred[a]->score > pred[b]->score; });
  std::vector<char> ignored_taken(ref_ignored.size(), 0);
  std::vector<char> dropped(pred.size(), 0);
  for (std::size_t p : left) {
    int best = -1;
    double best_iou = iou;
    for (std::size_t g = 0; g < ref_ignored.size(); ++g) {
      if (ignored_taken[g]) continue;
      const double o = bev_iou(*ref_ignored[g], *pred[p]);
      if (o >= best_iou) best_iou = o, best = static_cast<int>(g);
    }
    if (best >= 0) ignored_taken[static_cast<std::size_t>(best)] = 1, dropped[p] = 1;
  }
  int kept = 0;
  for (std::size_t p = 0; p < pred.size(); ++p)
    if (!dropped[p]) ++s.predicted_boxes[pred[p]->track_id], ++kept;

  int matched = 0;
  for (std::size_t r = 0; r < ref.size(); ++r) {
    const std::string& id = ref[r]->track_id;
    const bool found = match[r] >= 0;
    if (found) {
      const BoxLabel* p = pred[static_cast<std::size_t>(match[r])];
      ++matched, ++s.tp, ++s.reference_matched[id];
      s.iou_sum += overlap[r][static_cast<std::size_t>(match[r])];
      const auto it = s.mapped.find(id);
      if (it != s.mapped.end() && it->second != p->track_id) ++s.id_switches;
      s.mapped[id] = p->track_id;
      if (s.ever_tracked[id] && !s.tracked_before[id]) ++s.fragmentations;
      s.ever_tracked[id] = true;
    } else {
      ++s.fn;
    }
    s.tracked_before[id] = found;
  }
  s.fp += kept - matched;
}

nlohmann::json TrackingEvaluator::summary() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [category, s] : classes_) {
    const int reference = s.tp + s.fn;
    // IDF1: one pairing of reference and predicted tracks for the whole drive, maximising the shared boxes.
    std::vector<std::string> ref_ids, pred_ids;
    for (const auto& [id, n] : s.reference_boxes) ref_ids.push_back(id);
    for (const auto& [id, n] : s.predicted_boxes) pred_ids.push_back(id);
    std::vector<std::vector<double>> cost(ref_ids.size(), std::vector<double>(pred_ids.size(), kForbidden));
    for (std::size_t i = 0; i < ref_ids.size(); ++i)
      for (std::size_t j = 0; j < pred_ids.size(); ++j) {
        const auto it = s.shared.find({ref_ids[i], pred_ids[j]});
        if (it != s.shared.end()) cost[i][j] = -static_cast<double>(it->second);
      }
    int idtp = 0;
    const auto pairs = hungarian_assignment(cost, kForbidden);
    for (std::size_t i = 0; i < pairs.size(); ++i)
      if (pairs[i] >= 0) idtp += static_cast<int>(-cost[i][static_cast<std::size_t>(pairs[i])]);
    int predicted = 0, mostly_tracked = 0;
    for (const auto& [id, n] : s.predicted_boxes) predicted += n;
    for (const auto& [id, n] : s.reference_boxes) {
      const auto it = s.reference_matched.find(id);
      mostly_tracked += it != s.reference_matched.end() && it->second >= kMostlyTracked * n;
    }
    const int idfn = reference - idtp, idfp = predicted - idtp;
    out[category] = {
        {"reference", reference},
        {"ignored", s.ignored},
        {"reference_tracks", s.reference_boxes.size()},
        {"predicted_tracks", s.predicted_boxes.size()},
        {"tp", s.tp},
        {"fp", s.fp},
        {"fn", s.fn},
        {"id_switches", s.id_switches},
        {"fragmentations", s.fragmentations},
        {"mostly_tracked", mostly_tracked},
        {"mota", reference ? 1.0 - static_cast<double>(s.fn + s.fp + s.id_switches) / reference : 0.0},
        {"motp", s.tp ? s.iou_sum / s.tp : 0.0},
        {"idf1", 2 * idtp + idfp + idfn ? 2.0 * idtp / (2.0 * idtp + idfp + idfn) : 0.0},
    };
  }
  return out;
}

}  // namespace dc::core::eval

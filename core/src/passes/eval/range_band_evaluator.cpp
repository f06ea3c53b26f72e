#include "passes/eval/range_band_evaluator.h"

#include "passes/eval/lidar_box_overlap.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dc::core::eval {

namespace {

// Greedy matching, highest score first: true for each prediction (in score order) that found a reference box.
// A prediction takes the best unmatched reference box it overlaps at or above `iou`, preferring boxes that count;
// one that finds only an ignored box takes it and is left out (KITTI's handling of ignored ground truth).
std::vector<std::pair<double, bool>> match(const std::vector<const BoxLabel*>& reference,
                                           const std::vector<bool>& ignored, std::vector<const BoxLabel*> predicted,
                                           double iou, double (*overlap)(const BoxLabel&, const BoxLabel&)) {
  std::stable_sort(predicted.begin(), predicted.end(), [](auto* a, auto* b) { return a->score > b->score; });
  std::vector<char> taken(reference.size(), 0);
  std::vector<std::pair<double, bool>> out;
  for (const BoxLabel* p : predicted) {
    int best = -1, best_ignored = -1;
    double best_iou = iou, best_ignored_iou = iou;
    for (std::size_t r = 0; r < reference.size(); ++r) {
      if (taken[r]) continue;
      const double o = overlap(*p, *reference[r]);
      if (ignored[r]) {
        if (o >= best_ignored_iou) best_ignored_iou = o, best_ignored = static_cast<int>(r);
      } else if (o >= best_iou) {
        best_iou = o, best = static_cast<int>(r);
      }
    }
    if (best >= 0) {
      taken[static_cast<std::size_t>(best)] = 1;
    } else if (best_ignored >= 0) {
      taken[static_cast<std::size_t>(best_ignored)] = 1;
      continue;
    }
    out.emplace_back(p->score, best >= 0);
  }
  return out;
}

}  // namespace

double average_precision_40(std::vector<std::pair<double, bool>> ranked, int references,
                            std::vector<std::pair<double, double>>* curve) {
  if (references <= 0) return 0;
  std::stable_sort(ranked.begin(), ranked.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::vector<double> recall, precision;
  int tp = 0;
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    tp += ranked[i].second;
    recall.push_back(static_cast<double>(tp) / references);
    precision.push_back(static_cast<double>(tp) / static_cast<double>(i + 1));
  }
  // Interpolated precision: the best precision at this recall or beyond.
  for (std::size_t i = precision.size(); i-- > 1;) precision[i - 1] = std::max(precision[i - 1], precision[i]);
  double sum = 0;
  for (int k = 1; k <= 40; ++k) {
    const double r = k / 40.0;
    const auto it = std::lower_bound(recall.begin(), recall.end(), r - 1e-12);
    if (it != recall.end()) sum += precision[static_cast<std::size_t>(it - recall.begin())];
  }
  if (curve) {
    curve->clear();
    for (std::size_t i = 0; i < recall.size(); ++i)
      if (i + 1 == recall.size() || recall[i + 1] != recall[i]) curve->emplace_back(recall[i], precision[i]);
  }
  return 100.0 * sum / 40.0;
}

std::vector<std::string> RangeBandEvaluator::band_names() const {
  std::vector<std::string> names;
  double lo = 0;
  const auto text = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  for (double edge : settings_.band_edges) names.push_back(text(lo) + "-" + text(edge) + "m"), lo = edge;
  names.push_back(text(lo) + "m+");
  return names;
}

int RangeBandEvaluator::band_of(const BoxLabel& b) const {
  const double r = b.center.head<2>().norm();
  int band = 0;
  while (band < static_cast<int>(settings_.band_edges.size()) && r >= settings_.band_edges[static_cast<std::size_t>(band)])
    ++band;
  return band;
}

void RangeBandEvaluator::add_sample(std::int64_t sample_key, const std::vector<const BoxLabel*>& reference,
                                    const std::vector<const BoxLabel*>& predicted, const std::vector<bool>& ignored) {
  if (!ignored.empty() && ignored.size() != reference.size())
    throw std::invalid_argument("RangeBandEvaluator::add_sample: one ignore flag per reference box expected");
  const auto names = band_names();
  std::map<std::string, int> classes;
  for (auto* b : reference) classes[b->category];
  for (auto* b : predicted) classes[b->category];
  auto& errors = per_sample_[sample_key];
  for (const auto& [category, unused] : classes) {
    const double iou = settings_.iou_for(category);
    // Band -1 is "all".
    for (int band = -1; band < static_cast<int>(names.size()); ++band) {
      std::vector<const BoxLabel*> ref, pred;
      std::vector<bool> ref_ignored;
      int counted = 0;
      for (std::size_t i = 0; i < reference.size(); ++i) {
        const BoxLabel* b = reference[i];
        if (b->category != category || (band >= 0 && band_of(*b) != band)) continue;
        ref.push_back(b);
        ref_ignored.push_back(!ignored.empty() && ignored[i]);
        counted += !ref_ignored.back();
      }
      for (auto* b : predicted)
        if (b->category == category && (band < 0 || band_of(*b) == band)) pred.push_back(b);
      Tally& t = tallies_[category][band < 0 ? "all" : names[static_cast<std::size_t>(band)]];
      t.reference += counted;
      t.ignored += static_cast<int>(ref.size()) - counted;
      const auto bev = match(ref, ref_ignored, pred, iou, &bev_iou);
      const auto box3d = match(ref, ref_ignored, pred, iou, &iou_3d);
      for (const auto& [score, tp] : bev) t.bev.push_back({score, tp});
      for (const auto& [score, tp] : box3d) t.box3d.push_back({score, tp});
      if (band < 0) {
        int kept_tp = 0;
        for (const auto& [score, tp] : bev)
          if (score >= settings_.min_score) kept_tp += tp, errors.first += !tp;
        errors.second += counted - kept_tp;
      }
    }
  }
}

nlohmann::json RangeBandEvaluator::summary() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [category, bands] : tallies_)
    for (const auto& [band, t] : bands) {
      std::vector<std::pair<double, bool>> bev, box3d;
      int tp = 0, fp = 0;
      for (const auto& r : t.bev) {
        bev.emplace_back(r.score, r.tp);
        if (r.score >= settings_.min_score) (r.tp ? tp : fp)++;
      }
      for (const auto& r : t.box3d) box3d.emplace_back(r.score, r.tp);
      const int fn = t.reference - tp;
      out[category][band] = {{"reference", t.reference},
                             {"ignored", t.ignored},
                             {"bev_ap", average_precision_40(bev, t.reference)},
                             {"3d_ap", average_precision_40(box3d, t.reference)},
                             {"tp", tp},
                             {"fp", fp},
                             {"fn", fn},
                             {"precision", tp + fp ? static_cast<double>(tp) / (tp + fp) : 0.0},
                             {"recall", t.reference ? static_cast<double>(tp) / t.reference : 0.0}};
    }
  return out;
}

nlohmann::json RangeBandEvaluator::curves() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [category, bands] : tallies_)
    for (const auto& [band, t] : bands) {
      for (const auto& [metric, ranked] : {std::pair{"bev", &t.bev}, std::pair{"3d", &t.box3d}}) {
        std::vector<std::pair<double, bool>> r;
        for (const auto& x : *ranked) r.emplace_back(x.score, x.tp);
        std::vector<std::pair<double, double>> curve;
        average_precision_40(r, t.reference, &curve);
        nlohmann::json points = nlohmann::json::array();
        for (const auto& [rec, prec] : curve) points.push_back({rec, prec});
        out[category][band][metric] = points;
      }
    }
  return out;
}

}  // namespace dc::core::eval

#include "passes/eval/eval_settings.h"

#include <sstream>
#include <stdexcept>

namespace dc::core::eval {

double EvalSettings::iou_for(const std::string& category) const {
  return category == "Car" || category == "Van" || category == "Truck" ? car_iou : small_iou;
}

std::vector<ParamSpec> EvalSettings::schema() {
  using T = ParamSpec::Type;
  return {
      {"predicted", T::Text, "auto", {}, {}, "labels to evaluate: auto (newest autolabel run), auto:RUN, manual, model, model:NAME or gt"},
      {"reference", T::Text, "gt", {}, {}, "labels taken as the truth (same forms)"},
      {"car_iou", T::Number, "0.7", 0.01, 1, "IoU a Car, Van or Truck needs to count as found (KITTI: 0.7)"},
      {"small_iou", T::Number, "0.5", 0.01, 1, "IoU a Pedestrian, Cyclist or other object needs (KITTI: 0.5)"},
      {"range_bands", T::Text, "30,50", {}, {}, "edges (m) of the range bands, ascending: 30,50 gives 0-30, 30-50, 50+"},
      {"min_score", T::Number, "0.3", 0, 1, "predictions below this score are left out of precision, recall and tracking"},
      {"min_gt_points", T::Integer, "0", 0, 100000,
       "reference boxes with fewer lidar points inside are ignored by precision, recall, AP by range and tracking "
       "(neither a miss nor, when a prediction matches one, a false positive); 0 counts every box; not KITTI's"},
      {"samples", T::Text, "", {}, {}, "only these sample keys, e.g. 0-99,150 (eval run --collection gives a "
                                       "collection's samples); empty: every sample"},
      {"kitti", T::Flag, "true", {}, {}, "also the KITTI benchmark (2D, BEV, 3D AP, AOS) where the drive has 2D boxes"},
  };
}

EvalSettings EvalSettings::from(const PassParameters& p) {
  EvalSettings s;
  s.predicted = LabelSourceFilter(p.text("predicted"));
  s.reference = LabelSourceFilter(p.text("reference"));
  s.car_iou = p.number("car_iou");
  s.small_iou = p.number("small_iou");
  s.min_score = p.number("min_score");
  s.kitti = p.flag("kitti");
  s.min_gt_points = static_cast<int>(p.integer("min_gt_points"));
  std::istringstream keys(p.text("samples"));
  for (std::string item; std::getline(keys, item, ',');) {
    if (item.empty()) continue;
    try {
      const auto dash = item.find('-', 1);
      std::size_t used = 0;
      const long long from = std::stoll(item.substr(0, dash), &used);
      if (used != item.substr(0, dash).size()) throw std::invalid_argument(item);
      long long to = from;
      if (dash != std::string::npos) {
        to = std::stoll(item.substr(dash + 1), &used);
        if (used != item.size() - dash - 1 || to < from) throw std::invalid_argument(item);
      }
      for (long long k = from; k <= to; ++k) s.sample_keys.insert(k);
    } catch (const std::exception&) {
      throw std::invalid_argument("samples: '" + item + "' is not a sample key or a range FIRST-LAST");
    }
  }
  s.band_edges.clear();
  std::istringstream in(p.text("range_bands"));
  for (std::string item; std::getline(in, item, ',');) {
    try {
      std::size_t used = 0;
      const double edge = std::stod(item, &used);
      if (used != item.size() || edge <= 0 || (!s.band_edges.empty() && edge <= s.band_edges.back()))
        throw std::invalid_argument(item);
      s.band_edges.push_back(edge);
    } catch (const std::exception&) {
      throw std::invalid_argument("parameter range_bands: '" + p.text("range_bands") +
                                  "' is not a list of ascending positive numbers");
    }
  }
  return s;
}

}  // namespace dc::core::eval

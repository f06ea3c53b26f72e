#include "passes/label_qa/size_prior.h"

#include <map>

namespace dc::core::label_qa {

const SizePrior* size_prior(const std::string& category) {
  // From KITTI's label statistics, widened so that outliers of real labels still pass: the check is for gross
  // mistakes (a 20 m car, swapped dimensions), not for unusual vehicles.
  static const std::map<std::string, SizePrior> priors = {
      {"Car", {2.5, 6.5, 1.2, 2.4, 1.0, 2.3}},
      {"Van", {3.5, 7.5, 1.5, 2.6, 1.5, 3.2}},
      {"Truck", {4.0, 20.0, 1.8, 3.2, 2.0, 4.5}},
      {"Pedestrian", {0.2, 1.5, 0.2, 1.2, 0.9, 2.2}},
      {"Person_sitting", {0.3, 1.6, 0.3, 1.2, 0.6, 1.6}},
      {"Cyclist", {1.0, 2.6, 0.3, 1.2, 1.0, 2.2}},
      {"Tram", {8.0, 45.0, 2.0, 3.4, 2.5, 4.5}},
      {"Misc", {0.2, 12.0, 0.2, 3.5, 0.2, 4.5}},
  };
  const auto it = priors.find(category);
  return it == priors.end() ? nullptr : &it->second;
}

bool is_rigid_class(const std::string& category) {
  return category == "Car" || category == "Van" || category == "Truck" || category == "Tram" || category == "Cyclist";
}

}  // namespace dc::core::label_qa

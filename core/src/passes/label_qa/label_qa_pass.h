#pragma once
#include "dc/core/passes/pass.h"

namespace dc::core {

// label-qa: finds label mistakes in one label source: boxes with too few lidar points, implausible sizes,
// overlapping boxes, boxes below or above the ground, and track problems (speed, acceleration, yaw rate, heading
// flips, id switches, size changes). Findings only; labels are never changed.
class LabelQaPass : public Pass {
 public:
  std::string name() const override { return "label-qa"; }
  std::string version() const override { return "1"; }
  std::string summary() const override;
  std::vector<ParamSpec> parameters() const override;
  PassResult run(const PassContext& context) const override;
};

}  // namespace dc::core

#pragma once
#include "dc/core/passes/pass.h"

namespace dc::core {

// autolabel: ground truth from the lidar alone. Per sweep: regional ground planes, Euclidean clusters of the
// points above the ground, an L-shape box per cluster grown to its class's size where only one side is seen, a
// class from size and shape; then, over the drive, multi-object tracking in the world frame (ego motion removed
// with the drive's poses; constant-velocity Kalman filter, Hungarian assignment, birth after min_hits, death after
// max_misses, short gaps bridged, one size per track, heading from motion for moving objects). Writes labels of
// source `auto` with track ids and scores.
class AutolabelPass : public Pass {
 public:
  std::string name() const override { return "autolabel"; }
  std::string version() const override { return "10"; }  // 10: parked vehicles carried on beyond their detections
  std::string summary() const override;
  std::vector<ParamSpec> parameters() const override;
  PassResult run(const PassContext& context) const override;
};

}  // namespace dc::core

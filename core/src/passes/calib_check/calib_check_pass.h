#pragma once
#include "dc/core/passes/pass.h"

namespace dc::core {

// calib-check: targetless lidar-camera alignment per camera (Levinson & Thrun 2013). Scores every sample
// ("calib-score", 0..1, higher is better: the discontinuity-weighted mean of the image's edge map at the projected
// lidar silhouette points), refines T_cam_from_lidar over windows of samples with Ceres, reports "calib-drift" when
// the refined extrinsic moved past a threshold and scores clearly better than the stored one on every sample of the
// window, and returns every window's extrinsic as a new Calibration valid over it (the refined one when it is
// accepted, else the stored one confirmed; the file's is never replaced).
class CalibCheckPass : public Pass {
public:
  std::string name() const override { return "calib-check"; }
  std::string version() const override { return "3"; }
  std::string summary() const override;
  std::vector<ParamSpec> parameters() const override;
  PassResult run(const PassContext& context) const override;
};

}  // namespace dc::core

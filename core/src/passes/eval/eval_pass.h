#pragma once
#include "dc/core/passes/pass.h"

namespace dc::core {

// eval: one label source (auto, a named model run, manual) against another (usually gt) over a drive. Stores an
// evaluation: the KITTI object benchmark (2D, BEV, 3D AP with 40 and 11 recall positions, AOS, per class and
// difficulty, as the devkit computes them) where the drive has 2D boxes and a camera calibration; bird's-eye and 3D
// AP, precision and recall per class and range band; tracking metrics (MOTA, MOTP, IDF1, ID switches,
// fragmentations) where both sources have track ids; and per sample the false positives and misses
// (metrics eval-fp, eval-fn) to find the worst samples. With min_gt_points, reference boxes with fewer lidar
// points inside are ignored by the band and tracking metrics (never by the KITTI benchmark).
class EvalPass : public Pass {
 public:
  std::string name() const override { return "eval"; }
  std::string version() const override { return "2"; }  // 2: sweeps between keyframe annotations left out
  std::string summary() const override;
  std::vector<ParamSpec> parameters() const override;
  PassResult run(const PassContext& context) const override;
};

}  // namespace dc::core

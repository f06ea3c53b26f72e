#pragma once
#include "dc/core/model/camera_intrinsics.h"
#include "dc/core/util/progress.h"
#include "dc/gpu/kernel_context.h"
#include "passes/calib_check/edge_frame.h"

#include <Eigen/Geometry>
#include <vector>

namespace dc::core::calib_check {

struct RefinerOptions {
  double search_range_deg = 2.5;  // coarse rotation grid: +- this about each camera axis ...
  double search_step_deg = 0.5;   // ... in these steps, scored with the edge-score kernel
  int starts = 5;                 // best distinct grid cells the refinement starts from (besides the start itself)
  std::vector<double> blur_sigmas_px = {4.0, 2.0, 0.0};  // coarse-to-fine smoothing of the edge maps
  // Translation is weakly observable from a few frames (a few cm move distant edges by less than a pixel), so it
  // has a prior: cost += translation_prior * |dt|^2 / translation_sigma_m^2, in units of the score (0..1).
  double translation_sigma_m = 0.03;
  double translation_prior = 0.01;  // (the objective is minus the mean log score: ~relative score change)
  // While the rotation is searched the translation moves (almost) freely with it, so that near edges do not bend
  // the rotation to fit the start's translation error (a few cm read as ~0.2 deg of yaw or pitch). Then the rotation
  // is held and the translation settled again, from the start's, under translation_prior.
  double search_translation_prior = 0.001;
  int max_iterations = 50;           // per level
  int grid_points_per_frame = 3000;  // edge points per frame the grid search samples (every k-th)
};

struct RefineResult {
  Eigen::Isometry3d T_cam_from_lidar = Eigen::Isometry3d::Identity();
  double score = 0;           // mean edge-alignment score of the window at the result (unblurred maps, no prior)
  double score_of_start = 0;  // same at T_start
  std::size_t points = 0;     // edge points in the problem
  int starts_tried = 0;
};

// Targetless refinement of T_cam_from_lidar over a window of frames of one camera (Levinson & Thrun 2013): a
// coarse grid of rotations scored with the edge-score kernel picks starting points, then Ceres (L-BFGS) maximises
// the window's weighted edge-alignment score, with a weak translation prior, on edge maps blurred less and less.
// The best start at the finest level wins; its rotation is kept and the translation settled again from the start's
// under the firmer prior.
class ExtrinsicRefiner {
public:
  ExtrinsicRefiner(CameraIntrinsics intrinsics, RefinerOptions options);

  // Throws Cancelled when `progress` is cancelled between stages.
  RefineResult refine(const std::vector<EdgeFrame>& frames, const Eigen::Isometry3d& T_start,
                      dc::gpu::KernelContext& ctx, const Progress* progress = nullptr) const;

private:
  std::vector<Eigen::Vector3d> grid_starts(const std::vector<EdgeFrame>& frames,
                                           const std::vector<cv::Mat>& coarse, const Eigen::Isometry3d& T_start,
                                           dc::gpu::KernelContext& ctx) const;

  CameraIntrinsics intrinsics_;
  RefinerOptions options_;
};

}  // namespace dc::core::calib_check

#include "passes/calib_check/extrinsic_refiner.h"

#include "passes/calib_check/edge_residual.h"
#include "passes/calib_check/edge_score.h"

#include <ceres/ceres.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace dc::core::calib_check {

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

Eigen::Isometry3d corrected(const Eigen::Isometry3d& T_start, const std::array<double, 6>& x) {
  const Eigen::Vector3d w(x[0], x[1], x[2]);
  Eigen::Isometry3d D = Eigen::Isometry3d::Identity();
  if (w.norm() > 0) D.linear() = Eigen::AngleAxisd(w.norm(), w.normalized()).toRotationMatrix();
  D.translation() = Eigen::Vector3d(x[3], x[4], x[5]);
  return D * T_start;
}

void check_cancel(const Progress* progress) {
  if (progress && progress->cancelled()) throw Cancelled();
}

// Stops a Ceres solve between iterations once the run is cancelled: one solve can take seconds.
class CancelCallback : public ceres::IterationCallback {
 public:
  explicit CancelCallback(const Progress* progress) : progress_(progress) {}
  ceres::CallbackReturnType operator()(const ceres::IterationSummary&) override {
    return progress_ && progress_->cancelled() ? ceres::SOLVER_ABORT : ceres::SOLVER_CONTINUE;
  }

 private:
  const Progress* progress_;
};

}  // namespace

ExtrinsicRefiner::ExtrinsicRefiner(CameraIntrinsics intrinsics, RefinerOptions options)
    : intrinsics_(std::move(intrinsics)), options_(std::move(options)) {}

std::vector<Eigen::Vector3d> ExtrinsicRefiner::grid_starts(const std::vector<EdgeFrame>& frames,
                                                           const std::vector<cv::Mat>& coarse,
                                                           const Eigen::Isometry3d& T_start,
                                                           dc::gpu::KernelContext& ctx) const {
  const int half = std::max(0, static_cast<int>(std::lround(options_.search_range_deg / options_.search_step_deg)));
  std::vector<dc::gpu::Mat3x4f> candidates;
  std::vector<std::array<int, 3>> cells;
  for (int i = -half; i <= half; ++i)
    for (int j = -half; j <= half; ++j)
      for (int k = -half; k <= half; ++k) {
        const Eigen::Vector3d w = Eigen::Vector3d(i, j, k) * options_.search_step_deg * kDeg;
        candidates.push_back(to_mat3x4f(corrected(T_start, {w.x(), w.y(), w.z(), 0, 0, 0})));
        cells.push_back({i, j, k});
      }
  std::vector<double> total(candidates.size(), 0.0);
  for (std::size_t f = 0; f < frames.size(); ++f) {
    // Every k-th edge point is enough to rank coarse cells.
    const std::size_t n = frames[f].points.size() / 4;
    const std::size_t stride = std::max<std::size_t>(1, n / std::max(1, options_.grid_points_per_frame));
    std::vector<float> subset;
    for (std::size_t i = 0; i < n; i += stride)
      subset.insert(subset.end(), frames[f].points.begin() + 4 * i, frames[f].points.begin() + 4 * i + 4);
    const auto scores = edge_alignment(ctx, subset, coarse[f], intrinsics_, candidates);
    for (std::size_t c = 0; c < candidates.size(); ++c)
      total[c] += std::log((std::isfinite(scores[c]) ? scores[c] : 0.0) + 1e-6);  // as the objective
  }
  std::vector<std::size_t> order(candidates.size());
  for (std::size_t c = 0; c < order.size(); ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return total[a] > total[b]; });
  // Best cells that are not neighbours of a better one (or of the start): distinct basins, not one several times.
  std::vector<Eigen::Vector3d> starts;
  std::vector<std::array<int, 3>> taken{{0, 0, 0}};
  for (std::size_t c : order) {
    if (static_cast<int>(starts.size()) >= options_.starts) break;
    bool near = false;
    for (const auto& t : taken)
      near = near || (std::abs(t[0] - cells[c][0]) <= 1 && std::abs(t[1] - cells[c][1]) <= 1 &&
                      std::abs(t[2] - cells[c][2]) <= 1);
    if (near) continue;
    taken.push_back(cells[c]);
    starts.push_back(Eigen::Vector3d(cells[c][0], cells[c][1], cells[c][2]) * options_.search_step_deg * kDeg);
  }
  return starts;
}

RefineResult ExtrinsicRefiner::refine(const std::vector<EdgeFrame>& frames, const Eigen::Isometry3d& T_start,
                                      dc::gpu::KernelContext& ctx, const Progress* progress) const {
  RefineResult out;
  out.T_cam_from_lidar = T_start;
  if (frames.empty() || options_.blur_sigmas_px.empty()) return out;

  // Edge maps per level, coarse first.
  std::vector<std::vector<cv::Mat>> levels;
  for (double sigma : options_.blur_sigmas_px) {
    std::vector<cv::Mat> level;
    for (const auto& f : frames) {
      cv::Mat blurred;
      if (sigma > 0)
        cv::GaussianBlur(f.edge_map, blurred, cv::Size(), sigma, sigma, cv::BORDER_REPLICATE);
      else
        blurred = f.edge_map;
      level.push_back(blurred);
    }
    levels.push_back(std::move(level));
  }
  check_cancel(progress);

  // Points in the start camera frame, once; weights normalised per frame.
  std::vector<WeightedPoint> points;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    double total = 0;
    for (std::size_t i = 3; i < frames[f].points.size(); i += 4) total += frames[f].points[i];
    if (!(total > 0)) continue;
    for (std::size_t i = 0; i + 3 < frames[f].points.size(); i += 4) {
      const float* p = frames[f].points.data() + i;
      points.push_back({T_start * Eigen::Vector3d(p[0], p[1], p[2]),
                        p[3] / total, f});
    }
  }
  out.points = points.size();
  if (points.empty()) return out;

  ceres::GradientProblemSolver::Options solver;
  solver.line_search_direction_type = ceres::LBFGS;
  solver.max_num_iterations = options_.max_iterations;
  solver.logging_type = ceres::SILENT;
  solver.minimizer_progress_to_stdout = false;
  CancelCallback cancel_callback(progress);
  solver.callbacks.push_back(&cancel_callback);
  // Minimises one level from x (iterations 0: evaluates only); returns the final cost (minus score plus prior).
  auto solve = [&](std::size_t level, std::array<double, 6>& x, int iterations, double prior) {
    ceres::GradientProblem problem(new ceres::AutoDiffFirstOrderFunction<AlignmentObjective, 6>(
        new AlignmentObjective(points, levels[level], intrinsics_, options_.translation_sigma_m, prior)));
    if (iterations > 0) {
      ceres::GradientProblemSolver::Summary summary;
      ceres::Solve(solver, problem, x.data(), &summary);
      check_cancel(progress);
    }
    double cost = 0;
    problem.Evaluate(x.data(), &cost, nullptr);
    return cost;
  };
  // The same over the translation alone (x's rotation held).
  auto solve_translation = [&](std::size_t level, std::array<double, 6>& x, double prior) {
    const AlignmentObjective full(points, levels[level], intrinsics_, options_.translation_sigma_m, prior);
    ceres::GradientProblem problem(new ceres::AutoDiffFirstOrderFunction<TranslationObjective, 3>(
        new TranslationObjective(full, Eigen::Vector3d(x[0], x[1], x[2]))));
    ceres::GradientProblemSolver::Summary summary;
    ceres::Solve(solver, problem, x.data() + 3, &summary);
    check_cancel(progress);
  };
  // The window's mean score (not its log) at x, unblurred maps, no prior.
  auto score_of = [&](const std::array<double, 6>& x) {
    const Eigen::Isometry3d T = corrected(T_start, x);
    double sum = 0;
    int scored = 0;
    for (const auto& f : frames) {
      const double s = edge_alignment(ctx, f.points, f.edge_map, intrinsics_, T);
      if (std::isfinite(s)) sum += s, ++scored;
    }
    return scored > 0 ? sum / scored : 0.0;
  };

  const std::array<double, 6> zero{0, 0, 0, 0, 0, 0};
  out.score_of_start = score_of(zero);

  std::vector<Eigen::Vector3d> starts{Eigen::Vector3d::Zero()};
  for (const auto& w : grid_starts(frames, levels.front(), T_start, ctx)) starts.push_back(w);
  check_cancel(progress);
  const std::size_t finest = levels.size() - 1;
  std::array<double, 6> best_x = zero;
  const double search_prior = options_.search_translation_prior;
  double best = solve(finest, best_x, 0, search_prior);
  for (const auto& w : starts) {
    std::array<double, 6> x{w.x(), w.y(), w.z(), 0, 0, 0};
    for (std::size_t level = 0; level < levels.size(); ++level) {
      solve(level, x, options_.max_iterations, search_prior);
      check_cancel(progress);
    }
    const double cost = solve(finest, x, 0, search_prior);
    ++out.starts_tried;
    if (cost < best) best = cost, best_x = x;
  }
  // The rotation stays; the translation is settled again from the start's under its own (firmer) prior: where the
  // search took it along a weakly observed direction, it does not stay there.
  if (options_.translation_prior != search_prior) {
    best_x[3] = best_x[4] = best_x[5] = 0.0;
    solve_translation(finest, best_x, options_.translation_prior);
  }
  out.score = score_of(best_x);
  out.T_cam_from_lidar = corrected(T_start, best_x);
  return out;
}

}  // namespace dc::core::calib_check

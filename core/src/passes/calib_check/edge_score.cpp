#include "passes/calib_check/edge_score.h"

#include "dc/gpu/edge_alignment_score.h"

#include <cmath>
#include <limits>

namespace dc::core::calib_check {

dc::gpu::Pinhole to_pinhole(const CameraIntrinsics& intrinsics) {
  dc::gpu::Pinhole p;
  p.fx = static_cast<float>(intrinsics.K(0, 0));
  p.fy = static_cast<float>(intrinsics.K(1, 1));
  p.cx = static_cast<float>(intrinsics.K(0, 2));
  p.cy = static_cast<float>(intrinsics.K(1, 2));
  p.k1 = static_cast<float>(intrinsics.distortion[0]);
  p.k2 = static_cast<float>(intrinsics.distortion[1]);
  p.p1 = static_cast<float>(intrinsics.distortion[2]);
  p.p2 = static_cast<float>(intrinsics.distortion[3]);
  p.k3 = static_cast<float>(intrinsics.distortion[4]);
  p.width = intrinsics.width;
  p.height = intrinsics.height;
  return p;
}

dc::gpu::Mat3x4f to_mat3x4f(const Eigen::Isometry3d& T) {
  dc::gpu::Mat3x4f m;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) m.m[4 * r + c] = static_cast<float>(T.matrix()(r, c));
  return m;
}

dc::gpu::ImageViewf image_view(const cv::Mat& distance) {
  dc::gpu::ImageViewf view;
  view.data = distance.ptr<float>();
  view.width = distance.cols;
  view.height = distance.rows;
  view.stride = distance.step1();
  return view;
}

std::vector<double> edge_alignment(dc::gpu::KernelContext& ctx, std::span<const float> edge_points,
                                   const cv::Mat& edge_map, const CameraIntrinsics& intrinsics,
                                   std::span<const dc::gpu::Mat3x4f> candidates) {
  const std::size_t n = edge_points.size() / 4;
  std::vector<double> scores(candidates.size(), std::numeric_limits<double>::quiet_NaN());
  if (n == 0 || candidates.empty()) return scores;
  dc::gpu::EdgeScoreParams params;
  params.penalty = 0.0f;  // off the image: no edge there
  params.samples = true;
  dc::gpu::EdgeScoreResult result;
  dc::gpu::edge_alignment_score(ctx, edge_points, candidates, to_pinhole(intrinsics), image_view(edge_map), params,
                                result);
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    if (result.in_image.size() <= c || result.in_image[c] == 0) continue;
    double sum = 0, weight = 0;
    const float* row = result.samples.data() + c * n;
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(row[i])) continue;
      const double w = edge_points[4 * i + 3];
      sum += w * row[i];
      weight += w;
    }
    if (weight > 0) scores[c] = sum / weight;
  }
  return scores;
}

double edge_alignment(dc::gpu::KernelContext& ctx, std::span<const float> edge_points, const cv::Mat& edge_map,
                      const CameraIntrinsics& intrinsics, const Eigen::Isometry3d& T_cam_from_lidar) {
  const dc::gpu::Mat3x4f candidate = to_mat3x4f(T_cam_from_lidar);
  return edge_alignment(ctx, edge_points, edge_map, intrinsics, std::span(&candidate, 1)).front();
}

}  // namespace dc::core::calib_check

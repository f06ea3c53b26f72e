#pragma once
// Ceres objective of the extrinsic refinement: minus the window's mean edge-alignment score (Levinson & Thrun),
// plus a prior that keeps the translation near the start. Only included by .cpp files: Ceres stays out of the
// public headers.
#include "dc/core/model/camera_intrinsics.h"

#include <ceres/jet.h>
#include <ceres/rotation.h>
#include <opencv2/core/mat.hpp>

#include <Eigen/Core>
#include <cmath>
#include <vector>

namespace dc::core::calib_check {

inline double scalar_part(double x) { return x; }
template <int N>
double scalar_part(const ceres::Jet<double, N>& x) {
  return x.a;
}

// Bilinear sample of a CV_32F image at (u, v); `outside` (a constant, no gradient) off the image. Written on the
// parameter type so that automatic differentiation yields the exact derivative of the interpolant.
template <typename T>
T bilinear(const cv::Mat& image, const T& u, const T& v, float outside) {
  const double us = scalar_part(u), vs = scalar_part(v);
  if (!(us >= 0.0 && vs >= 0.0 && us <= image.cols - 1 && vs <= image.rows - 1)) return T(outside);
  const int x0 = std::min(static_cast<int>(us), image.cols - 2), y0 = std::min(static_cast<int>(vs), image.rows - 2);
  const float* row0 = image.ptr<float>(y0);
  const float* row1 = image.ptr<float>(y0 + 1);
  const double f00 = row0[x0], f10 = row0[x0 + 1], f01 = row1[x0], f11 = row1[x0 + 1];
  const T a = u - double(x0), b = v - double(y0);
  return f00 + a * (f10 - f00) + b * (f01 - f00) + a * b * (f11 - f10 - f01 + f00);
}

// One lidar edge point: its position in the start camera frame (T_start * p_lidar), its weight divided by the total
// weight of its frame (so the weights of a frame sum to 1), and its frame.
struct WeightedPoint {
  Eigen::Vector3d q;
  double weight = 0;
  std::size_t frame = 0;
};

// x = (rotation vector, translation) of a correction applied in the camera frame to the start extrinsic:
// p_cam = R(x0..2) * q + x3..5. cost = -mean_f log(score_f) + prior |x3..5|^2 / sigma^2, where score_f =
// sum_i weight_i * map(project(p_cam_i)) over the points of frame f. The log makes the frames agree: a pose that
// gains a little on one frame by losing as much (relatively) on another is not preferred.
class AlignmentObjective {
public:
  AlignmentObjective(const std::vector<WeightedPoint>& points, const std::vector<cv::Mat>& maps,
                     const CameraIntrinsics& intrinsics, double translation_sigma_m, double translation_prior)
      : points_(points), maps_(maps), intrinsics_(intrinsics), inv_sigma2_(1.0 / (translation_sigma_m *
                                                                                   translation_sigma_m)),
        prior_(translation_prior) {}

  template <typename T>
  bool operator()(const T* x, T* cost) const {
    std::vector<T> sums(maps_.size(), T(0.0));
    const auto& d = intrinsics_.distortion;
    const Eigen::Matrix3d& K = intrinsics_.K;
    for (const auto& point : points_) {
      const T q[3] = {T(point.q.x()), T(point.q.y()), T(point.q.z())};
      T p[3];
      ceres::AngleAxisRotatePoint(x, q, p);
      for (int k = 0; k < 3; ++k) p[k] += x[3 + k];
      if (scalar_part(p[2]) < 0.1) continue;
      const T xn = p[0] / p[2], yn = p[1] / p[2];
      const T r2 = xn * xn + yn * yn;
      const T radial = 1.0 + r2 * (d[0] + r2 * (d[1] + r2 * d[4]));
      const T xd = xn * radial + 2.0 * d[2] * xn * yn + d[3] * (r2 + 2.0 * xn * xn);
      const T yd = yn * radial + d[2] * (r2 + 2.0 * yn * yn) + 2.0 * d[3] * xn * yn;
      const T u = K(0, 0) * xd + K(0, 1) * yd + K(0, 2);
      const T v = K(1, 1) * yd + K(1, 2);
      sums[point.frame] += point.weight * bilinear(maps_[point.frame], u, v, 0.0f);
    }
    T mean_log(0.0);
    for (const T& s : sums) mean_log += log(s + 1e-6);  // a frame whose points all left the image: log(1e-6)
    mean_log /= static_cast<double>(std::max<std::size_t>(1, sums.size()));
    cost[0] = -mean_log + prior_ * inv_sigma2_ * (x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
    return true;
  }

private:
  const std::vector<WeightedPoint>& points_;
  const std::vector<cv::Mat>& maps_;
  const CameraIntrinsics& intrinsics_;
  double inv_sigma2_;
  double prior_;
};

// The same objective over the translation alone, the rotation correction held at `rotation` (a rotation vector):
// the last stage of the refinement, once the rotation is fixed.
class TranslationObjective {
public:
  TranslationObjective(AlignmentObjective full, const Eigen::Vector3d& rotation)
      : full_(std::move(full)), rotation_(rotation) {}

  template <typename T>
  bool operator()(const T* t, T* cost) const {
    const T x[6] = {T(rotation_.x()), T(rotation_.y()), T(rotation_.z()), t[0], t[1], t[2]};
    return full_(x, cost);
  }

private:
  AlignmentObjective full_;
  Eigen::Vector3d rotation_;
};

}  // namespace dc::core::calib_check

#include "passes/calib_check/edge_frame.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dc::core::calib_check {

std::vector<float> depth_edge_points(const PointCloud& cloud, const Eigen::Isometry3d& T_cam_from_lidar,
                                     const CameraIntrinsics& intrinsics, double margin_px, const EdgeOptions& options) {
  constexpr float kPi = std::numbers::pi_v<float>;
  const std::size_t n = cloud.size();
  // Range and azimuth in [0, 2 pi) per point; a new ring starts where the azimuth falls back by more than half a turn.
  std::vector<float> range(n), azimuth(n);
  std::vector<std::size_t> ring_of(n);
  std::vector<std::size_t> ring_start{0};
  for (std::size_t i = 0; i < n; ++i) {
    const float* p = cloud.point(i);
    range[i] = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    if (!std::isfinite(range[i])) range[i] = 0.0f;
    const float a = std::atan2(p[1], p[0]);
    azimuth[i] = a < 0.0f ? a + 2.0f * kPi : a;
    if (!std::isfinite(azimuth[i])) azimuth[i] = 0.0f;
    if (i > 0 && azimuth[i - 1] - azimuth[i] > kPi) ring_start.push_back(i);
    ring_of[i] = ring_start.size() - 1;
  }
  ring_start.push_back(n);
  const std::size_t rings = ring_start.size() - 1;
  const float max_gap = options.max_azimuth_gap_deg * kPi / 180.0f;
  const float max_vgap = options.max_vertical_gap_deg * kPi / 180.0f;
  constexpr std::ptrdiff_t kNone = -1;

  // Nearest-azimuth point of ring `ring` (none when out of range or too far).
  auto on_ring = [&](std::ptrdiff_t ring, float a) -> std::ptrdiff_t {
    if (ring < 0 || static_cast<std::size_t>(ring) >= rings) return kNone;
    const auto b = azimuth.begin() + static_cast<std::ptrdiff_t>(ring_start[ring]);
    const auto e = azimuth.begin() + static_cast<std::ptrdiff_t>(ring_start[ring + 1]);
    const auto it = std::lower_bound(b, e, a);
    std::ptrdiff_t best = kNone;
    float best_gap = max_vgap;
    for (auto j : {it - 1, it}) {
      if (j < b || j >= e) continue;
      const float gap = std::abs(*j - a);
      if (gap <= best_gap) best_gap = gap, best = j - azimuth.begin();
    }
    return best;
  };

  const Eigen::Matrix3d& K = intrinsics.K;
  std::vector<float> out;
  // Keeps (x, y, z) with `weight` when the camera sees it.
  auto emit = [&](float x, float y, float z, float weight) {
    const Eigen::Vector3d c = T_cam_from_lidar * Eigen::Vector3d(x, y, z);
    if (c.z() < options.min_depth_m || c.z() > options.max_depth_m) return;
    // Distortion is left out here: the margin absorbs it, the exact projection happens in the scoring.
    const double u = K(0, 0) * c.x() / c.z() + K(0, 1) * c.y() / c.z() + K(0, 2);
    const double v = K(1, 1) * c.y() / c.z() + K(1, 2);
    if (u < -margin_px || v < -margin_px || u > intrinsics.width - 1 + margin_px ||
        v > intrinsics.height - 1 + margin_px)
      return;
    out.insert(out.end(), {x, y, z, weight});
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (!(range[i] > 0.0f)) continue;
    float kink = 0.0f;
    std::ptrdiff_t beyond = kNone;  // the farther neighbour of the strongest kink
    // Towards `towards`, with `opposite` on the other side along the same direction.
    auto side = [&](std::ptrdiff_t towards, std::ptrdiff_t opposite) {
      if (towards == kNone || !(range[towards] > 0.0f)) return;
      const float jump = range[towards] - range[i];
      const float other = opposite != kNone && range[opposite] > 0.0f ? std::abs(range[i] - range[opposite]) : jump;
      if (jump - other > kink) kink = jump - other, beyond = towards;
    };
    const std::ptrdiff_t left =
        i > 0 && ring_of[i - 1] == ring_of[i] && azimuth[i] - azimuth[i - 1] <= max_gap ? std::ptrdiff_t(i) - 1 : kNone;
    const std::ptrdiff_t right = i + 1 < n && ring_of[i + 1] == ring_of[i] && azimuth[i + 1] - azimuth[i] <= max_gap
                                     ? std::ptrdiff_t(i) + 1
                                     : kNone;
    side(left, right);
    side(right, left);
    const auto ring = static_cast<std::ptrdiff_t>(ring_of[i]);
    const std::ptrdiff_t up = on_ring(ring - 1, azimuth[i]), down = on_ring(ring + 1, azimuth[i]);
    side(up, down);
    side(down, up);
    if (kink < std::max(options.min_discontinuity_m, options.relative_discontinuity * range[i])) continue;

    const float* p = cloud.point(i);
    const float weight = std::sqrt(std::min(kink, options.weight_cap_m));
    if (options.bisect_silhouette && beyond != kNone) {
      // The true outline lies somewhere between the last ray on the object and the first one past it (on average
      // half-way): the point at the object's range on the bisecting ray. Without this, the outline seen through
      // rings 0.4 deg apart sits systematically inside the object, which biases pitch and height.
      const float* q = cloud.point(static_cast<std::size_t>(beyond));
      Eigen::Vector3f ray = Eigen::Vector3f(p[0], p[1], p[2]) / range[i] +
                            Eigen::Vector3f(q[0], q[1], q[2]) / range[static_cast<std::size_t>(beyond)];
      ray = ray.normalized() * range[i];
      emit(ray.x(), ray.y(), ray.z(), weight);
    } else {
      emit(p[0], p[1], p[2], weight);
    }
  }
  return out;
}

cv::Mat edge_map_image(const cv::Mat& image, const EdgeOptions& options) {
  cv::Mat gray;
  if (image.channels() == 3)
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else
    gray = image;
  gray.convertTo(gray, CV_32F, 1.0 / 255.0);
  if (options.image_blur_px > 0) cv::GaussianBlur(gray, gray, cv::Size(), options.image_blur_px);
  cv::Mat gx, gy, E;
  cv::Sobel(gray, gx, CV_32F, 1, 0);
  cv::Sobel(gray, gy, CV_32F, 0, 1);
  cv::magnitude(gx, gy, E);
  // Normalise by a high percentile so that one picture's contrast does not set the scale of the score.
  if (E.empty()) return E;
  auto normalise = [&](cv::Mat& m) {
    if (!m.isContinuous()) m = m.clone();
    std::vector<float> values(m.ptr<float>(), m.ptr<float>() + m.total());
    const auto k = static_cast<std::ptrdiff_t>(options.gradient_percentile * static_cast<double>(values.size() - 1));
    std::nth_element(values.begin(), values.begin() + k, values.end());
    const float scale = values[static_cast<std::size_t>(k)] > 0.0f ? values[static_cast<std::size_t>(k)] : 1.0f;
    m = cv::min(m / scale, 1.0);
  };
  normalise(E);
  if (options.local_contrast_px > 1 && options.local_contrast > 0) {
    cv::Mat local;
    cv::blur(E, local, cv::Size(options.local_contrast_px, options.local_contrast_px));
    E = cv::max(E - options.local_contrast * local, 0.0);
    normalise(E);
  }

  // Inverse distance transform (chessboard metric): two passes of max-propagation with factor gamma per pixel.
  cv::Mat D = E.clone();
  const auto gamma = static_cast<float>(options.falloff_gamma);
  const int rows = D.rows, cols = D.cols;
  for (int y = 0; y < rows; ++y) {
    float* row = D.ptr<float>(y);
    const float* above = y > 0 ? D.ptr<float>(y - 1) : nullptr;
    for (int x = 0; x < cols; ++x) {
      float v = row[x];
      if (x > 0) v = std::max(v, gamma * row[x - 1]);
      if (above)
        for (int dx = -1; dx <= 1; ++dx)
          if (x + dx >= 0 && x + dx < cols) v = std::max(v, gamma * above[x + dx]);
      row[x] = v;
    }
  }
  for (int y = rows - 1; y >= 0; --y) {
    float* row = D.ptr<float>(y);
    const float* below = y + 1 < rows ? D.ptr<float>(y + 1) : nullptr;
    for (int x = cols - 1; x >= 0; --x) {
      float v = row[x];
      if (x + 1 < cols) v = std::max(v, gamma * row[x + 1]);
      if (below)
        for (int dx = -1; dx <= 1; ++dx)
          if (x + dx >= 0 && x + dx < cols) v = std::max(v, gamma * below[x + dx]);
      row[x] = v;
    }
  }
  const auto alpha = options.falloff_alpha;
  cv::Mat map = alpha * E + (1.0 - alpha) * D;
  return map;
}

}  // namespace dc::core::calib_check

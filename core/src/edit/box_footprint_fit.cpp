#include "dc/core/edit/box_footprint_fit.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace dc::core {

FootprintFit fit_box_to_points(BoxLabel& box, const PointCloud& cloud, double fallback_ground_z,
                               double fallback_height) {
  const double c = std::cos(box.yaw), s = std::sin(box.yaw);
  const double hl = box.length / 2, hw = box.width / 2, m = FootprintFit::kGroundMargin;
  std::vector<double> around;  // z of the points within the margin (footprint included)
  std::vector<double> inside;  // z of the points inside the footprint
  for (std::size_t i = 0; i < cloud.size(); ++i) {
    const double dx = cloud.xyzi[4 * i] - box.center.x(), dy = cloud.xyzi[4 * i + 1] - box.center.y();
    const double z = cloud.xyzi[4 * i + 2];
    if (!std::isfinite(dx) || !std::isfinite(dy) || !std::isfinite(z)) continue;
    const double u = c * dx + s * dy, v = -s * dx + c * dy;
    if (std::abs(u) > hl + m || std::abs(v) > hw + m) continue;
    around.push_back(z);
    if (std::abs(u) <= hl && std::abs(v) <= hw) inside.push_back(z);
  }
  FootprintFit fit;
  fit.ground_z = fallback_ground_z;
  if (!around.empty()) {
    const auto k = static_cast<std::ptrdiff_t>(std::floor(0.05 * static_cast<double>(around.size() - 1)));
    std::nth_element(around.begin(), around.begin() + k, around.end());
    fit.ground_z = around[static_cast<std::size_t>(k)];
    fit.ground_from_points = true;
  }
  fit.top_z = fit.ground_z + fallback_height;
  double top = -INFINITY;
  for (double z : inside)
    if (z > fit.ground_z + FootprintFit::kMinAboveGround) {
      ++fit.object_points;
      top = std::max(top, z);
    }
  if (fit.object_points > 0) fit.top_z = top;
  box.height = fit.top_z - fit.ground_z;
  box.center.z() = (fit.top_z + fit.ground_z) / 2;
  return fit;
}

}  // namespace dc::core

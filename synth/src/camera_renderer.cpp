#include "camera_renderer.h"

#include <Eigen/Geometry>
#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <limits>

namespace dc::core::generator {

namespace {
constexpr double kNear = 0.1;
constexpr double kHazeDistance = 600.0;  // m
constexpr double kFarGround = 1500.0;    // beyond this the ground is lost in the haze

const Eigen::Vector3d& sun() {
  static const Eigen::Vector3d s = Eigen::Vector3d(-0.3, -0.5, 0.81).normalized();
  return s;
}

float shade(const Eigen::Vector3d& normal) {
  return 0.55f + 0.45f * static_cast<float>(std::max(0.0, normal.dot(sun())));
}

Eigen::Vector3f sky(const Eigen::Vector3d& dir) {
  const double e = std::clamp(dir.z() / dir.norm() / 0.45, 0.0, 1.0);
  const float f = static_cast<float>(std::sqrt(e));
  return (1 - f) * palette::kSkyHorizon + f * palette::kSkyZenith;
}

Eigen::Vector3f hazed(const Eigen::Vector3f& color, double distance) {
  const float f = static_cast<float>(1.0 - std::exp(-distance / kHazeDistance));
  return (1 - f) * color + f * palette::kSkyHorizon;
}
}  // namespace

bool CameraRenderer::project_rect(const Eigen::Vector3d* points, int count, const Eigen::Matrix3d& K,
                                  const Eigen::Matrix4d& T_cam_from_world, int width, int height, int rect[4],
                                  bool* truncated) {
  double u_min = std::numeric_limits<double>::infinity(), v_min = u_min, u_max = -u_min, v_max = -u_min;
  bool any = false;
  auto take = [&](const Eigen::Vector3d& p) {
    const Eigen::Vector3d q = K * p;
    u_min = std::min(u_min, q.x() / q.z());
    u_max = std::max(u_max, q.x() / q.z());
    v_min = std::min(v_min, q.y() / q.z());
    v_max = std::max(v_max, q.y() / q.z());
    any = true;
  };
  Eigen::Vector3d cam[8];
  for (int i = 0; i < count; ++i) {
    cam[i] = (T_cam_from_world * points[i].homogeneous()).head<3>();
    if (cam[i].z() >= kNear) take(cam[i]);
  }
  // Points behind the near plane: use where the segments to the others cross it (covers the clipped hull).
  for (int i = 0; i < count; ++i)
    for (int j = i + 1; j < count; ++j)
      if ((cam[i].z() - kNear) * (cam[j].z() - kNear) < 0) {
        const double a = (kNear - cam[i].z()) / (cam[j].z() - cam[i].z());
        take(cam[i] + a * (cam[j] - cam[i]));
      }
  if (!any) return false;
  if (truncated) *truncated = u_min < -0.5 || v_min < -0.5 || u_max > width - 0.5 || v_max > height - 0.5;
  rect[0] = static_cast<int>(std::max(0.0, std::floor(u_min)));
  rect[1] = static_cast<int>(std::max(0.0, std::floor(v_min)));
  rect[2] = static_cast<int>(std::min<double>(width - 1, std::ceil(u_max)));
  rect[3] = static_cast<int>(std::min<double>(height - 1, std::ceil(v_max)));
  return rect[0] <= rect[2] && rect[1] <= rect[3];
}

cv::Mat CameraRenderer::render(const std::vector<Primitive>& pieces, const GroundSurface& ground, double s_guess,
                               const Eigen::Matrix3d& K, int width, int height, const Eigen::Matrix4d& T_world_from_cam,
                               Rng& rng) const {
  const Eigen::Vector3d origin = T_world_from_cam.topRightCorner<3, 1>();
  // dir(u, v) = M (u, v, 1): its camera-frame z is 1, so a ray parameter is the pixel's depth.
  const Eigen::Matrix3d M = T_world_from_cam.topLeftCorner<3, 3>() * K.inverse();
  const Eigen::Matrix4d T_cam_from_world = T_world_from_cam.inverse();
  auto ray = [&](int u, int v) -> Eigen::Vector3d { return M.col(0) * u + M.col(1) * v + M.col(2); };

  const std::size_t n = static_cast<std::size_t>(width) * height;
  // Per-thread buffers: fresh 10 MB allocations per image cost more in page faults than the clearing does.
  thread_local std::vector<double> depth;
  thread_local std::vector<int> owner;
  thread_local std::vector<Eigen::Vector3f> normals;
  depth.assign(n, std::numeric_limits<double>::infinity());
  owner.assign(n, -1);
  normals.resize(n);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const auto hull = pieces[i].hull();
    int rect[4];
    if (!project_rect(hull.data(), 8, K, T_cam_from_world, width, height, rect)) continue;
    for (int v = rect[1]; v <= rect[3]; ++v) {
      for (int u = rect[0]; u <= rect[2]; ++u) {
        const std::size_t px = static_cast<std::size_t>(v) * width + u;
        double t = 0;
        Eigen::Vector3d normal;
        if (pieces[i].intersect(origin, ray(u, v), kNear, depth[px], t, normal)) {
          depth[px] = t;
          owner[px] = static_cast<int>(i);
          normals[px] = normal.cast<float>();
        }
      }
    }
  }

  cv::Mat image(height, width, CV_8UC3);
  double s_ground = s_guess;
  for (int v = 0; v < height; ++v) {
    auto* row = image.ptr<std::uint8_t>(v);
    for (int u = 0; u < width; ++u) {
      const std::size_t px = static_cast<std::size_t>(v) * width + u;
      const Eigen::Vector3d dir = ray(u, v);
      const double t_ground = dir.z() < 0 ? -origin.z() / dir.z() : std::numeric_limits<double>::infinity();
      Eigen::Vector3f color;
      if (owner[px] >= 0 && depth[px] < t_ground) {
        color = hazed(pieces[owner[px]].color * shade(normals[px].cast<double>()), depth[px] * dir.norm());
      } else if (t_ground * dir.norm() < kFarGround) {
        const Eigen::Vector3d q = origin + t_ground * dir;
        color = hazed(ground.at(q.head<2>(), s_ground).color * shade(Eigen::Vector3d::UnitZ()), t_ground * dir.norm());
      } else if (dir.z() < 0) {
        color = palette::kSkyHorizon;
      } else {
        color = sky(dir);
      }
      // Sensor noise: a triangular distribution of +-3 levels per channel from one 64-bit draw.
      const std::uint64_t r = rng.next();
      for (int ch = 0; ch < 3; ++ch) {
        const int a = static_cast<int>((r >> (16 * ch)) & 0xFF), b = static_cast<int>((r >> (16 * ch + 8)) & 0xFF);
        const float noise = static_cast<float>(a + b - 255) * (3.0f / 255.0f);
        const float value = std::clamp(color[ch] + noise + 0.5f, 0.0f, 255.0f);  // + 0.5 and truncate: rounds
        row[3 * u + (2 - ch)] = static_cast<std::uint8_t>(value);                // RGB -> BGR
      }
    }
  }
  return image;
}

}  // namespace dc::core::generator

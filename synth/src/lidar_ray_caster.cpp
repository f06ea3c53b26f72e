#include "lidar_ray_caster.h"

#include <Eigen/Geometry>
#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace dc::core::generator {

namespace {
constexpr double kDeg = std::numbers::pi / 180.0;
constexpr double kRangeNoise = 0.02;  // m, 1 sigma
constexpr double kDropout = 0.004;
constexpr double kMinRange = 0.9;
constexpr int kSectors = 720;  // azimuth bins for culling

int sector_of(double azimuth) {  // azimuth in [-pi, pi]
  const int s = static_cast<int>(std::floor((azimuth + std::numbers::pi) / (2 * std::numbers::pi) * kSectors));
  return std::clamp(s, 0, kSectors - 1);
}
}  // namespace

// HDL-64E: upper block of 32 lasers from +2 deg to -8.33 deg, lower block of 32 from -8.83 deg to -24.9 deg.
std::vector<double> LidarRayCaster::elevations_deg(int beams) {
  std::vector<double> el(beams);
  if (beams == 64) {
    for (int i = 0; i < 32; ++i) el[i] = 2.0 - i * (10.33 / 31);
    for (int i = 0; i < 32; ++i) el[32 + i] = -8.83 - i * ((24.9 - 8.83) / 31);
  } else {
    for (int i = 0; i < beams; ++i) el[i] = beams == 1 ? -8.0 : 2.0 - i * (26.9 / (beams - 1));
  }
  return el;
}

LidarRayCaster::LidarRayCaster(int beams, int columns) : beams_(beams), columns_(columns) {
  for (double e : elevations_deg(beams)) {
    cos_el_.push_back(std::cos(e * kDeg));
    sin_el_.push_back(std::sin(e * kDeg));
  }
  for (int c = 0; c < columns; ++c) {
    // Clockwise seen from above, as the sensor spins, starting behind it.
    const double az = std::numbers::pi - 2 * std::numbers::pi * (c + 0.5) / columns;
    cos_az_.push_back(std::cos(az));
    sin_az_.push_back(std::sin(az));
    column_sector_.push_back(sector_of(az));
  }
}

std::vector<float> LidarRayCaster::sweep(const std::vector<Primitive>& pieces, const GroundSurface& ground,
                                         double s_guess, const Eigen::Matrix4d& T_world_from_velo, Rng& rng,
                                         const std::vector<bool>& dead_beams) const {
  const Eigen::Matrix3d R = T_world_from_velo.topLeftCorner<3, 3>();
  const Eigen::Vector3d origin = T_world_from_velo.topRightCorner<3, 1>();
  const Eigen::Matrix4d T_velo_from_world = T_world_from_velo.inverse();

  // Cull: each azimuth sector lists the pieces whose bounding sphere it can see.
  std::vector<std::vector<int>> sectors(kSectors);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const Primitive& p = pieces[i];
    const Eigen::Vector3d c = (T_velo_from_world * p.center.homogeneous()).head<3>();
    const double r = std::hypot(c.x(), c.y());
    if (r - p.bound_radius > kMaxRange + 1) continue;
    if (r <= p.bound_radius) {
      for (auto& s : sectors) s.push_back(static_cast<int>(i));
      continue;
    }
    const double az = std::atan2(c.y(), c.x()), half = std::asin(p.bound_radius / r);
    const int first = static_cast<int>(std::floor((az - half + std::numbers::pi) / (2 * std::numbers::pi) * kSectors));
    const int last = static_cast<int>(std::floor((az + half + std::numbers::pi) / (2 * std::numbers::pi) * kSectors));
    for (int s = first; s <= last; ++s) sectors[((s % kSectors) + kSectors) % kSectors].push_back(static_cast<int>(i));
  }

  std::vector<float> xyzi;
  xyzi.reserve(static_cast<std::size_t>(beams_) * columns_ * 4);
  for (int b = 0; b < beams_; ++b) {
    const bool dead = b < static_cast<int>(dead_beams.size()) && dead_beams[b];
    double s_ground = s_guess;
    for (int c = 0; c < columns_; ++c) {
      const Eigen::Vector3d dir_velo(cos_el_[b] * cos_az_[c], cos_el_[b] * sin_az_[c], sin_el_[b]);
      const Eigen::Vector3d dir = R * dir_velo;
      double t_best = kMaxRange + 1;
      if (dir.z() < -1e-9) t_best = std::min(t_best, -origin.z() / dir.z());
      int hit = -1;
      Eigen::Vector3d normal(0, 0, 1);
      for (int i : sectors[column_sector_[c]]) {
        double t = 0;
        Eigen::Vector3d n;
        if (pieces[i].intersect(origin, dir, kMinRange, t_best, t, n)) {
          t_best = t;
          normal = n;
          hit = i;
        }
      }
      if (t_best > kMaxRange || t_best < kMinRange) continue;  // nothing within range: no return
      if (rng.chance(kDropout)) continue;
      float reflectance = 0;
      if (hit >= 0) {
        reflectance = pieces[hit].reflectance;
      } else {
        const Eigen::Vector3d q = origin + t_best * dir;
        reflectance = ground.at(q.head<2>(), s_ground).reflectance;
      }
      const double incidence = std::abs(normal.dot(dir)) / dir.norm();
      const double range = t_best + kRangeNoise * rng.normal();
      double intensity = reflectance * (0.3 + 0.7 * incidence) + 0.015 * rng.normal();
      intensity = std::round(std::clamp(intensity, 0.0, 1.0) * 100.0) / 100.0;  // KITTI stores two decimals
      if (dead) continue;  // after every draw, so the live beams keep their random numbers
      const Eigen::Vector3d p = range * dir_velo;
      xyzi.push_back(static_cast<float>(p.x()));
      xyzi.push_back(static_cast<float>(p.y()));
      xyzi.push_back(static_cast<float>(p.z()));
      xyzi.push_back(static_cast<float>(intensity));
    }
  }
  return xyzi;
}

}  // namespace dc::core::generator

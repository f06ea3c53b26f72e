#include "passes/autolabel/object_detector.h"

#include "dc/gpu/euclidean_clustering.h"
#include "passes/autolabel/convex_hull.h"
#include "passes/autolabel/l_shape_fitter.h"
#include "passes/autolabel/object_classifier.h"
#include "passes/autolabel/regional_ground.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>

namespace dc::core::autolabel {

namespace {

constexpr std::uint32_t kMaxClusterPoints = 30000;  // larger clusters are buildings and hedges
constexpr double kMaxFootprint_m = 18.0;            // ... and so are longer ones
constexpr double kTallCell_m = 1.0;                 // grid of the points above the obstacle band
constexpr double kReachesTop_m = 0.2;               // a cluster this close to max height may continue above it
constexpr int kMinPointsAbove = 5;
// A tall cluster whose top is at the lidar's upper field of view may go on above it: a building face, whose
// height the lidar cannot tell from a truck's. Such clusters are not labeled.
constexpr double kFovMargin_rad = 0.5 * 3.14159265358979 / 180;
constexpr double kTallObject_m = 2.0;
constexpr double kSplitWidth_m = 2.3;   // clusters wider than any car ...
constexpr double kSplitLength_m = 8.0;  // ... and shorter than this are split at
constexpr double kSplitTolerance_m = 0.35;
// The ego vehicle's own body: returns within ego_radius_m ahead or behind and this far to the sides. A box, not a
// circle, so a cyclist passing a metre beside the lidar is still seen.
constexpr double kEgoHalfWidth_m = 1.0;

using Clock = std::chrono::steady_clock;
double seconds(Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double>(to - from).count(); }

// Points above the obstacle band, hashed by ground-plane cell: what a cluster that reaches the band's top
// continues into (a wall, a tree crown), unlike a vehicle.
class TallPointGrid {
 public:
  void add(const float* p) { cells_[key(p[0], p[1])].emplace_back(p[0], p[1]); }
  // Points above the band inside the footprint.
  int count_inside(const Footprint& f) const {
    const Eigen::Vector2d c = f.center();
    const double r = 0.5 * std::hypot(f.extent1(), f.extent2());
    int n = 0;
    for (double x = c.x() - r; x <= c.x() + r + kTallCell_m; x += kTallCell_m)
      for (double y = c.y() - r; y <= c.y() + r + kTallCell_m; y += kTallCell_m) {
        const auto it = cells_.find(key(x, y));
        if (it == cells_.end()) continue;
        for (const auto& p : it->second) {
          const double u = p.dot(f.axis1()), v = p.dot(f.axis2());
          n += u >= f.lo1 && u <= f.hi1 && v >= f.lo2 && v <= f.hi2;
        }
      }
    return n;
  }

 private:
  static std::int64_t key(double x, double y) {
    return (static_cast<std::int64_t>(std::floor(x / kTallCell_m)) << 32) ^
           (static_cast<std::int64_t>(std::floor(y / kTallCell_m)) & 0xffffffff);
  }
  std::unordered_map<std::int64_t, std::vector<Eigen::Vector2d>> cells_;
};

}  // namespace

std::vector<Detection> ObjectDetector::detect(const PointCloud& cloud, dc::gpu::KernelContext& kernels,
                                              DetectionStats* stats) const {
  // Timing only when asked: the pass runs without it.
  const auto now = [stats] { return stats ? Clock::now() : Clock::time_point{}; };
  const auto t_start = now();
  const RegionalGround ground(cloud,
                              {settings_.ground_cell_m, settings_.max_range_m, settings_.ground_threshold_m,
                               settings_.max_ground_tilt_deg},
                              kernels);
  // Obstacle points: within range, between min and max height above the ground.
  std::vector<float> obstacles;
  std::vector<float> heights;
  TallPointGrid above;
  double fov_top = -1e9;  // highest elevation angle of any return
  for (std::size_t i = 0; i < cloud.size(); ++i) {
    const float* p = cloud.point(i);
    if (std::isfinite(p[0]) && std::isfinite(p[1]) && std::isfinite(p[2]))
      fov_top = std::max(fov_top, std::atan2(static_cast<double>(p[2]), std::hypot(p[0], p[1])));
  }
  const double r2 = settings_.max_range_m * settings_.max_range_m;
  for (std::size_t i = 0; i < cloud.size(); ++i) {
    const float* p = cloud.point(i);
    if (!std::isfinite(p[0]) || !std::isfinite(p[1]) || !std::isfinite(p[2])) continue;
    const double d2 = p[0] * p[0] + p[1] * p[1];
    if (d2 > r2 || (std::abs(p[0]) < settings_.ego_radius_m && std::abs(p[1]) < kEgoHalfWidth_m)) continue;
    const double h = ground.height_above(p);
    if (h > settings_.max_height_m) above.add(p);
    if (h < settings_.min_height_m || h > settings_.max_height_m) continue;
    obstacles.insert(obstacles.end(), p, p + 4);
    heights.push_back(static_cast<float>(h));
  }
  std::vector<Detection> detections;
  const auto t_ground = now();
  if (stats) {
    *stats = {};
    stats->ground_s = seconds(t_start, t_ground);
    stats->points = static_cast<int>(cloud.size());
    stats->obstacle_points = static_cast<int>(heights.size());
  }
  if (obstacles.empty()) return detections;

  dc::gpu::ClusterParams params;
  params.tolerance = static_cast<float>(settings_.cluster_tolerance_m);
  params.min_size = static_cast<std::uint32_t>(settings_.min_cluster_points);
  params.max_size = kMaxClusterPoints;
  dc::gpu::ClusterResult clusters;
  dc::gpu::euclidean_clusters(kernels, obstacles, {}, params, clusters);

  std::vector<std::vector<std::size_t>> members(clusters.cluster_count);
  for (std::size_t i = 0; i < clusters.labels.size(); ++i)
    if (clusters.labels[i] >= 0) members[static_cast<std::size_t>(clusters.labels[i])].push_back(i);
  const std::size_t first_pass_clusters = members.size();
  const auto t_clusters = now();

  const LShapeFitter fitter;
  const ObjectClassifier classifier;
  std::vector<Eigen::Vector2d> xy;
  std::vector<float> subset;
  // Clusters found by splitting are appended and not split again.
  for (std::size_t m = 0; m < members.size(); ++m) {
    const std::vector<std::size_t> cluster = members[m];
    xy.clear();
    double top = -1e9, top_height = 0, top_elevation = -1e9;
    for (std::size_t i : cluster) {
      const float* p = &obstacles[4 * i];
      xy.emplace_back(p[0], p[1]);
      top = std::max(top, static_cast<double>(p[2]));
      top_height = std::max(top_height, static_cast<double>(heights[i]));
      top_elevation = std::max(top_elevation, std::atan2(static_cast<double>(p[2]), std::hypot(p[0], p[1])));
    }
    if (top_height > kTallObject_m && top_elevation > fov_top - kFovMargin_rad) continue;
    ClusterShape shape;
    shape.footprint = fitter.fit(xy);
    if (std::max(shape.footprint.extent1(), shape.footprint.extent2()) > kMaxFootprint_m) continue;
    // Wider than any vehicle but not long: two objects side by side (a cyclist passing a parked car). Split at a
    // finer tolerance; parts too small to be clusters are dropped with the split.
    if (m < first_pass_clusters && std::min(shape.footprint.extent1(), shape.footprint.extent2()) > kSplitWidth_m &&
        std::max(shape.footprint.extent1(), shape.footprint.extent2()) < kSplitLength_m) {
      subset.clear();
      for (std::size_t i : cluster) subset.insert(subset.end(), &obstacles[4 * i], &obstacles[4 * i] + 4);
      dc::gpu::ClusterParams fine = params;
      fine.tolerance = static_cast<float>(std::min(settings_.cluster_tolerance_m, kSplitTolerance_m));
      dc::gpu::ClusterResult parts;
      dc::gpu::euclidean_clusters(kernels, subset, {}, fine, parts);
      if (parts.cluster_count > 1) {
        const std::size_t base = members.size();
        members.resize(base + parts.cluster_count);
        for (std::size_t i = 0; i < parts.labels.size(); ++i)
          if (parts.labels[i] >= 0) members[base + static_cast<std::size_t>(parts.labels[i])].push_back(cluster[i]);
        continue;
      }
    }
    if (top_height > settings_.max_height_m - kReachesTop_m && above.count_inside(shape.footprint) >= kMinPointsAbove)
      continue;
    const Eigen::Vector2d c = shape.footprint.center();
    const double bottom = ground.ground_z(c.x(), c.y());
    shape.height = top - bottom;
    shape.points = static_cast<int>(cluster.size());
    shape.range_m = c.norm();
    const Classification k = classifier.classify(shape);
    if (k.category.empty() || k.score < settings_.min_score) continue;

    Detection d;
    const Footprint& f = k.footprint;
    const Eigen::Vector2d center = f.center();
    d.center = {center.x(), center.y(), bottom + 0.5 * shape.height};
    d.length = k.length_axis == 1 ? f.extent1() : f.extent2();
    d.width = k.length_axis == 1 ? f.extent2() : f.extent1();
    d.height = shape.height;
    const Eigen::Vector2d along = k.length_axis == 1 ? f.axis1() : f.axis2();
    d.yaw = std::atan2(along.y(), along.x());
    d.category = k.category;
    d.score = k.score;
    d.points = shape.points;
    d.outline = convex_hull(xy);
    detections.push_back(std::move(d));
  }
  if (stats) {
    stats->clustering_s = seconds(t_ground, t_clusters);
    stats->boxes_s = seconds(t_clusters, now());
    stats->clusters = static_cast<int>(members.size());
    stats->detections = static_cast<int>(detections.size());
  }
  return detections;
}

}  // namespace dc::core::autolabel

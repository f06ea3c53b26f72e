#include "passes/autolabel/object_detector.h"

#include "dc/gpu/euclidean_clustering.h"
#include "passes/autolabel/convex_hull.h"
#include "passes/autolabel/fragment_merger.h"
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
constexpr std::uint32_t kMinPiecePoints = 2;        // smaller clusters are noise; larger ones may join into objects
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
// A car's roof spans about half its length (bonnet and boot are lower); a garden wall of car height is as high
// along all of it. A "car" seen this long whose top band spans most of it is a wall.
constexpr double kTopBand_m = 0.3;
constexpr double kMinWallSpan_m = 3.0;
constexpr double kMaxRoofShare = 0.8;
constexpr int kMinWallPoints = 30;
// A vehicle's body is solid: below its windows the lidar sees only the faces toward it, on the outline of its
// footprint. Bushes, hedges and rows of parked bicycles return from all through their volume.
constexpr double kLowBand = 0.5;          // share of the cluster's height that is the solid lower body
constexpr double kInsideDepth_m = 0.35;   // a point this far inside every edge of the footprint is inside the body
constexpr double kMaxInsideShare = 0.3;
constexpr int kMinLowPoints = 20;
constexpr double kInsideRange_m = 25;     // farther, too few rings reach the lower body to outline it

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

// The share of the cluster's span along `along` that its points within kTopBand_m of its top cover; 0 where the
// span is too short or the cluster too sparse to tell.
double top_share(const std::vector<std::size_t>& cluster, const std::vector<float>& obstacles,
                 const std::vector<float>& heights, double top_height, const Eigen::Vector2d& along) {
  if (static_cast<int>(cluster.size()) < kMinWallPoints) return 0;
  double lo = 1e9, hi = -1e9, top_lo = 1e9, top_hi = -1e9;
  for (std::size_t i : cluster) {
    const double u = obstacles[4 * i] * along.x() + obstacles[4 * i + 1] * along.y();
    lo = std::min(lo, u), hi = std::max(hi, u);
    if (heights[i] >= top_height - kTopBand_m) top_lo = std::min(top_lo, u), top_hi = std::max(top_hi, u);
  }
  return hi - lo >= kMinWallSpan_m ? (top_hi - top_lo) / (hi - lo) : 0;
}

// The share of the cluster's lower points (below kLowBand of its height) that lie inside the footprint, farther
// than kInsideDepth_m from each of its edges; 0 where there are too few to tell.
double inside_share(const std::vector<std::size_t>& cluster, const std::vector<float>& obstacles,
                    const std::vector<float>& heights, double top_height, const Footprint& f) {
  const Eigen::Vector2d a1 = f.axis1(), a2 = f.axis2();
  int low = 0, inside = 0;
  for (std::size_t i : cluster) {
    if (heights[i] > kLowBand * top_height) continue;
    const double u = obstacles[4 * i] * a1.x() + obstacles[4 * i + 1] * a1.y();
    const double v = obstacles[4 * i] * a2.x() + obstacles[4 * i + 1] * a2.y();
    ++low;
    inside += std::min({u - f.lo1, f.hi1 - u, v - f.lo2, f.hi2 - v}) > kInsideDepth_m;
  }
  return low >= kMinLowPoints ? static_cast<double>(inside) / low : 0;
}

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
  // Pieces smaller than an object may still join into one (a far side seen end-on): kept until after joining.
  params.min_size = std::min<std::uint32_t>(kMinPiecePoints, static_cast<std::uint32_t>(settings_.min_cluster_points));
  params.max_size = kMaxClusterPoints;
  dc::gpu::ClusterResult clusters;
  dc::gpu::euclidean_clusters(kernels, obstacles, {}, params, clusters);

  std::vector<std::vector<std::size_t>> members(clusters.cluster_count);
  for (std::size_t i = 0; i < clusters.labels.size(); ++i)
    if (clusters.labels[i] >= 0) members[static_cast<std::size_t>(clusters.labels[i])].push_back(i);
  const auto min_points = static_cast<std::size_t>(settings_.min_cluster_points);
  members = FragmentMerger().merge(obstacles, std::move(members), min_points);
  std::erase_if(members, [&](const auto& c) { return c.size() < min_points; });
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
      fine.min_size = static_cast<std::uint32_t>(min_points);  // the first pass's crumbs are joined by now
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
    const Footprint& f = k.footprint;
    const Eigen::Vector2d along = k.length_axis == 1 ? f.axis1() : f.axis2();
    if (k.category == "Car" && top_share(cluster, obstacles, heights, top_height, along) > kMaxRoofShare) continue;
    const bool vehicle = k.category == "Car" || k.category == "Van" || k.category == "Truck";
    if (vehicle && shape.range_m < kInsideRange_m &&
        inside_share(cluster, obstacles, heights, top_height, shape.footprint) > kMaxInsideShare) continue;

    Detection d;
    const Eigen::Vector2d center = f.center();
    d.center = {center.x(), center.y(), bottom + 0.5 * shape.height};
    d.length = k.length_axis == 1 ? f.extent1() : f.extent2();
    d.width = k.length_axis == 1 ? f.extent2() : f.extent1();
    d.height = shape.height;
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

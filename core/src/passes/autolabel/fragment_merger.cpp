#include "passes/autolabel/fragment_merger.h"

#include "passes/autolabel/convex_hull.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <tuple>

namespace dc::core::autolabel {

namespace {

constexpr double kMinRange_m = 15;          // nearer, a side's returns are dense enough to cluster
constexpr double kMaxBearingGap_m = 0.25;   // across the line of sight, at the pieces' range
constexpr double kMaxRangeGap_m = 2.0;      // along it
constexpr double kMaxPieceLength_m = 3.5;   // a piece: shorter than a car ...
constexpr double kMaxPieceAcross_m = 1.9;   // ... and no wider across the line of sight than a car's front
constexpr double kMinJoinedLength_m = 2.5;  // joined: longer than a person or a bicycle ...
constexpr double kMaxJoinedLength_m = 5.5;  // ... and no longer than a car
constexpr double kMaxJoinedWidth_m = 1.9;   // ... nor wider (a car with the fence beside it is)

// A cluster in the sensor's polar frame: bearing interval (relative to a reference bearing, so no wrap at +-pi)
// and range interval.
struct Extent {
  double bearing_lo = 0, bearing_hi = 0, range_lo = 0, range_hi = 0, reference = 0;
};

Extent extent_of(const std::vector<float>& points, const std::vector<std::size_t>& cluster) {
  double sx = 0, sy = 0;
  for (std::size_t i : cluster) sx += points[4 * i], sy += points[4 * i + 1];
  Extent e;
  e.reference = std::atan2(sy, sx);
  e.bearing_lo = e.range_lo = std::numeric_limits<double>::max();
  e.bearing_hi = e.range_hi = std::numeric_limits<double>::lowest();
  for (std::size_t i : cluster) {
    const double x = points[4 * i], y = points[4 * i + 1];
    const double b = std::remainder(std::atan2(y, x) - e.reference, 2 * std::numbers::pi), r = std::hypot(x, y);
    e.bearing_lo = std::min(e.bearing_lo, b), e.bearing_hi = std::max(e.bearing_hi, b);
    e.range_lo = std::min(e.range_lo, r), e.range_hi = std::max(e.range_hi, r);
  }
  return e;
}

// The cluster's outline in the ground plane: its extremes in every direction, in a few points.
std::vector<Eigen::Vector2d> outline_of(const std::vector<float>& points, const std::vector<std::size_t>& cluster) {
  std::vector<Eigen::Vector2d> xy;
  xy.reserve(cluster.size());
  for (std::size_t i : cluster) xy.emplace_back(points[4 * i], points[4 * i + 1]);
  return convex_hull(std::move(xy));
}

// Length and width of the smallest rectangle around the outline, over headings in 2-degree steps.
std::pair<double, double> footprint_size(const std::vector<Eigen::Vector2d>& outline) {
  double best_area = std::numeric_limits<double>::max(), length = 0, width = 0;
  for (int step = 0; step < 45; ++step) {
    const double a = step * std::numbers::pi / 90, c = std::cos(a), s = std::sin(a);
    double lo1 = 1e9, hi1 = -1e9, lo2 = 1e9, hi2 = -1e9;
    for (const Eigen::Vector2d& p : outline) {
      const double u = c * p.x() + s * p.y(), v = -s * p.x() + c * p.y();
      lo1 = std::min(lo1, u), hi1 = std::max(hi1, u), lo2 = std::min(lo2, v), hi2 = std::max(hi2, v);
    }
    const double e1 = hi1 - lo1, e2 = hi2 - lo2;
    if (e1 * e2 < best_area) best_area = e1 * e2, length = std::max(e1, e2), width = std::min(e1, e2);
  }
  return {length, width};
}

}  // namespace

std::vector<std::vector<std::size_t>> FragmentMerger::merge(const std::vector<float>& points,
                                                             std::vector<std::vector<std::size_t>> clusters,
                                                             std::size_t min_object_points) const {
  const std::size_t n = clusters.size();
  std::vector<Extent> extents(n);
  std::vector<std::vector<Eigen::Vector2d>> outlines(n);  // of pieces only
  std::vector<char> piece(n, 0);
  for (std::size_t c = 0; c < n; ++c) {
    extents[c] = extent_of(points, clusters[c]);
    const Extent& e = extents[c];
    if (e.range_lo < kMinRange_m || (e.bearing_hi - e.bearing_lo) * e.range_lo > kMaxPieceAcross_m) continue;
    outlines[c] = outline_of(points, clusters[c]);
    piece[c] = footprint_size(outlines[c]).first < kMaxPieceLength_m;
  }
  // Candidate pairs, nearest along the line of sight first.
  std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = a + 1; b < n; ++b) {
      if (!piece[a] || !piece[b]) continue;
      const Extent &ea = extents[a], &eb = extents[b];
      const double shift = std::remainder(eb.reference - ea.reference, 2 * std::numbers::pi);  // b's bearings in a's frame
      const double bearing_gap = std::max(eb.bearing_lo + shift - ea.bearing_hi, ea.bearing_lo - eb.bearing_hi - shift);
      const double range_gap = std::max(eb.range_lo - ea.range_hi, ea.range_lo - eb.range_hi);
      const double range = std::min(ea.range_lo, eb.range_lo);
      if (bearing_gap * range <= kMaxBearingGap_m && range_gap <= kMaxRangeGap_m)
        pairs.emplace_back(std::max(0.0, range_gap), a, b);
    }
  std::sort(pairs.begin(), pairs.end());
  // Groups by their root: the clusters in it in the order joined, and the outlines of their points (the union of
  // outlines has the extremes of the union of points).
  std::vector<std::vector<std::size_t>> members(n);
  for (std::size_t c = 0; c < n; ++c) members[c] = {c};
  std::vector<std::size_t> group(n);
  std::iota(group.begin(), group.end(), 0);
  const auto root = [&](std::size_t c) {
    while (group[c] != c) c = group[c] = group[group[c]];
    return c;
  };
  for (const auto& [gap, a, b] : pairs) {
    const std::size_t ra = root(a), rb = root(b);
    if (ra == rb) continue;
    std::vector<Eigen::Vector2d> joined = outlines[ra];
    joined.insert(joined.end(), outlines[rb].begin(), outlines[rb].end());
    const auto [length, width] = footprint_size(joined);
    if (length > kMaxJoinedLength_m || width > kMaxJoinedWidth_m) continue;
    outlines[ra] = std::move(joined);
    members[ra].insert(members[ra].end(), members[rb].begin(), members[rb].end());
    group[rb] = ra;
  }
  // Joined groups too short to be a vehicle are left as they were, and so are an object with one crumb (fewer than
  // min_object_points) beside it: a cyclist seen end-on and a stray return behind it are a car's length too.
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t c = 0; c < n; ++c)
    if (root(c) == c && members[c].size() == 1) out.push_back(std::move(clusters[c]));
  for (std::size_t c = 0; c < n; ++c) {
    if (root(c) != c || members[c].size() == 1) continue;
    std::size_t objects = 0;
    for (std::size_t p : members[c]) objects += clusters[p].size() >= min_object_points;
    if ((members[c].size() >= 3 || objects >= 2) && footprint_size(outlines[c]).first >= kMinJoinedLength_m) {
      std::vector<std::size_t> joined;
      for (std::size_t p : members[c]) joined.insert(joined.end(), clusters[p].begin(), clusters[p].end());
      out.push_back(std::move(joined));
      continue;
    }
    std::vector<std::size_t> apart = members[c];
    std::sort(apart.begin(), apart.end());
    for (std::size_t p : apart) out.push_back(std::move(clusters[p]));
  }
  return out;
}

}  // namespace dc::core::autolabel

#include "passes/autolabel/fragment_merger.h"

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

// Length and width of the smallest rectangle around the points, over headings in 2-degree steps.
std::pair<double, double> footprint_size(const std::vector<float>& points, const std::vector<std::size_t>& cluster) {
  double best_area = std::numeric_limits<double>::max(), length = 0, width = 0;
  for (int step = 0; step < 45; ++step) {
    const double a = step * std::numbers::pi / 90, c = std::cos(a), s = std::sin(a);
    double lo1 = 1e9, hi1 = -1e9, lo2 = 1e9, hi2 = -1e9;
    for (std::size_t i : cluster) {
      const double x = points[4 * i], y = points[4 * i + 1];
      const double u = c * x + s * y, v = -s * x + c * y;
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
  std::vector<char> piece(n, 0);
  for (std::size_t c = 0; c < n; ++c) {
    extents[c] = extent_of(points, clusters[c]);
    const Extent& e = extents[c];
    piece[c] = e.range_lo >= kMinRange_m && (e.bearing_hi - e.bearing_lo) * e.range_lo <= kMaxPieceAcross_m &&
               footprint_size(points, clusters[c]).first < kMaxPieceLength_m;
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
  const std::vector<std::vector<std::size_t>> original = clusters;
  std::vector<int> joins(n, 0);  // pieces joined onto each group's root
  std::vector<std::size_t> group(n);
  std::iota(group.begin(), group.end(), 0);
  const auto root = [&](std::size_t c) {
    while (group[c] != c) c = group[c] = group[group[c]];
    return c;
  };
  for (const auto& [gap, a, b] : pairs) {
    const std::size_t ra = root(a), rb = root(b);
    if (ra == rb) continue;
    std::vector<std::size_t> joined = clusters[ra];
    joined.insert(joined.end(), clusters[rb].begin(), clusters[rb].end());
    const auto [length, width] = footprint_size(points, joined);
    if (length > kMaxJoinedLength_m || width > kMaxJoinedWidth_m) continue;
    clusters[ra] = std::move(joined);
    clusters[rb].clear();
    group[rb] = ra;
    joins[ra] += 1 + joins[rb];
  }
  // Joined groups too short to be a vehicle are left as they were, and so are an object with one crumb (fewer than
  // min_object_points) beside it: a cyclist seen end-on and a stray return behind it are a car's length too.
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t c = 0; c < n; ++c) {
    const std::size_t r = root(c);
    if (r == c && joins[c] == 0) out.push_back(std::move(clusters[c]));
  }
  for (std::size_t c = 0; c < n; ++c) {
    if (root(c) != c || joins[c] == 0) continue;
    std::size_t pieces = 0, objects = 0;
    for (std::size_t p = 0; p < n; ++p)
      if (root(p) == c) ++pieces, objects += original[p].size() >= min_object_points;
    if ((pieces >= 3 || objects >= 2) && footprint_size(points, clusters[c]).first >= kMinJoinedLength_m) {
      out.push_back(std::move(clusters[c]));
      continue;
    }
    for (std::size_t p = 0; p < n; ++p)
      if (root(p) == c) out.push_back(original[p]);
  }
  return out;
}

}  // namespace dc::core::autolabel

#pragma once
#include <cstddef>
#include <vector>

namespace dc::core::autolabel {

// Joins clusters that are pieces of one vehicle's side seen at a grazing angle. There the lidar's returns along
// the side lie a metre or more apart along the line of sight, farther than the cluster tolerance, and the side
// falls apart into pedestrian-sized pieces. Pieces at the same bearing (adjacent azimuth intervals) whose ranges
// nearly meet are joined when together they make a vehicle-sized footprint, longer than any person; nothing else
// is joined (two pedestrians side by side are at different bearings).
class FragmentMerger {
 public:
  // `points`: x, y, z, intensity per point; `clusters`: point indices per cluster, crumbs smaller than an object
  // (min_object_points) included, as several may make one. Returns the clusters, joined pieces as one.
  std::vector<std::vector<std::size_t>> merge(const std::vector<float>& points,
                                              std::vector<std::vector<std::size_t>> clusters,
                                              std::size_t min_object_points) const;
};

}  // namespace dc::core::autolabel

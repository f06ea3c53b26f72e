#pragma once
#include "dc/core/model/point_cloud.h"
#include "dc/gpu/kernel_context.h"

#include <Eigen/Core>
#include <vector>

namespace dc::core::autolabel {

// The ground under a sweep as a grid of planes, one RANSAC plane (gpu ground kernel) per cell, so it follows slopes
// and road camber that one plane cannot. Cells with too few ground candidates, or whose plane is steep or far from
// the sweep's overall ground, use the overall plane. Heights blend the four nearest cells' planes bilinearly, so
// the ground has no steps at cell borders.
class RegionalGround {
 public:
  struct Options {
    double cell_m = 15;
    double range_m = 60;
    double threshold_m = 0.2;
    double max_tilt_deg = 12;
  };

  RegionalGround(const PointCloud& cloud, const Options& options, dc::gpu::KernelContext& kernels);

  bool found() const { return found_; }  // false: no ground plane in the sweep (a flat guess is used)
  // z of the ground under (x, y), lidar frame.
  double ground_z(double x, double y) const;
  double height_above(const float* point) const { return point[2] - ground_z(point[0], point[1]); }
  int local_planes() const { return local_planes_; }  // cells with their own plane

 private:
  struct Plane {
    Eigen::Vector3d normal{0, 0, 1};
    double d = 0;
    double z_at(double x, double y) const { return -(normal.x() * x + normal.y() * y + d) / normal.z(); }
  };
  double cell_z(int i, int j, double x, double y) const;

  Options options_;
  Plane overall_;
  bool found_ = false;
  int cells_ = 0;  // per side
  std::vector<Plane> planes_;
  std::vector<char> has_plane_;
  int local_planes_ = 0;
};

}  // namespace dc::core::autolabel

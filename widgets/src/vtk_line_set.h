#pragma once
#include "dc/widgets/color_map.h"

#include <Eigen/Core>
#include <vector>

class vtkPolyData;

namespace dc::widgets {

// Colored 3D line segments collected on the CPU and stored into a vtkPolyData in one go (boxes, grid, axes,
// paths: a few thousand segments at most, so rebuilding them per change is cheap).
class VtkLineSet {
 public:
  void clear();
  bool empty() const { return colors_.empty(); }
  std::size_t segment_count() const { return colors_.size(); }

  void add_segment(const Eigen::Vector3d& a, const Eigen::Vector3d& b, Rgb8 color);
  // Core-profile OpenGL has no line stipple, so dashes are real segments.
  void add_dashed(const Eigen::Vector3d& a, const Eigen::Vector3d& b, Rgb8 color, double dash, double gap);
  void add_polyline(const std::vector<Eigen::Vector3d>& points, Rgb8 color);

  // Replaces the points, lines and per-segment colors (cell scalars) of `out`.
  void store(vtkPolyData* out) const;

 private:
  std::vector<float> xyz_;    // 2 endpoints per segment
  std::vector<Rgb8> colors_;  // per segment
};

}  // namespace dc::widgets

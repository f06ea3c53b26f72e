#pragma once
#include "dc/core/model/camera_intrinsics.h"
#include "dc/core/model/point_cloud.h"

#include <Eigen/Geometry>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace dc::core::calib_check {

// Tuning of the edge features both sides of the alignment are made of (Levinson & Thrun 2013, "Automatic online
// calibration of cameras and lasers", with silhouettes in both scan directions).
struct EdgeOptions {
  // Lidar: a point is an edge point when its range "kinks" towards a farther neighbour: (neighbour range - own range)
  // minus the range step to the opposite neighbour along the same direction (ring, or adjacent rings at the same
  // azimuth). Silhouettes of poles, cars, trunks and wall ends score high; ground (ranges growing steadily from ring
  // to ring) and scattered foliage returns (jumping both ways) score near zero. Reflectance is not used.
  float min_discontinuity_m = 0.5f;   // kink of an edge point, at least ...
  float relative_discontinuity = 0.0f;  // ... and at least this fraction of its range
  float weight_cap_m = 3.0f;          // weight = sqrt(min(kink, cap))
  float max_azimuth_gap_deg = 1.0f;   // ring neighbours further apart than this are not neighbours
  float max_vertical_gap_deg = 0.5f;  // azimuth tolerance of the neighbour on the adjacent ring
  // Place an edge point on the ray half-way to its farther neighbour (at its own range) instead of at the point.
  bool bisect_silhouette = true;
  float min_depth_m = 1.5f;           // camera-frame depth range of the edge points kept
  float max_depth_m = 60.0f;
  // Image: gradient magnitude of the lightly blurred gray image, normalised by its `gradient_percentile` value and
  // clipped to 1, then spread by an inverse distance transform: D = alpha E + (1 - alpha) max_q E(q) gamma^|p-q|inf.
  double image_blur_px = 1.0;
  double gradient_percentile = 0.99;
  // Before the spreading, the local mean of E over local_contrast_px (times local_contrast) is subtracted and the
  // result renormalised: dense texture (foliage, fences, cobbles) stops scoring like an outline.
  int local_contrast_px = 31;
  double local_contrast = 1.0;
  double falloff_gamma = 0.8;
  double falloff_alpha = 1.0 / 3.0;
};

// One sample's view for one camera: the lidar edge points (lidar frame, x y z weight) and the image's edge map
// (CV_32F in [0, 1], high on strong image edges).
struct EdgeFrame {
  std::vector<float> points;
  cv::Mat edge_map;
};

// Depth-discontinuity points of a scan in its recorded order (rings one after the other, azimuth increasing within a
// ring, as KITTI and most spinning-lidar drivers write them), each weighted by its discontinuity and placed
// half-way towards its farther neighbour (see EdgeOptions).
// Only points that the camera sees (depth range, inside the image with `margin_px`) under T_cam_from_lidar are kept.
std::vector<float> depth_edge_points(const PointCloud& cloud, const Eigen::Isometry3d& T_cam_from_lidar,
                                     const CameraIntrinsics& intrinsics, double margin_px, const EdgeOptions& options);

// Edge map of an image (gray or BGR 8-bit), see EdgeOptions.
cv::Mat edge_map_image(const cv::Mat& image, const EdgeOptions& options);

}  // namespace dc::core::calib_check

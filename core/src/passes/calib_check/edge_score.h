#pragma once
#include "dc/core/model/camera_intrinsics.h"
#include "dc/gpu/kernel_context.h"
#include "dc/gpu/types.h"

#include <Eigen/Geometry>
#include <opencv2/core/mat.hpp>
#include <span>
#include <vector>

namespace dc::core::calib_check {

dc::gpu::Pinhole to_pinhole(const CameraIntrinsics& intrinsics);
dc::gpu::Mat3x4f to_mat3x4f(const Eigen::Isometry3d& T);
dc::gpu::ImageViewf image_view(const cv::Mat& distance);  // CV_32F, continuous or not

// Calibration score of one frame (Levinson & Thrun): the discontinuity-weighted mean of the edge map at the
// projections of the lidar edge points (x y z weight) under T_cam_from_lidar; points that leave the image count 0.
// In [0, 1]; higher means better aligned; NaN when no point lands in the image. Runs the dc::gpu edge-score kernel
// (CUDA when present).
double edge_alignment(dc::gpu::KernelContext& ctx, std::span<const float> edge_points, const cv::Mat& edge_map,
                      const CameraIntrinsics& intrinsics, const Eigen::Isometry3d& T_cam_from_lidar);

// The same for many candidates at once (one kernel call): one score per candidate.
std::vector<double> edge_alignment(dc::gpu::KernelContext& ctx, std::span<const float> edge_points,
                                   const cv::Mat& edge_map, const CameraIntrinsics& intrinsics,
                                   std::span<const dc::gpu::Mat3x4f> candidates);

}  // namespace dc::core::calib_check

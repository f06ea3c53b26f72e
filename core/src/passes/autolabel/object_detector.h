#pragma once
#include "dc/core/model/point_cloud.h"
#include "dc/gpu/kernel_context.h"
#include "passes/autolabel/autolabel_settings.h"
#include "passes/autolabel/detection.h"
#include "passes/autolabel/detection_stats.h"

#include <vector>

namespace dc::core::autolabel {

// Objects in one sweep, without tracking: regional ground planes → the points between min and max height above
// the ground → Euclidean clusters (gpu kernel; clusters wider than a vehicle split at a finer tolerance) → L-shape
// footprint per cluster → class from size (no vehicle: a wall as high along all its length, a bush returning from
// inside its lower body) → box grown to the class's size where the lidar sees one side only, with
// the cluster's outline for tracking to refit. Lidar frame in and out.
class ObjectDetector {
 public:
  explicit ObjectDetector(const AutolabelSettings& settings) : settings_(settings) {}
  // `stats`, when given, receives the time per stage and the counts of this sweep.
  std::vector<Detection> detect(const PointCloud& cloud, dc::gpu::KernelContext& kernels,
                                DetectionStats* stats = nullptr) const;

 private:
  const AutolabelSettings& settings_;
};

}  // namespace dc::core::autolabel

#pragma once
#include "dc/core/data/drive_session.h"
#include "dc/core/model/point_cloud.h"

#include <dc/gpu/kernel_context.h>

#include <future>
#include <optional>
#include <vector>

namespace dc::core::eval {

// Which reference boxes of a sample have fewer than `min_points` lidar points inside (min_gt_points): the sample's
// point cloud is read through the session and counted with the points-in-boxes kernel, as label-qa does. Samples
// are asked in order; the next sample's cloud is read in the background meanwhile (reading dominates the cost).
class ReferencePointCounter {
 public:
  ReferencePointCounter(const DriveSession& session, int min_points, unsigned threads);
  ~ReferencePointCounter();

  // One flag per box: fewer points than min_points. All false when the sample has no readable cloud (counted).
  std::vector<bool> too_few_points(int sample, const std::vector<const BoxLabel*>& boxes);
  int samples_without_cloud() const { return samples_without_cloud_; }

 private:
  std::optional<PointCloud> cloud_of(int sample);

  const DriveSession& session_;
  int min_points_;
  dc::gpu::KernelContext kernels_;
  int prefetched_sample_ = -1;
  std::future<std::optional<PointCloud>> prefetch_;
  int samples_without_cloud_ = 0;
};

}  // namespace dc::core::eval

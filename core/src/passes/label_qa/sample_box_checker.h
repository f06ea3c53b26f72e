#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/finding.h"
#include "dc/core/model/point_cloud.h"
#include "passes/label_qa/label_qa_settings.h"

#include <dc/gpu/kernel_context.h>
#include <string>
#include <vector>

namespace dc::core::label_qa {

// The checks that need only one sample: box size against class priors, overlapping boxes, lidar points inside
// each box, and the box bottom against the sweep's ground plane.
class SampleBoxChecker {
 public:
  explicit SampleBoxChecker(const LabelQaSettings& settings) : settings_(settings) {}

  // `cloud` may be null (no readable sweep): then only the size and overlap checks run.
  void check(const std::vector<const BoxLabel*>& boxes, const PointCloud* cloud, dc::gpu::KernelContext& kernels,
             std::int64_t sample_key, const std::string& sensor, std::vector<Finding>& out) const;

 private:
  void check_size(const BoxLabel& box, std::int64_t sample_key, const std::string& sensor,
                  std::vector<Finding>& out) const;
  void check_overlaps(const std::vector<const BoxLabel*>& boxes, std::int64_t sample_key, const std::string& sensor,
                      std::vector<Finding>& out) const;
  void check_points(const std::vector<const BoxLabel*>& boxes, const PointCloud& cloud, dc::gpu::KernelContext& kernels,
                    std::int64_t sample_key, const std::string& sensor, std::vector<Finding>& out) const;
  void check_ground(const std::vector<const BoxLabel*>& boxes, const PointCloud& cloud, dc::gpu::KernelContext& kernels,
                    std::int64_t sample_key, const std::string& sensor, std::vector<Finding>& out) const;

  const LabelQaSettings& settings_;
};

}  // namespace dc::core::label_qa

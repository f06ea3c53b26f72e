#include "passes/eval/reference_point_counter.h"

#include "dc/core/io/payload_loader.h"

#include <dc/gpu/points_in_boxes.h>

namespace dc::core::eval {

namespace {

std::optional<PointCloud> read_cloud(const Frame* frame) {
  if (!frame) return std::nullopt;
  try {
    return load_point_cloud(*frame);
  } catch (const std::exception&) {
    return std::nullopt;  // counted by the caller; a missing cloud must not stop the evaluation
  }
}

}  // namespace

ReferencePointCounter::ReferencePointCounter(const DriveSession& session, int min_points, unsigned threads)
    : session_(session), min_points_(min_points), kernels_(dc::gpu::BackendPreference::Auto, threads) {}

ReferencePointCounter::~ReferencePointCounter() {
  if (prefetch_.valid()) prefetch_.wait();
}

std::optional<PointCloud> ReferencePointCounter::cloud_of(int sample) {
  std::optional<PointCloud> cloud;
  if (prefetch_.valid() && prefetched_sample_ == sample) {
    cloud = prefetch_.get();
  } else {
    if (prefetch_.valid()) prefetch_.wait();
    prefetch_ = {};
    cloud = read_cloud(session_.lidar_frame(sample));
  }
  if (sample + 1 < session_.sample_count()) {
    prefetched_sample_ = sample + 1;
    prefetch_ = std::async(std::launch::async, read_cloud, session_.lidar_frame(sample + 1));
  }
  return cloud;
}

std::vector<bool> ReferencePointCounter::too_few_points(int sample, const std::vector<const BoxLabel*>& boxes) {
  std::vector<bool> out(boxes.size(), false);
  if (boxes.empty() || min_points_ <= 0) return out;
  const std::optional<PointCloud> cloud = cloud_of(sample);
  if (!cloud) {
    ++samples_without_cloud_;
    return out;
  }
  std::vector<dc::gpu::Box3f> gpu_boxes;
  for (const BoxLabel* b : boxes)
    gpu_boxes.push_back({static_cast<float>(b->center.x()), static_cast<float>(b->center.y()),
                         static_cast<float>(b->center.z()), static_cast<float>(b->length), static_cast<float>(b->width),
                         static_cast<float>(b->height), static_cast<float>(b->yaw)});
  dc::gpu::BoxResult result;
  dc::gpu::points_in_boxes(kernels_, cloud->xyzi, gpu_boxes, {}, result);
  for (std::size_t k = 0; k < boxes.size(); ++k) out[k] = static_cast<int>(result.counts[k]) < min_points_;
  return out;
}

}  // namespace dc::core::eval

#include "dc/core/data/point_box_membership.h"

#include "dc/gpu/kernel_context.h"
#include "dc/gpu/points_in_boxes.h"

namespace dc::core {

std::vector<std::int32_t> first_box_per_point(const PointCloud& cloud, const std::vector<BoxLabel>& boxes) {
  std::vector<std::int32_t> owner(cloud.size(), -1);
  if (boxes.empty() || cloud.size() == 0) return owner;
  std::vector<dc::gpu::Box3f> gpu_boxes;
  gpu_boxes.reserve(boxes.size());
  for (const auto& b : boxes)
    gpu_boxes.push_back({static_cast<float>(b.center.x()), static_cast<float>(b.center.y()),
                         static_cast<float>(b.center.z()), static_cast<float>(b.length), static_cast<float>(b.width),
                         static_cast<float>(b.height), static_cast<float>(b.yaw)});
  thread_local dc::gpu::KernelContext context;  // one per loader thread: a context serves one call at a time
  dc::gpu::BoxResult result;
  dc::gpu::points_in_boxes(context, cloud.xyzi, gpu_boxes, {.indices = true}, result);
  // Boxes are visited last to first so that the first box containing a point is the one left.
  for (std::size_t b = boxes.size(); b-- > 0;)
    for (std::uint32_t k = result.offsets[b]; k < result.offsets[b + 1]; ++k)
      owner[result.indices[k]] = static_cast<std::int32_t>(b);
  return owner;
}

}  // namespace dc::core

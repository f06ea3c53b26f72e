#include "passes/data_qc/neighbour_diffs.h"

#include "passes/data_qc/image_frame_stats.h"

namespace dc::core::data_qc {

void NeighbourDiffs::offer(int stream, std::size_t head, cv::Mat gray, bool is_tail) {
  const auto key = std::make_pair(stream, head);
  cv::Mat other;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(key);
    if (it == pending_.end() || it->second.is_tail == is_tail) {
      pending_[key] = {std::move(gray), is_tail};
      return;
    }
    other = std::move(it->second.image);
    pending_.erase(it);
  }
  // The difference itself runs outside the lock.
  const double diff = mean_abs_difference(gray, other);
  std::lock_guard lock(mutex_);
  results_[key] = diff;
}

}  // namespace dc::core::data_qc

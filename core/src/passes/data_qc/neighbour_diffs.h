#pragma once
#include <cstddef>
#include <map>
#include <mutex>
#include <utility>

#include <opencv2/core/mat.hpp>

namespace dc::core::data_qc {

// Frame-to-previous-frame differences of images decoded by different workers: whichever of two consecutive frames
// arrives first waits here, and is freed as soon as the pair is complete. Work goes out in time order, so only a
// few images wait at any moment.
class NeighbourDiffs {
 public:
  // `stream` identifies the sensor, `head` the position of the later frame of the pair.
  void offer_tail(int stream, std::size_t head, cv::Mat gray) { offer(stream, head, std::move(gray), true); }
  void offer_head(int stream, std::size_t head, cv::Mat gray) { offer(stream, head, std::move(gray), false); }
  // Differences of completed pairs: (stream, head position) -> mean absolute difference (-1: not comparable).
  const std::map<std::pair<int, std::size_t>, double>& results() const { return results_; }

 private:
  struct Pending {
    cv::Mat image;
    bool is_tail = false;
  };
  void offer(int stream, std::size_t head, cv::Mat gray, bool is_tail);

  std::mutex mutex_;
  std::map<std::pair<int, std::size_t>, Pending> pending_;
  std::map<std::pair<int, std::size_t>, double> results_;
};

}  // namespace dc::core::data_qc

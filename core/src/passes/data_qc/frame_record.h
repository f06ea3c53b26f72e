#pragma once
#include "dc/core/model/frame.h"
#include "passes/data_qc/image_frame_stats.h"
#include "passes/data_qc/lidar_sweep_stats.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::core::data_qc {

// One frame's payload as the scan found it: missing, unreadable (with the loader's message), or measured.
struct FrameRecord {
  const Frame* frame = nullptr;
  bool missing = false;    // no payload file recorded
  std::string load_error;  // non-empty when loading failed
  std::optional<LidarSweepStats> lidar;
  std::optional<ImageFrameStats> image;

  bool measured() const { return lidar || image; }
};

// Sensor name -> its frames in the session's time order.
using ScanRecords = std::map<std::string, std::vector<FrameRecord>>;

}  // namespace dc::core::data_qc

#pragma once
#include "dc/core/model/frame.h"
#include "dc/core/model/point_cloud.h"

#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <opencv2/core/mat.hpp>
#include <string>

namespace dc::core {

// Loads the payload of a frame stored in an .mcap file (as McapDriveReader records it). Process-wide: a few open
// McapFileReaders, keyed by path (reopened when the file's size or time changes), each with its own chunk cache, so
// frames of one chunk decompress it once; each channel's ROS decoder is built once. Thread-safe.
class McapPayloadLoader {
 public:
  static McapPayloadLoader& instance();

  // Both throw ParseError naming the file: frame not found at its offsets (the file changed since ingest),
  // damaged chunk, wrong schema for the call, undecodable message.
  PointCloud point_cloud(const Frame& frame);
  cv::Mat image(const Frame& frame);  // 8-bit BGR or gray, as load_image

  void clear();  // closes every file (tests)
  static constexpr std::size_t kMaxOpenFiles = 8;

 private:
  struct OpenFile;
  struct Located;
  std::shared_ptr<OpenFile> open(const std::filesystem::path& file);
  Located locate(const Frame& frame);

  std::mutex mutex_;
  std::list<std::shared_ptr<OpenFile>> files_;  // most recently used first
};

// True for frames whose file is an .mcap container.
bool is_mcap_frame(const Frame& frame);

}  // namespace dc::core

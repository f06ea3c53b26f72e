#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/io/parse_error.h"

#include <filesystem>
#include <vector>

namespace dc::core {

struct TrackletParseResult {
  std::vector<BoxLabel> boxes;         // lidar frame; timestamp_ns left 0 for the caller to fill
  std::vector<ParseError> problems;    // tracklets or poses skipped, with their line
};

// Parses KITTI raw's tracklet_labels.xml (boost serialization archive). Poses are in the velodyne frame of
// each frame with tz at the box bottom. Throws ParseError (with tinyxml2's line) when the XML itself is broken or
// has no <tracklets> element.
TrackletParseResult parse_tracklets(const std::filesystem::path& file);

}  // namespace dc::core

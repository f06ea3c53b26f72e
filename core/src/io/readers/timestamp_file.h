#pragma once
#include "dc/core/model/ingest_error.h"
#include "dc/core/model/time_stamp.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dc::core {

struct TimestampLine {
  std::int64_t index = 0;  // frame index: line k (1-based) is frame k-1
  TimestampNs timestamp_ns = 0;
  int line = 0;
};

// Reads a KITTI timestamps.txt. A line that is not a timestamp is reported and skipped (its index stays
// unused); a step backwards is reported and the frame kept. Throws ParseError when the file cannot be opened.
std::vector<TimestampLine> read_timestamp_file(const std::filesystem::path& file, const std::string& drive,
                                               std::vector<IngestError>& errors);

}  // namespace dc::core

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

// Reads a KITTI timestamps.txt. Line k belongs to frame k-1 whatever comes before it: a blank or bad line is
// reported and only that frame has no timestamp; a step backwards is reported and the frame kept. Times are
// wall-clock in `time_zone` (IANA name, "" = UTC) and returned as UTC. Throws ParseError when the file is not a
// readable regular file (never opens a FIFO) or the zone is unknown.
std::vector<TimestampLine> read_timestamp_file(const std::filesystem::path& file, const std::string& drive,
                                               std::vector<IngestError>& errors, const std::string& time_zone = {});

}  // namespace dc::core

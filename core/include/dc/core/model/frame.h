#pragma once
#include "dc/core/model/time_stamp.h"

#include <cstdint>
#include <optional>
#include <string>

namespace dc::core {

// One sensor message. The payload stays in its file; the frame says where it is.
struct Frame {
  std::string sensor;        // sensor name
  std::int64_t index = 0;    // index within the sensor's stream (KITTI: file number)
  TimestampNs timestamp_ns = 0;
  std::string file;          // absolute path of the payload file ("" when the payload is missing)
  std::uint64_t offset = 0;  // byte offset of the message in file
  std::uint64_t size = 0;    // byte size (0 when unknown or missing)
  // MCAP: offset of the Message record in its decompressed chunk (offset is then the Chunk record's); 0 otherwise.
  std::uint64_t inner_offset = 0;
  // Second and third clocks of containers that record them (MCAP log_time and publish_time); none elsewhere.
  std::optional<TimestampNs> log_time_ns = std::nullopt;
  std::optional<TimestampNs> publish_time_ns = std::nullopt;
};

}  // namespace dc::core

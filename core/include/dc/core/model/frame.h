#pragma once
#include "dc/core/model/time_stamp.h"

#include <cstdint>
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
};

}  // namespace dc::core

// ROS message definitions from MCAP schema records: input = flags byte, schema name line, schema text, NUL, message
// bytes. RosMessageDecoder::from_schema (ros1msg/ros1 or ros2msg/cdr), then decode and read every value.
#include "dc/core/io/parse_error.h"
#include "fuzz_support.h"
#include "io/readers/ros/ros_message_decoder.h"
#include "ros_walk.h"

#include <algorithm>
#include <span>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool ros2 = (data[0] & 1) != 0;
  const std::uint8_t* begin = data + 1;
  const std::uint8_t* end = data + size;
  const std::uint8_t* nul = std::find(begin, end, std::uint8_t{0});
  const std::string_view all(reinterpret_cast<const char*>(begin), static_cast<std::size_t>(nul - begin));
  const std::size_t eol = std::min(all.find('\n'), all.size());
  const std::string_view name = all.substr(0, eol);
  const std::string_view text = all.substr(std::min(eol + 1, all.size()));
  const std::span<const std::uint8_t> bytes(nul == end ? end : nul + 1, end);
  try {
    const auto decoder = dc::core::RosMessageDecoder::from_schema(name, ros2 ? "ros2msg" : "ros1msg", text,
                                                                  ros2 ? "cdr" : "ros1");
    const dc::core::RosMessage msg = decoder.decode(bytes);
    dc::fuzz::walk_message(msg);
  } catch (const dc::core::ParseError&) {
  }
  return 0;
}

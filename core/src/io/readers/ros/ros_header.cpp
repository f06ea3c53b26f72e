#include "io/readers/ros/ros_header.h"

namespace dc::core {

TimestampNs ros_time_to_ns(const RosValue& time) {
  const std::int64_t sec = time.field("sec").as_int();
  auto nsec = time.find_field("nanosec");
  if (!nsec) nsec = time.field("nsec");
  // |sec| < 2^32 and nsec < 2^32: the sum stays far inside int64.
  return sec * 1'000'000'000 + nsec->as_int();
}

RosHeader read_ros_header(const RosValue& header) {
  RosHeader h;
  h.stamp_ns = ros_time_to_ns(header.field("stamp"));
  h.frame_id = normalize_frame_id(header.field("frame_id").as_string());
  return h;
}

std::string normalize_frame_id(std::string_view frame_id) {
  while (!frame_id.empty() && frame_id.front() == '/') frame_id.remove_prefix(1);
  return std::string(frame_id);
}

}  // namespace dc::core

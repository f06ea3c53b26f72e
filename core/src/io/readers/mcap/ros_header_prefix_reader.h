#pragma once
#include "io/readers/ros/ros_header.h"
#include "io/readers/ros/ros_msg_definition.h"
#include "io/readers/ros/ros_wire_cursor.h"

#include <filesystem>
#include <optional>
#include <span>
#include <vector>

namespace dc::core {

// Reads only the leading std_msgs/Header of a serialized message (stamp and frame_id), so ingest can time a 2 MB
// point cloud without walking its fields. Built from the channel's definition: available only when the message's
// first field is a std_msgs/Header made of scalars, a time and a string (ROS 1 seq/stamp/frame_id, ROS 2
// stamp/frame_id).
class RosHeaderPrefixReader {
 public:
  // nullopt when the definition does not start with a Header of that shape.
  static std::optional<RosHeaderPrefixReader> for_definition(const RosMsgDefinition& definition,
                                                             RosWireEncoding encoding);

  // Throws ParseError(source, "byte N: ...") when the bytes end inside the header.
  RosHeader read(std::span<const std::uint8_t> bytes, const std::filesystem::path& source) const;

 private:
  enum class Step { Skip, Time, FrameId };
  struct Item {
    Step step = Step::Skip;
    std::size_t size = 0;       // Skip: bytes of the scalar
    bool signed_sec = false;    // Time: ROS 2 int32 sec
  };
  RosHeaderPrefixReader(std::vector<Item> items, RosWireEncoding encoding)
      : items_(std::move(items)), encoding_(encoding) {}

  std::vector<Item> items_;
  RosWireEncoding encoding_;
};

}  // namespace dc::core

#pragma once
#include "io/readers/ros/ros_message.h"
#include "io/readers/ros/ros_msg_definition.h"
#include "io/readers/ros/ros_wire_cursor.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>

namespace dc::core {

// Decodes serialized ROS messages of one definition (one MCAP channel): walks the definition over the bytes once,
// checking every length and count against what is left, and records where each field lies. Nothing is copied;
// arrays of primitives (PointCloud2 data, Image data) stay one span. Reusable and thread-safe (const).
class RosMessageDecoder {
 public:
  RosMessageDecoder(std::shared_ptr<const RosMsgDefinition> definition, RosWireEncoding encoding);

  // From an MCAP schema and channel: schema encoding "ros1msg" or "ros2msg", message encoding "ros1" or "cdr".
  // Throws ParseError(source, ...) for other encodings, a mismatched pair or a malformed schema text.
  static RosMessageDecoder from_schema(std::string_view schema_name, std::string_view schema_encoding,
                                       std::string_view schema_text, std::string_view message_encoding,
                                       const std::filesystem::path& source = "ros schema");

  // The bytes must outlive the returned message and the values taken from it. Trailing bytes after the last field
  // are allowed (CDR pads). Throws ParseError(source, "byte N: ...") when the bytes do not hold the message.
  RosMessage decode(std::span<const std::uint8_t> bytes, const std::filesystem::path& source = "ros message") const;

  const RosMsgDefinition& definition() const { return *definition_; }
  RosWireEncoding encoding() const { return encoding_; }

 private:
  std::shared_ptr<const RosMsgDefinition> definition_;
  RosWireEncoding encoding_;
};

}  // namespace dc::core

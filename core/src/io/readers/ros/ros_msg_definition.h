#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dc::core {

// Schema flavours as MCAP names them: "ros1msg" (ROS 1 .msg full text) and "ros2msg" (ROS 2 .msg full text).
enum class RosSchemaDialect { Ros1, Ros2 };

// Wire types. byte/char map to Int8/UInt8 by dialect; ROS 1 time/duration become the two-field messages
// "time" {uint32 sec, uint32 nsec} and "duration" {int32 sec, int32 nsec}, so paths read the same in both dialects.
enum class RosPrimitive : std::uint8_t {
  Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float32, Float64, String, WString, Message
};

// Bytes of one element on the wire (0 for String, WString and Message: they have no fixed size).
std::size_t primitive_size(RosPrimitive type);
const char* to_string(RosPrimitive type);

enum class RosArrayKind : std::uint8_t { None, Fixed, Bounded, Unbounded };

struct RosField {
  std::string name;
  RosPrimitive type = RosPrimitive::Message;
  std::uint32_t message_type = 0;  // index into RosMsgDefinition::types() when type == Message
  RosArrayKind array = RosArrayKind::None;
  std::uint32_t array_size = 0;    // N of T[N], bound of T[<=N]
  std::uint32_t string_bound = 0;  // N of string<=N (0: unbounded); informative only
};

struct RosMessageType {
  std::string name;  // "package/Type" ("msg/" dropped), or "time"/"duration"
  std::vector<RosField> fields;
  std::uint64_t min_wire_size = 0;  // fewest bytes one instance takes (saturating), for bounds checks of counts
  std::uint32_t nesting = 1;        // levels of messages including this one (at most 32)
};

// One message definition with its dependencies, parsed from a schema text: the main type's fields, then sections
// separated by a line of '=' and headed `MSG: pkg/Type` (or `MSG: pkg/msg/Type`). Comments, constants and ROS 2
// default values are skipped. Short type names resolve against the package of the section they appear in, `Header`
// against std_msgs. ROS 2 builtin_interfaces/Time and Duration are known even without their sections.
class RosMsgDefinition {
 public:
  // `type_name` is the schema name ("sensor_msgs/msg/PointCloud2" or "sensor_msgs/PointCloud2"). Throws
  // ParseError(source, line of `text`, ...) on malformed lines, unknown or recursive types, nesting deeper than 32.
  static RosMsgDefinition parse(std::string_view type_name, std::string_view text, RosSchemaDialect dialect,
                                const std::filesystem::path& source = "ros schema");

  const RosMessageType& root() const { return types_.front(); }
  const RosMessageType& type(std::uint32_t index) const { return types_.at(index); }
  const std::vector<RosMessageType>& types() const { return types_; }
  RosSchemaDialect dialect() const { return dialect_; }

 private:
  std::vector<RosMessageType> types_;  // [0] is the root
  RosSchemaDialect dialect_ = RosSchemaDialect::Ros2;
};

// "sensor_msgs/msg/PointCloud2" -> "sensor_msgs/PointCloud2"; anything else unchanged.
std::string normalize_ros_type_name(std::string_view name);

}  // namespace dc::core

#pragma once
#include "io/readers/ros/ros_msg_definition.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dc::core {

class RosMessage;

// Where one field (or array element) of a decoded message lies in the bytes. Arrays of primitives are one node
// (offset of the first element, count), so a 2 MB uint8[] costs one node and no copy.
struct RosNode {
  const RosField* field = nullptr;  // null for the root message
  RosPrimitive type = RosPrimitive::Message;
  bool array = false;               // the node is a whole array
  std::uint32_t message_type = 0;   // index into the definition's types() when type == Message
  std::size_t offset = 0;           // first byte of the value / first element / first character
  std::uint32_t count = 0;          // array: elements; string: characters without NUL
  std::uint32_t first_child = 0;    // message: its fields; array of strings or messages: its elements
  std::uint32_t child_count = 0;
};

// A handle on one value of a RosMessage (a message, a field, an array or one array element). Cheap to copy; valid
// while its RosMessage (and the bytes that message views) live. Type mismatches and missing fields throw ParseError
// naming the message's source.
class RosValue {
 public:
  std::string_view name() const;       // field name ("" for the root)
  RosPrimitive type() const;           // element type for arrays
  bool is_array() const;               // a whole array (not one of its elements)
  bool is_message() const { return !is_array() && type() == RosPrimitive::Message; }
  const std::string& type_name() const;  // message type ("sensor_msgs/PointField"); throws for non-messages

  std::size_t size() const;                   // elements of an array
  RosValue operator[](std::size_t i) const;   // element i of an array (throws when out of range)
  RosValue field(std::string_view name) const;  // field of a message (throws when it has none of that name)
  std::optional<RosValue> find_field(std::string_view name) const;
  // Path of fields and indices from this value: "header.stamp.sec", "fields[2].name", "k[4]".
  RosValue at(std::string_view path) const;
  std::optional<RosValue> find(std::string_view path) const;

  bool as_bool() const;                  // bool or any integer (non-zero)
  std::int64_t as_int() const;           // bool or any integer; a uint64 above INT64_MAX throws
  std::uint64_t as_uint() const;         // bool or any non-negative integer
  double as_double() const;              // any numeric
  std::string_view as_string() const;    // string: a view into the message bytes
  std::span<const std::uint8_t> bytes() const;  // uint8/int8/bool array: its bytes in place
  std::vector<double> as_doubles() const;       // numeric array, converted element by element

 private:
  friend class RosMessage;
  static constexpr std::uint32_t kWhole = 0xffffffffu;
  RosValue(const RosMessage* message, std::uint32_t node, std::uint32_t element = kWhole)
      : message_(message), node_(node), element_(element) {}
  const RosNode& node() const;
  const std::uint8_t* scalar_bytes(const char* wanted) const;  // throws unless a primitive scalar
  [[noreturn]] void fail(const std::string& message) const;

  const RosMessage* message_;
  std::uint32_t node_;
  std::uint32_t element_;  // element of a primitive array, or kWhole
};

// One decoded message: the layout of every field over the bytes it was decoded from (not copied; they must outlive
// it). Made by RosMessageDecoder.
class RosMessage {
 public:
  RosValue root() const { return RosValue(this, 0); }
  RosValue at(std::string_view path) const { return root().at(path); }
  std::optional<RosValue> find(std::string_view path) const { return root().find(path); }

  const RosMsgDefinition& definition() const { return *definition_; }
  std::span<const std::uint8_t> bytes() const { return bytes_; }
  bool swap_bytes() const { return swap_; }  // CDR big endian
  const std::filesystem::path& source() const { return source_; }
  std::size_t node_count() const { return nodes_.size(); }

 private:
  friend class RosMessageDecoder;
  friend class RosValue;
  std::shared_ptr<const RosMsgDefinition> definition_;
  std::span<const std::uint8_t> bytes_;
  std::filesystem::path source_;
  bool swap_ = false;
  std::vector<RosNode> nodes_;
};

}  // namespace dc::core

#include "io/readers/ros/ros_message_decoder.h"

#include "dc/core/io/parse_error.h"

namespace dc::core {

namespace {

// Upper bound on recorded nodes: a few per byte is far more than real messages need (one per field or string),
// and keeps hostile definitions (fixed arrays of empty messages) from growing memory without bytes to back them.
std::size_t node_budget(std::size_t bytes) { return 1024 + 8 * bytes; }

class Walker {
 public:
  Walker(const RosMsgDefinition& def, RosWireCursor& cursor, std::vector<RosNode>& nodes, std::size_t budget)
      : def_(def), cur_(cursor), nodes_(nodes), budget_(budget) {}

  void message(std::uint32_t index, std::uint32_t type) {
    const auto& fields = def_.type(type).fields;
    nodes_[index].type = RosPrimitive::Message;
    nodes_[index].message_type = type;
    nodes_[index].offset = cur_.offset();
    const std::uint32_t first = push(fields.size());
    nodes_[index].first_child = first;
    nodes_[index].child_count = static_cast<std::uint32_t>(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) field(first + static_cast<std::uint32_t>(i), fields[i]);
  }

 private:
  std::uint32_t push(std::uint64_t n) {
    if (n > budget_ - nodes_.size())
      cur_.fail("message structure too large for its " + std::to_string(budget_) + "-node budget");
    const auto first = static_cast<std::uint32_t>(nodes_.size());
    nodes_.resize(nodes_.size() + static_cast<std::size_t>(n));
    return first;
  }

  void field(std::uint32_t index, const RosField& f) {
    nodes_[index].field = &f;
    nodes_[index].type = f.type;
    nodes_[index].message_type = f.message_type;
    if (f.array == RosArrayKind::None) {
      scalar(index, f);
      return;
    }
    const std::uint64_t count = f.array == RosArrayKind::Fixed ? f.array_size : cur_.read_u32(f.name);
    nodes_[index].array = true;
    nodes_[index].count = static_cast<std::uint32_t>(count);
    const std::size_t size = primitive_size(f.type);
    if (size > 0) {
      nodes_[index].offset = cur_.skip_elements(count, size, f.name);
      return;
    }
    // Strings and messages: one node per element, each at least min bytes long.
    const std::uint64_t min = f.type == RosPrimitive::Message ? def_.type(f.message_type).min_wire_size : 4;
    if (min > 0 && count > cur_.remaining() / min)
      cur_.fail("truncated: array '" + f.name + "' claims " + std::to_string(count) + " elements of at least " +
                std::to_string(min) + " bytes, " + std::to_string(cur_.remaining()) + " bytes left");
    nodes_[index].offset = cur_.offset();
    const std::uint32_t first = push(count);
    nodes_[index].first_child = first;
    nodes_[index].child_count = static_cast<std::uint32_t>(count);
    for (std::uint32_t k = 0; k < count; ++k) {
      nodes_[first + k].field = &f;
      nodes_[first + k].type = f.type;
      nodes_[first + k].message_type = f.message_type;
      scalar(first + k, f);
    }
  }

  void scalar(std::uint32_t index, const RosField& f) {
    switch (f.type) {
      case RosPrimitive::String: {
        const auto run = cur_.read_string(f.name);
        nodes_[index].offset = run.offset;
        nodes_[index].count = static_cast<std::uint32_t>(run.length);
        break;
      }
      case RosPrimitive::WString: {
        const auto run = cur_.read_wstring(f.name);
        nodes_[index].offset = run.offset;
        nodes_[index].count = static_cast<std::uint32_t>(run.length);
        break;
      }
      case RosPrimitive::Message: message(index, f.message_type); break;
      default: nodes_[index].offset = cur_.skip_elements(1, primitive_size(f.type), f.name); break;
    }
  }

  const RosMsgDefinition& def_;
  RosWireCursor& cur_;
  std::vector<RosNode>& nodes_;
  std::size_t budget_;
};

}  // namespace

RosMessageDecoder::RosMessageDecoder(std::shared_ptr<const RosMsgDefinition> definition, RosWireEncoding encoding)
    : definition_(std::move(definition)), encoding_(encoding) {
  if (!definition_) throw std::invalid_argument("RosMessageDecoder needs a definition");
}

RosMessageDecoder RosMessageDecoder::from_schema(std::string_view schema_name, std::string_view schema_encoding,
                                                 std::string_view schema_text, std::string_view message_encoding,
                                                 const std::filesystem::path& source) {
  RosSchemaDialect dialect;
  RosWireEncoding encoding;
  if (schema_encoding == "ros2msg") {
    dialect = RosSchemaDialect::Ros2;
    encoding = RosWireEncoding::Cdr;
    if (message_encoding != "cdr")
      throw ParseError(source, "schema encoding ros2msg with message encoding '" + std::string(message_encoding) +
                                   "' (expected cdr)");
  } else if (schema_encoding == "ros1msg") {
    dialect = RosSchemaDialect::Ros1;
    encoding = RosWireEncoding::Ros1;
    if (message_encoding != "ros1")
      throw ParseError(source, "schema encoding ros1msg with message encoding '" + std::string(message_encoding) +
                                   "' (expected ros1)");
  } else {
    throw ParseError(source, "schema encoding '" + std::string(schema_encoding) +
                                 "' is not a ROS .msg schema (expected ros1msg or ros2msg)");
  }
  return RosMessageDecoder(
      std::make_shared<const RosMsgDefinition>(RosMsgDefinition::parse(schema_name, schema_text, dialect, source)),
      encoding);
}

RosMessage RosMessageDecoder::decode(std::span<const std::uint8_t> bytes, const std::filesystem::path& source) const {
  RosMessage msg;
  msg.definition_ = definition_;
  msg.bytes_ = bytes;
  msg.source_ = source;
  RosWireCursor cursor(bytes, encoding_, msg.source_);
  msg.swap_ = cursor.swap_bytes();
  msg.nodes_.reserve(64);
  msg.nodes_.resize(1);
  Walker(*definition_, cursor, msg.nodes_, node_budget(bytes.size())).message(0, 0);
  return msg;
}

}  // namespace dc::core

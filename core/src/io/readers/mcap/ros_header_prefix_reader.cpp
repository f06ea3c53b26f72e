#include "io/readers/mcap/ros_header_prefix_reader.h"

namespace dc::core {

std::optional<RosHeaderPrefixReader> RosHeaderPrefixReader::for_definition(const RosMsgDefinition& definition,
                                                                           RosWireEncoding encoding) {
  const auto& root = definition.root();
  if (root.fields.empty()) return std::nullopt;
  const RosField& first = root.fields.front();
  if (first.type != RosPrimitive::Message || first.array != RosArrayKind::None) return std::nullopt;
  const RosMessageType& header = definition.type(first.message_type);
  if (header.name != "std_msgs/Header") return std::nullopt;

  std::vector<Item> items;
  bool have_stamp = false, have_frame_id = false;
  for (const RosField& f : header.fields) {
    if (f.array != RosArrayKind::None) return std::nullopt;
    if (f.type == RosPrimitive::Message) {
      // builtin_interfaces/Time {int32 sec, uint32 nanosec} or ROS 1 time {uint32 sec, uint32 nsec}.
      const RosMessageType& t = definition.type(f.message_type);
      if (f.name != "stamp" || t.fields.size() != 2) return std::nullopt;
      const RosField& sec = t.fields[0];
      const RosField& nsec = t.fields[1];
      if (sec.name != "sec" || (sec.type != RosPrimitive::Int32 && sec.type != RosPrimitive::UInt32) ||
          sec.array != RosArrayKind::None || (nsec.name != "nanosec" && nsec.name != "nsec") ||
          nsec.type != RosPrimitive::UInt32 || nsec.array != RosArrayKind::None)
        return std::nullopt;
      items.push_back({Step::Time, 0, sec.type == RosPrimitive::Int32});
      have_stamp = true;
    } else if (f.type == RosPrimitive::String) {
      if (f.name != "frame_id") return std::nullopt;
      items.push_back({Step::FrameId, 0, false});
      have_frame_id = true;
    } else if (primitive_size(f.type) > 0) {
      items.push_back({Step::Skip, primitive_size(f.type), false});  // ROS 1 seq
    } else {
      return std::nullopt;
    }
  }
  if (!have_stamp || !have_frame_id) return std::nullopt;
  return RosHeaderPrefixReader(std::move(items), encoding);
}

RosHeader RosHeaderPrefixReader::read(std::span<const std::uint8_t> bytes, const std::filesystem::path& source) const {
  RosWireCursor cursor(bytes, encoding_, source);
  RosHeader header;
  for (const Item& item : items_) {
    switch (item.step) {
      case Step::Skip:
        cursor.skip_elements(1, item.size, "header field");
        break;
      case Step::Time: {
        const std::uint32_t sec = cursor.read_u32("header.stamp.sec");
        const std::uint32_t nsec = cursor.read_u32("header.stamp.nanosec");
        const std::int64_t s = item.signed_sec ? std::int64_t(static_cast<std::int32_t>(sec)) : std::int64_t(sec);
        header.stamp_ns = s * 1'000'000'000 + std::int64_t(nsec);
        break;
      }
      case Step::FrameId: {
        const auto run = cursor.read_string("header.frame_id");
        header.frame_id = normalize_frame_id(
            std::string_view(reinterpret_cast<const char*>(bytes.data()) + run.offset, run.length));
        break;
      }
    }
  }
  return header;
}

}  // namespace dc::core

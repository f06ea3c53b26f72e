#include "export/kitti_tracklet_text.h"

#include "io/boost_xml_archive.h"

#include <algorithm>
#include <charconv>
#include <tuple>

namespace dc::core {

namespace {

// Numeric track ids sort as numbers ("2" before "10"), others after them as text.
auto track_order(const std::string& id) {
  const bool numeric = !id.empty() && id.size() < 18 && id.find_first_not_of("0123456789") == std::string::npos;
  return std::make_tuple(!numeric, numeric ? std::stoll(id) : 0LL, id);
}

auto group_key(const BoxLabel& b) {
  return std::make_tuple(static_cast<int>(b.source), b.source_name, b.run_id.value_or(-1), b.track_id.empty(),
                         track_order(b.track_id), b.track_id.empty() ? b.id : 0, b.frame_index);
}

// printf's %.17g, without printf's cost (the XML of a long drive holds hundreds of thousands of numbers).
std::string number(double v) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 17);
  return std::string(buf, r.ptr);
}


}  // namespace

std::vector<ExportTracklet> group_into_tracklets(std::vector<BoxLabel> boxes) {
  // Keys computed once per box, not once per comparison.
  using Key = decltype(group_key(boxes.front()));
  std::vector<std::pair<Key, std::size_t>> order;
  order.reserve(boxes.size());
  for (std::size_t i = 0; i < boxes.size(); ++i) order.emplace_back(group_key(boxes[i]), i);
  std::sort(order.begin(), order.end());
  std::vector<ExportTracklet> out;
  const BoxLabel* previous = nullptr;
  for (const auto& [key, i] : order) {
    const BoxLabel& b = boxes[i];
    const bool continues = previous && !b.track_id.empty() && previous->track_id == b.track_id &&
                           previous->source == b.source && previous->source_name == b.source_name &&
                           previous->run_id == b.run_id && previous->frame_index + 1 == b.frame_index &&
                           previous->category == b.category && previous->length == b.length &&
                           previous->width == b.width && previous->height == b.height;
    if (!continues) out.push_back({b.category, b.height, b.width, b.length, b.frame_index, {}});
    out.back().boxes.push_back(b);
    previous = &out.back().boxes.back();
  }
  return out;
}

std::string kitti_tracklet_xml(const std::vector<ExportTracklet>& tracklets) {
  BoostXmlArchive a(number);
  a.printer().PushDeclaration("xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ");
  a.printer().PushUnknown("DOCTYPE boost_serialization");
  a.open("boost_serialization");
  a.printer().PushAttribute("signature", "serialization::archive");
  a.printer().PushAttribute("version", 9);
  a.open_class("tracklets", 0, 0);
  a.element("count", static_cast<long long>(tracklets.size()));
  a.element("item_version", 1LL);
  bool first_tracklet = true, first_pose = true;
  for (const ExportTracklet& t : tracklets) {
    if (first_tracklet) a.open_class("item", 1, 1);
    else a.open("item");
    a.element("objectType", t.object_type.empty() ? std::string("Unknown") : t.object_type);
    a.element("h", t.h);
    a.element("w", t.w);
    a.element("l", t.l);
    a.element("first_frame", static_cast<long long>(t.first_frame));
    if (first_tracklet) a.open_class("poses", 2, 0);
    else a.open("poses");
    first_tracklet = false;
    a.element("count", static_cast<long long>(t.boxes.size()));
    a.element("item_version", 2LL);
    for (const BoxLabel& b : t.boxes) {
      if (first_pose) a.open_class("item", 3, 2);
      else a.open("item");
      first_pose = false;
      a.element("tx", b.center.x());
      a.element("ty", b.center.y());
      a.element("tz", b.center.z() - b.height / 2);
      a.element("rx", 0.0);
      a.element("ry", 0.0);
      a.element("rz", b.yaw);
      a.element("state", 1LL);
      a.element("occlusion", static_cast<long long>(b.occlusion));
      a.element("occlusion_kf", 0LL);
      a.element("truncation", static_cast<long long>(b.truncation_state));
      a.element("amt_occlusion", -1.0);
      a.element("amt_occlusion_kf", -1LL);
      a.element("amt_border_l", -1.0);
      a.element("amt_border_r", -1.0);
      a.element("amt_border_kf", -1LL);
      a.close();
    }
    a.close();  // poses
    a.element("finished", 1LL);
    a.close();  // item
  }
  a.close();  // tracklets
  a.close();  // boost_serialization
  return std::string(a.printer().CStr(), static_cast<std::size_t>(a.printer().CStrSize() - 1));
}

}  // namespace dc::core

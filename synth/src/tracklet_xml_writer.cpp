#include "tracklet_xml_writer.h"

#include "number_format.h"

#include "io/boost_xml_archive.h"

namespace dc::core::generator {

namespace {

std::string fixed16(double v) { return format_fixed(v, 16); }

}  // namespace

std::string TrackletXmlWriter::write(const std::vector<Tracklet>& tracklets) {
  BoostXmlArchive a(fixed16);
  a.printer().PushDeclaration("xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ");
  a.printer().PushUnknown("DOCTYPE boost_serialization");
  a.open("boost_serialization");
  a.printer().PushAttribute("signature", "serialization::archive");
  a.printer().PushAttribute("version", 9);
  a.open_class("tracklets", 0, 0);
  a.element("count", static_cast<int>(tracklets.size()));
  a.element("item_version", 1);
  bool first_tracklet = true, first_pose = true;
  for (const Tracklet& t : tracklets) {
    if (first_tracklet) a.open_class("item", 1, 1);
    else a.open("item");
    a.element("objectType", t.object_type);
    a.element("h", t.h);
    a.element("w", t.w);
    a.element("l", t.l);
    a.element("first_frame", t.first_frame);
    if (first_tracklet) a.open_class("poses", 2, 0);
    else a.open("poses");
    first_tracklet = false;
    a.element("count", static_cast<int>(t.poses.size()));
    a.element("item_version", 2);
    for (const Pose& p : t.poses) {
      if (first_pose) a.open_class("item", 3, 2);
      else a.open("item");
      first_pose = false;
      a.element("tx", p.tx);
      a.element("ty", p.ty);
      a.element("tz", p.tz);
      a.element("rx", p.rx);
      a.element("ry", p.ry);
      a.element("rz", p.rz);
      a.element("state", p.state);
      a.element("occlusion", p.occlusion);
      a.element("occlusion_kf", p.occlusion_kf);
      a.element("truncation", p.truncation);
      a.element("amt_occlusion", p.amt_occlusion);
      a.element("amt_occlusion_kf", p.amt_occlusion_kf);
      a.element("amt_border_l", p.amt_border_l);
      a.element("amt_border_r", p.amt_border_r);
      a.element("amt_border_kf", p.amt_border_kf);
      a.close();
    }
    a.close();  // poses
    a.element("finished", 1);
    a.close();  // item
  }
  a.close();  // tracklets
  a.close();  // boost_serialization
  return std::string(a.printer().CStr(), static_cast<std::size_t>(a.printer().CStrSize() - 1));
}

}  // namespace dc::core::generator

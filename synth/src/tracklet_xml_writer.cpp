#include "tracklet_xml_writer.h"

#include "number_format.h"

namespace dc::core::generator {

namespace {
void element(std::string& out, const char* indent, const char* name, const std::string& value) {
  out += indent;
  out += '<';
  out += name;
  out += '>';
  out += value;
  out += "</";
  out += name;
  out += ">\n";
}
void element(std::string& out, const char* indent, const char* name, double value) {
  element(out, indent, name, format_fixed(value, 16));
}
void element(std::string& out, const char* indent, const char* name, int value) {
  element(out, indent, name, std::to_string(value));
}
}  // namespace

std::string TrackletXmlWriter::write(const std::vector<Tracklet>& tracklets) {
  // boost::serialization names a class (class_id, tracking_level, version) only where it first occurs.
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>\n"
      "<!DOCTYPE boost_serialization>\n"
      "<boost_serialization signature=\"serialization::archive\" version=\"9\">\n"
      "<tracklets class_id=\"0\" tracking_level=\"0\" version=\"0\">\n";
  element(out, "\t", "count", static_cast<int>(tracklets.size()));
  element(out, "\t", "item_version", 1);
  bool first_tracklet = true, first_pose = true;
  for (const Tracklet& t : tracklets) {
    out += first_tracklet ? "\t<item class_id=\"1\" tracking_level=\"0\" version=\"1\">\n" : "\t<item>\n";
    element(out, "\t\t", "objectType", t.object_type);
    element(out, "\t\t", "h", t.h);
    element(out, "\t\t", "w", t.w);
    element(out, "\t\t", "l", t.l);
    element(out, "\t\t", "first_frame", t.first_frame);
    out += first_tracklet ? "\t\t<poses class_id=\"2\" tracking_level=\"0\" version=\"0\">\n" : "\t\t<poses>\n";
    first_tracklet = false;
    element(out, "\t\t\t", "count", static_cast<int>(t.poses.size()));
    element(out, "\t\t\t", "item_version", 2);
    for (const Pose& p : t.poses) {
      out += first_pose ? "\t\t\t<item class_id=\"3\" tracking_level=\"0\" version=\"2\">\n" : "\t\t\t<item>\n";
      first_pose = false;
      const char* in = "\t\t\t\t";
      element(out, in, "tx", p.tx);
      element(out, in, "ty", p.ty);
      element(out, in, "tz", p.tz);
      element(out, in, "rx", p.rx);
      element(out, in, "ry", p.ry);
      element(out, in, "rz", p.rz);
      element(out, in, "state", p.state);
      element(out, in, "occlusion", p.occlusion);
      element(out, in, "occlusion_kf", p.occlusion_kf);
      element(out, in, "truncation", p.truncation);
      element(out, in, "amt_occlusion", p.amt_occlusion);
      element(out, in, "amt_occlusion_kf", p.amt_occlusion_kf);
      element(out, in, "amt_border_l", p.amt_border_l);
      element(out, in, "amt_border_r", p.amt_border_r);
      element(out, in, "amt_border_kf", p.amt_border_kf);
      out += "\t\t\t</item>\n";
    }
    out += "\t\t</poses>\n";
    element(out, "\t\t", "finished", 1);
    out += "\t</item>\n";
  }
  out += "</tracklets>\n</boost_serialization>\n";
  return out;
}

}  // namespace dc::core::generator

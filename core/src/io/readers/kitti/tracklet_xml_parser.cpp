#include "io/readers/kitti/tracklet_xml_parser.h"

#include "io/readers/file_check.h"
#include "io/readers/text_util.h"

#include <cmath>

#include <tinyxml2.h>

namespace dc::core {

namespace {

using tinyxml2::XMLElement;

// Reads <name>number</name> under `parent`; throws ParseError naming the element's line.
double number(const XMLElement* parent, const char* name, const std::filesystem::path& file) {
  const XMLElement* e = parent->FirstChildElement(name);
  if (!e) throw ParseError(file, parent->GetLineNum(), std::string("<") + parent->Name() + "> has no <" + name + ">");
  const char* text = e->GetText();
  double value = 0;
  if (!text || !parse_double(trim(text), value))
    throw ParseError(file, e->GetLineNum(),
                     std::string("<") + name + "> '" + shorten(text ? text : "") + "' " +
                         number_problem(text ? trim(text) : std::string()));
  return value;
}

// Reads a state code (<truncation>, <occlusion>): KITTI's devkit uses -1 (unset) .. 99 (ignore). Checked before the
// conversion to int, which is undefined for values out of int's range.
int state_code(const XMLElement* parent, const char* name, const std::filesystem::path& file) {
  const double value = number(parent, name, file);
  if (value < -1 || value > 99 || value != std::trunc(value))
    throw ParseError(file, parent->FirstChildElement(name)->GetLineNum(),
                     std::string("<") + name + "> must be an integer from -1 to 99");
  return static_cast<int>(value);
}

std::string text_of(const XMLElement* parent, const char* name, const std::filesystem::path& file) {
  const XMLElement* e = parent->FirstChildElement(name);
  if (!e || !e->GetText())
    throw ParseError(file, parent->GetLineNum(), std::string("<") + parent->Name() + "> has no <" + name + ">");
  return trim(e->GetText());
}

// tinyxml2's ErrorStr() reads "Error=XML_ERROR_... ErrorID=14 (0xe) Line number=5: detail"; keep it short.
std::string describe(const tinyxml2::XMLDocument& doc) {
  std::string what;
  switch (doc.ErrorID()) {
    case tinyxml2::XML_ERROR_MISMATCHED_ELEMENT: what = "element not closed or closed by the wrong tag"; break;
    case tinyxml2::XML_ERROR_PARSING_ELEMENT: what = "cannot parse element"; break;
    case tinyxml2::XML_ERROR_PARSING_ATTRIBUTE: what = "cannot parse attribute"; break;
    case tinyxml2::XML_ERROR_PARSING_TEXT: what = "cannot parse text"; break;
    case tinyxml2::XML_ERROR_PARSING_COMMENT: what = "cannot parse comment"; break;
    case tinyxml2::XML_ERROR_EMPTY_DOCUMENT: what = "empty document"; break;
    default: what = doc.ErrorName(); break;
  }
  const std::string full = doc.ErrorStr() ? doc.ErrorStr() : "";
  const auto colon = full.find(": ");
  if (colon != std::string::npos) what += " (" + full.substr(colon + 2) + ")";
  return what;
}

}  // namespace

TrackletParseResult parse_tracklets(const std::filesystem::path& file) {
  require_regular_file(file, "cannot open tracklet file");
  tinyxml2::XMLDocument doc;
  const tinyxml2::XMLError rc = doc.LoadFile(file.string().c_str());
  if (rc == tinyxml2::XML_ERROR_FILE_NOT_FOUND || rc == tinyxml2::XML_ERROR_FILE_COULD_NOT_BE_OPENED ||
      rc == tinyxml2::XML_ERROR_FILE_READ_ERROR)
    throw ParseError(file, "cannot open tracklet file");
  if (rc != tinyxml2::XML_SUCCESS) throw ParseError(file, doc.ErrorLineNum(), "malformed XML: " + describe(doc));

  // KITTI wraps <tracklets> in <boost_serialization>; accept it bare too.
  const XMLElement* root = doc.RootElement();
  const XMLElement* tracklets = nullptr;
  if (root && std::string(root->Name()) == "tracklets")
    tracklets = root;
  else if (root)
    tracklets = root->FirstChildElement("tracklets");
  if (!tracklets) throw ParseError(file, root ? root->GetLineNum() : 0, "no <tracklets> element");

  TrackletParseResult result;
  int index = 0;
  for (const XMLElement* item = tracklets->FirstChildElement("item"); item;
       item = item->NextSiblingElement("item"), ++index) {
    try {
      const std::string category = text_of(item, "objectType", file);
      const double h = number(item, "h", file), w = number(item, "w", file), l = number(item, "l", file);
      const double first_frame = number(item, "first_frame", file);
      if (h <= 0 || w <= 0 || l <= 0 || h > 100 || w > 100 || l > 100)
        throw ParseError(file, item->GetLineNum(), "tracklet " + std::to_string(index) + " has a size outside (0, 100] m");
      if (first_frame < 0 || first_frame > 1e9 || first_frame != static_cast<double>(static_cast<long long>(first_frame)))
        throw ParseError(file, item->FirstChildElement("first_frame")->GetLineNum(),
                         "<first_frame> must be a non-negative integer");
      const XMLElement* poses = item->FirstChildElement("poses");
      if (!poses) throw ParseError(file, item->GetLineNum(), "<item> has no <poses>");

      std::vector<BoxLabel> boxes;
      long long k = 0;
      for (const XMLElement* p = poses->FirstChildElement("item"); p; p = p->NextSiblingElement("item"), ++k) {
        BoxLabel b;
        b.frame_index = static_cast<std::int64_t>(first_frame) + k;
        // tz is the bottom of the box; BoxLabel wants the geometric center.
        b.center = {number(p, "tx", file), number(p, "ty", file), number(p, "tz", file) + h / 2};
        b.length = l;
        b.width = w;
        b.height = h;
        b.yaw = number(p, "rz", file);
        // Same plausibility limits as KITTI object labels: an absurd pose must not reach the 3D view.
        if (b.center.cwiseAbs().maxCoeff() > 1000 || std::abs(b.yaw) > 7)
          throw ParseError(file, p->GetLineNum(), "pose " + std::to_string(k) + " out of range (|t| <= 1000 m, |rz| <= 2pi)");
        b.category = category;
        b.track_id = std::to_string(index);
        b.source = LabelSource::GroundTruth;
        if (p->FirstChildElement("truncation")) b.truncation_state = state_code(p, "truncation", file);
        if (p->FirstChildElement("occlusion")) b.occlusion = state_code(p, "occlusion", file);
        boxes.push_back(std::move(b));
      }
      result.boxes.insert(result.boxes.end(), boxes.begin(), boxes.end());
    } catch (const ParseError& e) {
      // One broken tracklet costs only itself.
      result.problems.emplace_back(e.file(), e.line(),
                                   e.message() + "; tracklet " + std::to_string(index) + " skipped");
    }
  }
  return result;
}

}  // namespace dc::core

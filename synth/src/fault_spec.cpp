#include "dc/synth/fault_spec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numbers>
#include <stdexcept>
#include <string_view>
#include <system_error>

namespace dc::core {

namespace {

struct KindInfo {
  const char* name;
  FaultKind kind;
  const char* usage;
};

constexpr KindInfo kKinds[] = {
    {"drop", FaultKind::Drop, "drop:SENSOR:A-B"},
    {"time-jump", FaultKind::TimeJump, "time-jump:SENSOR:FRAME:+0.35s"},
    {"time-jitter", FaultKind::TimeJitter, "time-jitter:SENSOR:20ms"},
    {"duplicate-time", FaultKind::DuplicateTime, "duplicate-time:SENSOR:FRAME"},
    {"dead-rings", FaultKind::DeadRings, "dead-rings:velodyne_points:A-B:3,17"},
    {"nan-points", FaultKind::NanPoints, "nan-points:velodyne_points:FRAME:N"},
    {"black", FaultKind::Black, "black:CAMERA:FRAME"},
    {"overexposed", FaultKind::Overexposed, "overexposed:CAMERA:FRAME"},
    {"blur", FaultKind::Blur, "blur:CAMERA:FRAME"},
    {"frozen", FaultKind::Frozen, "frozen:CAMERA:A-B"},
    {"truncate", FaultKind::Truncate, "truncate:SENSOR:FRAME"},
    {"gnss-jump", FaultKind::GnssJump, "gnss-jump:FRAME:4m"},
    {"heading-jump", FaultKind::HeadingJump, "heading-jump:FRAME:30deg"},
    {"calib-drift", FaultKind::CalibDrift, "calib-drift:CAMERA:from=FRAME:yaw=0.8deg:x=0.05m"},
};

const KindInfo& info_of(FaultKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k;
  throw std::logic_error("fault kind without a name");
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = text.find(sep, begin);
    parts.push_back(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) return parts;
    begin = end + 1;
  }
}

// Everything about one spec being parsed, so each error can name the spec.
class SpecParser {
 public:
  SpecParser(const std::string& text, const DriveShape& drive) : text_(text), drive_(drive) {}

  FaultSpec parse();

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument("invalid fault spec '" + text_ + "': " + what);
  }
  void expect_fields(std::size_t count) const {
    if (parts_.size() != count)
      fail("expected " + std::to_string(count) + " ':'-separated fields (" + info_of(spec_.kind).usage + "), got " +
           std::to_string(parts_.size()));
  }
  int integer(std::string_view field, const char* what) const;
  int frame(std::string_view field) const;
  void frame_range(std::string_view field);
  double number_with_unit(std::string_view field, const char* what,
                          const std::vector<std::pair<std::string_view, double>>& units) const;
  void sensor(const std::string& name, bool any, bool lidar, bool camera);

  std::string text_;
  DriveShape drive_;
  std::vector<std::string> parts_;
  FaultSpec spec_;
};

int SpecParser::integer(std::string_view field, const char* what) const {
  int value = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (field.empty() || ec != std::errc() || end != field.data() + field.size() || value < 0)
    fail(std::string(what) + " '" + std::string(field) + "' is not a non-negative integer");
  return value;
}

int SpecParser::frame(std::string_view field) const {
  const int f = integer(field, "frame");
  if (f >= drive_.frames)
    fail("frame " + std::to_string(f) + " is outside the drive (frames 0.." + std::to_string(drive_.frames - 1) + ")");
  return f;
}

void SpecParser::frame_range(std::string_view field) {
  const std::size_t dash = field.find('-');
  if (dash == std::string_view::npos) {
    spec_.first = spec_.last = frame(field);
    return;
  }
  spec_.first = frame(field.substr(0, dash));
  spec_.last = frame(field.substr(dash + 1));
  if (spec_.first > spec_.last)
    fail("frame range '" + std::string(field) + "' ends before it starts (A-B needs A <= B)");
}

// A decimal number with an optional sign followed by one of `units` (text, factor to SI).
double SpecParser::number_with_unit(std::string_view field, const char* what,
                                    const std::vector<std::pair<std::string_view, double>>& units) const {
  for (const auto& [unit, factor] : units) {
    if (field.size() <= unit.size() || field.substr(field.size() - unit.size()) != unit) continue;
    std::string_view number = field.substr(0, field.size() - unit.size());
    if (!number.empty() && number.front() == '+') number.remove_prefix(1);  // from_chars takes no '+'
    double value = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || ec != std::errc() || end != number.data() + number.size() || !std::isfinite(value) ||
        number.front() == '+')
      break;
    return value * factor;
  }
  std::string names;
  for (const auto& unit : units) names += (names.empty() ? "" : ", ") + std::string(unit.first);
  fail(std::string(what) + " '" + std::string(field) + "' is not a number with a unit (" + names + ")");
}

void SpecParser::sensor(const std::string& name, bool any, bool lidar, bool camera) {
  std::vector<std::string> cameras;
  for (int c = 0; c < drive_.cameras; ++c) cameras.push_back("image_0" + std::to_string(2 + c));
  const bool is_camera = std::find(cameras.begin(), cameras.end(), name) != cameras.end();
  const bool is_lidar = name == "velodyne_points";
  if (!is_camera && !is_lidar && name != "oxts") {
    std::string known = "velodyne_points, oxts";
    for (const auto& c : cameras) known += ", " + c;
    fail("unknown sensor '" + name + "' (this drive has " + known + ")");
  }
  const std::string kind = info_of(spec_.kind).name;
  if (!any && lidar && !is_lidar) fail(kind + " applies to velodyne_points only, not '" + name + "'");
  if (!any && camera && !is_camera) {
    std::string list;
    for (const auto& c : cameras) list += (list.empty() ? "" : ", ") + c;
    fail(kind + " needs a camera (" + list + "), not '" + name + "'");
  }
  spec_.sensor = name;
}

FaultSpec SpecParser::parse() {
  if (drive_.frames < 1) fail("the drive has no frames");
  parts_ = split(text_, ':');
  spec_.text = text_;
  const KindInfo* info = nullptr;
  for (const auto& k : kKinds)
    if (parts_[0] == k.name) info = &k;
  if (!info) {
    std::string known;
    for (const auto& k : kKinds) known += (known.empty() ? "" : ", ") + std::string(k.name);
    fail("unknown kind '" + parts_[0] + "' (known: " + known + ")");
  }
  spec_.kind = info->kind;
  const std::vector<std::pair<std::string_view, double>> kTime{{"ms", 1e-3}, {"us", 1e-6}, {"s", 1.0}};
  const std::vector<std::pair<std::string_view, double>> kLength{{"cm", 1e-2}, {"m", 1.0}};
  const std::vector<std::pair<std::string_view, double>> kAngle{{"deg", std::numbers::pi / 180}, {"rad", 1.0}};
  const int last_frame = drive_.frames - 1;

  switch (spec_.kind) {
    case FaultKind::Drop:
      expect_fields(3);
      sensor(parts_[1], true, false, false);
      frame_range(parts_[2]);
      break;
    case FaultKind::TimeJump:
      expect_fields(4);
      sensor(parts_[1], true, false, false);
      spec_.first = frame(parts_[2]);
      spec_.last = last_frame;
      spec_.value = number_with_unit(parts_[3], "offset", kTime);
      if (spec_.value == 0) fail("offset must not be zero");
      break;
    case FaultKind::TimeJitter:
      expect_fields(3);
      sensor(parts_[1], true, false, false);
      spec_.first = 0;
      spec_.last = last_frame;
      spec_.value = number_with_unit(parts_[2], "jitter", kTime);
      if (!(spec_.value > 0)) fail("jitter must be positive");
      break;
    case FaultKind::DuplicateTime:
      expect_fields(3);
      sensor(parts_[1], true, false, false);
      spec_.first = spec_.last = frame(parts_[2]);
      if (spec_.first == 0) fail("frame 0 has no previous frame to copy the timestamp from");
      break;
    case FaultKind::DeadRings: {
      expect_fields(4);
      sensor(parts_[1], false, true, false);
      frame_range(parts_[2]);
      for (const std::string& ring : split(parts_[3], ',')) {
        const int r = integer(ring, "ring");
        if (r >= drive_.lidar_beams)
          fail("ring " + std::to_string(r) + " does not exist (the lidar has rings 0.." +
               std::to_string(drive_.lidar_beams - 1) + ")");
        if (std::find(spec_.rings.begin(), spec_.rings.end(), r) != spec_.rings.end())
          fail("ring " + std::to_string(r) + " is listed twice");
        spec_.rings.push_back(r);
      }
      std::sort(spec_.rings.begin(), spec_.rings.end());
      break;
    }
    case FaultKind::NanPoints:
      expect_fields(4);
      sensor(parts_[1], false, true, false);
      spec_.first = spec_.last = frame(parts_[2]);
      spec_.value = integer(parts_[3], "point count");
      if (spec_.value < 1) fail("point count must be at least 1");
      break;
    case FaultKind::Black:
    case FaultKind::Overexposed:
    case FaultKind::Blur:
      expect_fields(3);
      sensor(parts_[1], false, false, true);
      spec_.first = spec_.last = frame(parts_[2]);
      break;
    case FaultKind::Frozen:
      expect_fields(3);
      sensor(parts_[1], false, false, true);
      frame_range(parts_[2]);
      if (spec_.first == 0) fail("frame 0 has no previous frame to repeat (frozen:CAMERA:A-B needs A >= 1)");
      break;
    case FaultKind::Truncate:
      expect_fields(3);
      sensor(parts_[1], true, false, false);
      spec_.first = spec_.last = frame(parts_[2]);
      break;
    case FaultKind::GnssJump:
    case FaultKind::HeadingJump:
      expect_fields(3);
      spec_.sensor = "oxts";
      spec_.first = frame(parts_[1]);
      spec_.last = last_frame;
      spec_.value = spec_.kind == FaultKind::GnssJump ? number_with_unit(parts_[2], "jump", kLength)
                                                      : number_with_unit(parts_[2], "jump", kAngle);
      if (spec_.value == 0) fail("jump must not be zero");
      break;
    case FaultKind::CalibDrift: {
      if (parts_.size() < 4)
        fail(std::string("expected CAMERA, from= and at least one perturbation (") + info->usage + ")");
      sensor(parts_[1], false, false, true);
      std::map<std::string, std::string> keys;
      for (std::size_t i = 2; i < parts_.size(); ++i) {
        const std::size_t eq = parts_[i].find('=');
        if (eq == std::string::npos) fail("field '" + parts_[i] + "' is not KEY=VALUE");
        const std::string key = parts_[i].substr(0, eq), value = parts_[i].substr(eq + 1);
        if (!keys.emplace(key, value).second) fail("key '" + key + "' given twice");
      }
      if (!keys.count("from")) fail("from=FRAME is missing");
      spec_.first = frame(keys["from"]);
      spec_.last = last_frame;
      for (const auto& [key, value] : keys) {
        if (key == "from") continue;
        if (key == "roll") spec_.roll = number_with_unit(value, "roll", kAngle);
        else if (key == "pitch") spec_.pitch = number_with_unit(value, "pitch", kAngle);
        else if (key == "yaw") spec_.yaw = number_with_unit(value, "yaw", kAngle);
        else if (key == "x") spec_.x = number_with_unit(value, "x", kLength);
        else if (key == "y") spec_.y = number_with_unit(value, "y", kLength);
        else if (key == "z") spec_.z = number_with_unit(value, "z", kLength);
        else fail("unknown key '" + key + "' (known: from, roll, pitch, yaw, x, y, z)");
      }
      if (spec_.roll == 0 && spec_.pitch == 0 && spec_.yaw == 0 && spec_.x == 0 && spec_.y == 0 && spec_.z == 0)
        fail("no perturbation (give at least one non-zero roll, pitch, yaw, x, y or z)");
      break;
    }
  }
  return spec_;
}

}  // namespace

std::string fault_kind_name(FaultKind kind) {
  return info_of(kind).name;
}

FaultSpec parse_fault_spec(const std::string& text, const DriveShape& drive) {
  return SpecParser(text, drive).parse();
}

}  // namespace dc::core

#include "io/readers/kitti/oxts_parser.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/file_check.h"
#include "io/readers/text_util.h"

#include <cmath>
#include <fstream>

namespace dc::core {

namespace {
constexpr double kEarthRadius = 6378137.0;  // WGS84 equatorial radius, as in the devkit
constexpr double kPi = 3.14159265358979323846;
}  // namespace

OxtsRecord parse_oxts_line(const std::string& text, const std::filesystem::path& file, int line) {
  const auto tokens = split_whitespace(text);
  OxtsRecord r{};
  if (tokens.size() != r.size())
    throw ParseError(file, line,
                     "expected " + std::to_string(r.size()) + " OXTS values, got " + std::to_string(tokens.size()));
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (!parse_double(tokens[i], r[i]))
      throw ParseError(file, line, "value " + std::to_string(i + 1) + " '" + shorten(tokens[i]) + "' " +
                                       number_problem(tokens[i]));
  }
  if (std::abs(r[0]) > 90 || std::abs(r[1]) > 180)
    throw ParseError(file, line, "latitude/longitude out of range");
  return r;
}

OxtsRecord read_oxts_file(const std::filesystem::path& file) {
  require_regular_file(file, "cannot open OXTS record");
  std::ifstream in(file);
  if (!in) throw ParseError(file, "cannot open OXTS record");
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    const std::string text = trim(raw);
    if (text.empty()) continue;
    OxtsRecord r = parse_oxts_line(text, file, line);
    // One record per file; anything after it is a different record glued on.
    while (std::getline(in, raw)) {
      ++line;
      if (!trim(raw).empty()) throw ParseError(file, line, "unexpected second record in one OXTS file");
    }
    return r;
  }
  throw ParseError(file, line, "empty OXTS record");
}

Pose OxtsPoseBuilder::add(const OxtsRecord& r, TimestampNs timestamp_ns) {
  const double lat = r[0], lon = r[1], alt = r[2], roll = r[3], pitch = r[4], yaw = r[5];
  if (!scale_) scale_ = std::cos(lat * kPi / 180.0);
  const double s = *scale_;
  const Eigen::Vector3d t(s * lon * kPi * kEarthRadius / 180.0,
                          s * kEarthRadius * std::log(std::tan((90.0 + lat) * kPi / 360.0)), alt);
  const Eigen::Matrix3d R = (Eigen::AngleAxisd(yaw, Eigen::Vector3d::UnitZ()) *
                             Eigen::AngleAxisd(pitch, Eigen::Vector3d::UnitY()) *
                             Eigen::AngleAxisd(roll, Eigen::Vector3d::UnitX()))
                                .toRotationMatrix();
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() = R;
  T.translation() = t;
  if (!T_first_inverse_) T_first_inverse_ = T.inverse();

  Pose pose;
  pose.timestamp_ns = timestamp_ns;
  pose.T_world_from_imu = *T_first_inverse_ * T;
  pose.latitude_deg = lat;
  pose.longitude_deg = lon;
  pose.altitude_m = alt;
  pose.roll = roll;
  pose.pitch = pitch;
  pose.yaw = yaw;
  pose.forward_velocity_mps = r[8];
  return pose;
}

}  // namespace dc::core

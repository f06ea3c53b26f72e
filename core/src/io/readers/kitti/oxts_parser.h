#pragma once
#include "dc/core/model/pose.h"

#include <array>
#include <filesystem>
#include <optional>
#include <string>

namespace dc::core {

// One OXTS RT3003 record: the 30 values listed in oxts/dataformat.txt (lat lon alt roll pitch yaw vn ve vf ...).
using OxtsRecord = std::array<double, 30>;

// Reads oxts/data/NNNNNNNNNN.txt (one line of 30 numbers). Throws ParseError with file and line when malformed.
OxtsRecord read_oxts_file(const std::filesystem::path& file);
OxtsRecord parse_oxts_line(const std::string& text, const std::filesystem::path& file, int line);

// Turns records into poses the way KITTI's devkit does (convertOxtsToPose): Mercator projection with the scale of
// the first record's latitude, rotation Rz(yaw) Ry(pitch) Rx(roll), everything relative to the first pose so that
// the first pose is the identity.
class OxtsPoseBuilder {
public:
  Pose add(const OxtsRecord& record, TimestampNs timestamp_ns);

private:
  std::optional<double> scale_;
  std::optional<Eigen::Isometry3d> T_first_inverse_;
};

}  // namespace dc::core

#include "io/readers/ros/ros_point_cloud_conversion.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/ros/ros_wire_cursor.h"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

namespace dc::core {

namespace {

// sensor_msgs/PointField datatypes.
enum Datatype : std::uint8_t { kInt8 = 1, kUInt8, kInt16, kUInt16, kInt32, kUInt32, kFloat32, kFloat64 };

std::size_t datatype_size(std::uint8_t t) {
  switch (t) {
    case kInt8:
    case kUInt8: return 1;
    case kInt16:
    case kUInt16: return 2;
    case kInt32:
    case kUInt32:
    case kFloat32: return 4;
    case kFloat64: return 8;
    default: return 0;
  }
}

struct Field {
  std::string name;
  std::uint32_t offset = 0;
  std::uint8_t datatype = 0;
};

double read_value(const std::uint8_t* p, std::uint8_t datatype, bool swap) {
  switch (datatype) {
    case kInt8: return static_cast<std::int8_t>(*p);
    case kUInt8: return *p;
    case kInt16: return load_wire<std::int16_t>(p, swap);
    case kUInt16: return load_wire<std::uint16_t>(p, swap);
    case kInt32: return load_wire<std::int32_t>(p, swap);
    case kUInt32: return load_wire<std::uint32_t>(p, swap);
    case kFloat32: return load_wire<float>(p, swap);
    default: return load_wire<double>(p, swap);
  }
}

std::int64_t time_offset(double v, std::uint8_t datatype, TimestampNs stamp) {
  if (!std::isfinite(v)) return 0;
  const bool is_float = datatype == kFloat32 || datatype == kFloat64;
  double ns = is_float && std::abs(v) < 1e11 ? v * 1e9 : v;  // float seconds (relative or epoch), else ns
  if (std::abs(ns) >= 1e17) ns -= static_cast<double>(stamp);  // absolute time
  if (std::abs(ns) >= 9e18) return 0;
  return std::llround(ns);
}

[[noreturn]] void fail_cloud(const RosMessage& msg, const std::string& what) {
  throw ParseError(msg.source(), "PointCloud2: " + what);
}

}  // namespace

RosPointCloud point_cloud_from_ros(const RosMessage& msg) {
  const auto fail = [&](const std::string& what) { fail_cloud(msg, what); };
  const RosValue root = msg.root();
  RosPointCloud out;
  out.header = read_ros_header(root.field("header"));
  out.height = static_cast<std::uint32_t>(root.field("height").as_uint());
  out.width = static_cast<std::uint32_t>(root.field("width").as_uint());
  const bool big_endian = root.field("is_bigendian").as_bool();
  const std::uint64_t point_step = root.field("point_step").as_uint();
  const std::uint64_t row_step = root.field("row_step").as_uint();
  const std::span<const std::uint8_t> data = root.field("data").bytes();

  std::vector<Field> fields;
  const RosValue list = root.field("fields");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const RosValue f = list[i];
    Field field{std::string(f.field("name").as_string()), static_cast<std::uint32_t>(f.field("offset").as_uint()),
                static_cast<std::uint8_t>(f.field("datatype").as_uint())};
    fields.push_back(std::move(field));
  }
  const auto find = [&](std::initializer_list<const char*> names) -> std::optional<Field> {
    for (const char* n : names)
      for (const Field& f : fields)
        if (f.name == n) {
          const std::size_t size = datatype_size(f.datatype);
          if (size == 0) fail("field '" + f.name + "' has unknown datatype " + std::to_string(f.datatype));
          if (std::uint64_t{f.offset} + size > point_step)
            fail("field '" + f.name + "' at offset " + std::to_string(f.offset) + " (" + std::to_string(size) +
                 " bytes) lies outside point_step " + std::to_string(point_step));
          return f;
        }
    return std::nullopt;
  };

  const std::uint64_t points = std::uint64_t{out.width} * out.height;
  if (points == 0) {
    if (!data.empty())
      fail("width " + std::to_string(out.width) + " x height " + std::to_string(out.height) + " is 0 points but data has " +
           std::to_string(data.size()) + " bytes");
    return out;
  }
  if (point_step == 0) fail("point_step is 0 for " + std::to_string(points) + " points");
  if (row_step < point_step * out.width)
    fail("row_step " + std::to_string(row_step) + " is less than width " + std::to_string(out.width) +
         " x point_step " + std::to_string(point_step));
  if (row_step * out.height != data.size())
    fail("data has " + std::to_string(data.size()) + " bytes but row_step " + std::to_string(row_step) +
         " x height " + std::to_string(out.height) + " = " + std::to_string(row_step * out.height));

  std::array<Field, 3> xyz;
  const char* axes[] = {"x", "y", "z"};
  for (int a = 0; a < 3; ++a) {
    auto f = find({axes[a]});
    if (!f) fail(std::string("no '") + axes[a] + "' field");
    if (f->datatype != kFloat32 && f->datatype != kFloat64)
      fail(std::string("field '") + axes[a] + "' has datatype " + std::to_string(f->datatype) +
           " (only FLOAT32 = 7 and FLOAT64 = 8 coordinates are supported)");
    xyz[a] = *f;
  }
  const auto intensity = find({"intensity", "reflectance", "i"});
  const auto ring = find({"ring"});
  const auto time = find({"time", "t", "timestamp", "time_stamp", "offset_time", "time_offset"});
  if (intensity) out.intensity_field = intensity->name;
  if (time) out.time_field = time->name;

  // KITTI-like layout (x y z intensity float32, 16 bytes, little endian): rows copied whole, then bad points removed.
  const bool packed = !big_endian && point_step == 16 && intensity && !ring && !time && intensity->offset == 12 &&
                      intensity->datatype == kFloat32 && xyz[0].offset == 0 && xyz[1].offset == 4 &&
                      xyz[2].offset == 8 && xyz[0].datatype == kFloat32 && xyz[1].datatype == kFloat32 &&
                      xyz[2].datatype == kFloat32;
  if (packed) {
    auto& v = out.cloud.xyzi;
    v.resize(static_cast<std::size_t>(points) * 4);
    for (std::uint32_t r = 0; r < out.height; ++r)
      std::memcpy(v.data() + std::size_t{r} * out.width * 4, data.data() + r * row_step, std::size_t{out.width} * 16);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < points; ++i) {
      float* p = v.data() + 4 * i;
      if (!std::isfinite(p[0]) || !std::isfinite(p[1]) || !std::isfinite(p[2])) {
        ++out.dropped_points;
        continue;
      }
      if (!std::isfinite(p[3])) p[3] = 0.f;
      if (kept != i) std::memmove(v.data() + 4 * kept, p, 16);
      ++kept;
    }
    v.resize(kept * 4);
    return out;
  }

  out.cloud.xyzi.resize(static_cast<std::size_t>(points) * 4);
  float* dst = out.cloud.xyzi.data();
  if (ring) out.ring.reserve(static_cast<std::size_t>(points));
  if (time) out.time_offset_ns.reserve(static_cast<std::size_t>(points));
  const bool fast = !big_endian && xyz[0].datatype == kFloat32 && xyz[1].datatype == kFloat32 &&
                    xyz[2].datatype == kFloat32;
  for (std::uint32_t r = 0; r < out.height; ++r) {
    const std::uint8_t* row = data.data() + r * row_step;
    for (std::uint32_t c = 0; c < out.width; ++c) {
      const std::uint8_t* p = row + c * point_step;
      float v[4];
      if (fast) {
        for (int a = 0; a < 3; ++a) v[a] = load_wire<float>(p + xyz[a].offset, false);
      } else {
        for (int a = 0; a < 3; ++a) v[a] = static_cast<float>(read_value(p + xyz[a].offset, xyz[a].datatype, big_endian));
      }
      if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !std::isfinite(v[2])) {
        ++out.dropped_points;
        continue;
      }
      v[3] = intensity ? static_cast<float>(read_value(p + intensity->offset, intensity->datatype, big_endian)) : 0.f;
      if (!std::isfinite(v[3])) v[3] = 0.f;
      std::memcpy(dst, v, sizeof v);
      dst += 4;
      if (ring) {
        const double rv = read_value(p + ring->offset, ring->datatype, big_endian);
        out.ring.push_back(rv >= 0 && rv <= 65535 ? static_cast<std::uint16_t>(rv) : 0);
      }
      if (time)
        out.time_offset_ns.push_back(
            time_offset(read_value(p + time->offset, time->datatype, big_endian), time->datatype, out.header.stamp_ns));
    }
  }
  out.cloud.xyzi.resize(static_cast<std::size_t>(dst - out.cloud.xyzi.data()));
  return out;
}

}  // namespace dc::core

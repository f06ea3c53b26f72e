#include "ros_message_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

namespace dc::core::generator {

namespace {

// .msg texts of the types written here and of their dependencies. Field lines (types, names, constants, defaults)
// are those of the ROS 1 Noetic and ROS 2 Humble packages; the comments are shortened but placed as in the
// originals (full-line, trailing, continuation lines, banners), so a parser meets the same syntax as in recordings.
struct TypeText {
  const char* ros1;  // nullptr: same as ros2
  const char* ros2;
  std::vector<std::string> ros1_deps;  // as genmsg resolves them, in field order
  std::vector<std::string> ros2_deps;  // as rosbag2 names them (package/Type)
};

const std::map<std::string, TypeText>& types() {
  static const std::map<std::string, TypeText> kTypes = {
      {"builtin_interfaces/Time",
       {nullptr,
        R"(# Time as seconds and nanoseconds since the epoch (or since ROS time started).
# Negative times have sec < 0 and nanosec in [0, 1e9).

# Whole seconds, any int32 value.
int32 sec

# Nanoseconds added to sec, in [0, 1e9).
uint32 nanosec
)",
        {},
        {}}},
      {"std_msgs/Header",
       {R"(# Metadata for data stamped in time and located in a coordinate frame.
#
# sequence ID: consecutively increasing ID
uint32 seq
#Two-integer timestamp that is expressed as:
# * stamp.sec: seconds (stamp_secs) since epoch
# * stamp.nsec: nanoseconds since stamp_secs
time stamp
#Frame this data is associated with
string frame_id
)",
        R"(# Metadata for data stamped in time and located in a coordinate frame.

# Seconds and nanoseconds of acquisition.
builtin_interfaces/Time stamp

# Frame this data is associated with.
string frame_id
)",
        {},
        {"builtin_interfaces/Time"}}},
      {"sensor_msgs/PointField",
       {nullptr,
        R"(# One channel of a point in a PointCloud2.
uint8 INT8    = 1
uint8 UINT8   = 2
uint8 INT16   = 3
uint8 UINT16  = 4
uint8 INT32   = 5
uint8 UINT32  = 6
uint8 FLOAT32 = 7
uint8 FLOAT64 = 8

# Usual names: x, y, z, intensity, rgb, rgba
string name      # Channel name
uint32 offset    # Byte offset inside a point
uint8  datatype  # One of the constants above
uint32 count     # Number of elements in the channel
)",
        {},
        {}}},
      {"sensor_msgs/PointCloud2",
       {R"(# Points of N dimensions (position, intensity, normals, ...) as one binary blob,
# laid out as the "fields" array says.
#
# Clouds may be organized in 2d (like an image, from depth cameras) or 1d (unordered).

# Acquisition time and frame of the 3d points
Header header

# 2D layout. Unordered clouds have height 1 and width = number of points.
uint32 height
uint32 width

# Layout of the channels in the blob
PointField[] fields

bool    is_bigendian # Byte order of the blob
uint32  point_step   # Bytes per point
uint32  row_step     # Bytes per row
uint8[] data         # The points, row_step*height bytes

bool is_dense        # True when no point is invalid
)",
        R"(# Points of N dimensions (position, intensity, normals, ...) as one binary blob,
# laid out as the "fields" array says.
#
# Clouds may be organized in 2d (like an image, from depth cameras) or 1d (unordered).

# Acquisition time and frame of the 3d points
std_msgs/Header header

# 2D layout. Unordered clouds have height 1 and width = number of points.
uint32 height
uint32 width

# Layout of the channels in the blob
PointField[] fields

bool    is_bigendian # Byte order of the blob
uint32  point_step   # Bytes per point
uint32  row_step     # Bytes per row
uint8[] data         # The points, row_step*height bytes

bool is_dense        # True when no point is invalid
)",
        {"std_msgs/Header", "sensor_msgs/PointField"},
        {"std_msgs/Header", "sensor_msgs/PointField"}}},
      {"sensor_msgs/Image",
       {R"(# An uncompressed image.
# Pixel (0, 0) is the top-left corner.

Header header        # Acquisition time of the image
                     # frame_id: optical frame of the camera
                     # +x right, +y down, +z into the image

uint32 height         # number of rows
uint32 width          # number of columns

# Allowed encodings are listed in include/sensor_msgs/image_encodings.h

string encoding       # channel meaning, order and size

uint8 is_bigendian    # byte order of the data
uint32 step           # row length in bytes
uint8[] data          # step * rows bytes
)",
        R"(# An uncompressed image.
# Pixel (0, 0) is the top-left corner.

std_msgs/Header header # Acquisition time of the image
                             # frame_id: optical frame of the camera
                             # +x right, +y down, +z into the image

uint32 height                # number of rows
uint32 width                 # number of columns

# Allowed encodings are listed in include/sensor_msgs/image_encodings.hpp

string encoding       # channel meaning, order and size
                      # (one of the strings in image_encodings.hpp)

uint8 is_bigendian    # byte order of the data
uint32 step           # row length in bytes
uint8[] data          # step * rows bytes
)",
        {"std_msgs/Header"},
        {"std_msgs/Header"}}},
      {"sensor_msgs/CompressedImage",
       {R"(# A compressed image.

Header header        # Acquisition time; frame_id: optical frame of the camera

string format        # "jpeg" or "png", optionally with the raw encoding:
                     # "<raw encoding>; <compression> compressed <encoding>"

uint8[] data         # Compressed image bytes
)",
        R"(# A compressed image.

std_msgs/Header header # Acquisition time; frame_id: optical frame of the camera

string format                # "jpeg" or "png", optionally with the raw encoding:
                             # "<raw encoding>; <compression> compressed <encoding>"

uint8[] data                 # Compressed image bytes
)",
        {"std_msgs/Header"},
        {"std_msgs/Header"}}},
      {"sensor_msgs/RegionOfInterest",
       {nullptr,
        R"(# A window of an image, in full-resolution pixels.

uint32 x_offset  # Leftmost pixel of the window (0 when it spans the
                 # full image)
uint32 y_offset  # Topmost pixel of the window
uint32 height    # Rows in the window (0: full image)
uint32 width     # Columns in the window

# True when a rectified image of the window should be computed
bool do_rectify
)",
        {},
        {}}},
      {"sensor_msgs/CameraInfo",
       {R"(# Calibration of one camera, sent beside its image topics.
#
# An uncalibrated camera leaves D, K, R, P zero; K[0] == 0.0 marks it.

#######################################################################
#                     Image acquisition info                          #
#######################################################################

# Acquisition time, optical frame of the camera
Header header    # +x right, +y down, +z into the image

#######################################################################
#                      Calibration Parameters                         #
#######################################################################

# Image size the camera was calibrated at
uint32 height
uint32 width

# Distortion model, e.g. "plumb_bob"
string distortion_model

# Distortion parameters; for "plumb_bob": (k1, k2, t1, t2, k3).
float64[] D

# Intrinsic matrix of the raw images.
#     [fx  0 cx]
# K = [ 0 fy cy]
#     [ 0  0  1]
float64[9]  K # 3x3 row-major matrix

# Rectification rotation (stereo only)
float64[9]  R # 3x3 row-major matrix

# Projection matrix of the rectified image
#     [fx'  0  cx' Tx]
# P = [ 0  fy' cy' Ty]
#     [ 0   0   1   0]
float64[12] P # 3x4 row-major matrix

#######################################################################
#                      Operational Parameters                         #
#######################################################################

# Binning; 0 is the same as 1
uint32 binning_x
uint32 binning_y

# Sub-window in full-resolution pixels; all zero: the full image
RegionOfInterest roi
)",
        R"(# Calibration of one camera, sent beside its image topics.
#
# An uncalibrated camera leaves D, K, R, P zero; K[0] == 0.0 marks it.

#######################################################################
#                     Image acquisition info                          #
#######################################################################

# Acquisition time, optical frame of the camera
std_msgs/Header header # +x right, +y down, +z into the image
                       # origin at the optical center


#######################################################################
#                      Calibration Parameters                         #
#######################################################################

# Image size the camera was calibrated at
uint32 height
uint32 width

# Distortion model, e.g. "plumb_bob"
string distortion_model

# Distortion parameters; for "plumb_bob": (k1, k2, t1, t2, k3).
float64[] d

# Intrinsic matrix of the raw images.
#     [fx  0 cx]
# K = [ 0 fy cy]
#     [ 0  0  1]
float64[9] k # 3x3 row-major matrix

# Rectification rotation (stereo only)
float64[9] r # 3x3 row-major matrix

# Projection matrix of the rectified image
#     [fx'  0  cx' Tx]
# P = [ 0  fy' cy' Ty]
#     [ 0   0   1   0]
float64[12] p # 3x4 row-major matrix


#######################################################################
#                      Operational Parameters                         #
#######################################################################

# Binning; 0 is the same as 1
uint32 binning_x
uint32 binning_y

# Sub-window in full-resolution pixels; all zero: the full image
RegionOfInterest roi
)",
        {"std_msgs/Header", "sensor_msgs/RegionOfInterest"},
        {"std_msgs/Header", "sensor_msgs/RegionOfInterest"}}},
      {"geometry_msgs/Vector3",
       {R"(# A vector in free space (no position; see Point for that).

float64 x
float64 y
float64 z)",
        R"(# A vector in free space (no position; see Point for that).

float64 x
float64 y
float64 z
)",
        {},
        {}}},
      {"geometry_msgs/Quaternion",
       {R"(# An orientation as a quaternion (x, y, z, w).

float64 x
float64 y
float64 z
float64 w
)",
        R"(# An orientation as a quaternion (x, y, z, w).

float64 x 0
float64 y 0
float64 z 0
float64 w 1
)",
        {},
        {}}},
      {"geometry_msgs/Point",
       {nullptr,
        R"(# A position in free space.
float64 x
float64 y
float64 z
)",
        {},
        {}}},
      {"geometry_msgs/Transform",
       {R"(# Translation and rotation between two frames.

Vector3 translation
Quaternion rotation
)",
        R"(# Translation and rotation between two frames.

Vector3 translation
Quaternion rotation
)",
        {"geometry_msgs/Vector3", "geometry_msgs/Quaternion"},
        {"geometry_msgs/Vector3", "geometry_msgs/Quaternion"}}},
      {"geometry_msgs/TransformStamped",
       {R"(# A transform from child_frame_id to header.frame_id, valid at header.stamp.
#
# Used by tf2 (tf2_msgs/TFMessage).

Header header
string child_frame_id # the frame id of the child frame
Transform transform
)",
        R"(# A transform from child_frame_id to header.frame_id, valid at header.stamp.
#
# Used by tf2 (tf2_msgs/TFMessage).

# header.frame_id is the parent frame.
std_msgs/Header header

# The frame the transform applies to.
string child_frame_id

# Child-to-parent transform.
Transform transform
)",
        {"std_msgs/Header", "geometry_msgs/Transform"},
        {"std_msgs/Header", "geometry_msgs/Transform"}}},
      {"tf2_msgs/TFMessage",
       {nullptr, "geometry_msgs/TransformStamped[] transforms\n", {"geometry_msgs/TransformStamped"},
        {"geometry_msgs/TransformStamped"}}},
      {"geometry_msgs/Pose",
       {nullptr,
        R"(# A position and an orientation in free space.
Point position
Quaternion orientation
)",
        {"geometry_msgs/Point", "geometry_msgs/Quaternion"},
        {"geometry_msgs/Point", "geometry_msgs/Quaternion"}}},
      {"geometry_msgs/PoseWithCovariance",
       {nullptr,
        R"(# A pose with its uncertainty.

Pose pose

# Row-major 6x6 covariance; parameters in the order
# (x, y, z, rotation about X, rotation about Y, rotation about Z)
float64[36] covariance
)",
        {"geometry_msgs/Pose"},
        {"geometry_msgs/Pose"}}},
      {"geometry_msgs/Twist",
       {nullptr,
        R"(# Velocity in free space: linear and angular parts.

Vector3  linear
Vector3  angular
)",
        {"geometry_msgs/Vector3"},
        {"geometry_msgs/Vector3"}}},
      {"geometry_msgs/TwistWithCovariance",
       {nullptr,
        R"(# A velocity with its uncertainty.

Twist twist

# Row-major 6x6 covariance; parameters in the order
# (x, y, z, rotation about X, rotation about Y, rotation about Z)
float64[36] covariance
)",
        {"geometry_msgs/Twist"},
        {"geometry_msgs/Twist"}}},
      {"nav_msgs/Odometry",
       {R"(# An estimate of position and velocity.
# The pose is given in header.frame_id,
# the twist in child_frame_id.
Header header
string child_frame_id
geometry_msgs/PoseWithCovariance pose
geometry_msgs/TwistWithCovariance twist
)",
        R"(# An estimate of position and velocity.
# The pose is given in header.frame_id,
# the twist in child_frame_id.

# Frame of the pose: header.frame_id
std_msgs/Header header

# Frame of the twist
string child_frame_id

# Estimated pose in header.frame_id
geometry_msgs/PoseWithCovariance pose

# Estimated velocity in child_frame_id
geometry_msgs/TwistWithCovariance twist
)",
        {"std_msgs/Header", "geometry_msgs/PoseWithCovariance", "geometry_msgs/TwistWithCovariance"},
        {"std_msgs/Header", "geometry_msgs/PoseWithCovariance", "geometry_msgs/TwistWithCovariance"}}},
      {"sensor_msgs/NavSatStatus",
       {R"(# Status of a GNSS fix.
#
# A fix is valid when status >= STATUS_FIX.

int8 STATUS_NO_FIX =  -1        # no position
int8 STATUS_FIX =      0        # plain fix
int8 STATUS_SBAS_FIX = 1        # satellite-based augmentation
int8 STATUS_GBAS_FIX = 2        # ground-based augmentation

int8 status

# Systems whose signals were used (bit field).

uint16 SERVICE_GPS =     1
uint16 SERVICE_GLONASS = 2
uint16 SERVICE_COMPASS = 4      # includes BeiDou.
uint16 SERVICE_GALILEO = 8

uint16 service
)",
        R"(# Status of a GNSS fix.
#
# A fix is valid when status >= STATUS_FIX.

int8 STATUS_UNKNOWN = -2        # not set yet
int8 STATUS_NO_FIX =  -1        # no position
int8 STATUS_FIX =      0        # plain fix
int8 STATUS_SBAS_FIX = 1        # satellite-based augmentation
int8 STATUS_GBAS_FIX = 2        # ground-based augmentation

int8 status -2 # STATUS_UNKNOWN

# Systems whose signals were used (bit field).

uint16 SERVICE_UNKNOWN = 0  # a bit field: compare with ==
uint16 SERVICE_GPS =     1
uint16 SERVICE_GLONASS = 2
uint16 SERVICE_COMPASS = 4      # includes BeiDou.
uint16 SERVICE_GALILEO = 8

uint16 service
)",
        {},
        {}}},
      {"sensor_msgs/NavSatFix",
       {R"(# A fix of any Global Navigation Satellite System, on the WGS 84 ellipsoid.
#
# header.stamp: time of the measurement
# header.frame_id: frame of the antenna

Header header

# Fix status
NavSatStatus status

# Latitude [degrees], north positive
float64 latitude

# Longitude [degrees], east positive
float64 longitude

# Altitude [m] above the ellipsoid (NaN when unknown)
float64 altitude

# Position covariance [m^2] in East North Up, row-major
float64[9] position_covariance

# How the covariance was obtained

uint8 COVARIANCE_TYPE_UNKNOWN = 0
uint8 COVARIANCE_TYPE_APPROXIMATED = 1
uint8 COVARIANCE_TYPE_DIAGONAL_KNOWN = 2
uint8 COVARIANCE_TYPE_KNOWN = 3

uint8 position_covariance_type
)",
        R"(# A fix of any Global Navigation Satellite System, on the WGS 84 ellipsoid.
#
# header.stamp: time of the measurement
# header.frame_id: frame of the antenna
std_msgs/Header header

# Fix status
NavSatStatus status

# Latitude [degrees], north positive
float64 latitude

# Longitude [degrees], east positive
float64 longitude

# Altitude [m] above the ellipsoid
# (quiet NaN when unknown)
float64 altitude

# Position covariance [m^2] in East North Up, row-major
float64[9] position_covariance

# How the covariance was obtained

uint8 COVARIANCE_TYPE_UNKNOWN = 0
uint8 COVARIANCE_TYPE_APPROXIMATED = 1
uint8 COVARIANCE_TYPE_DIAGONAL_KNOWN = 2
uint8 COVARIANCE_TYPE_KNOWN = 3

uint8 position_covariance_type
)",
        {"std_msgs/Header", "sensor_msgs/NavSatStatus"},
        {"std_msgs/Header", "sensor_msgs/NavSatStatus"}}},
  };
  return kTypes;
}

const TypeText& type_text(const std::string& name) {
  auto it = types().find(name);
  if (it == types().end()) throw std::logic_error("no .msg text for " + name);
  return it->second;
}

const std::string kSeparator(80, '=');

// genmsg's compute_full_text: the text, then every dependency (depth first, field order, once) after a separator
// line and "MSG: pkg/Type"; the very last newline dropped.
std::string ros1_full_text(const std::string& root) {
  std::vector<std::string> all;
  std::function<void(const std::string&)> collect = [&](const std::string& name) {
    for (const auto& d : type_text(name).ros1_deps) {
      all.push_back(d);
      collect(d);
    }
  };
  collect(root);
  const auto text = [](const std::string& name) {
    const TypeText& t = type_text(name);
    return std::string(t.ros1 ? t.ros1 : t.ros2);
  };
  std::string out = text(root) + "\n";
  std::set<std::string> seen;
  for (const auto& d : all) {
    if (!seen.insert(d).second) continue;
    out += kSeparator + "\nMSG: " + d + "\n" + text(d) + "\n";
  }
  out.pop_back();
  return out;
}

// rosbag2's MCAP storage: the text, then for each dependency in sorted order (depth first, once) a newline, the
// separator line, "MSG: pkg/Type" and its text with its own dependencies.
std::string ros2_full_text(const std::string& root) {
  std::set<std::string> seen;
  std::function<std::string(const std::string&)> append = [&](const std::string& name) {
    const TypeText& t = type_text(name);
    std::string out = t.ros2;
    const std::set<std::string> deps(t.ros2_deps.begin(), t.ros2_deps.end());
    for (const auto& d : deps) {
      if (!seen.insert(d).second) continue;
      out += "\n" + kSeparator + "\nMSG: " + d + "\n" + append(d);
    }
    return out;
  };
  return append(root);
}

std::string type_of(RosMessageKind kind) {
  switch (kind) {
    case RosMessageKind::PointCloud2: return "sensor_msgs/PointCloud2";
    case RosMessageKind::Image: return "sensor_msgs/Image";
    case RosMessageKind::CompressedImage: return "sensor_msgs/CompressedImage";
    case RosMessageKind::CameraInfo: return "sensor_msgs/CameraInfo";
    case RosMessageKind::TFMessage: return "tf2_msgs/TFMessage";
    case RosMessageKind::Odometry: return "nav_msgs/Odometry";
    case RosMessageKind::NavSatFix: return "sensor_msgs/NavSatFix";
  }
  throw std::logic_error("unknown message kind");
}

// Serialization buffer. CDR (XCDR1): 4-byte encapsulation header, primitives aligned to their size counted from
// the end of that header, strings with their NUL counted, sequences as a uint32 count (arrays of zero elements add
// no padding, as Fast-CDR writes them). ROS 1: packed little endian, strings without NUL.
class Buffer {
 public:
  Buffer(RosFlavor flavor, bool big_endian) : cdr_(flavor == RosFlavor::Ros2), big_endian_(big_endian) {
    if (cdr_) out_ = {0x00, static_cast<std::uint8_t>(big_endian_ ? 0x00 : 0x01), 0x00, 0x00};
  }

  void align(std::size_t n) {
    if (!cdr_) return;
    while ((out_.size() - 4) % n != 0) out_.push_back(0);
  }

  template <class T>
  void put(T v) {
    align(sizeof(T));
    std::uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    if (big_endian_) std::reverse(b, b + sizeof(T));
    out_.insert(out_.end(), b, b + sizeof(T));
  }
  void u8(std::uint8_t v) { put(v); }
  void u32(std::uint32_t v) { put(v); }
  void f64(double v) { put(v); }

  void str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size() + (cdr_ ? 1 : 0)));
    out_.insert(out_.end(), s.begin(), s.end());
    if (cdr_) out_.push_back(0);
  }
  void byte_seq(const std::vector<std::uint8_t>& d) {
    u32(static_cast<std::uint32_t>(d.size()));
    out_.insert(out_.end(), d.begin(), d.end());
  }
  void f64_seq(const std::vector<double>& d) {
    u32(static_cast<std::uint32_t>(d.size()));
    for (double v : d) f64(v);
  }
  template <std::size_t N>
  void f64_array(const std::array<double, N>& a) {
    for (double v : a) f64(v);
  }

  void time(std::int64_t ns) {
    std::int64_t sec = ns / 1'000'000'000;
    std::int64_t nsec = ns % 1'000'000'000;
    if (nsec < 0) {
      nsec += 1'000'000'000;
      --sec;
    }
    if (cdr_) put(static_cast<std::int32_t>(sec));
    else put(static_cast<std::uint32_t>(sec));
    put(static_cast<std::uint32_t>(nsec));
  }
  void header(const RosHeaderData& h) {
    if (!cdr_) u32(h.seq);
    time(h.stamp_ns);
    str(h.frame_id);
  }
  void vector3(const Eigen::Vector3d& v) {
    f64(v.x());
    f64(v.y());
    f64(v.z());
  }
  void quaternion(const Eigen::Quaterniond& q) {
    f64(q.x());
    f64(q.y());
    f64(q.z());
    f64(q.w());
  }

  std::vector<std::uint8_t> take() { return std::move(out_); }

 private:
  bool cdr_;
  bool big_endian_;
  std::vector<std::uint8_t> out_;
};

}  // namespace

RosSchemaText RosMessageWriter::schema(RosMessageKind kind, RosFlavor flavor) {
  const std::string type = type_of(kind);
  if (flavor == RosFlavor::Ros1) return {type, "ros1msg", ros1_full_text(type)};
  const auto slash = type.find('/');
  return {type.substr(0, slash) + "/msg" + type.substr(slash), "ros2msg", ros2_full_text(type)};
}

std::vector<std::uint8_t> RosMessageWriter::point_cloud2(const RosPointCloud2Data& m) const {
  Buffer b(flavor_, big_endian_);
  b.header(m.header);
  b.u32(m.height);
  b.u32(m.width);
  b.u32(static_cast<std::uint32_t>(m.fields.size()));
  for (const auto& f : m.fields) {
    b.str(f.name);
    b.u32(f.offset);
    b.u8(f.datatype);
    b.u32(f.count);
  }
  b.u8(m.is_bigendian ? 1 : 0);
  b.u32(m.point_step);
  b.u32(m.row_step);
  b.byte_seq(m.data);
  b.u8(m.is_dense ? 1 : 0);
  return b.take();
}

std::vector<std::uint8_t> RosMessageWriter::image(const RosImageData& m) const {
  Buffer b(flavor_, big_endian_);
  b.header(m.header);
  b.u32(m.height);
  b.u32(m.width);
  b.str(m.encoding);
  b.u8(m.is_bigendian);
  b.u32(m.step);
  b.byte_seq(m.data);
  return b.take();
}

std::vector<std::uint8_t> RosMessageWriter::compressed_image(const RosCompressedImageData& m) const {
  Buffer b(flavor_, big_endian_);
  b.header(m.header);
  b.str(m.format);
  b.byte_seq(m.data);
  return b.take();
}

std::vector<std::uint8_t> RosMessageWriter::camera_info(const RosCameraInfoData& m) const {
  Buffer b(flavor_, big_endian_);
  b.header(m.header);
  b.u32(m.height);
  b.u32(m.width);
  b.str(m.distortion_model);
  b.f64_seq(m.d);
  b.f64_array(m.k);
  b.f64_array(m.r);
  b.f64_array(m.p);
  b.u32(m.binning_x);
  b.u32(m.binning_y);
  b.u32(m.roi.x_offset);
  b.u32(m.roi.y_offset);
  b.u32(m.roi.height);
  b.u32(m.roi.width);
  b.u8(m.roi.do_rectify ? 1 : 0);
  return b.take();
}

std::vector<std::uint8_t> RosMessageWriter::tf_message(const std::vector<RosTransformData>& transforms) const {
  Buffer b(flavor_, big_endian_);
  b.u32(static_cast<std::uint32_t>(transforms.size()));
  for (const auto& t : transforms) {
    b.header(t.header);
    b.str(t.child_frame_id);
    b.vector3(t.translation);
    b.quaternion(t.rotation);
  }
  return b.take();
}

std::vector<std::uint8_t> RosMessageWriter::odometry(const RosOdometryData& m) const {
  Buffer b(flavor_, big_endian_);
  b.header(m.header);
  b.str(m.child_frame_id);
  b.vector3(m.position);
  b.quaternion(m.orientation);
  b.f64_array(m.pose_covariance);
  b.vector3(m.linear);
  b.vector3(m.angular);
  b.f64_array(m.twist_covariance);
  return b.take();
}

std::vector<std::uint8_t> RosMessageWriter::nav_sat_fix(const RosNavSatFixData& m) const {
  Buffer b(flavor_, big_endian_);
  b.header(m.header);
  b.put(m.status);
  b.put(m.service);
  b.f64(m.latitude);
  b.f64(m.longitude);
  b.f64(m.altitude);
  b.f64_array(m.position_covariance);
  b.u8(m.position_covariance_type);
  return b.take();
}

RosPointCloud2Data make_xyzi_point_cloud2(const std::vector<float>& xyzi, RosHeaderData header) {
  RosPointCloud2Data m;
  m.header = std::move(header);
  m.height = 1;
  m.width = static_cast<std::uint32_t>(xyzi.size() / 4);
  m.fields = {{"x", 0, 7, 1}, {"y", 4, 7, 1}, {"z", 8, 7, 1}, {"intensity", 12, 7, 1}};
  m.point_step = 16;
  m.row_step = 16 * m.width;
  m.data.resize(std::size_t{m.row_step});
  std::memcpy(m.data.data(), xyzi.data(), m.data.size());
  m.is_dense = std::all_of(xyzi.begin(), xyzi.end(), [](float v) { return std::isfinite(v); });
  return m;
}

}  // namespace dc::core::generator

// ROS message decoding (ROS 2 CDR and ROS 1) and the converters to DriveCurator's types. Expected values come from
// messages built byte by byte here, from the inputs given to the synth encoder, and from images built pixel by
// pixel with cv::Mat.
#include "dc/core/io/parse_error.h"
#include "io/readers/ros/ros_camera_info_conversion.h"
#include "io/readers/ros/ros_image_conversion.h"
#include "io/readers/ros/ros_message_decoder.h"
#include "io/readers/ros/ros_nav_sat_fix_conversion.h"
#include "io/readers/ros/ros_odometry_conversion.h"
#include "io/readers/ros/ros_point_cloud_conversion.h"
#include "io/readers/ros/ros_tf_conversion.h"
#include "ros_message_writer.h"

#include <QElapsedTimer>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <random>

using namespace dc::core;
namespace gen = dc::core::generator;

Q_DECLARE_METATYPE(gen::RosFlavor)

namespace {

const std::string kSep = std::string(80, '=') + "\n";

// ---- Schema texts laid out as recordings carry them (rosbag2 MCAP storage for ROS 2: main text, then each
// dependency once, sorted, depth first; genmsg full text for ROS 1). Field lines as in the ROS packages. ----

const std::string kRos2Time = R"(# Time since the epoch.

# Seconds.
int32 sec

# Nanoseconds, [0, 1e9).
uint32 nanosec
)";

const std::string kRos2Header = R"(# Standard metadata for higher-level stamped data types.

# Two-integer timestamp that is expressed as seconds and nanoseconds.
builtin_interfaces/Time stamp

# Transform frame with which this data is associated.
string frame_id
)";

const std::string kPointField = R"(# One entry of a PointCloud2 point.
uint8 INT8    = 1
uint8 UINT8   = 2
uint8 INT16   = 3
uint8 UINT16  = 4
uint8 INT32   = 5
uint8 UINT32  = 6
uint8 FLOAT32 = 7
uint8 FLOAT64 = 8

# Common PointField names are x, y, z, intensity, rgb, rgba
string name      # Name of field
uint32 offset    # Offset from start of point struct
uint8  datatype  # Datatype enumeration, see above
uint32 count     # How many elements in the field
)";

const std::string kRos2PointCloud2 =
    R"(# N-dimensional points as a binary blob described by "fields".

# Time of sensor data acquisition, and the coordinate frame ID (for 3d points).
std_msgs/Header header

# 2D structure of the point cloud.
uint32 height
uint32 width

# Describes the channels and their layout in the binary data blob.
PointField[] fields

bool    is_bigendian # Is this data bigendian?
uint32  point_step   # Length of a point in bytes
uint32  row_step     # Length of a row in bytes
uint8[] data         # Actual point data, size is (row_step*height)

bool is_dense        # True if there are no invalid points
)" + std::string("\n") +
    kSep + "MSG: sensor_msgs/PointField\n" + kPointField + "\n" + kSep + "MSG: std_msgs/Header\n" + kRos2Header +
    "\n" + kSep + "MSG: builtin_interfaces/Time\n" + kRos2Time;

const std::string kRos2Image = R"(# An uncompressed image; (0, 0) is the top-left corner.

std_msgs/Header header # Header timestamp should be acquisition time of image
                             # Header frame_id should be optical frame of camera

uint32 height                # image height, that is, number of rows
uint32 width                 # image width, that is, number of columns

# Legal encodings are in include/sensor_msgs/image_encodings.hpp

string encoding       # Encoding of pixels -- channel meaning, ordering, size
                      # taken from the list of strings in include/sensor_msgs/image_encodings.hpp

uint8 is_bigendian    # is this data bigendian?
uint32 step           # Full row length in bytes
uint8[] data          # actual matrix data, size is (step * rows)
)" + std::string("\n") + kSep + "MSG: std_msgs/Header\n" +
                               kRos2Header + "\n" + kSep + "MSG: builtin_interfaces/Time\n" + kRos2Time;

const std::string kRoi = R"(# A subwindow of an image.
uint32 x_offset  # Leftmost pixel of the ROI
                 # (0 if the ROI includes the left edge of the image)
uint32 y_offset  # Topmost pixel of the ROI
uint32 height    # Height of ROI
uint32 width     # Width of ROI

# True if a distinct rectified ROI should be calculated.
bool do_rectify
)";

const std::string kRos2CameraInfo = R"(# Meta information for a camera.

#######################################################################
#                     Image acquisition info                          #
#######################################################################

# Time of image acquisition, camera coordinate frame ID
std_msgs/Header header # Header timestamp should be acquisition time of image
                       # +x should point to the right in the image


#######################################################################
#                      Calibration Parameters                         #
#######################################################################
uint32 height
uint32 width

# The distortion model used.
string distortion_model

# For "plumb_bob", the 5 parameters are: (k1, k2, t1, t2, k3).
float64[] d

#     [fx  0 cx]
# K = [ 0 fy cy]
#     [ 0  0  1]
float64[9] k # 3x3 row-major matrix

float64[9] r # 3x3 row-major matrix

float64[12] p # 3x4 row-major matrix

uint32 binning_x
uint32 binning_y

RegionOfInterest roi
)" + std::string("\n") + kSep + "MSG: sensor_msgs/RegionOfInterest\n" +
                                    kRoi + "\n" + kSep + "MSG: std_msgs/Header\n" + kRos2Header + "\n" + kSep +
                                    "MSG: builtin_interfaces/Time\n" + kRos2Time;

const std::string kRos2TfMessage =
    "geometry_msgs/TransformStamped[] transforms\n\n" + kSep + "MSG: geometry_msgs/TransformStamped\n" +
    R"(# This expresses a transform from coordinate frame header.frame_id
# to the coordinate frame child_frame_id at the time of header.stamp

# The frame id in the header is used as the reference frame of this transform.
std_msgs/Header header

# The frame id of the child frame to which this transform points.
string child_frame_id

# Translation and rotation in 3-dimensions of child_frame_id from header.frame_id.
Transform transform
)" + "\n" + kSep + "MSG: geometry_msgs/Transform\n" +
    R"(# This represents the transform between two coordinate frames in free space.

Vector3 translation
Quaternion rotation
)" + "\n" + kSep + "MSG: geometry_msgs/Quaternion\n" +
    R"(# This represents an orientation in free space in quaternion form.

float64 x 0
float64 y 0
float64 z 0
float64 w 1
)" + "\n" + kSep + "MSG: geometry_msgs/Vector3\n" +
    R"(# This represents a vector in free space.

float64 x
float64 y
float64 z
)" + "\n" + kSep + "MSG: std_msgs/Header\n" + kRos2Header + "\n" + kSep + "MSG: builtin_interfaces/Time\n" + kRos2Time;

const std::string kRos1Header = R"(# Standard metadata for higher-level stamped data types.
# sequence ID: consecutively increasing ID
uint32 seq
#Two-integer timestamp that is expressed as:
# * stamp.sec: seconds (stamp_secs) since epoch
# * stamp.nsec: nanoseconds since stamp_secs
time stamp
#Frame this data is associated with
string frame_id
)";

const std::string kRos1PointCloud2 = R"(# N-dimensional points as a binary blob described by "fields".

# Time of sensor data acquisition, and the coordinate frame ID (for 3d
# points).
Header header

uint32 height
uint32 width

PointField[] fields

bool    is_bigendian # Is this data bigendian?
uint32  point_step   # Length of a point in bytes
uint32  row_step     # Length of a row in bytes
uint8[] data         # Actual point data, size is (row_step*height)

bool is_dense        # True if there are no invalid points
)" + std::string("\n") + kSep + "MSG: std_msgs/Header\n" +
                                     kRos1Header + "\n" + kSep + "MSG: sensor_msgs/PointField\n" + kPointField;

const std::string kRos1CameraInfo = R"(Header header
uint32 height
uint32 width
string distortion_model
float64[] D
float64[9]  K # 3x3 row-major matrix
float64[9]  R # 3x3 row-major matrix
float64[12] P # 3x4 row-major matrix
uint32 binning_x
uint32 binning_y
RegionOfInterest roi
)" + std::string("\n") + kSep + "MSG: std_msgs/Header\n" +
                                    kRos1Header + "\n" + kSep + "MSG: sensor_msgs/RegionOfInterest\n" + kRoi;

const std::string kRos1TfMessage = "geometry_msgs/TransformStamped[] transforms\n" + kSep +
                                   "MSG: geometry_msgs/TransformStamped\n"
                                   "Header header\nstring child_frame_id # the frame id of the child frame\n"
                                   "Transform transform\n" +
                                   kSep + "MSG: std_msgs/Header\n" + kRos1Header + "\n" + kSep +
                                   "MSG: geometry_msgs/Transform\nVector3 translation\nQuaternion rotation\n\n" +
                                   kSep + "MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z\n" + kSep +
                                   "MSG: geometry_msgs/Quaternion\nfloat64 x\nfloat64 y\nfloat64 z\nfloat64 w\n";

// ---- Byte building by hand, independent of the encoder under test. ----
struct Bytes {
  std::vector<std::uint8_t> b;
  void u8(std::uint8_t v) { b.push_back(v); }
  void pad(int n) {
    for (int i = 0; i < n; ++i) b.push_back(0);
  }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void u32be(std::uint32_t v) {
    for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void f32(float v) {
    std::uint32_t u;
    std::memcpy(&u, &v, 4);
    u32(u);
  }
  void f64(double v) {
    std::uint64_t u;
    std::memcpy(&u, &v, 8);
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
  }
  void chars(const std::string& s) { b.insert(b.end(), s.begin(), s.end()); }
};

RosMessageDecoder decoder_for(const gen::RosSchemaText& s, const char* message_encoding) {
  return RosMessageDecoder::from_schema(s.name, s.encoding, s.text, message_encoding, "test.mcap");
}

RosMessageDecoder decoder_for(gen::RosMessageKind kind, gen::RosFlavor flavor) {
  const gen::RosMessageWriter w(flavor);
  return decoder_for(w.schema(kind), w.message_encoding());
}

void add_flavor_rows() {
  QTest::addColumn<gen::RosFlavor>("flavor");
  QTest::addColumn<bool>("big_endian");
  QTest::newRow("ros1") << gen::RosFlavor::Ros1 << false;
  QTest::newRow("ros2 cdr le") << gen::RosFlavor::Ros2 << false;
  QTest::newRow("ros2 cdr be") << gen::RosFlavor::Ros2 << true;
}

// A PointCloud2 whose point bytes are assembled from per-point field writers.
struct CloudBuilder {
  gen::RosPointCloud2Data m;
  explicit CloudBuilder(std::uint32_t point_step) {
    m.header = {1'600'000'000'123'456'789LL, "velodyne", 7};
    m.point_step = point_step;
  }
  void field(const std::string& name, std::uint32_t offset, std::uint8_t datatype) {
    m.fields.push_back({name, offset, datatype, 1});
  }
  // Bytes of one value at an offset of the current point, little or big endian.
  template <class T>
  static void put(std::vector<std::uint8_t>& point, std::uint32_t offset, T v, bool big_endian) {
    std::uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    if (big_endian) std::reverse(b, b + sizeof(T));
    std::memcpy(point.data() + offset, b, sizeof(T));
  }
  void finish(std::uint32_t width, std::uint32_t height, std::uint32_t row_step, const std::vector<std::uint8_t>& data) {
    m.width = width;
    m.height = height;
    m.row_step = row_step;
    m.data = data;
  }
};

RosPointCloud convert_cloud(const gen::RosPointCloud2Data& m, gen::RosFlavor flavor = gen::RosFlavor::Ros2) {
  const gen::RosMessageWriter w(flavor);
  const auto bytes = w.point_cloud2(m);
  const auto msg = decoder_for(w.schema(gen::RosMessageKind::PointCloud2), w.message_encoding()).decode(bytes, "t");
  return point_cloud_from_ros(msg);
}

RosImage convert_image(const gen::RosImageData& m, gen::RosFlavor flavor = gen::RosFlavor::Ros2) {
  const gen::RosMessageWriter w(flavor);
  const auto bytes = w.image(m);
  const auto msg = decoder_for(w.schema(gen::RosMessageKind::Image), w.message_encoding()).decode(bytes, "t");
  return image_from_ros(msg);
}

std::string parse_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ParseError& e) {
    return e.what();
  }
  return "";
}

bool same_image(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

}  // namespace

class TestRosMessages : public QObject {
  Q_OBJECT

 private slots:
  // ---------------- definitions ----------------
  void parses_ros2_point_cloud2_definition() {
    const auto def = RosMsgDefinition::parse("sensor_msgs/msg/PointCloud2", kRos2PointCloud2, RosSchemaDialect::Ros2);
    const RosMessageType& root = def.root();
    QCOMPARE(root.name, std::string("sensor_msgs/PointCloud2"));
    std::vector<std::string> names;
    for (const auto& f : root.fields) names.push_back(f.name);
    QCOMPARE(names, (std::vector<std::string>{"header", "height", "width", "fields", "is_bigendian", "point_step",
                                              "row_step", "data", "is_dense"}));
    QCOMPARE(root.fields[1].type, RosPrimitive::UInt32);
    QCOMPARE(root.fields[4].type, RosPrimitive::Bool);
    QCOMPARE(root.fields[7].type, RosPrimitive::UInt8);
    QCOMPARE(root.fields[7].array, RosArrayKind::Unbounded);
    const RosMessageType& point_field = def.type(root.fields[3].message_type);
    QCOMPARE(point_field.name, std::string("sensor_msgs/PointField"));
    QCOMPARE(root.fields[3].array, RosArrayKind::Unbounded);
    QCOMPARE(point_field.fields.size(), std::size_t{4});  // the 8 constants are not fields
    QCOMPARE(point_field.fields[2].name, std::string("datatype"));
    QCOMPARE(point_field.fields[2].type, RosPrimitive::UInt8);
    const RosMessageType& header = def.type(root.fields[0].message_type);
    QCOMPARE(header.name, std::string("std_msgs/Header"));
    QCOMPARE(header.fields.size(), std::size_t{2});
    const RosMessageType& time = def.type(header.fields[0].message_type);
    QCOMPARE(time.name, std::string("builtin_interfaces/Time"));
    QCOMPARE(time.fields[0].type, RosPrimitive::Int32);
    QCOMPARE(time.fields[1].name, std::string("nanosec"));
    QCOMPARE(time.fields[1].type, RosPrimitive::UInt32);
  }

  void parses_ros2_image_camera_info_tf_definitions() {
    const auto image = RosMsgDefinition::parse("sensor_msgs/msg/Image", kRos2Image, RosSchemaDialect::Ros2);
    QCOMPARE(image.root().fields.size(), std::size_t{7});
    QCOMPARE(image.root().fields[3].name, std::string("encoding"));
    QCOMPARE(image.root().fields[3].type, RosPrimitive::String);
    QCOMPARE(image.root().fields[4].type, RosPrimitive::UInt8);  // is_bigendian is a uint8 in Image

    const auto info = RosMsgDefinition::parse("sensor_msgs/msg/CameraInfo", kRos2CameraInfo, RosSchemaDialect::Ros2);
    const auto& f = info.root().fields;
    QCOMPARE(f.size(), std::size_t{11});
    QCOMPARE(f[4].name, std::string("d"));
    QCOMPARE(f[4].array, RosArrayKind::Unbounded);
    QCOMPARE(f[5].name, std::string("k"));
    QCOMPARE(f[5].array, RosArrayKind::Fixed);
    QCOMPARE(f[5].array_size, 9u);
    QCOMPARE(f[7].array_size, 12u);
    QCOMPARE(info.type(f[10].message_type).name, std::string("sensor_msgs/RegionOfInterest"));
    QCOMPARE(info.type(f[10].message_type).fields.size(), std::size_t{5});

    const auto tf = RosMsgDefinition::parse("tf2_msgs/msg/TFMessage", kRos2TfMessage, RosSchemaDialect::Ros2);
    const auto& stamped = tf.type(tf.root().fields[0].message_type);
    QCOMPARE(stamped.name, std::string("geometry_msgs/TransformStamped"));
    const auto& transform = tf.type(stamped.fields[2].message_type);
    const auto& rotation = tf.type(transform.fields[1].message_type);
    QCOMPARE(rotation.name, std::string("geometry_msgs/Quaternion"));
    QCOMPARE(rotation.fields.size(), std::size_t{4});  // "float64 w 1": default values are not names
    QCOMPARE(rotation.fields[3].name, std::string("w"));
  }

  void parses_ros1_definitions() {
    const auto cloud = RosMsgDefinition::parse("sensor_msgs/PointCloud2", kRos1PointCloud2, RosSchemaDialect::Ros1);
    const auto& header = cloud.type(cloud.root().fields[0].message_type);
    QCOMPARE(header.name, std::string("std_msgs/Header"));  // bare "Header"
    QCOMPARE(header.fields.size(), std::size_t{3});
    QCOMPARE(header.fields[0].name, std::string("seq"));
    const auto& time = cloud.type(header.fields[1].message_type);  // builtin time: uint32 sec, uint32 nsec
    QCOMPARE(time.fields[0].type, RosPrimitive::UInt32);
    QCOMPARE(time.fields[1].name, std::string("nsec"));
    QCOMPARE(time.fields[1].type, RosPrimitive::UInt32);
    // "PointField" in the main text resolves against the main type's package.
    QCOMPARE(cloud.type(cloud.root().fields[3].message_type).name, std::string("sensor_msgs/PointField"));

    const auto info = RosMsgDefinition::parse("sensor_msgs/CameraInfo", kRos1CameraInfo, RosSchemaDialect::Ros1);
    QCOMPARE(info.root().fields[5].name, std::string("K"));
    QCOMPARE(info.root().fields[5].array_size, 9u);

    const auto tf = RosMsgDefinition::parse("tf2_msgs/TFMessage", kRos1TfMessage, RosSchemaDialect::Ros1);
    const auto& stamped = tf.type(tf.root().fields[0].message_type);
    // "Transform" inside the geometry_msgs/TransformStamped section resolves to geometry_msgs/Transform.
    QCOMPARE(tf.type(stamped.fields[2].message_type).name, std::string("geometry_msgs/Transform"));
  }

  void parses_grammar_variants() {
    const std::string text =
        "int32[<=5] bounded\n"
        "string<=10 short_name\n"
        "string<=8[<=3] names\n"
        "string GREETING=hello # not a comment\n"
        "int32 X = 3\n"
        "  float64   spaced   1.5   # default and comment\n"
        "byte b\n"
        "char c\n"
        "Inner inner\n"
        "pkg/msg/Inner[2] pair\n" +
        kSep + "MSG: pkg/msg/Inner\nuint8 v\n";
    const auto def = RosMsgDefinition::parse("pkg/msg/Outer", text, RosSchemaDialect::Ros2);
    const auto& f = def.root().fields;
    QCOMPARE(f.size(), std::size_t{8});
    QCOMPARE(f[0].array, RosArrayKind::Bounded);
    QCOMPARE(f[0].array_size, 5u);
    QCOMPARE(f[1].type, RosPrimitive::String);
    QCOMPARE(f[1].string_bound, 10u);
    QCOMPARE(f[2].string_bound, 8u);
    QCOMPARE(f[2].array, RosArrayKind::Bounded);
    QCOMPARE(f[3].name, std::string("spaced"));
    QCOMPARE(f[4].type, RosPrimitive::UInt8);  // ROS 2 byte
    QCOMPARE(f[6].message_type, f[7].message_type);
    QCOMPARE(f[7].array_size, 2u);
    QCOMPARE(RosMsgDefinition::parse("p/T", "byte b\n", RosSchemaDialect::Ros1).root().fields[0].type,
             RosPrimitive::Int8);  // ROS 1 byte

    // ROS 2 builtin_interfaces/Time is known even when a writer leaves its section out.
    const auto bare = RosMsgDefinition::parse("p/T", "builtin_interfaces/Time t\n", RosSchemaDialect::Ros2);
    QCOMPARE(bare.type(bare.root().fields[0].message_type).fields[1].name, std::string("nanosec"));

    const auto error = [](const std::string& t) {
      return parse_error_of([&] { RosMsgDefinition::parse("p/T", t, RosSchemaDialect::Ros2, "s.mcap"); });
    };
    QVERIFY(error("Missing m\n").find("p/Missing") != std::string::npos);
    QVERIFY(error("p/A a\n" + kSep + "MSG: p/A\np/B b\n" + kSep + "MSG: p/B\np/A a\n").find("contains itself") !=
            std::string::npos);
    QVERIFY(error(kSep + "IDL: p/msg/T\nmodule p {};\n").find("IDL") != std::string::npos);
    QVERIFY(error("int32[x] a\n").find("bad array size") != std::string::npos);
    QVERIFY(error("int32[99999999999] a\n").find("bad array size") != std::string::npos);
    QVERIFY(error("int32\n").find("s.mcap:1:") == 0);
    QVERIFY(error("uint8 a\n" + kSep + "garbage\n").find("s.mcap:3:") == 0);
    QVERIFY(!error("int32 a-b\n").empty());
    // 40 nested types: deeper than the decoder allows.
    std::string deep = "p/T0 t\n";
    for (int i = 0; i < 40; ++i)
      deep += kSep + "MSG: p/T" + std::to_string(i) + "\np/T" + std::to_string(i + 1) + " t\n";
    deep += kSep + "MSG: p/T40\nuint8 v\n";
    QVERIFY(error(deep).find("nested deeper") != std::string::npos);
  }

  // ---------------- hand-built messages ----------------
  void decodes_hand_built_cdr_point_cloud2() {
    // Offsets p are counted from the end of the 4-byte encapsulation header (CDR alignment origin).
    Bytes m;
    m.u8(0x00), m.u8(0x01), m.u8(0), m.u8(0);  // CDR_LE, options
    m.u32(1700000000);                         // p0   header.stamp.sec (int32)
    m.u32(500);                                // p4   header.stamp.nanosec
    m.u32(6), m.chars("lidar"), m.u8(0);       // p8   frame_id: length with NUL, p12..p17 chars
    m.pad(2);                                  // p18  -> p20 for uint32
    m.u32(1);                                  // p20  height
    m.u32(2);                                  // p24  width
    m.u32(4);                                  // p28  fields: 4 elements
    const char* names[] = {"x", "y", "z", "intensity"};
    for (int i = 0; i < 4; ++i) {
      const std::string name = names[i];
      m.u32(static_cast<std::uint32_t>(name.size() + 1)), m.chars(name), m.u8(0);
      // x,y,z: name at p32/p52/p72 (4 + 2 bytes) ends at 2 mod 4; "intensity" (4 + 10) ends at 2 mod 4 too.
      m.pad(2);
      m.u32(static_cast<std::uint32_t>(4 * i));  // offset
      m.u8(7);                                   // datatype FLOAT32
      m.pad(3);
      m.u32(1);  // count
    }
    QCOMPARE(m.b.size(), std::size_t{4 + 120});  // fields end at p120
    m.u8(0);                                      // p120 is_bigendian
    m.pad(3);
    m.u32(16);  // p124 point_step
    m.u32(32);  // p128 row_step
    m.u32(32);  // p132 data: 32 bytes
    const float pts[8] = {1.5f, -2.25f, 0.5f, 0.75f, 10.f, 20.f, -3.f, 1.f};
    for (float v : pts) m.f32(v);  // p136..p167
    m.u8(1);                       // p168 is_dense
    QCOMPARE(m.b.size(), std::size_t{173});

    const auto decoder = RosMessageDecoder::from_schema("sensor_msgs/msg/PointCloud2", "ros2msg", kRos2PointCloud2,
                                                        "cdr", "hand.mcap");
    const RosMessage msg = decoder.decode(m.b, "hand.mcap");
    QCOMPARE(msg.at("header.stamp.sec").as_int(), std::int64_t{1700000000});
    QCOMPARE(msg.at("header.frame_id").as_string(), std::string_view("lidar"));
    QCOMPARE(msg.at("fields[3].name").as_string(), std::string_view("intensity"));
    QCOMPARE(msg.at("fields[2].offset").as_uint(), std::uint64_t{8});
    QCOMPARE(msg.at("point_step").as_uint(), std::uint64_t{16});
    QVERIFY(msg.at("is_dense").as_bool());
    const auto data = msg.at("data").bytes();
    QCOMPARE(data.size(), std::size_t{32});
    QCOMPARE(static_cast<const void*>(data.data()), static_cast<const void*>(m.b.data() + 140));  // not copied
    QVERIFY(!msg.find("header.nope"));
    QVERIFY(!msg.find("fields[4]"));

    const RosPointCloud cloud = point_cloud_from_ros(msg);
    QCOMPARE(cloud.header.stamp_ns, 1700000000LL * 1'000'000'000 + 500);
    QCOMPARE(cloud.header.frame_id, std::string("lidar"));
    QCOMPARE(cloud.cloud.xyzi, std::vector<float>(pts, pts + 8));
    QCOMPARE(cloud.intensity_field, std::string("intensity"));
    QVERIFY(cloud.ring.empty() && cloud.time_offset_ns.empty());

    // The synth encoder writes the very same bytes.
    gen::RosPointCloud2Data d =
        gen::make_xyzi_point_cloud2(std::vector<float>(pts, pts + 8), {1700000000LL * 1'000'000'000 + 500, "lidar"});
    QVERIFY(gen::RosMessageWriter(gen::RosFlavor::Ros2).point_cloud2(d) == m.b);
  }

  void decodes_hand_built_ros1_point_cloud2() {
    Bytes m;  // packed, little endian, strings without NUL, time = uint32 sec + uint32 nsec
    m.u32(42);                                 // header.seq
    m.u32(1300000000), m.u32(999999999);       // stamp
    m.u32(5), m.chars("/velo");                // frame_id (leading '/' of ROS 1 tf names)
    m.u32(1), m.u32(1);                        // height, width
    m.u32(3);                                  // fields
    for (int i = 0; i < 3; ++i) m.u32(1), m.chars(std::string(1, "xyz"[i])), m.u32(8 * i), m.u8(8), m.u32(1);
    m.u8(0);                                   // is_bigendian
    m.u32(24), m.u32(24);                      // point_step, row_step
    m.u32(24), m.f64(-1.0), m.f64(2.5), m.f64(1e-3);  // data: float64 x y z
    m.u8(1);
    const auto decoder =
        RosMessageDecoder::from_schema("sensor_msgs/PointCloud2", "ros1msg", kRos1PointCloud2, "ros1", "hand.bag");
    const RosMessage msg = decoder.decode(m.b);
    QCOMPARE(msg.at("header.seq").as_uint(), std::uint64_t{42});
    QCOMPARE(msg.at("header.stamp.nsec").as_uint(), std::uint64_t{999999999});
    const RosPointCloud cloud = point_cloud_from_ros(msg);
    QCOMPARE(cloud.header.stamp_ns, 1300000000LL * 1'000'000'000 + 999999999);
    QCOMPARE(cloud.header.frame_id, std::string("velo"));
    QCOMPARE(cloud.cloud.xyzi, (std::vector<float>{-1.f, 2.5f, 1e-3f, 0.f}));
    QVERIFY(cloud.intensity_field.empty());
    QVERIFY(gen::RosMessageWriter(gen::RosFlavor::Ros1).point_cloud2([&] {
      gen::RosPointCloud2Data d;
      d.header = {1300000000LL * 1'000'000'000 + 999999999, "/velo", 42};
      d.width = 1;
      d.fields = {{"x", 0, 8, 1}, {"y", 8, 8, 1}, {"z", 16, 8, 1}};
      d.point_step = d.row_step = 24;
      Bytes p;
      p.f64(-1.0), p.f64(2.5), p.f64(1e-3);
      d.data = p.b;
      return d;
    }()) == m.b);
  }

  void decodes_big_endian_cdr() {
    Bytes m;
    m.u8(0x00), m.u8(0x00), m.u8(0), m.u8(0);  // CDR_BE
    m.u32be(7), m.chars("abcdef"), m.u8(0);    // string "abcdef"
    m.u8(0);                                   // pad to 8 (p11 -> p16 needs 5 bytes: 1 here + 4 below)
    m.pad(4);
    const double v = 3.25;
    std::uint64_t u;
    std::memcpy(&u, &v, 8);
    for (int i = 7; i >= 0; --i) m.u8(static_cast<std::uint8_t>(u >> (8 * i)));  // p16 float64 big endian
    const auto dec = RosMessageDecoder::from_schema("p/msg/T", "ros2msg", "string s\nfloat64 d\n", "cdr");
    const RosMessage msg = dec.decode(m.b);
    QVERIFY(msg.swap_bytes());
    QCOMPARE(msg.at("s").as_string(), std::string_view("abcdef"));
    QCOMPARE(msg.at("d").as_double(), 3.25);
  }

  // ---------------- round trips through the synth encoders ----------------
  void round_trips_point_cloud2_data() { add_flavor_rows(); }
  void round_trips_point_cloud2() {
    QFETCH(gen::RosFlavor, flavor);
    QFETCH(bool, big_endian);
    std::vector<float> xyzi;
    for (int i = 0; i < 100; ++i) xyzi.insert(xyzi.end(), {i * 0.5f, -i * 0.25f, 1.f + i, i / 100.f});
    const auto data = gen::make_xyzi_point_cloud2(xyzi, {1'234'567'890'123'456'789LL, "lidar_top", 3});
    const gen::RosMessageWriter w(flavor, big_endian);
    const auto bytes = w.point_cloud2(data);
    const auto cloud = point_cloud_from_ros(decoder_for(w.schema(gen::RosMessageKind::PointCloud2),
                                                        w.message_encoding()).decode(bytes));
    QCOMPARE(cloud.header.stamp_ns, 1'234'567'890'123'456'789LL);
    QCOMPARE(cloud.header.frame_id, std::string("lidar_top"));
    QCOMPARE(cloud.cloud.xyzi, xyzi);
    QCOMPARE(cloud.width, 100u);
  }

  void round_trips_image_data() { add_flavor_rows(); }
  void round_trips_image() {
    QFETCH(gen::RosFlavor, flavor);
    QFETCH(bool, big_endian);
    gen::RosImageData d;
    d.header = {5'000'000'001LL, "cam_front", 0};
    d.height = 2, d.width = 3, d.encoding = "bgr8", d.step = 9;
    for (int i = 0; i < 18; ++i) d.data.push_back(static_cast<std::uint8_t>(i * 13));
    const gen::RosMessageWriter w(flavor, big_endian);
    const auto img = image_from_ros(decoder_for(w.schema(gen::RosMessageKind::Image), w.message_encoding())
                                        .decode(w.image(d)));
    QCOMPARE(img.header.stamp_ns, 5'000'000'001LL);
    QCOMPARE(img.header.frame_id, std::string("cam_front"));
    QCOMPARE(img.encoding, std::string("bgr8"));
    QCOMPARE(img.image.type(), CV_8UC3);
    QCOMPARE(img.image.at<cv::Vec3b>(1, 2)[2], static_cast<std::uint8_t>(17 * 13));
  }

  void round_trips_compressed_image_data() { add_flavor_rows(); }
  void round_trips_compressed_image() {
    QFETCH(gen::RosFlavor, flavor);
    QFETCH(bool, big_endian);
    cv::Mat bgr(20, 30, CV_8UC3);
    for (int r = 0; r < bgr.rows; ++r)
      for (int c = 0; c < bgr.cols; ++c) bgr.at<cv::Vec3b>(r, c) = cv::Vec3b(r * 10, c * 8, 200 - r - c);
    gen::RosCompressedImageData d;
    d.header = {77, "cam", 0};
    d.format = "png";
    cv::imencode(".png", bgr, d.data);
    const gen::RosMessageWriter w(flavor, big_endian);
    const auto dec = decoder_for(w.schema(gen::RosMessageKind::CompressedImage), w.message_encoding());
    const auto bytes = w.compressed_image(d);
    const auto png = compressed_image_from_ros(dec.decode(bytes));
    QVERIFY(same_image(png.image, bgr));
    QCOMPARE(png.header.stamp_ns, std::int64_t{77});

    d.format = "bgr8; jpeg compressed bgr8";
    cv::Mat smooth(64, 64, CV_8UC3);
    for (int r = 0; r < 64; ++r)
      for (int c = 0; c < 64; ++c) smooth.at<cv::Vec3b>(r, c) = cv::Vec3b(2 * r, 2 * c, 128);
    cv::imencode(".jpg", smooth, d.data, {cv::IMWRITE_JPEG_QUALITY, 95});
    const auto bytes2 = w.compressed_image(d);
    const auto jpg = compressed_image_from_ros(dec.decode(bytes2));
    QCOMPARE(jpg.image.type(), CV_8UC3);
    QVERIFY(cv::norm(jpg.image, smooth, cv::NORM_L1) / (64.0 * 64 * 3) < 3.0);

    cv::Mat gray(8, 8, CV_8UC1, cv::Scalar(99));
    d.format = "mono8; png compressed ";
    cv::imencode(".png", gray, d.data);
    const auto bytes3 = w.compressed_image(d);
    QVERIFY(same_image(compressed_image_from_ros(dec.decode(bytes3)).image, gray));
  }

  void round_trips_camera_info_data() { add_flavor_rows(); }
  void round_trips_camera_info() {
    QFETCH(gen::RosFlavor, flavor);
    QFETCH(bool, big_endian);
    gen::RosCameraInfoData d;
    d.header = {1'000'000'000'000'000'000LL, "/cam_front_optical", 1};
    d.height = 1080, d.width = 1920;
    d.distortion_model = "rational_polynomial";
    d.d = {-0.3, 0.1, 0.001, -0.002, 0.05, 0.01, 0.02, 0.03};
    d.k = {1000, 0, 960, 0, 1001, 540, 0, 0, 1};
    d.p = {900, 0, 950, -45, 0, 900, 530, 0, 0, 0, 1, 0};
    const gen::RosMessageWriter w(flavor, big_endian);
    const auto info = camera_info_from_ros(decoder_for(w.schema(gen::RosMessageKind::CameraInfo),
                                                       w.message_encoding()).decode(w.camera_info(d)));
    QCOMPARE(info.header.frame_id, std::string("cam_front_optical"));
    QCOMPARE(info.header.stamp_ns, 1'000'000'000'000'000'000LL);
    QCOMPARE(info.intrinsics.width, 1920);
    QCOMPARE(info.intrinsics.height, 1080);
    QCOMPARE(info.intrinsics.K(0, 0), 1000.0);
    QCOMPARE(info.intrinsics.K(1, 2), 540.0);
    QCOMPARE(info.intrinsics.K(2, 2), 1.0);
    QCOMPARE(info.intrinsics.distortion, (std::array<double, 5>{-0.3, 0.1, 0.001, -0.002, 0.05}));
    QCOMPARE(info.distortion.size(), std::size_t{8});
    QCOMPARE(info.P(0, 3), -45.0);
    QCOMPARE(info.R(1, 1), 1.0);
    QCOMPARE(info.distortion_model, std::string("rational_polynomial"));
  }

  void round_trips_tf_message_data() { add_flavor_rows(); }
  void round_trips_tf_message() {
    QFETCH(gen::RosFlavor, flavor);
    QFETCH(bool, big_endian);
    std::vector<gen::RosTransformData> tfs(3);
    for (int i = 0; i < 3; ++i) {
      tfs[i].header = {1'700'000'000'000'000'000LL + i, i == 0 ? "/map" : "base_link", 0};
      tfs[i].child_frame_id = "sensor_" + std::to_string(i);
      tfs[i].translation = Eigen::Vector3d(1.0 + i, -2.0, 0.5 * i);
      tfs[i].rotation = Eigen::Quaterniond(Eigen::AngleAxisd(0.3 * (i + 1), Eigen::Vector3d(1, 2, 3).normalized()));
    }
    tfs[2].rotation.coeffs() *= 2.0;  // not unit: normalized on reading
    const gen::RosMessageWriter w(flavor, big_endian);
    const auto out = transforms_from_ros(decoder_for(w.schema(gen::RosMessageKind::TFMessage), w.message_encoding())
                                             .decode(w.tf_message(tfs)));
    QCOMPARE(out.size(), std::size_t{3});
    for (int i = 0; i < 3; ++i) {
      QCOMPARE(out[i].stamp_ns, 1'700'000'000'000'000'000LL + i);
      QCOMPARE(out[i].parent_frame, std::string(i == 0 ? "map" : "base_link"));
      QCOMPARE(out[i].child_frame, "sensor_" + std::to_string(i));
      const Eigen::Matrix3d R = Eigen::AngleAxisd(0.3 * (i + 1), Eigen::Vector3d(1, 2, 3).normalized()).matrix();
      QVERIFY((out[i].T_parent_from_child.linear() - R).norm() < 1e-12);
      QVERIFY((out[i].T_parent_from_child.translation() - tfs[i].translation).norm() == 0);
    }
    // A point 1 m along the child's x axis lies at t + R e_x in the parent frame.
    const Eigen::Vector3d p = out[0].T_parent_from_child * Eigen::Vector3d::UnitX();
    QVERIFY((p - (tfs[0].translation + tfs[0].rotation.toRotationMatrix().col(0))).norm() < 1e-12);
  }

  void round_trips_odometry_data() { add_flavor_rows(); }
  void round_trips_odometry() {
    QFETCH(gen::RosFlavor, flavor);
    QFETCH(bool, big_endian);
    gen::RosOdometryData d;
    d.header = {42'000'000'000LL, "odom", 9};
    d.child_frame_id = "base_link";
    d.position = Eigen::Vector3d(100.5, -20.25, 3.0);
    d.orientation = Eigen::Quaterniond(Eigen::AngleAxisd(1.2, Eigen::Vector3d::UnitZ()));
    d.linear = Eigen::Vector3d(12.5, 0.1, 0);
    d.angular = Eigen::Vector3d(0, 0, 0.2);
    d.pose_covariance[0] = 0.5;
    const gen::RosMessageWriter w(flavor, big_endian);
    const auto dec = decoder_for(w.schema(gen::RosMessageKind::Odometry), w.message_encoding());
    const auto bytes = w.odometry(d);
    const auto msg = dec.decode(bytes);
    const auto odo = odometry_from_ros(msg);
    QCOMPARE(odo.header.stamp_ns, 42'000'000'000LL);
    QCOMPARE(odo.header.frame_id, std::string("odom"));
    QCOMPARE(odo.child_frame_id, std::string("base_link"));
    QCOMPARE(odo.twist_linear_x, 12.5);
    QCOMPARE(odo.angular_velocity.z(), 0.2);
    QVERIFY((odo.T_frame_from_child.translation() - d.position).norm() == 0);
    QVERIFY(std::abs(Eigen::AngleAxisd(odo.T_frame_from_child.linear()).angle() - 1.2) < 1e-12);
    QCOMPARE(msg.at("pose.covariance[0]").as_double(), 0.5);
    QCOMPARE(msg.at("pose.covariance").size(), std::size_t{36});
  }

  void round_trips_nav_sat_fix_data() { add_flavor_rows(); }
  void round_trips_nav_sat_fix() {
    QFETCH(gen::RosFlavor, flavor);
    QFETCH(bool, big_endian);
    gen::RosNavSatFixData d;
    d.header = {-1'500'000'000LL, "gps", 0};  // before the epoch: sec -2, nanosec 5e8 in ROS 2
    if (flavor == gen::RosFlavor::Ros1) d.header.stamp_ns = 1'500'000'000LL;  // ROS 1 time is unsigned
    d.status = 2, d.service = 1 | 8;
    d.latitude = 49.011212804408, d.longitude = 8.4228850417969, d.altitude = 112.83492279053;
    d.position_covariance = {1, 0, 0, 0, 2, 0, 0, 0, 3};
    d.position_covariance_type = 2;
    const gen::RosMessageWriter w(flavor, big_endian);
    const auto fix = nav_sat_fix_from_ros(decoder_for(w.schema(gen::RosMessageKind::NavSatFix), w.message_encoding())
                                              .decode(w.nav_sat_fix(d)));
    QCOMPARE(fix.header.stamp_ns, d.header.stamp_ns);
    QCOMPARE(fix.header.frame_id, std::string("gps"));
    QCOMPARE(fix.status, 2);
    QCOMPARE(fix.service, 9u);
    QCOMPARE(fix.latitude, 49.011212804408);
    QCOMPARE(fix.longitude, 8.4228850417969);
    QCOMPARE(fix.altitude, 112.83492279053);
    QCOMPARE(fix.position_covariance[8], 3.0);
    QCOMPARE(fix.position_covariance_type, 2);
  }

  void encoder_schemas_have_recorder_layout() {
    const auto s2 = gen::RosMessageWriter::schema(gen::RosMessageKind::PointCloud2, gen::RosFlavor::Ros2);
    QCOMPARE(s2.name, std::string("sensor_msgs/msg/PointCloud2"));
    QCOMPARE(s2.encoding, std::string("ros2msg"));
    // rosbag2: sorted dependencies, each once, depth first: PointField, Header, then Header's Time.
    const auto a = s2.text.find("\n" + kSep + "MSG: sensor_msgs/PointField\n");
    const auto b = s2.text.find("\n" + kSep + "MSG: std_msgs/Header\n");
    const auto c = s2.text.find("\n" + kSep + "MSG: builtin_interfaces/Time\n");
    QVERIFY(a != std::string::npos && b != std::string::npos && c != std::string::npos);
    QVERIFY(a < b && b < c);
    const auto s1 = gen::RosMessageWriter::schema(gen::RosMessageKind::TFMessage, gen::RosFlavor::Ros1);
    QCOMPARE(s1.name, std::string("tf2_msgs/TFMessage"));
    QCOMPARE(s1.encoding, std::string("ros1msg"));
    QVERIFY(s1.text.find(kSep + "MSG: std_msgs/Header\n") != std::string::npos);
    // Every schema parses in its dialect.
    for (auto kind : {gen::RosMessageKind::PointCloud2, gen::RosMessageKind::Image, gen::RosMessageKind::CompressedImage,
                      gen::RosMessageKind::CameraInfo, gen::RosMessageKind::TFMessage, gen::RosMessageKind::Odometry,
                      gen::RosMessageKind::NavSatFix})
      for (auto flavor : {gen::RosFlavor::Ros1, gen::RosFlavor::Ros2}) decoder_for(kind, flavor);
  }

  // ---------------- PointCloud2 layouts ----------------
  void point_cloud_velodyne_layout() {
    // Velodyne driver: x y z (float32), 4 bytes padding, intensity float32, ring uint16, time float32 (s) -> 32 B.
    CloudBuilder b(32);
    b.field("x", 0, 7), b.field("y", 4, 7), b.field("z", 8, 7), b.field("intensity", 16, 7), b.field("ring", 20, 4),
        b.field("time", 24, 7);
    std::vector<std::uint8_t> data;
    for (int i = 0; i < 6; ++i) {
      std::vector<std::uint8_t> p(32, 0xEE);  // padding bytes are not zero
      // Point 5 has no return (NaN x): dropped with its ring and time.
      CloudBuilder::put(p, 0, i == 5 ? std::numeric_limits<float>::quiet_NaN() : 1.0f * i, false);
      CloudBuilder::put(p, 4, 2.0f, false);
      CloudBuilder::put(p, 8, -0.5f, false), CloudBuilder::put(p, 16, 17.0f + i, false);
      CloudBuilder::put(p, 20, static_cast<std::uint16_t>(i * 3), false);
      CloudBuilder::put(p, 24, -0.05f + 0.01f * i, false);
      data.insert(data.end(), p.begin(), p.end());
    }
    b.finish(6, 1, 192, data);
    const auto c = convert_cloud(b.m, gen::RosFlavor::Ros1);
    QCOMPARE(c.cloud.size(), std::size_t{5});
    QCOMPARE(c.dropped_points, std::size_t{1});
    QCOMPARE(c.ring.size(), std::size_t{5});
    QCOMPARE(c.time_offset_ns.size(), std::size_t{5});
    for (int i = 0; i < 5; ++i) {
      const float* p = c.cloud.point(i);
      QCOMPARE(p[0], 1.0f * i);
      QCOMPARE(p[3], 17.0f + i);
      QCOMPARE(c.ring[i], static_cast<std::uint16_t>(i * 3));
      QCOMPARE(c.time_offset_ns[i], std::llround(static_cast<double>(-0.05f + 0.01f * i) * 1e9));
    }
    QCOMPARE(c.time_field, std::string("time"));
  }

  void point_cloud_float64_and_integer_intensity_data() {
    QTest::addColumn<int>("intensity_type");  // 0 none, 2 uint8, 4 uint16
    QTest::newRow("float64 xyz, no intensity") << 0;
    QTest::newRow("float64 xyz, uint8 intensity") << 2;
    QTest::newRow("float64 xyz, uint16 intensity") << 4;
  }
  void point_cloud_float64_and_integer_intensity() {
    QFETCH(int, intensity_type);
    CloudBuilder b(28);
    b.field("x", 0, 8), b.field("y", 8, 8), b.field("z", 16, 8);
    if (intensity_type) b.field("intensity", 24, static_cast<std::uint8_t>(intensity_type));
    std::vector<std::uint8_t> data;
    for (int i = 0; i < 3; ++i) {
      std::vector<std::uint8_t> p(28, 0);
      CloudBuilder::put(p, 0, 100.125 + i, false), CloudBuilder::put(p, 8, -7.5, false);
      CloudBuilder::put(p, 16, 1e-2 * i, false);
      if (intensity_type == 2) CloudBuilder::put(p, 24, static_cast<std::uint8_t>(250 + i), false);
      if (intensity_type == 4) CloudBuilder::put(p, 24, static_cast<std::uint16_t>(60000 + i), false);
      data.insert(data.end(), p.begin(), p.end());
    }
    b.finish(3, 1, 84, data);
    const auto c = convert_cloud(b.m);
    QCOMPARE(c.cloud.size(), std::size_t{3});
    for (int i = 0; i < 3; ++i) {
      QCOMPARE(c.cloud.point(i)[0], static_cast<float>(100.125 + i));
      QCOMPARE(c.cloud.point(i)[2], static_cast<float>(1e-2 * i));
      const float expected = intensity_type == 2 ? 250.f + i : intensity_type == 4 ? 60000.f + i : 0.f;
      QCOMPARE(c.cloud.point(i)[3], expected);
    }
    QCOMPARE(c.intensity_field.empty(), intensity_type == 0);
  }

  void point_cloud_big_endian() {
    CloudBuilder b(16);
    b.field("x", 0, 7), b.field("y", 4, 7), b.field("z", 8, 7), b.field("reflectance", 12, 4),
        b.field("t", 14, 4);  // "t" as uint16 ns (Ouster uses uint32; any integer counts as ns)
    b.m.is_bigendian = true;
    std::vector<std::uint8_t> data;
    for (int i = 0; i < 2; ++i) {
      std::vector<std::uint8_t> p(16, 0);
      CloudBuilder::put(p, 0, 3.5f + i, true), CloudBuilder::put(p, 4, -1.25f, true);
      CloudBuilder::put(p, 8, 0.125f, true);
      CloudBuilder::put(p, 12, static_cast<std::uint16_t>(0x0102 + i), true);
      CloudBuilder::put(p, 14, static_cast<std::uint16_t>(1000 * (i + 1)), true);
      data.insert(data.end(), p.begin(), p.end());
    }
    b.finish(2, 1, 32, data);
    const auto c = convert_cloud(b.m);
    QCOMPARE(c.cloud.xyzi, (std::vector<float>{3.5f, -1.25f, 0.125f, 258.f, 4.5f, -1.25f, 0.125f, 259.f}));
    QCOMPARE(c.intensity_field, std::string("reflectance"));
    QCOMPARE(c.time_offset_ns, (std::vector<std::int64_t>{1000, 2000}));
  }

  void point_cloud_organized_with_row_padding_and_nans() {
    // 2 rows x 3 columns, row_step 3*16 + 8 padding bytes; NaN and inf points dropped, rows kept in order.
    CloudBuilder b(16);
    b.field("x", 0, 7), b.field("y", 4, 7), b.field("z", 8, 7), b.field("i", 12, 7);
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const float grid[2][3][4] = {{{1, 2, 3, 4}, {nan, 0, 0, 9}, {5, 6, 7, 8}},
                                 {{9, 10, 11, 12}, {13, inf, 15, 16}, {17, 18, 19, nan}}};
    std::vector<std::uint8_t> data;
    for (auto& row : grid) {
      for (auto& pt : row) {
        std::vector<std::uint8_t> p(16);
        for (int k = 0; k < 4; ++k) CloudBuilder::put(p, 4 * k, pt[k], false);
        data.insert(data.end(), p.begin(), p.end());
      }
      data.insert(data.end(), 8, 0xAB);
    }
    b.finish(3, 2, 56, data);
    b.m.is_dense = false;
    const auto c = convert_cloud(b.m);
    QCOMPARE(c.height, 2u);
    QCOMPARE(c.dropped_points, std::size_t{2});
    // The last point's NaN intensity becomes 0; the point stays.
    QCOMPARE(c.cloud.xyzi, (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 17, 18, 19, 0}));
    QCOMPARE(c.intensity_field, std::string("i"));
  }

  void point_cloud_absolute_time_field() {
    // Hesai-style float64 "timestamp" in epoch seconds: offsets from the header stamp.
    CloudBuilder b(20);
    b.field("x", 0, 7), b.field("y", 4, 7), b.field("z", 8, 7), b.field("timestamp", 12, 8);
    std::vector<std::uint8_t> data;
    for (int i = 0; i < 2; ++i) {
      std::vector<std::uint8_t> p(20, 0);
      CloudBuilder::put(p, 0, 1.f, false);
      CloudBuilder::put(p, 12, 1'600'000'000.125 + 0.25 * i, false);
      data.insert(data.end(), p.begin(), p.end());
    }
    b.finish(2, 1, 40, data);
    b.m.header.stamp_ns = 1'600'000'000'000'000'000LL;
    const auto c = convert_cloud(b.m);
    QCOMPARE(c.time_offset_ns.size(), std::size_t{2});
    QVERIFY(std::abs(c.time_offset_ns[0] - 125'000'000) < 1000);
    QVERIFY(std::abs(c.time_offset_ns[1] - 375'000'000) < 1000);
  }

  void point_cloud_inconsistent_layouts_data() {
    QTest::addColumn<int>("variant");
    QTest::addColumn<QString>("message");
    QTest::newRow("data larger than row_step*height") << 0 << "data has 40 bytes but row_step 32";
    QTest::newRow("row_step below width*point_step") << 1 << "row_step 16 is less than width 2";
    QTest::newRow("point_step 0") << 2 << "point_step is 0";
    QTest::newRow("field outside point_step") << 3 << "outside point_step";
    QTest::newRow("no z") << 4 << "no 'z' field";
    QTest::newRow("int16 x") << 5 << "only FLOAT32";
    QTest::newRow("points but empty data") << 6 << "data has 0 bytes";
    QTest::newRow("no points but data") << 7 << "is 0 points";
  }
  void point_cloud_inconsistent_layouts() {
    QFETCH(int, variant);
    QFETCH(QString, message);
    auto m = gen::make_xyzi_point_cloud2({1, 2, 3, 4, 5, 6, 7, 8}, {1, "f"});
    switch (variant) {
      case 0: m.data.resize(40); break;
      case 1: m.row_step = 16; break;
      case 2: m.point_step = 0; break;
      case 3: m.fields[3].offset = 14; break;
      case 4: m.fields.pop_back(), m.fields.pop_back(); break;
      case 5: m.fields[0].datatype = 3; break;
      case 6: m.data.clear(); break;
      case 7: m.width = 0; break;
    }
    const std::string e = parse_error_of([&] { convert_cloud(m); });
    QVERIFY2(e.find(message.toStdString()) != std::string::npos, e.c_str());
    QVERIFY2(e.find("PointCloud2") != std::string::npos, e.c_str());
  }

  // ---------------- Image encodings ----------------
  void image_encodings_data() {
    QTest::addColumn<QString>("encoding");
    for (const char* e : {"rgb8", "bgr8", "rgba8", "bgra8", "mono8", "mono16", "mono16 big endian"})
      QTest::newRow(e) << QString(e);
  }
  void image_encodings() {
    QFETCH(QString, encoding);
    const std::string enc = encoding.section(' ', 0, 0).toStdString();
    const bool big = encoding.contains("big");
    const int w = 5, h = 4;
    const int channels = enc == "mono8" || enc == "mono16" ? 1 : enc.size() == 5 ? 4 : 3;
    const int bytes_per_channel = enc == "mono16" ? 2 : 1;
    gen::RosImageData d;
    d.header = {123, "cam", 0};
    d.width = w, d.height = h, d.encoding = enc, d.is_bigendian = big;
    d.step = static_cast<std::uint32_t>(w * channels * bytes_per_channel + 3);  // 3 padding bytes per row
    cv::Mat expected(h, w, channels == 1 ? CV_8UC1 : CV_8UC3);
    const std::uint16_t lows[] = {0x10, 0x70, 0x90, 0xF0};
    for (int r = 0; r < h; ++r) {
      for (int c = 0; c < w; ++c) {
        const std::uint8_t red = static_cast<std::uint8_t>(10 * r + c), green = static_cast<std::uint8_t>(100 + r),
                           blue = static_cast<std::uint8_t>(200 + c);
        if (channels == 1 && bytes_per_channel == 1) {
          d.data.push_back(red);
          expected.at<std::uint8_t>(r, c) = red;
        } else if (channels == 1) {
          const int top = 10 * r + c, low = lows[(r + c) % 4];
          const std::uint16_t v = static_cast<std::uint16_t>(top * 256 + low);
          const std::uint8_t hi = static_cast<std::uint8_t>(v >> 8), lo = static_cast<std::uint8_t>(v & 0xff);
          if (big) d.data.push_back(hi), d.data.push_back(lo);
          else d.data.push_back(lo), d.data.push_back(hi);
          // load_image's 16 -> 8 bits: v / 256 rounded to nearest.
          expected.at<std::uint8_t>(r, c) = static_cast<std::uint8_t>(top + (low >= 0x80 ? 1 : 0));
        } else {
          const bool rgb_order = enc[0] == 'r';
          d.data.push_back(rgb_order ? red : blue);
          d.data.push_back(green);
          d.data.push_back(rgb_order ? blue : red);
          if (channels == 4) d.data.push_back(77);
          expected.at<cv::Vec3b>(r, c) = cv::Vec3b(blue, green, red);
        }
      }
      d.data.insert(d.data.end(), 3, 0xFF);
    }
    for (auto flavor : {gen::RosFlavor::Ros1, gen::RosFlavor::Ros2}) {
      const auto img = convert_image(d, flavor);
      QVERIFY2(same_image(img.image, expected), enc.c_str());
    }
  }

  void image_bayer_data() {
    QTest::addColumn<QString>("encoding");
    for (const char* e : {"bayer_rggb8", "bayer_bggr8", "bayer_gbrg8", "bayer_grbg8"}) QTest::newRow(e) << QString(e);
  }
  void image_bayer() {
    // A uniform color mosaicked by hand: demosaicing must give that color back, which checks the pattern mapping
    // (a wrong one swaps red and blue).
    QFETCH(QString, encoding);
    const std::string enc = encoding.toStdString();
    const std::string pattern = enc.substr(6, 4);  // e.g. "rggb": top-left 2x2 block, row major
    const int w = 8, h = 6;
    const std::map<char, std::uint8_t> value = {{'r', 200}, {'g', 100}, {'b', 30}};
    gen::RosImageData d;
    d.header = {1, "cam", 0};
    d.width = w, d.height = h, d.encoding = enc, d.step = w + 4;
    for (int r = 0; r < h; ++r) {
      for (int c = 0; c < w; ++c) d.data.push_back(value.at(pattern[(r % 2) * 2 + (c % 2)]));
      d.data.insert(d.data.end(), 4, 0);
    }
    const auto img = convert_image(d);
    QCOMPARE(img.image.type(), CV_8UC3);
    QCOMPARE(img.image.size(), cv::Size(w, h));
    for (int r = 1; r < h - 1; ++r)
      for (int c = 1; c < w - 1; ++c) {
        const cv::Vec3b px = img.image.at<cv::Vec3b>(r, c);
        QVERIFY2(std::abs(px[0] - 30) <= 1 && std::abs(px[1] - 100) <= 1 && std::abs(px[2] - 200) <= 1,
                 (enc + " at " + std::to_string(r) + "," + std::to_string(c)).c_str());
      }
  }

  void image_errors() {
    gen::RosImageData d;
    d.header = {1, "cam", 0};
    d.width = 4, d.height = 2, d.encoding = "rgb8", d.step = 12;
    d.data.assign(24, 0);
    QVERIFY(!convert_image(d).image.empty());
    auto bad = d;
    bad.encoding = "32FC1";
    QVERIFY(parse_error_of([&] { convert_image(bad); }).find("unsupported encoding '32FC1'") != std::string::npos);
    bad = d, bad.step = 11;
    QVERIFY(parse_error_of([&] { convert_image(bad); }).find("step 11 is less than") != std::string::npos);
    bad = d, bad.data.resize(23);
    QVERIFY(parse_error_of([&] { convert_image(bad); }).find("data has 23 bytes") != std::string::npos);
    bad = d, bad.width = 0, bad.data.clear();
    QVERIFY(parse_error_of([&] { convert_image(bad); }).find("empty") != std::string::npos);
    bad = d, bad.width = 3, bad.encoding = "uyvy", bad.step = 6, bad.data.resize(12);  // odd width for 4:2:2
    QVERIFY(parse_error_of([&] { convert_image(bad); }).find("even width") != std::string::npos);
    // UYVY with neutral chroma (U = V = 128) is gray.
    auto yuv = d;
    yuv.width = 2, yuv.height = 1, yuv.encoding = "uyvy", yuv.step = 4, yuv.data = {128, 100, 128, 100};
    const cv::Mat gray = convert_image(yuv).image;
    QCOMPARE(gray.type(), CV_8UC3);
    const cv::Vec3b px = gray.at<cv::Vec3b>(0, 1);
    QVERIFY(px[0] == px[1] && px[1] == px[2] && px[0] > 85 && px[0] < 115);
  }

  void compressed_image_errors() {
    const gen::RosMessageWriter w(gen::RosFlavor::Ros2);
    const auto dec = decoder_for(w.schema(gen::RosMessageKind::CompressedImage), w.message_encoding());
    const auto error = [&](const std::string& format, const std::vector<std::uint8_t>& data) {
      const auto bytes = w.compressed_image({{1, "c", 0}, format, data});
      return parse_error_of([&] { compressed_image_from_ros(dec.decode(bytes)); });
    };
    QVERIFY(error("16UC1; compressedDepth png", {1, 2, 3}).find("compressedDepth") != std::string::npos);
    QVERIFY(error("jpeg", {}).find("no data") != std::string::npos);
    QVERIFY(error("jpeg", {1, 2, 3, 4, 5}).find("not a JPEG or PNG") != std::string::npos);
    // A PNG header claiming 100000 x 100000 pixels is refused before any decode.
    std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    Bytes dims;
    dims.u32be(100000), dims.u32be(100000);
    png.insert(png.end(), dims.b.begin(), dims.b.end());
    png.insert(png.end(), {8, 2, 0, 0, 0, 0, 0, 0, 0});
    QVERIFY(error("png", png).find("refused") != std::string::npos);
    // A valid header with a broken body does not decode.
    cv::Mat img(16, 16, CV_8UC3, cv::Scalar(1, 2, 3));
    std::vector<std::uint8_t> good;
    cv::imencode(".png", img, good);
    good.resize(good.size() / 2);
    QVERIFY(error("png", good).find("does not decode") != std::string::npos);
  }

  void camera_info_models() {
    gen::RosCameraInfoData d;
    d.header = {1, "c", 0};
    d.width = 10, d.height = 10;
    d.k = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    d.distortion_model = "equidistant";
    d.d = {0.1, 0.2, 0.3, 0.4};
    const gen::RosMessageWriter w(gen::RosFlavor::Ros1);
    const auto dec = decoder_for(w.schema(gen::RosMessageKind::CameraInfo), w.message_encoding());
    auto bytes = w.camera_info(d);
    QVERIFY(parse_error_of([&] { camera_info_from_ros(dec.decode(bytes)); }).find("equidistant") != std::string::npos);
    d.distortion_model = "plumb_bob";
    d.d = {0.1, 0.2};  // fewer than 5: the rest stay 0
    bytes = w.camera_info(d);
    QCOMPARE(camera_info_from_ros(dec.decode(bytes)).intrinsics.distortion, (std::array<double, 5>{0.1, 0.2, 0, 0, 0}));
    d.distortion_model = "";
    d.d = {};
    bytes = w.camera_info(d);
    QCOMPARE(camera_info_from_ros(dec.decode(bytes)).intrinsics.distortion, (std::array<double, 5>{0, 0, 0, 0, 0}));
  }

  void tf_rejects_zero_quaternion() {
    std::vector<gen::RosTransformData> tfs(1);
    tfs[0].header = {1, "a", 0};
    tfs[0].child_frame_id = "b";
    tfs[0].rotation = Eigen::Quaterniond(0, 0, 0, 0);
    const gen::RosMessageWriter w(gen::RosFlavor::Ros2);
    const auto bytes = w.tf_message(tfs);
    const auto dec = decoder_for(w.schema(gen::RosMessageKind::TFMessage), w.message_encoding());
    QVERIFY(parse_error_of([&] { transforms_from_ros(dec.decode(bytes)); }).find("quaternion") != std::string::npos);
  }

  // ---------------- bad bytes ----------------
  void truncated_messages_fail_cleanly_data() { add_flavor_rows(); }
  void truncated_messages_fail_cleanly() {
    QFETCH(gen::RosFlavor, flavor);
    QFETCH(bool, big_endian);
    const gen::RosMessageWriter w(flavor, big_endian);
    std::vector<gen::RosTransformData> tfs(1);
    tfs[0].header = {3, "map", 0};
    tfs[0].child_frame_id = "base";
    gen::RosCameraInfoData info;
    info.header = {2, "cam", 0};
    info.d = {1, 2, 3, 4, 5};
    const std::vector<std::pair<gen::RosMessageKind, std::vector<std::uint8_t>>> messages = {
        {gen::RosMessageKind::PointCloud2, w.point_cloud2(gen::make_xyzi_point_cloud2({1, 2, 3, 4}, {1, "lidar"}))},
        {gen::RosMessageKind::TFMessage, w.tf_message(tfs)},
        {gen::RosMessageKind::CameraInfo, w.camera_info(info)}};
    for (const auto& [kind, full] : messages) {
      const auto dec = decoder_for(w.schema(kind), w.message_encoding());
      dec.decode(full);
      for (std::size_t n = 0; n < full.size(); ++n) {
        const std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
        const std::string e = parse_error_of([&] { dec.decode(cut, "cut.mcap"); });
        QVERIFY2(e.find("cut.mcap: byte ") == 0, (std::to_string(n) + ": '" + e + "'").c_str());
      }
    }
  }

  void huge_counts_fail_cleanly() {
    const gen::RosMessageWriter w(gen::RosFlavor::Ros2);
    const auto full = w.point_cloud2(gen::make_xyzi_point_cloud2({1, 2, 3, 4}, {1, "lidar"}));
    const auto dec = decoder_for(w.schema(gen::RosMessageKind::PointCloud2), w.message_encoding());
    // Offsets as in the hand-built message above: frame_id length at 12, fields count at 32, data count after them.
    const std::size_t frame_id_len = 12, fields_count = 32, data_count = full.size() - 1 - 16 - 4;
    for (std::size_t at : {frame_id_len, fields_count, data_count}) {
      for (std::uint32_t v : {0x80000000u, 0xFFFFFFFFu, 0x7FFFFFFFu}) {
        auto bad = full;
        std::memcpy(bad.data() + at, &v, 4);
        const std::string e = parse_error_of([&] { dec.decode(bad, "big.mcap"); });
        QVERIFY2(e.find("truncated") != std::string::npos, e.c_str());
      }
    }
  }

  void corrupted_bytes_never_crash() {
    // Every byte of small messages of every kind set to a few values: decode and convert give a result or a
    // ParseError, nothing else.
    std::mt19937 rng(7);
    std::size_t ok = 0, errors = 0;
    for (auto flavor : {gen::RosFlavor::Ros1, gen::RosFlavor::Ros2}) {
      const gen::RosMessageWriter w(flavor);
      gen::RosImageData image{{1, "c", 0}, 2, 2, "mono8", 0, 2, {1, 2, 3, 4}};
      cv::Mat tiny(2, 2, CV_8UC1, cv::Scalar(5));
      gen::RosCompressedImageData png{{1, "c", 0}, "png", {}};
      cv::imencode(".png", tiny, png.data);
      gen::RosCameraInfoData info;
      info.d = {0.1};
      std::vector<gen::RosTransformData> tfs(2);
      const std::vector<std::pair<gen::RosMessageKind, std::vector<std::uint8_t>>> messages = {
          {gen::RosMessageKind::PointCloud2, w.point_cloud2(gen::make_xyzi_point_cloud2({1, 2, 3, 4}, {1, "l"}))},
          {gen::RosMessageKind::Image, w.image(image)},
          {gen::RosMessageKind::CompressedImage, w.compressed_image(png)},
          {gen::RosMessageKind::CameraInfo, w.camera_info(info)},
          {gen::RosMessageKind::TFMessage, w.tf_message(tfs)},
          {gen::RosMessageKind::Odometry, w.odometry({})},
          {gen::RosMessageKind::NavSatFix, w.nav_sat_fix({})}};
      for (const auto& [kind, full] : messages) {
        const auto dec = decoder_for(w.schema(kind), w.message_encoding());
        for (std::size_t i = 0; i < full.size(); ++i) {
          for (int variant = 0; variant < 4; ++variant) {
            auto bad = full;
            bad[i] = variant == 0 ? 0xFF : variant == 1 ? 0x80 : variant == 2 ? 0x00 : static_cast<std::uint8_t>(rng());
            try {
              const RosMessage msg = dec.decode(bad);
              switch (kind) {
                case gen::RosMessageKind::PointCloud2: point_cloud_from_ros(msg); break;
                case gen::RosMessageKind::Image: image_from_ros(msg); break;
                case gen::RosMessageKind::CompressedImage: compressed_image_from_ros(msg); break;
                case gen::RosMessageKind::CameraInfo: camera_info_from_ros(msg); break;
                case gen::RosMessageKind::TFMessage: transforms_from_ros(msg); break;
                case gen::RosMessageKind::Odometry: odometry_from_ros(msg); break;
                case gen::RosMessageKind::NavSatFix: nav_sat_fix_from_ros(msg); break;
              }
              ++ok;
            } catch (const ParseError&) {
              ++errors;
            }
          }
        }
      }
    }
    qInfo("corrupted messages: %zu converted, %zu ParseError", ok, errors);
    QVERIFY(ok > 0 && errors > 0);
  }

  void cdr_encapsulations() {
    const auto dec = RosMessageDecoder::from_schema("p/msg/T", "ros2msg", "uint8 v\n", "cdr");
    const auto error = [&](std::vector<std::uint8_t> b) { return parse_error_of([&] { dec.decode(b, "e"); }); };
    QVERIFY(error({0x00, 0x03, 0, 0, 1}).find("PL_CDR_LE") != std::string::npos);
    QVERIFY(error({0x00, 0x02, 0, 0, 1}).find("PL_CDR_BE") != std::string::npos);
    QVERIFY(error({0x00, 0x07, 0, 0, 1}).find("XCDR2") != std::string::npos);
    QVERIFY(error({0x01, 0x00, 0, 0, 1}).find("unknown CDR encapsulation header 01 00") != std::string::npos);
    QVERIFY(error({0x00, 0x01}).find("no 4-byte encapsulation header") != std::string::npos);
    QCOMPARE(dec.decode(std::vector<std::uint8_t>{0x00, 0x01, 0, 0, 9}).at("v").as_uint(), std::uint64_t{9});
    // Encodings that do not pair up.
    QVERIFY(!parse_error_of([] { RosMessageDecoder::from_schema("p/T", "ros2msg", "uint8 v\n", "ros1"); }).empty());
    QVERIFY(!parse_error_of([] { RosMessageDecoder::from_schema("p/T", "jsonschema", "{}", "json"); }).empty());
  }

  void hostile_definitions_stay_bounded() {
    // 2^30 empty messages from a 20-byte message: refused by the node budget, not allocated.
    const std::string text = "p/E[32768] a\np/E[32768] b\np/W[32768] w\n" + kSep + "MSG: p/E\n" + kSep +
                             "MSG: p/W\np/E[32768] e\n";
    const auto dec = RosMessageDecoder::from_schema("p/msg/T", "ros2msg", text, "cdr");
    std::vector<std::uint8_t> bytes = {0x00, 0x01, 0, 0};
    bytes.resize(24);
    QVERIFY(parse_error_of([&] { dec.decode(bytes, "h"); }).find("node budget") != std::string::npos);
    // A count of 2^31 strings.
    const auto dec2 = RosMessageDecoder::from_schema("p/T", "ros1msg", "string[] s\n", "ros1");
    const std::vector<std::uint8_t> b2 = {0, 0, 0, 0x80, 0, 0, 0, 0};
    QVERIFY(parse_error_of([&] { dec2.decode(b2, "h"); }).find("truncated") != std::string::npos);
  }

  void value_access_errors() {
    const gen::RosMessageWriter w(gen::RosFlavor::Ros2);
    const auto bytes = w.point_cloud2(gen::make_xyzi_point_cloud2({1, 2, 3, 4}, {1, "l"}));
    const auto msg = decoder_for(w.schema(gen::RosMessageKind::PointCloud2), w.message_encoding()).decode(bytes, "v");
    QVERIFY(parse_error_of([&] { msg.at("height").as_string(); }).find("not a string") != std::string::npos);
    QVERIFY(parse_error_of([&] { msg.at("fields")[9]; }).find("out of range") != std::string::npos);
    QVERIFY(parse_error_of([&] { msg.root().field("nope"); }).find("has no field 'nope'") != std::string::npos);
    QVERIFY(parse_error_of([&] { msg.at("header.frame_id").as_double(); }).find("not a number") != std::string::npos);
    QCOMPARE(msg.at("fields").size(), std::size_t{4});
    QCOMPARE(msg.at("fields[0]").type_name(), std::string("sensor_msgs/PointField"));
    QCOMPARE(msg.at("data[4]").as_uint(), std::uint64_t{0});  // bytes of 2.0f: 00 00 00 40
    QCOMPARE(msg.at("data[7]").as_uint(), std::uint64_t{0x40});
  }

  void large_point_cloud_figures() {
    // 131072 points x 16 bytes = 2 MB of data: decoding records one node for it; the conversion reads it once.
    std::vector<float> xyzi(4 * 131072);
    for (std::size_t i = 0; i < xyzi.size(); ++i) xyzi[i] = static_cast<float>(i % 1000) * 0.01f;
    const gen::RosMessageWriter w(gen::RosFlavor::Ros2);
    const auto bytes = w.point_cloud2(gen::make_xyzi_point_cloud2(xyzi, {1, "l"}));
    const auto dec = decoder_for(w.schema(gen::RosMessageKind::PointCloud2), w.message_encoding());
    QElapsedTimer timer;
    timer.start();
    const int runs = 20;
    std::size_t nodes = 0;
    for (int i = 0; i < runs; ++i) nodes = dec.decode(bytes).node_count();
    const double decode_us = static_cast<double>(timer.nsecsElapsed()) / 1e3 / runs;
    timer.restart();
    RosPointCloud cloud;
    for (int i = 0; i < runs; ++i) cloud = point_cloud_from_ros(dec.decode(bytes));
    const double convert_ms = static_cast<double>(timer.nsecsElapsed()) / 1e6 / runs;
    QCOMPARE(cloud.cloud.xyzi, xyzi);
    QVERIFY(nodes < 40);
    qInfo("2 MB PointCloud2 (x y z intensity float32): decode %.1f us (%zu nodes), decode + convert %.2f ms",
          decode_us, nodes, convert_ms);

    // The same points in a Velodyne-like layout (22 bytes: x y z intensity, ring uint16, time float32): the
    // field-by-field path.
    CloudBuilder b(22);
    b.field("x", 0, 7), b.field("y", 4, 7), b.field("z", 8, 7), b.field("intensity", 12, 7), b.field("ring", 16, 4),
        b.field("time", 18, 7);
    std::vector<std::uint8_t> data(22 * 131072);
    for (std::size_t i = 0; i < 131072; ++i) {
      std::memcpy(data.data() + 22 * i, xyzi.data() + 4 * i, 16);
      const std::uint16_t ring = static_cast<std::uint16_t>(i % 64);
      std::memcpy(data.data() + 22 * i + 16, &ring, 2);
      const float t = 1e-7f * static_cast<float>(i);
      std::memcpy(data.data() + 22 * i + 18, &t, 4);
    }
    b.finish(131072, 1, 22 * 131072, data);
    const auto bytes2 = w.point_cloud2(b.m);
    timer.restart();
    for (int i = 0; i < runs; ++i) cloud = point_cloud_from_ros(dec.decode(bytes2));
    const double generic_ms = static_cast<double>(timer.nsecsElapsed()) / 1e6 / runs;
    QCOMPARE(cloud.cloud.xyzi, xyzi);
    QCOMPARE(cloud.ring[65], std::uint16_t{1});
    qInfo("2.9 MB PointCloud2 (x y z intensity ring time, 22 B): decode + convert %.2f ms", generic_ms);
  }
};

QTEST_APPLESS_MAIN(TestRosMessages)
#include "tst_ros_messages.moc"

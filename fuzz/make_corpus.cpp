// Seeds the fuzzers cannot take from /work/shared/data: MCAP files and ROS messages written by the project's own
// writers (every compression, chunked or not, with and without summary; every ROS message type DriveCurator reads, in
// ROS 1, CDR little and big endian). Usage: make_corpus <out dir>; writes <out>/<harness>/<seed>.
#include "mcap_writer.h"
#include "ros_message_writer.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace dc::core::generator;

namespace {

using Bytes = std::vector<std::uint8_t>;

void write_file(const fs::path& file, const Bytes& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

Bytes as_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

struct Sample {
  RosMessageKind kind;
  const char* name;
  Bytes bytes;
};

// Small instances of every type (a few points, a 4 x 2 image) so that mutations stay cheap.
std::vector<Sample> samples(const RosMessageWriter& w) {
  RosHeaderData header{1'317'000'000'123'456'789, "velo_link", 7};
  std::vector<Sample> out;
  out.push_back({RosMessageKind::PointCloud2, "point_cloud2",
                 w.point_cloud2(make_xyzi_point_cloud2({1.5f, -2.f, 0.25f, 0.5f, 3.f, 4.f, 5.f, 1.f}, header))});
  RosPointCloud2Data organized;
  organized.header = header;
  organized.height = 2;
  organized.width = 1;
  organized.fields = {{"x", 0, 7, 1}, {"y", 4, 7, 1}, {"z", 8, 7, 1}, {"intensity", 12, 2, 1}, {"ring", 14, 4, 1},
                      {"time", 16, 7, 1}};
  organized.point_step = 20;
  organized.row_step = 20;
  organized.data.assign(40, 0);
  organized.data[3] = 0x3f;  // x = 0.5
  out.push_back({RosMessageKind::PointCloud2, "point_cloud2_ring_time", w.point_cloud2(organized)});
  RosImageData image;
  image.header = header;
  image.header.frame_id = "camera_color_left";
  image.height = 2;
  image.width = 4;
  image.encoding = "rgb8";
  image.step = 12;
  for (int i = 0; i < 24; ++i) image.data.push_back(static_cast<std::uint8_t>(i * 10));
  out.push_back({RosMessageKind::Image, "image_rgb8", w.image(image)});
  image.encoding = "mono16";
  image.step = 8;
  image.data.resize(16);
  out.push_back({RosMessageKind::Image, "image_mono16", w.image(image)});
  image.encoding = "bayer_rggb8";
  image.step = 4;
  image.data.resize(8);
  out.push_back({RosMessageKind::Image, "image_bayer", w.image(image)});
  RosCompressedImageData compressed;
  compressed.header = header;
  compressed.format = "png";
  // A 1 x 1 gray PNG.
  compressed.data = {0x89, 'P',  'N',  'G',  0x0d, 0x0a, 0x1a, 0x0a, 0,    0,    0,    0x0d, 'I',  'H',  'D',
                     'R',  0,    0,    0,    1,    0,    0,    0,    1,    8,    0,    0,    0,    0,    0x3a, 0x7e,
                     0x9b, 0x55, 0,    0,    0,    0x0a, 'I',  'D',  'A',  'T',  0x78, 0x9c, 0x63, 0x68, 0,    0,
                     0,    0x82, 0,    0x81, 0x4c, 0x1f, 0x5e, 0x79, 0,    0,    0,    0,    'I',  'E',  'N',  'D',
                     0xae, 0x42, 0x60, 0x82};
  out.push_back({RosMessageKind::CompressedImage, "compressed_png", w.compressed_image(compressed)});
  RosCameraInfoData info;
  info.header = header;
  info.height = 375;
  info.width = 1242;
  info.d = {-0.37, 0.2, 0.001, 0.0004, -0.07};
  info.k = {721.5, 0, 609.6, 0, 721.5, 172.9, 0, 0, 1};
  info.p = {721.5, 0, 609.6, 44.9, 0, 721.5, 172.9, 0.2, 0, 0, 1, 0.003};
  out.push_back({RosMessageKind::CameraInfo, "camera_info", w.camera_info(info)});
  RosTransformData tf;
  tf.header = header;
  tf.header.frame_id = "base_link";
  tf.child_frame_id = "velo_link";
  tf.translation = {0.8, 0.3, 1.7};
  tf.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(0.3, Eigen::Vector3d::UnitZ()));
  RosTransformData tf2 = tf;
  tf2.child_frame_id = "imu_link";
  out.push_back({RosMessageKind::TFMessage, "tf_message", w.tf_message({tf, tf2})});
  RosOdometryData odom;
  odom.header = header;
  odom.header.frame_id = "map";
  odom.child_frame_id = "base_link";
  odom.position = {10, -2, 0.5};
  odom.linear = {5, 0, 0};
  out.push_back({RosMessageKind::Odometry, "odometry", w.odometry(odom)});
  RosNavSatFixData fix;
  fix.header = header;
  fix.latitude = 49.011;
  fix.longitude = 8.4227;
  fix.altitude = 112.8;
  fix.position_covariance_type = 2;
  out.push_back({RosMessageKind::NavSatFix, "nav_sat_fix", w.nav_sat_fix(fix)});
  return out;
}

// The harness's index of a kind (fuzz_ros_message.cpp: kKinds).
int kind_index(RosMessageKind kind) {
  switch (kind) {
    case RosMessageKind::PointCloud2: return 0;
    case RosMessageKind::Image: return 1;
    case RosMessageKind::CompressedImage: return 2;
    case RosMessageKind::CameraInfo: return 3;
    case RosMessageKind::TFMessage: return 4;
    case RosMessageKind::Odometry: return 5;
    case RosMessageKind::NavSatFix: return 6;
  }
  return 0;
}

void ros_seeds(const fs::path& out) {
  struct Flavor {
    RosFlavor flavor;
    bool big_endian;
    const char* tag;
  };
  for (const Flavor f : {Flavor{RosFlavor::Ros1, false, "ros1"}, Flavor{RosFlavor::Ros2, false, "cdr"},
                         Flavor{RosFlavor::Ros2, true, "cdr_be"}}) {
    const RosMessageWriter w(f.flavor, f.big_endian);
    const std::uint8_t ros2 = f.flavor == RosFlavor::Ros2 ? 1 : 0;
    for (const Sample& s : samples(w)) {
      Bytes msg{static_cast<std::uint8_t>(2 * kind_index(s.kind) + ros2)};
      msg.insert(msg.end(), s.bytes.begin(), s.bytes.end());
      write_file(out / "ros_message" / (std::string(s.name) + "_" + f.tag), msg);

      const RosSchemaText schema = w.schema(s.kind);
      Bytes with_schema{ros2};
      const Bytes text = as_bytes(schema.name + "\n" + schema.text);
      with_schema.insert(with_schema.end(), text.begin(), text.end());
      with_schema.push_back(0);
      with_schema.insert(with_schema.end(), s.bytes.begin(), s.bytes.end());
      write_file(out / "ros_schema" / (std::string(s.name) + "_" + f.tag), with_schema);
    }
  }
  // Hand-written definitions: constants, fixed and bounded arrays, nested types, defaults (ROS 2).
  const std::string ros1 =
      "fuzz_msgs/Nested\nuint8 KIND=3\nstring NAME=abc\nHeader header\nfuzz_msgs/Point[2] corners\n"
      "float64[] values\nstring[] names\nduration d\ntime t\n"
      "================================================================================\n"
      "MSG: std_msgs/Header\nuint32 seq\ntime stamp\nstring frame_id\n"
      "================================================================================\n"
      "MSG: fuzz_msgs/Point\nfloat32 x\nfloat32 y\nint8 c\nchar ch\nbyte b\n";
  Bytes m1 = as_bytes(std::string("\0", 1) + ros1);
  m1.push_back(0);
  for (int i = 0; i < 64; ++i) m1.push_back(static_cast<std::uint8_t>(i < 30 ? 0 : 1));
  write_file(out / "ros_schema" / "handwritten_ros1", m1);
  const std::string ros2 =
      "fuzz_msgs/msg/Bounded\nint32[<=4] bounded\nstring<=8 short_name \"ab\"\nfloat64 x 1.5\n"
      "wstring w\nuint64[3] fixed\nbuiltin_interfaces/Time stamp\nbool flag true\n";
  Bytes m2 = as_bytes(std::string("\1", 1) + ros2);
  m2.push_back(0);
  const std::uint8_t cdr_le[] = {0, 1, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0};
  m2.insert(m2.end(), std::begin(cdr_le), std::end(cdr_le));
  for (int i = 0; i < 64; ++i) m2.push_back(0);
  write_file(out / "ros_schema" / "handwritten_ros2", m2);
}

void mcap_seeds(const fs::path& out) {
  const RosMessageWriter w(RosFlavor::Ros2);
  const auto s = samples(w);
  struct Variant {
    const char* name;
    McapWriterOptions options;
  };
  std::vector<Variant> variants;
  McapWriterOptions o;
  o.profile = "ros2";
  o.chunk_size = 256;
  variants.push_back({"zstd_chunks", o});
  o.compression = McapWriterCompression::lz4;
  variants.push_back({"lz4_chunks", o});
  o.compression = McapWriterCompression::none;
  o.message_indexes = false;
  variants.push_back({"plain_chunks_no_index", o});
  o.chunked = false;
  o.summary_offsets = false;
  variants.push_back({"unchunked", o});
  o.summary = false;
  o.crcs = false;
  variants.push_back({"unchunked_no_summary_no_crc", o});
  o = McapWriterOptions{};
  o.compression = McapWriterCompression::none;
  o.summary = false;
  variants.push_back({"chunked_no_summary", o});

  const fs::path dir = out / "mcap_reader";
  fs::create_directories(dir);
  for (const Variant& v : variants) {
    const fs::path file = dir / (std::string(v.name) + ".mcap");
    {
      McapWriter writer(file, v.options);
      std::map<int, std::uint16_t> channels;
      for (const Sample& sample : s) {
        const int k = kind_index(sample.kind);
        if (channels.count(k)) continue;
        const RosSchemaText schema = w.schema(sample.kind);
        const Bytes text = as_bytes(schema.text);
        const auto schema_id = writer.add_schema(schema.name, schema.encoding, text);
        channels[k] = writer.add_channel(schema_id, std::string("/topic_") + sample.name, "cdr", {{"qos", "x"}});
      }
      std::uint64_t t = 1'000'000'000;
      for (int round = 0; round < 2; ++round)
        for (const Sample& sample : s) {
          writer.add_message(channels[kind_index(sample.kind)], t, t + 5, static_cast<std::uint32_t>(t % 1000),
                             sample.bytes);
          t += 10'000'000;
        }
      const Bytes blob = as_bytes("attachment bytes");
      writer.add_attachment("calib.yaml", "text/yaml", 5, 6, blob);
      writer.add_metadata("drive", {{"vehicle", "test"}, {"date", "2011_09_26"}});
      writer.close();
    }
    fs::create_directories(out / "mcap_records");
    fs::copy_file(file, out / "mcap_records" / file.filename(), fs::copy_options::overwrite_existing);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_corpus <out dir>\n");
    return 2;
  }
  try {
    const fs::path out = argv[1];
    ros_seeds(out);
    mcap_seeds(out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_corpus: %s\n", e.what());
    return 1;
  }
  return 0;
}

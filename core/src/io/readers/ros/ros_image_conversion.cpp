#include "io/readers/ros/ros_image_conversion.h"

#include "dc/core/io/parse_error.h"
#include "dc/core/io/payload_loader.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>
#include <optional>

namespace dc::core {

namespace {

constexpr std::uint64_t kMaxPixels = std::uint64_t{1} << 26;

[[noreturn]] void fail(const RosMessage& msg, const std::string& what) { throw ParseError(msg.source(), what); }

struct Layout {
  const char* name;
  int depth;       // CV_8U / CV_16U
  int channels;
  int conversion;  // cv::ColorConversionCodes to BGR, or -1 for none
};

// Bayer names: ROS names the top-left 2x2 block, OpenCV the pattern starting at the second row and column
// (as cv_bridge maps them).
const Layout kLayouts[] = {
    {"rgb8", CV_8U, 3, cv::COLOR_RGB2BGR},         {"bgr8", CV_8U, 3, -1},
    {"rgba8", CV_8U, 4, cv::COLOR_RGBA2BGR},       {"bgra8", CV_8U, 4, cv::COLOR_BGRA2BGR},
    {"mono8", CV_8U, 1, -1},                        {"mono16", CV_16U, 1, -1},
    {"rgb16", CV_16U, 3, cv::COLOR_RGB2BGR},       {"bgr16", CV_16U, 3, -1},
    {"rgba16", CV_16U, 4, cv::COLOR_RGBA2BGR},     {"bgra16", CV_16U, 4, cv::COLOR_BGRA2BGR},
    {"8uc1", CV_8U, 1, -1},                         {"8uc3", CV_8U, 3, -1},
    {"8uc4", CV_8U, 4, cv::COLOR_BGRA2BGR},        {"16uc1", CV_16U, 1, -1},
    {"bayer_rggb8", CV_8U, 1, cv::COLOR_BayerBG2BGR}, {"bayer_bggr8", CV_8U, 1, cv::COLOR_BayerRG2BGR},
    {"bayer_gbrg8", CV_8U, 1, cv::COLOR_BayerGR2BGR}, {"bayer_grbg8", CV_8U, 1, cv::COLOR_BayerGB2BGR},
    {"uyvy", CV_8U, 2, cv::COLOR_YUV2BGR_UYVY},    {"yuv422", CV_8U, 2, cv::COLOR_YUV2BGR_UYVY},
    {"yuyv", CV_8U, 2, cv::COLOR_YUV2BGR_YUYV},    {"yuv422_yuy2", CV_8U, 2, cv::COLOR_YUV2BGR_YUYV},
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// Width and height from a PNG's IHDR or a JPEG's SOF segment, without decoding; nullopt when neither is found.
std::optional<std::pair<std::uint64_t, std::uint64_t>> coded_size(std::span<const std::uint8_t> d, std::string& kind) {
  static const std::uint8_t kPng[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  if (d.size() >= 24 && std::equal(kPng, kPng + 8, d.begin())) {
    kind = "PNG";
    return std::make_pair(std::uint64_t{be32(&d[16])}, std::uint64_t{be32(&d[20])});
  }
  if (d.size() >= 4 && d[0] == 0xff && d[1] == 0xd8) {
    kind = "JPEG";
    std::size_t i = 2;
    while (i + 4 <= d.size()) {
      if (d[i] != 0xff) return std::nullopt;
      const std::uint8_t marker = d[i + 1];
      if (marker == 0xff) {  // fill byte
        ++i;
        continue;
      }
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {  // no length
        i += 2;
        continue;
      }
      const std::size_t length = std::size_t{d[i + 2]} << 8 | d[i + 3];
      const bool sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
      if (sof) {
        if (length < 7 || i + 2 + 7 > d.size()) return std::nullopt;
        const std::uint64_t h = std::uint64_t{d[i + 5]} << 8 | d[i + 6];
        const std::uint64_t w = std::uint64_t{d[i + 7]} << 8 | d[i + 8];
        return std::make_pair(w, h);
      }
      if (marker == 0xda || length < 2) return std::nullopt;  // scan data before any frame header
      i += 2 + length;
    }
  }
  return std::nullopt;
}

}  // namespace

RosImage image_from_ros(const RosMessage& msg) {
  const RosValue root = msg.root();
  RosImage out;
  out.header = read_ros_header(root.field("header"));
  out.encoding = std::string(root.field("encoding").as_string());
  const std::uint64_t height = root.field("height").as_uint();
  const std::uint64_t width = root.field("width").as_uint();
  const bool big_endian = root.field("is_bigendian").as_bool();
  const std::uint64_t step = root.field("step").as_uint();
  const std::span<const std::uint8_t> data = root.field("data").bytes();

  const std::string key = lower(out.encoding);
  const Layout* layout = nullptr;
  for (const Layout& l : kLayouts)
    if (key == l.name) layout = &l;
  if (!layout) fail(msg, "Image: unsupported encoding '" + out.encoding + "'");
  if (width == 0 || height == 0)
    fail(msg, "Image: empty (" + std::to_string(width) + " x " + std::to_string(height) + ")");
  if (width > INT_MAX || height > INT_MAX || width * height > kMaxPixels)
    fail(msg, "Image: " + std::to_string(width) + " x " + std::to_string(height) + " is too large");
  if (layout->channels == 2 && width % 2 != 0)
    fail(msg, "Image: " + out.encoding + " (4:2:2) needs an even width, not " + std::to_string(width));
  const std::uint64_t pixel_bytes = std::uint64_t(layout->channels) * (layout->depth == CV_16U ? 2 : 1);
  if (step < width * pixel_bytes)
    fail(msg, "Image: step " + std::to_string(step) + " is less than width " + std::to_string(width) + " x " +
                  std::to_string(pixel_bytes) + " bytes of " + out.encoding);
  if (step * height != data.size())
    fail(msg, "Image: data has " + std::to_string(data.size()) + " bytes but step " + std::to_string(step) +
                  " x height " + std::to_string(height) + " = " + std::to_string(step * height));

  try {
    const int rows = static_cast<int>(height), cols = static_cast<int>(width);
    const int type = CV_MAKETYPE(layout->depth, layout->channels);
    cv::Mat pixels;
    if (layout->depth == CV_8U) {
      // A header over the message bytes (only read), converted below into an image of its own.
      pixels = cv::Mat(rows, cols, type, const_cast<std::uint8_t*>(data.data()), static_cast<std::size_t>(step));
    } else {
      // 16-bit rows are copied: the bytes may be unaligned, step need not be even, and may need swapping.
      pixels.create(rows, cols, type);
      const std::size_t row_bytes = static_cast<std::size_t>(width * pixel_bytes);
      for (int r = 0; r < rows; ++r) {
        const std::uint8_t* in = data.data() + static_cast<std::size_t>(r) * step;
        std::uint8_t* o = pixels.ptr<std::uint8_t>(r);
        std::memcpy(o, in, row_bytes);
        if (big_endian)
          for (std::size_t k = 0; k + 1 < row_bytes; k += 2) std::swap(o[k], o[k + 1]);
      }
    }
    cv::Mat bgr;
    if (layout->conversion >= 0) {
      cv::Mat in8 = pixels;
      if (pixels.depth() == CV_16U) pixels.convertTo(in8, CV_8U, 1.0 / 256.0);
      cv::cvtColor(in8, bgr, layout->conversion);
    } else {
      bgr = image_to_8bit(pixels, msg.source());
    }
    out.image = bgr.data == pixels.data && layout->depth == CV_8U ? bgr.clone() : bgr;
  } catch (const cv::Exception& e) {
    fail(msg, "Image: OpenCV could not convert " + out.encoding + ": " + e.what());
  }
  return out;
}

RosImage compressed_image_from_ros(const RosMessage& msg) {
  const RosValue root = msg.root();
  RosImage out;
  out.header = read_ros_header(root.field("header"));
  out.encoding = std::string(root.field("format").as_string());
  const std::span<const std::uint8_t> data = root.field("data").bytes();
  const std::string format = lower(out.encoding);
  if (format.find("compresseddepth") != std::string::npos)
    fail(msg, "CompressedImage: format '" + out.encoding + "' (compressedDepth) is not supported");
  if (data.empty()) fail(msg, "CompressedImage: no data (format '" + out.encoding + "')");
  std::string kind;
  const auto size = coded_size(data, kind);
  if (!size)
    fail(msg, "CompressedImage: data (format '" + out.encoding + "') is not a JPEG or PNG with a readable size");
  if (size->first == 0 || size->second == 0 || size->first * size->second > kMaxPixels)
    fail(msg, "CompressedImage: " + kind + " of " + std::to_string(size->first) + " x " +
                  std::to_string(size->second) + " pixels refused");
  try {
    const cv::Mat buffer(1, static_cast<int>(std::min<std::size_t>(data.size(), INT_MAX)), CV_8U,
                         const_cast<std::uint8_t*>(data.data()));
    const cv::Mat raw = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    if (raw.empty()) fail(msg, "CompressedImage: " + kind + " data (format '" + out.encoding + "') does not decode");
    out.image = image_to_8bit(raw, msg.source());
  } catch (const cv::Exception& e) {
    fail(msg, "CompressedImage: OpenCV could not decode " + kind + ": " + e.what());
  }
  return out;
}

}  // namespace dc::core

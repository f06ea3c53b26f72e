#include "dc/core/io/payload_loader.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/file_check.h"
#include "io/readers/mcap/mcap_payload_loader.h"
#include "io/readers/payload_check.h"

#include <fstream>
#include <string_view>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <system_error>

namespace dc::core {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kPointBytes = 16;  // x y z reflectance, float32 each
constexpr std::uint64_t kPcdBinPointBytes = 20;  // nuScenes .pcd.bin: x y z intensity ring, float32 each

bool is_pcd_bin(const std::string& file) {
  constexpr std::string_view suffix = ".pcd.bin";
  return file.size() >= suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// nuScenes sweeps keep x y z intensity; the ring column is dropped in place.
PointCloud drop_ring_column(PointCloud cloud) {
  const std::size_t n = cloud.xyzi.size() / 5;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < 4; ++c) cloud.xyzi[4 * i + c] = cloud.xyzi[5 * i + c];
  cloud.xyzi.resize(n * 4);
  return cloud;
}

PointCloud read_points(const fs::path& file, std::uint64_t offset, std::uint64_t size,
                       std::uint64_t point_bytes = kPointBytes) {
  if (auto problem = file_problem(file)) throw ParseError(file, "point cloud file " + *problem);
  std::error_code ec;
  const std::uint64_t file_size = fs::file_size(file, ec);
  if (ec) throw ParseError(file, "cannot stat point cloud file: " + ec.message());
  if (size == 0) size = file_size > offset ? file_size - offset : 0;
  // Compared without offset + size, which can wrap: offset and size come from parsed containers.
  if (offset > file_size || size > file_size - offset)
    throw ParseError(file, "truncated: " + std::to_string(file_size) + " bytes, message needs " +
                               std::to_string(size) + " bytes at offset " + std::to_string(offset));
  if (size == 0) throw ParseError(file, "truncated: 0 bytes");
  if (size > kMaxPointFileBytes)
    throw ParseError(file, "refusing to load " + std::to_string(size) + " bytes as one point cloud (limit " +
                               std::to_string(kMaxPointFileBytes) + " bytes = " +
                               std::to_string(kMaxPointFileBytes / point_bytes) + " points)");
  if (size % point_bytes != 0)
    throw ParseError(file, "size " + std::to_string(size) + " is not a multiple of " + std::to_string(point_bytes) +
                               (point_bytes == kPointBytes ? " bytes (x y z reflectance float32)"
                                                           : " bytes (x y z intensity ring float32)"));

  std::ifstream in(file, std::ios::binary);
  if (!in) throw ParseError(file, "cannot open point cloud file");
  PointCloud cloud;
  cloud.xyzi.resize(size / sizeof(float));
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(reinterpret_cast<char*>(cloud.xyzi.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size)
    throw ParseError(file, "read " + std::to_string(in.gcount()) + " of " + std::to_string(size) + " bytes");
  return point_bytes == kPointBytes ? cloud : drop_ring_column(std::move(cloud));
}

// Frames without a recorded file (missing payload folder) have nothing to load.
void require_payload(const Frame& frame) {
  if (frame.file.empty())
    throw ParseError(fs::path(frame.sensor + " frame " + std::to_string(frame.index)), "payload missing");
}

}  // namespace

PointCloud load_velodyne_bin(const fs::path& file) { return read_points(file, 0, 0); }

PointCloud load_point_cloud(const Frame& frame) {
  require_payload(frame);
  if (is_mcap_frame(frame)) return McapPayloadLoader::instance().point_cloud(frame);
  return read_points(frame.file, frame.offset, frame.size, is_pcd_bin(frame.file) ? kPcdBinPointBytes : kPointBytes);
}

cv::Mat load_image(const fs::path& file) {
  if (auto problem = file_problem(file)) throw ParseError(file, "image file " + *problem);
  cv::Mat raw = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
  if (raw.empty()) throw ParseError(file, "not a readable image");
  return image_to_8bit(raw, file);
}

cv::Mat image_to_8bit(const cv::Mat& raw, const fs::path& source) {
  // Depth to 8 bits: 16-bit PNGs keep their top byte; float images are assumed to be in [0, 1].
  cv::Mat img8;
  switch (raw.depth()) {
    case CV_8U: img8 = raw; break;
    case CV_8S: raw.convertTo(img8, CV_8U, 1.0, 128.0); break;
    case CV_16U: raw.convertTo(img8, CV_8U, 1.0 / 256.0); break;
    case CV_16S: raw.convertTo(img8, CV_8U, 1.0 / 256.0, 128.0); break;
    case CV_32F:
    case CV_64F: raw.convertTo(img8, CV_8U, 255.0); break;
    default: raw.convertTo(img8, CV_8U); break;
  }

  cv::Mat out;
  switch (img8.channels()) {
    case 1:
    case 3: out = img8; break;
    case 4: cv::cvtColor(img8, out, cv::COLOR_BGRA2BGR); break;
    case 2: cv::extractChannel(img8, out, 0); break;  // gray + alpha
    default: throw ParseError(source, "unsupported image with " + std::to_string(img8.channels()) + " channels");
  }
  return out;
}

cv::Mat load_image(const Frame& frame) {
  require_payload(frame);
  if (is_mcap_frame(frame)) return McapPayloadLoader::instance().image(frame);
  return load_image(fs::path(frame.file));
}

}  // namespace dc::core

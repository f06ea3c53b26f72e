#include "export/frame_payload.h"

#include "dc/core/io/payload_loader.h"
#include "io/readers/mcap/mcap_payload_loader.h"

#include <opencv2/imgcodecs.hpp>

#include <cctype>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace dc::core {

namespace fs = std::filesystem;

bool frame_is_whole_file(const Frame& f) {
  if (f.offset != 0) return false;
  std::error_code ec;
  const auto size = fs::file_size(f.file, ec);
  return !ec && (f.size == 0 || f.size == size);
}

std::string read_frame_bytes(const Frame& f) {
  std::ifstream in(f.file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(f.offset));
  std::string bytes(f.size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in) throw std::runtime_error(f.file + ": cannot read " + std::to_string(f.size) + " bytes at offset " +
                                    std::to_string(f.offset));
  return bytes;
}

std::string lower_extension(const std::string& file) {
  std::string e = fs::path(file).extension().string();
  for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

std::string frame_as_png(const Frame& image) {
  cv::Mat pixels;
  if (frame_is_whole_file(image)) {
    pixels = cv::imread(image.file, cv::IMREAD_UNCHANGED);
  } else if (is_mcap_frame(image)) {
    pixels = load_image(image);  // a ROS Image or CompressedImage message
  } else {
    const std::string bytes = read_frame_bytes(image);
    pixels = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data())),
                          cv::IMREAD_UNCHANGED);
  }
  std::vector<unsigned char> png;
  if (pixels.empty() || !cv::imencode(".png", pixels, png))
    throw std::runtime_error(image.file + ": cannot convert the image to PNG");
  return std::string(png.begin(), png.end());
}

namespace {

// KITTI's velodyne layout by name: a .bin file that is not nuScenes' five-float .pcd.bin.
bool kitti_bin_name(const Frame& lidar) {
  return lower_extension(lidar.file) == ".bin" && lower_extension(fs::path(lidar.file).stem().string()) != ".pcd";
}

}  // namespace

bool frame_is_kitti_bin(const Frame& lidar) { return kitti_bin_name(lidar) && frame_is_whole_file(lidar); }

std::string kitti_point_bytes(const Frame& lidar) {
  if (kitti_bin_name(lidar)) return read_frame_bytes(lidar);
  const PointCloud cloud = load_point_cloud(lidar);
  return std::string(reinterpret_cast<const char*>(cloud.xyzi.data()), cloud.xyzi.size() * sizeof(float));
}

}  // namespace dc::core

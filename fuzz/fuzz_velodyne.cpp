// Point files: load_velodyne_bin (KITTI .bin, packed float32 x y z reflectance) on the whole input, and
// load_point_cloud on a nuScenes-style .pcd.bin frame whose offset and size come from the input's first 16 bytes
// (in the catalog they come from parsed containers, so they are untrusted too).
#include "dc/core/io/parse_error.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/model/frame.h"
#include "fuzz_support.h"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = dc::fuzz::write_input("000000.bin", data, size);
  try {
    const dc::core::PointCloud cloud = dc::core::load_velodyne_bin(file);
    (void)cloud.xyzi.size();
  } catch (const dc::core::ParseError&) {
  }
  if (size >= 16) {
    dc::core::Frame frame;
    frame.sensor = "LIDAR_TOP";
    frame.file = dc::fuzz::write_input("sweep.pcd.bin", data, size).string();
    std::memcpy(&frame.offset, data, 8);
    std::memcpy(&frame.size, data + 8, 8);
    try {
      const dc::core::PointCloud cloud = dc::core::load_point_cloud(frame);
      (void)cloud.xyzi.size();
    } catch (const dc::core::ParseError&) {
    }
  }
  return 0;
}

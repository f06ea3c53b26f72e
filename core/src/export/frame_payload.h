#pragma once
#include "dc/core/model/frame.h"

#include <filesystem>
#include <string>

namespace dc::core {

// Reading a frame's payload for an export: whole files are placed as they are; a frame that is part of a
// container file is cut out, and images in other codecs are re-encoded as PNG.

// True when the frame is its whole file, so the file's bytes are the payload's.
bool frame_is_whole_file(const Frame& f);
// The frame's bytes (offset, size) from its file; throws std::runtime_error naming the file.
std::string read_frame_bytes(const Frame& f);
// The file's extension in lower case, with the dot (".png").
std::string lower_extension(const std::string& file);
// The frame's image decoded and encoded as PNG bytes; throws std::runtime_error naming the file.
std::string frame_as_png(const Frame& image);
// True when a lidar frame is a whole KITTI velodyne file (x y z reflectance float32), placed as it is.
bool frame_is_kitti_bin(const Frame& lidar);
// A lidar frame as KITTI velodyne bytes: cut out of its file when it is KITTI's layout already, else decoded from
// its own (nuScenes .pcd.bin, an MCAP PointCloud2) and converted; throws naming the file.
std::string kitti_point_bytes(const Frame& lidar);

}  // namespace dc::core

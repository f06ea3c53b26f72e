#pragma once
#include "dc/core/util/progress.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dc::core {

struct GeneratorOptions {
  // "kitti-raw": <out>/<date>/<date>_drive_<NNNN>_sync; "nuscenes": <out> is the dataset root (v1.0-synthetic/,
  // samples/, sweeps/; one scene "scene-<NNNN>", keyframes at 2 Hz).
  std::string format = "kitti-raw";
  std::filesystem::path out;      // date folder is created inside: <out>/<date>/<date>_drive_<NNNN>_sync
  int frames = 100;
  std::uint64_t seed = 1;
  int cameras = 2;                // color cameras image_02, image_03 (1 or 2)
  int image_width = 1242;
  int image_height = 375;
  int lidar_beams = 64;
  int lidar_columns = 2000;       // azimuth steps per sweep (64 x 2000 = 128k rays, ~120k returns)
  double lidar_rate_hz = 10.0;
  std::string date = "2030_01_01";
  int drive_number = 1;
  int threads = 0;                // 0: hardware concurrency
  // Faults written into the drive, e.g. "drop:image_02:40-45", "calib-drift:image_02:from=50:yaw=0.8deg:x=0.05m"
  // (see fault_spec.h); listed in <drive>/injected.json. Empty: a clean drive.
  std::vector<std::string> inject;
  // "mcap" only: a ROS 1 recording (ros1msg schemas, ros1 messages) instead of ROS 2 (ros2msg, CDR), and the chunk
  // compression ("zstd", "lz4" or "none").
  bool ros1 = false;
  std::string mcap_compression = "zstd";
};

struct GeneratorResult {
  std::filesystem::path drive_dir;  // the *_drive_*_sync folder (nuscenes: the dataset root; mcap: the .mcap file)
  std::filesystem::path date_dir;   // (nuscenes: the dataset root; mcap: <out>)
  int frames = 0;
  int objects = 0;                  // tracklets written (nuscenes: instances; mcap: 0, it carries no labels)
};

// Writes a drive in `options.format` from a deterministic synthetic scene (same seed -> byte-identical files).
GeneratorResult generate_drive(const GeneratorOptions& options, const Progress& progress = {});

}  // namespace dc::core

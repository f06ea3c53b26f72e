// bench_generator: time of one default synthetic drive (wall and CPU), and its size, against a plain copy of the
// files it wrote (the floor for anything that writes that many bytes) measured in the same run.
#include "dc/synth/drive_generator.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <thread>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  dc::core::GeneratorOptions o;
  o.out = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "dc_bench_generator";
  fs::remove_all(o.out);
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  const dc::core::GeneratorResult r = dc::core::generate_drive(o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::uintmax_t lidar_bytes = 0, all_bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(r.drive_dir))
    if (e.is_regular_file()) {
      all_bytes += e.file_size();
      if (e.path().extension() == ".bin") lidar_bytes += e.file_size();
    }
  const auto copy_start = std::chrono::steady_clock::now();
  fs::copy(r.drive_dir, o.out / "copy", fs::copy_options::recursive);
  const double copy_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - copy_start).count();
  std::printf("generate_drive: %d frames, %d camera(s) %dx%d, %d x %d lidar rays, %.0f points per sweep, %d tracklets\n",
              r.frames, o.cameras, o.image_width, o.image_height, o.lidar_beams, o.lidar_columns,
              static_cast<double>(lidar_bytes) / 16.0 / r.frames, r.objects);
  std::printf("  wall %.2f s on %u threads, CPU %.2f s, %.1f MB written (%.1f MB/s)\n", seconds,
              std::max(1u, std::thread::hardware_concurrency()), cpu_seconds, all_bytes / 1e6, all_bytes / 1e6 / seconds);
  std::printf("  plain copy of the same files: %.2f s; generate / copy = %.1fx\n", copy_seconds, seconds / copy_seconds);
  fs::remove_all(o.out);
  return 0;
}

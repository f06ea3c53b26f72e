// MCAP index rate: a generated recording of about 1 GB (full-size KITTI-like lidar and two cameras, zstd chunks,
// summary) is indexed as a drive (frames per second), and its container indexed by a linear scan without the
// summary, each against `cat file > /dev/null` of the same file timed in the same run (best of three, interleaved).
//   bench_mcap [work dir] [frames]     (default: $TMPDIR/dc_bench_mcap, 330 frames ≈ 1 GB)
#include "dc/core/io/reader_registry.h"
#include "dc/synth/drive_generator.h"
#include "io/readers/mcap/mcap_file_reader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double time_cat(const fs::path& file) {
  const std::string command = "cat '" + file.string() + "' > /dev/null";
  const auto t = Clock::now();
  if (std::system(command.c_str()) != 0) std::fprintf(stderr, "cat failed\n");
  return seconds_since(t);
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path work = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "dc_bench_mcap";
  const int frames = argc > 2 ? std::atoi(argv[2]) : 330;
  fs::remove_all(work);
  fs::create_directories(work);
  dc::core::GeneratorOptions g;
  g.out = work;
  g.format = "mcap";
  g.frames = frames;
  g.seed = 3;
  auto t0 = Clock::now();
  const auto generated = dc::core::generate_drive(g);
  const fs::path file = generated.drive_dir;
  const double mb = static_cast<double>(fs::file_size(file)) / 1e6;
  std::printf("generated %s: %.0f MB, %d sweeps in %.1f s\n", file.filename().c_str(), mb, frames, seconds_since(t0));

  const auto* reader = dc::core::detect_reader(file);
  if (!reader) {
    std::fprintf(stderr, "no reader for %s\n", file.c_str());
    return 1;
  }
  double best_cat = 1e30, best_drive = 1e30, best_scan = 1e30;
  std::size_t frame_count = 0, messages = 0;
  for (int round = 0; round < 3; ++round) {
    best_cat = std::min(best_cat, time_cat(file));
    auto t = Clock::now();
    const auto drives = reader->read(file, {});
    best_drive = std::min(best_drive, seconds_since(t));
    frame_count = drives.empty() ? 0 : drives.front().frames.size();
    t = Clock::now();
    dc::core::McapReadOptions linear;
    linear.use_summary = false;
    messages = dc::core::McapFileReader::open(file, linear)->messages().size();
    best_scan = std::min(best_scan, seconds_since(t));
  }
  std::printf("\n%-44s %9s %12s %9s\n", "run (best of 3, page cache warm)", "seconds", "frames/s", "vs cat");
  std::printf("%-44s %9.3f %12s %9s\n", "cat file > /dev/null", best_cat, "-", "1.00");
  std::printf("%-44s %9.3f %12.0f %9.2f\n", "index as a drive (summary, header stamps)", best_drive,
              static_cast<double>(frame_count) / best_drive, best_drive / best_cat);
  std::printf("%-44s %9.3f %12.0f %9.2f\n", "container linear scan (no summary)", best_scan,
              static_cast<double>(messages) / best_scan, best_scan / best_cat);
  std::printf("%zu frames, %zu messages\n", frame_count, messages);
  fs::remove_all(work);
  return 0;
}

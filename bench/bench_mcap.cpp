// MCAP index rate: a generated recording of about 1 GB (full-size KITTI-like lidar and two cameras, summary) with
// uncompressed, lz4 and zstd chunks is indexed as a drive (frames per second), and its container indexed by a
// linear scan without the summary, each against `cat file > /dev/null` of the same file timed in the same run
// (best of three, interleaved); "rate vs cat" is cat's time over the run's. Also the time to the first frame shown.
//   bench_mcap [work dir] [frames] [none|lz4|zstd]  (default: $TMPDIR/dc_bench_mcap, 330 frames ≈ 1 GB, all three)
#include "dc/core/io/reader_registry.h"
#include "dc/synth/drive_generator.h"
#include "dc/core/io/payload_loader.h"
#include "io/readers/mcap/mcap_chunk_prefetcher.h"
#include "io/readers/mcap/mcap_file_reader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

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

struct Figures {
  double cat = 1e30, drive = 1e30, scan = 1e30, first_frame = 0, mb = 0;
  std::size_t frames = 0, messages = 0;
};

// One recording per chunk compression: generated, then indexed three times (best of three) and its first frame
// loaded once the way the viewer does right after indexing (its own reader opened, the chunk decoded).
Figures measure(const fs::path& work, int frames, const std::string& compression) {
  dc::core::GeneratorOptions g;
  g.out = work / compression;
  g.format = "mcap";
  g.mcap_compression = compression;
  g.frames = frames;
  g.seed = 3;
  auto t0 = Clock::now();
  const auto generated = dc::core::generate_drive(g);
  const fs::path file = generated.drive_dir;
  Figures f;
  f.mb = static_cast<double>(fs::file_size(file)) / 1e6;
  std::printf("generated %s (%s chunks): %.0f MB, %d sweeps in %.1f s\n", file.filename().c_str(),
              compression.c_str(), f.mb, frames, seconds_since(t0));
  const auto* reader = dc::core::detect_reader(file);
  if (!reader) throw std::runtime_error("no reader for " + file.string());
  for (int round = 0; round < 3; ++round) {
    f.cat = std::min(f.cat, time_cat(file));
    auto t = Clock::now();
    const auto drives = reader->read(file, {});
    const double index = seconds_since(t);
    f.drive = std::min(f.drive, index);
    f.frames = drives.empty() ? 0 : drives.front().frames.size();
    if (round == 0 && !drives.empty()) {
      // First lidar sweep and first camera image, as the viewer shows them after indexing.
      t = Clock::now();
      const dc::core::Frame* lidar = nullptr;
      const dc::core::Frame* camera = nullptr;
      const auto& drive = drives.front();
      const auto kind_of = [&](const std::string& sensor) {
        for (const auto& s : drive.sensors)
          if (s.name == sensor) return s.kind;
        return dc::core::SensorKind::Lidar;
      };
      for (const auto& fr : drive.frames) {
        const auto kind = kind_of(fr.sensor);
        if (!lidar && kind == dc::core::SensorKind::Lidar) lidar = &fr;
        if (!camera && kind == dc::core::SensorKind::Camera) camera = &fr;
      }
      std::size_t points = lidar ? dc::core::load_point_cloud(*lidar).size() : 0;
      const int rows = camera ? dc::core::load_image(*camera).rows : 0;
      f.first_frame = index + seconds_since(t);
      if (points == 0 || rows == 0) std::fprintf(stderr, "first frame: %zu points, %d image rows\n", points, rows);
    }
    t = Clock::now();
    dc::core::McapReadOptions linear;
    linear.use_summary = false;
    f.messages = dc::core::McapFileReader::open(file, linear)->messages().size();
    f.scan = std::min(f.scan, seconds_since(t));
  }
  fs::remove_all(g.out);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path work = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "dc_bench_mcap";
  const int frames = argc > 2 ? std::atoi(argv[2]) : 330;
  fs::remove_all(work);
  fs::create_directories(work);
  std::printf("chunk decoding workers while indexing: %u\n", dc::core::McapChunkPrefetcher::default_threads());
  std::vector<std::pair<std::string, Figures>> rows;
  std::vector<std::string> compressions = {"none", "lz4", "zstd"};
  if (argc > 3) compressions = {argv[3]};
  for (const auto& compression : compressions) rows.emplace_back(compression, measure(work, frames, compression));

  std::printf("\n%-6s %7s %-40s %9s %10s %13s\n", "chunks", "MB", "run (best of 3, page cache warm)", "seconds",
              "frames/s", "rate vs cat");
  for (const auto& [compression, f] : rows) {
    const char* c = compression.c_str();
    std::printf("%-6s %7.0f %-40s %9.3f %10s %13s\n", c, f.mb, "cat file > /dev/null", f.cat, "-", "1.00");
    std::printf("%-6s %7.0f %-40s %9.3f %10.0f %13.2f\n", c, f.mb, "index as a drive (summary, header stamps)",
                f.drive, static_cast<double>(f.frames) / f.drive, f.cat / f.drive);
    std::printf("%-6s %7.0f %-40s %9.3f %10.0f %13.2f\n", c, f.mb, "container linear scan (no summary)", f.scan,
                static_cast<double>(f.messages) / f.scan, f.cat / f.scan);
    std::printf("%-6s %7.0f %-40s %9.3f\n", c, f.mb, "first frame shown (index + first sweep, image)",
                f.first_frame);
  }
  std::printf("%zu frames, %zu messages per recording\n", rows.front().second.frames, rows.front().second.messages);
  fs::remove_all(work);
  return 0;
}

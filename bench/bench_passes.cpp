// bench_passes: throughput of the validation passes on a generated 500-sample drive with two cameras, against the
// floor of just reading and decoding every payload of the drive once (same threads, same process, plain code:
// read each .bin into floats, cv::imread each PNG). data-qc loads every payload once, so its cost over that floor is
// what its checks add (the goal is at most 1.25x). calib-check also prints its time per refined window.
// Runs each pass on the CPU, and again on CUDA when the gpu library was built with it and a device is present.
// Prints figures only; asserts nothing.
// Usage: bench_passes [--frames N] [--threads N] [--drive DIR] [--repeat N]
//   --drive DIR  use an existing KITTI raw drive folder instead of generating one (kept in the temp folder and
//                reused by later runs with the same frame count)
#include "dc/core/data/drive_session.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/passes/pass_registry.h"
#include "dc/gpu/compute_device.h"
#include "dc/synth/drive_generator.h"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace dc::core;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Every payload file of the drive's lidar and cameras.
std::vector<fs::path> payload_files(const Drive& drive) {
  std::vector<fs::path> files;
  for (const auto& f : drive.frames)
    if (!f.file.empty() && (f.file.ends_with(".bin") || f.file.ends_with(".png"))) files.push_back(f.file);
  return files;
}

// The floor: read and decode every payload once on `threads` threads, nothing else. Returns bytes decoded.
std::size_t read_and_decode_all(const std::vector<fs::path>& files, unsigned threads) {
  std::atomic<std::size_t> next{0}, bytes{0};
  auto worker = [&] {
    std::vector<float> points;
    for (std::size_t i; (i = next.fetch_add(1)) < files.size();) {
      const fs::path& file = files[i];
      if (file.extension() == ".bin") {
        std::ifstream in(file, std::ios::binary);
        const auto size = static_cast<std::size_t>(fs::file_size(file));
        points.resize(size / sizeof(float));
        in.read(reinterpret_cast<char*>(points.data()), static_cast<std::streamsize>(points.size() * sizeof(float)));
        bytes += points.size() * sizeof(float);
      } else {
        const cv::Mat image = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
        bytes += image.total() * image.elemSize();
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return bytes.load();
}

struct PassTiming {
  double seconds = 0;
  PassResult result;
};

PassTiming time_pass(const DriveSession& session, const std::string& name, unsigned threads) {
  const Pass* pass = find_pass(name);
  const PassParameters params(pass->parameters(), {});
  const Progress progress;
  const auto t0 = Clock::now();
  PassResult result = pass->run({session, params, progress, threads});
  return {seconds_since(t0), std::move(result)};
}

fs::path generated_drive(int frames, unsigned threads) {
  const fs::path root = fs::temp_directory_path() / ("drivecurator-bench-passes-" + std::to_string(frames));
  GeneratorOptions o;
  o.out = root;
  o.frames = frames;
  o.seed = 5;
  o.cameras = 2;
  o.threads = threads;
  const fs::path done = root / "complete";
  if (fs::exists(done)) {
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_directory() && e.path().filename().string().ends_with("_sync")) return e.path();
  }
  fs::remove_all(root);
  std::printf("generating a %d-frame drive with 2 cameras in %s ...\n", frames, root.c_str());
  std::fflush(stdout);
  const auto t0 = Clock::now();
  const GeneratorResult g = generate_drive(o);
  std::printf("  generated in %.1f s\n", seconds_since(t0));
  std::ofstream(done) << "ok\n";
  return g.drive_dir;
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 500;
  int repeat = 2;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  fs::path drive_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--frames") frames = std::atoi(argv[i + 1]);
    else if (a == "--threads") threads = static_cast<unsigned>(std::atoi(argv[i + 1]));
    else if (a == "--drive") drive_dir = argv[i + 1];
    else if (a == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
    else {
      std::fprintf(stderr, "unknown argument %s\nusage: bench_passes [--frames N] [--threads N] [--drive DIR] "
                           "[--repeat N]\n", a.c_str());
      return 2;
    }
  }
  if (drive_dir.empty()) drive_dir = generated_drive(frames, threads);

  const Drive drive = reader_for_format("kitti-raw")->read_single(drive_dir);
  const DriveSession session(drive, {});
  const std::vector<fs::path> files = payload_files(drive);
  const double samples = static_cast<double>(session.sample_count());
  std::printf("drive %s: %zu samples, %zu payload files, %u threads\n", drive_dir.c_str(), session.samples().size(),
              files.size(), threads);

  // Warm the page cache once, so the floor and the passes all read from memory.
  read_and_decode_all(files, threads);
  double floor_s = 1e30;
  std::size_t bytes = 0;
  for (int r = 0; r < repeat; ++r) {
    const auto t0 = Clock::now();
    bytes = read_and_decode_all(files, threads);
    floor_s = std::min(floor_s, seconds_since(t0));
  }
  std::printf("\nfloor: read + decode every payload once: %.3f s (%.0f samples/s, %.0f MB decoded)\n", floor_s,
              samples / floor_s, static_cast<double>(bytes) / 1e6);

  std::vector<dc::gpu::BackendPreference> backends = {dc::gpu::BackendPreference::Cpu};
  if (dc::gpu::cuda_device_available()) backends.push_back(dc::gpu::BackendPreference::Cuda);
  std::printf("\n%-12s %-6s %9s %11s %9s  %s\n", "pass", "device", "seconds", "samples/s", "x floor", "results");
  for (const auto backend : backends) {
    dc::gpu::set_preferred_backend(backend);
    const char* device = backend == dc::gpu::BackendPreference::Cpu ? "CPU" : "CUDA";
    for (const std::string name : {"data-qc", "label-qa", "calib-check"}) {
      PassTiming best;
      best.seconds = 1e30;
      for (int r = 0; r < (name == "calib-check" ? 1 : repeat); ++r) {
        PassTiming t = time_pass(session, name, threads);
        if (t.seconds < best.seconds) best = std::move(t);
      }
      std::printf("%-12s %-6s %9.3f %11.1f %9.2f  %zu findings, %zu metrics, %zu calibrations\n", name.c_str(),
                  device, best.seconds, samples / best.seconds, best.seconds / floor_s, best.result.findings.size(),
                  best.result.metrics.size(), best.result.calibrations.size());
      if (name == "calib-check" && !best.result.calibrations.empty())
        std::printf("%-12s %-6s %9.3f s per refined window (%zu windows over all cameras, scoring included)\n", "",
                    device, best.seconds / static_cast<double>(best.result.calibrations.size()),
                    best.result.calibrations.size());
    }
  }
  return 0;
}

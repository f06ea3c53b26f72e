// Ingest throughput: one generated 1000-frame drive (lidar + 2 cameras + OXTS), then 100 copies of it side by side
// (hard links, ~400k frame rows), plus per-sensor time-range query latency on that catalog.
// Ingest never decodes payloads, so the generated payloads are kept small to make the setup quick.
#include "dc/core/catalog/catalog.h"
#include "dc/synth/drive_generator.h"
#include "dc/core/io/ingester.h"
#include "dc/core/io/reader_registry.h"

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace dc::core;
using Clock = std::chrono::steady_clock;

namespace {
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void link_tree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& e : fs::recursive_directory_iterator(from)) {
    fs::path target = to / fs::relative(e.path(), from);
    if (e.is_directory()) fs::create_directories(target);
    else fs::create_hard_link(e.path(), target);
  }
}

std::int64_t total_frames(const Catalog& c) {
  std::int64_t n = 0;
  for (const auto& d : c.drives())
    for (const auto& [s, k] : d.frames_per_sensor) n += k;
  return n;
}
}  // namespace

int main(int argc, char** argv) {
  fs::path work = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "dc_bench_ingest";
  const int frames = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int copies = argc > 3 ? std::atoi(argv[3]) : 100;
  fs::remove_all(work);
  fs::create_directories(work);

  GeneratorOptions g;
  g.out = work / "one";
  g.frames = frames;
  g.cameras = 2;
  g.image_width = 160;
  g.image_height = 48;
  g.lidar_columns = 64;
  g.lidar_beams = 16;
  auto t = Clock::now();
  auto gen = generate_drive(g);
  std::printf("setup: generated %d-frame drive (small payloads) in %.1f s\n", frames, seconds_since(t));

  // 1) One drive: where the time goes (parse + stat vs catalog writes), then the whole ingest.
  {
    Catalog split(work / "split.sqlite");
    t = Clock::now();
    Drive drive = detect_reader(gen.drive_dir)->read_single(gen.drive_dir);
    double read_s = seconds_since(t);
    t = Clock::now();
    split.store_drive(drive);
    std::printf("one drive:   read (text parse + stat + PNG headers) %.3f s, catalog store %.3f s\n", read_s,
                seconds_since(t));
  }
  {
    Catalog c(work / "one.sqlite");
    t = Clock::now();
    auto r = Ingester(c).ingest({g.out});
    double s = seconds_since(t);
    std::printf("one drive:   %lld frames indexed in %.3f s = %.0f frames/s (%lld samples, %lld labels)\n",
                static_cast<long long>(r.stats.frames_added), s, r.stats.frames_added / s,
                static_cast<long long>(r.stats.samples_added), static_cast<long long>(r.stats.labels_added));
    t = Clock::now();
    auto again = Ingester(c).ingest({g.out});
    std::printf("re-ingest:   %lld frames added in %.3f s (idempotent)\n",
                static_cast<long long>(again.stats.frames_added), seconds_since(t));
  }

  // 2) 100 copies side by side.
  t = Clock::now();
  for (int i = 0; i < copies; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "copy_%03d", i);
    link_tree(gen.date_dir, work / "many" / name / gen.date_dir.filename());
  }
  std::printf("setup: %d hard-linked copies in %.1f s\n", copies, seconds_since(t));
  Catalog many(work / "many.sqlite");
  t = Clock::now();
  auto r = Ingester(many).ingest({work / "many"});
  double s = seconds_since(t);
  std::printf("%d drives:  %lld frames indexed in %.2f s = %.0f frames/s; catalog holds %lld frame rows, %.1f MiB\n",
              copies, static_cast<long long>(r.stats.frames_added), s, r.stats.frames_added / s,
              static_cast<long long>(total_frames(many)),
              static_cast<double>(fs::file_size(work / "many.sqlite")) / (1 << 20));

  // 3) Per-sensor time-range query (10 s of one camera in one drive), and the same without the sensor filter.
  auto drives = many.drives();
  const auto& d = drives[drives.size() / 2];
  FrameQuery q;
  q.sensor = "image_02";
  q.from_ns = d.start_ns + 30'000'000'000LL;
  q.to_ns = d.start_ns + 40'000'000'000LL;
  std::vector<double> times;
  std::size_t rows = 0;
  for (int i = 0; i < 200; ++i) {
    t = Clock::now();
    rows = many.frames(d.id, q).size();
    times.push_back(seconds_since(t) * 1e3);
  }
  std::sort(times.begin(), times.end());
  std::printf("query: %zu image_02 frames in a 10 s window of one drive among %zu: median %.3f ms, p95 %.3f ms\n",
              rows, drives.size(), times[times.size() / 2], times[times.size() * 95 / 100]);
  q.sensor.reset();
  times.clear();
  for (int i = 0; i < 200; ++i) {
    t = Clock::now();
    rows = many.frames(d.id, q).size();
    times.push_back(seconds_since(t) * 1e3);
  }
  std::sort(times.begin(), times.end());
  std::printf("query: %zu frames of all sensors in the same window: median %.3f ms\n", rows, times[times.size() / 2]);
  fs::remove_all(work);
  return 0;
}

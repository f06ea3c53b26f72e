// Export throughput: a 1000-sample collection (generated drives: one drive generated, then copied as further drives,
// all on the same filesystem) exported as KITTI raw (whole drives) and as KITTI object, with
// payloads hard-linked and with payloads copied, each against a plain `cp -r` of the same source files timed in the
// same run (best of three, interleaved). Prints MB/s of source payload and the ratio export / cp (goal: at least
// 0.8). Exports include writing manifest.json with every file's sha256 and recording the export in the catalog.
// Usage: bench_export [WORK_DIR] [DRIVES] [FRAMES_PER_DRIVE]
#include "dc/core/catalog/catalog.h"
#include "dc/core/export/dataset_exporter.h"
#include "dc/core/io/ingester.h"
#include "dc/synth/drive_generator.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace fs = std::filesystem;
using namespace dc::core;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Real copies (own inodes), so a first export must hash every drive's files.
void copy_tree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& e : fs::recursive_directory_iterator(from)) {
    const fs::path target = to / fs::relative(e.path(), from);
    if (e.is_directory()) fs::create_directories(target);
    else fs::copy_file(e.path(), target);
  }
}

// Runs a program with an argument vector (no shell); returns its exit status.
int run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::uint64_t bytes_under(const std::vector<fs::path>& roots) {
  std::uint64_t n = 0;
  for (const auto& r : roots)
    for (const auto& e : fs::recursive_directory_iterator(r))
      if (e.is_regular_file()) n += e.file_size();
  return n;
}

// Moves a finished output aside instead of deleting it. On ext4 without a journal, every file created within
// dirty_expire_centisecs of a mass deletion makes the inode allocator step over the deleted inodes one by one
// (recently_deleted), so whichever contender ran right after a deletion would be charged for it.
void discard(const fs::path& out, const fs::path& trash) {
  static int n = 0;
  fs::create_directories(trash);
  fs::rename(out, trash / std::to_string(n++));
}

// Deletes the discarded outputs, then waits out the window in which new files pay for that deletion.
void empty_trash(const fs::path& trash) {
  fs::remove_all(trash);
  int centiseconds = 3000;
  if (FILE* f = std::fopen("/proc/sys/vm/dirty_expire_centisecs", "r")) {
    if (std::fscanf(f, "%d", &centiseconds) != 1) centiseconds = 3000;
    std::fclose(f);
  }
  std::printf("(waiting %d s after deleting the outputs)\n", centiseconds / 100 + 5);
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::seconds(centiseconds / 100 + 5));
}

// cp -r of the given folders into a fresh folder; seconds.
double time_cp(const std::vector<fs::path>& sources, const fs::path& out, const fs::path& trash) {
  fs::create_directories(out);
  ::sync();
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const fs::path dst = out / std::to_string(i);
    if (run({"cp", "-r", sources[i].string(), dst.string()}) != 0) std::fprintf(stderr, "cp failed\n");
  }
  const double s = seconds_since(t0);
  discard(out, trash);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path work = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "dc_bench_export";
  const int drives = argc > 2 ? std::atoi(argv[2]) : 5;
  const int frames = argc > 3 ? std::atoi(argv[3]) : 200;
  fs::remove_all(work);
  fs::create_directories(work);

  GeneratorOptions g;
  g.out = work / "generated";
  g.frames = frames;
  g.cameras = 1;
  g.lidar_columns = 1000;  // ~60k points per sweep (~1 MB), a KITTI-sized image per frame
  g.seed = 11;
  auto t0 = Clock::now();
  const auto generated = generate_drive(g);
  std::printf("generated one %d-frame drive in %.1f s\n", frames, seconds_since(t0));
  // Further drives: copies of the first under new drive numbers (same date, same calibration).
  const fs::path date_dir = work / "drives" / "2030_01_01";
  fs::create_directories(date_dir);
  for (const char* f : {"calib_cam_to_cam.txt", "calib_velo_to_cam.txt", "calib_imu_to_velo.txt"})
    fs::create_hard_link(generated.date_dir / f, date_dir / f);
  std::vector<fs::path> drive_dirs, object_sources;
  for (int d = 1; d <= drives; ++d) {
    char name[64];
    std::snprintf(name, sizeof name, "2030_01_01_drive_%04d_sync", d);
    copy_tree(generated.drive_dir, date_dir / name);
    drive_dirs.push_back(date_dir / name);
    object_sources.push_back(date_dir / name / "velodyne_points" / "data");
    object_sources.push_back(date_dir / name / "image_02" / "data");
  }
  const fs::path catalog_file = work / "catalog.sqlite";
  {
    Catalog catalog(catalog_file);
    Ingester(catalog).ingest({work / "drives"});
    std::vector<SampleRef> all;
    for (const auto& d : catalog.drives())
      for (const auto& s : catalog.samples(d.id)) all.push_back({d.id, s.key()});
    catalog.tag_repository().create_collection("bench", "", all);
    std::printf("collection: %zu samples in %d drives\n", all.size(), drives);
  }

  const std::uint64_t raw_bytes = bytes_under({date_dir});
  const std::uint64_t object_bytes = bytes_under(object_sources);
  // Warm the page cache the same way for every contender: one untimed cp of everything.
  const fs::path trash = work / "trash";
  time_cp({date_dir}, work / "warm", trash);

  std::printf("\n%-34s %10s %9s %9s %8s\n", "run", "MB", "seconds", "MB/s", "ratio");
  auto report = [](const char* what, std::uint64_t bytes, double s, double cp_mbps) {
    const double mb = static_cast<double>(bytes) / 1e6;
    std::printf("%-34s %10.1f %9.3f %9.1f %8s\n", what, mb, s, mb / s,
                cp_mbps > 0 ? (std::to_string(mb / s / cp_mbps).substr(0, 5)).c_str() : "-");
    return mb / s;
  };
  // Best of `rounds` for each contender, interleaved, so a busy machine penalises all of them alike. Each starts
  // after a sync (untimed), so none inherits another's dirty pages; cp -r and the export both leave their own writes
  // to the page cache. The first export of a format computes
  // every checksum (the raw round goes first, so its first run starts with no remembered checksums); later runs
  // find the sources' checksums remembered beside the catalog.
  const int rounds = 3;
  for (const ExportFormat format : {ExportFormat::KittiRaw, ExportFormat::KittiObject}) {
    const bool raw = format == ExportFormat::KittiRaw;
    const std::uint64_t bytes = raw ? raw_bytes : object_bytes;
    double best_cp = 1e30, best_export[2] = {1e30, 1e30}, first_export[2] = {0, 0};
    ExportResult last[2];
    for (int round = 0; round < rounds; ++round) {
      best_cp = std::min(best_cp, time_cp(raw ? std::vector<fs::path>{date_dir} : object_sources, work / "cp", trash));
      for (const bool copy : {false, true}) {
        const fs::path out = work / "export";
        Catalog catalog(catalog_file);
        ExportOptions options;
        options.copy_payloads = copy;
        ::sync();
        const auto t = Clock::now();
        last[copy] = DatasetExporter(catalog).run("bench", format, out, options);
        const double took = seconds_since(t);
        best_export[copy] = std::min(best_export[copy], took);
        if (round == 0) first_export[copy] = took;
        discard(out, trash);
      }
    }
    const double cp_mbps = report(raw ? "cp -r (raw sources)" : "cp -r (object sources)", bytes, best_cp, 0);
    for (const bool copy : {false, true}) {
      const std::string what = std::string("export ") + to_string(format) + (copy ? " (copy)" : " (hard links)");
      report(what.c_str(), bytes, best_export[copy], cp_mbps);  // the same source bytes as cp: a like-for-like rate
      const std::string first = "  its first run";
      report(first.c_str(), bytes, first_export[copy], cp_mbps);
      std::printf("%-34s %d samples, %d files linked, %d copied, %d written\n", "", last[copy].samples,
                  last[copy].linked, last[copy].copied, last[copy].written);
    }
    empty_trash(trash);
  }
  fs::remove_all(work);
  return 0;
}

// bench_autolabel: speed of the autolabel pass on full 64-beam scans and of the eval pass on 10,000 samples.
// - Detection, one thread, payloads already in memory: samples/s and the share of time per stage (ground planes
//   and obstacle points, Euclidean clustering, box fit + classification) on a generated drive (default 2000
//   columns, ~120k points a scan) and on the 3 real KITTI object scans (110k-127k points).
// - Tracking over the generated drive's detections (world frame), and its share of the whole.
// - The whole pass end to end (loading payloads, detection on all threads, tracking).
// - Quality of the whole pass's labels on the generated drive (exact ground truth), as the eval pass reports it
//   with bird's-eye IoU 0.5 for vehicles and 0.3 for people: precision and recall per class within 40 m, and id
//   switches per 100 matched track boxes.
// - The eval pass (bands and tracking metrics) on an in-memory drive of 10,000 samples: the generated drive's
//   samples and labels (ground truth and the autolabel run's boxes) repeated until there are that many.
// - Quality is given for min_gt_points 0 (every ground-truth box counts), 1 (boxes without a lidar point inside,
//   which no lidar-only labeler can find, are ignored) and --min-gt-points N (default 1) when larger; eval speed
//   for 0 and N (with N > 0 the eval pass reads each sample's point cloud).
// Prints figures only; asserts nothing.
// Usage: bench_autolabel [--frames N] [--seed N] [--threads N] [--repeat N] [--kitti DIR] [--eval-samples N]
//                        [--min-gt-points N]
#include "dc/core/data/drive_session.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/passes/pass_registry.h"
#include "dc/gpu/kernel_context.h"
#include "dc/synth/drive_generator.h"

// The pass's parts are private to dc_core; their headers include only public headers and each other.
#include "passes/autolabel/multi_object_tracker.h"
#include "passes/autolabel/object_detector.h"
#include "passes/eval/lidar_box_overlap.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace dc::core;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

fs::path generated_drive(int frames, unsigned seed, unsigned threads) {
  const fs::path root = fs::temp_directory_path() /
                        ("drivecurator-bench-autolabel-" + std::to_string(frames) + "-seed" + std::to_string(seed));
  const fs::path done = root / "complete";
  if (fs::exists(done))
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_directory() && e.path().filename().string().ends_with("_sync")) return e.path();
  fs::remove_all(root);
  GeneratorOptions o;
  o.out = root;
  o.frames = frames;
  o.seed = seed;
  o.cameras = 1;
  o.image_width = 414;  // images play no part in autolabel
  o.image_height = 125;
  o.threads = threads;
  std::printf("generating a %d-frame drive in %s ...\n", frames, root.c_str());
  std::fflush(stdout);
  const GeneratorResult g = generate_drive(o);
  std::ofstream(done) << "ok\n";
  return g.drive_dir;
}

// Detection on every cloud, `repeat` times, one thread: per-stage totals and the detections of the last round.
struct DetectionRun {
  autolabel::DetectionStats stats;
  double seconds = 0;
  int samples = 0;
  std::vector<std::vector<autolabel::Detection>> detections;
};

DetectionRun detect_all(const std::vector<PointCloud>& clouds, const autolabel::AutolabelSettings& settings,
                        int repeat) {
  const autolabel::ObjectDetector detector(settings);
  dc::gpu::KernelContext kernels(dc::gpu::BackendPreference::Auto, 1);
  DetectionRun run;
  run.detections.resize(clouds.size());
  detector.detect(clouds.front(), kernels);  // warm-up: scratch buffers grow once
  const auto t0 = Clock::now();
  for (int r = 0; r < repeat; ++r)
    for (std::size_t i = 0; i < clouds.size(); ++i) {
      autolabel::DetectionStats s;
      run.detections[i] = detector.detect(clouds[i], kernels, &s);
      run.stats += s;
      ++run.samples;
    }
  run.seconds = seconds_since(t0);
  return run;
}

void print_detection(const char* what, const DetectionRun& run, double tracking_s = 0) {
  const auto& s = run.stats;
  const double staged = s.ground_s + s.clustering_s + s.boxes_s + tracking_s;
  const double n = run.samples;
  std::printf("%s: %d scans, %.0f points/scan, %.0f obstacle points, %.0f clusters, %.1f detections/scan\n", what,
              run.samples, s.points / n, s.obstacle_points / n, s.clusters / n, s.detections / n);
  std::printf("  detection, 1 thread: %.1f ms/scan = %.1f samples/s\n", 1e3 * run.seconds / n, n / run.seconds);
  std::printf("  share: ground %.0f%% (%.1f ms) | clustering %.0f%% (%.1f ms) | box fit + class %.0f%% (%.1f ms)",
              100 * s.ground_s / staged, 1e3 * s.ground_s / n, 100 * s.clustering_s / staged,
              1e3 * s.clustering_s / n, 100 * s.boxes_s / staged, 1e3 * s.boxes_s / n);
  if (tracking_s > 0) std::printf(" | tracking %.1f%% (%.2f ms)", 100 * tracking_s / staged, 1e3 * tracking_s / n);
  std::printf("\n");
}

// The pass's own tracking step, on detections moved into the world frame by the drive's poses.
double time_tracking(const DriveSession& session, const std::vector<std::vector<autolabel::Detection>>& detections,
                     const autolabel::AutolabelSettings& settings, int repeat, std::size_t& boxes) {
  std::vector<std::vector<autolabel::Detection>> world(detections.size());
  for (int s = 0; s < session.sample_count(); ++s) {
    Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
    if (const auto T_world_from_imu = session.T_world_from_imu_at(session.sample(s).timestamp_ns))
      T = *T_world_from_imu * session.T_lidar_from_imu(s).inverse();
    for (auto d : detections[static_cast<std::size_t>(s)]) {
      d.center = T * d.center;
      for (auto& p : d.outline) p = (T * Eigen::Vector3d(p.x(), p.y(), 0)).head<2>();
      d.sensor = T.translation().head<2>();
      d.yaw += std::atan2(T.linear()(1, 0), T.linear()(0, 0));
      world[static_cast<std::size_t>(s)].push_back(std::move(d));
    }
  }
  const TimestampNs t0 = session.sample(0).timestamp_ns;
  const auto start = Clock::now();
  for (int r = 0; r < repeat; ++r) {
    autolabel::MultiObjectTracker tracker(settings);
    for (int s = 0; s < session.sample_count(); ++s)
      tracker.add_sample(s, static_cast<double>(session.sample(s).timestamp_ns - t0) * 1e-9,
                         world[static_cast<std::size_t>(s)]);
    boxes = tracker.finish().size();
  }
  return seconds_since(start) / repeat;
}

// The drive's samples and labels repeated (frame indices, times and track ids shifted) until `samples` samples.
Drive repeated_drive(const Drive& drive, const std::vector<BoxLabel>& auto_labels, int samples) {
  Drive big = drive;
  big.frames.clear();
  big.labels.clear();
  const std::string lidar = drive.lidar_sensor();
  std::vector<Frame> lidar_frames;
  for (const Frame& f : drive.frames)
    if (f.sensor == lidar) lidar_frames.push_back(f);
  std::vector<BoxLabel> labels = drive.labels;
  labels.insert(labels.end(), auto_labels.begin(), auto_labels.end());
  const std::int64_t n = static_cast<std::int64_t>(lidar_frames.size());
  const TimestampNs span = lidar_frames.back().timestamp_ns - lidar_frames.front().timestamp_ns + 100'000'000;
  for (std::int64_t copy = 0; copy * n < samples; ++copy) {
    for (Frame f : lidar_frames) {
      if (copy * n + f.index >= samples) continue;
      f.index += copy * n;
      f.timestamp_ns += copy * span;
      big.frames.push_back(f);
    }
    for (BoxLabel b : labels) {
      if (copy * n + b.frame_index >= samples) continue;
      b.frame_index += copy * n;
      b.timestamp_ns += copy * span;
      if (!b.track_id.empty()) b.track_id += "/" + std::to_string(copy);
      big.labels.push_back(std::move(b));
    }
  }
  return big;
}

// Precision and recall per class within 40 m and id switches, from the eval pass on the drive with its auto labels.
void print_quality(const Drive& drive, const std::vector<BoxLabel>& auto_labels, unsigned threads,
                   int min_gt_points) {
  Drive labeled = drive;
  labeled.labels.insert(labeled.labels.end(), auto_labels.begin(), auto_labels.end());
  const DriveSession session(labeled, {});
  const Pass* eval_pass = find_pass("eval");
  const PassParameters params(eval_pass->parameters(),
                              {{"car_iou", "0.5"}, {"small_iou", "0.3"}, {"range_bands", "40"},
                               {"min_gt_points", std::to_string(min_gt_points)}});
  Progress progress;
  const PassResult evaluated = eval_pass->run({session, params, progress, threads});
  const auto summary = nlohmann::json::parse(evaluated.evaluations.at(0).summary_json);
  std::printf("  quality within 40 m (bev IoU 0.5 vehicles, 0.3 people), min_gt_points %d:", min_gt_points);
  for (const char* c : {"Car", "Van", "Truck", "Pedestrian", "Cyclist"}) {
    const auto& bands = summary["bands"];
    if (!bands.contains(c) || !bands[c].contains("0-40m")) continue;
    const auto& b = bands[c]["0-40m"];
    std::printf(" %s recall %.3f precision %.3f (%d ref, %d ignored, %d fp);", c, b.value("recall", 0.0),
                b.value("precision", 0.0), b.value("reference", 0), b.value("ignored", 0), b.value("fp", 0));
  }
  int switches = 0, matched = 0;
  if (summary.contains("tracking"))
    for (const auto& [c, t] : summary["tracking"].items())
      switches += t.value("id_switches", 0), matched += t.value("tp", 0);
  std::printf("\n  id switches: %d in %d matched track boxes = %.2f per 100\n", switches, matched,
              100.0 * switches / std::max(1, matched));
}

// Cars (Car and Van, as neighbours) within `range_m` in the camera's view (40 degrees either side of ahead; label_2
// covers nothing else): found at bird's-eye IoU >= 0.5, and the share of auto boxes there that match one.
void print_kitti_quality(const DriveSession& real, const std::vector<BoxLabel>& autos, double range_m) {
  const auto vehicle = [](const BoxLabel& b) { return b.category == "Car" || b.category == "Van"; };
  const auto in_view = [range_m](const BoxLabel& b) {
    return b.center.head<2>().norm() <= range_m &&
           std::abs(std::atan2(b.center.y(), b.center.x())) <= 40 * std::numbers::pi / 180;
  };
  int references = 0, found = 0, predicted = 0, matched = 0;
  for (int s = 0; s < real.sample_count(); ++s) {
    const std::int64_t key = real.sample(s).key();
    std::vector<const BoxLabel*> mine;
    for (const auto& a : autos)
      if (a.frame_index == key && vehicle(a) && in_view(a)) mine.push_back(&a);
    predicted += static_cast<int>(mine.size());
    std::vector<char> used(mine.size(), 0);
    for (const BoxLabel& g : real.labels(s)) {
      if (!vehicle(g) || !in_view(g)) continue;
      ++references;
      for (std::size_t i = 0; i < mine.size(); ++i)
        if (!used[i] && eval::bev_iou(*mine[i], g) >= 0.5) {
          used[i] = 1, ++found, ++matched;
          break;
        }
    }
  }
  std::printf("  cars within %.0f m in the camera's view: %d of %d found (recall %.2f), %d of %d auto boxes match "
              "(precision %.2f)\n",
              range_m, found, references, double(found) / std::max(1, references), matched, predicted,
              double(matched) / std::max(1, predicted));
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 60, repeat = 3, eval_samples = 10000, min_gt_points = 1;
  unsigned seed = 7;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  fs::path kitti = fs::path(__FILE__).parent_path().parent_path().parent_path() / "shared" / "data" /
                   "kitti-object" / "training";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--frames") frames = std::max(2, std::atoi(argv[i + 1]));
    else if (a == "--seed") seed = static_cast<unsigned>(std::atoi(argv[i + 1]));
    else if (a == "--threads") threads = static_cast<unsigned>(std::max(1, std::atoi(argv[i + 1])));
    else if (a == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--kitti") kitti = argv[i + 1];
    else if (a == "--eval-samples") eval_samples = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--min-gt-points") min_gt_points = std::max(0, std::atoi(argv[i + 1]));
    else {
      std::fprintf(stderr, "unknown argument %s\nusage: bench_autolabel [--frames N] [--seed N] [--threads N] "
                           "[--repeat N] [--kitti DIR] [--eval-samples N] [--min-gt-points N]\n", a.c_str());
      return 2;
    }
  }
  const Pass* autolabel_pass = find_pass("autolabel");
  const PassParameters defaults(autolabel_pass->parameters(), {});
  const auto settings = autolabel::AutolabelSettings::from(defaults);
  {
    dc::gpu::KernelContext probe;
    std::printf("kernels on %s\n\n", probe.backend() == dc::gpu::Backend::Cpu ? "the CPU" : "CUDA");
  }

  // Generated drive.
  const Drive drive = reader_for_format("kitti-raw")->read_single(generated_drive(frames, seed, threads));
  const DriveSession session(drive, {});
  std::vector<PointCloud> clouds;
  for (int s = 0; s < session.sample_count(); ++s) clouds.push_back(load_point_cloud(*session.lidar_frame(s)));
  DetectionRun generated = detect_all(clouds, settings, repeat);
  std::size_t tracked_boxes = 0;
  const double tracking_s = time_tracking(session, generated.detections, settings, repeat, tracked_boxes);
  print_detection("generated drive", generated, tracking_s * repeat);
  std::printf("  tracking: %.2f ms/sample, %zu boxes kept\n", 1e3 * tracking_s / session.sample_count(),
              tracked_boxes);

  // The whole pass: loading, detection on all threads, tracking.
  Progress progress;
  auto t0 = Clock::now();
  const PassResult result = autolabel_pass->run({session, defaults, progress, threads});
  const double pass_s = seconds_since(t0);
  std::printf("  whole pass, %u threads (payloads read from disk): %.2f s = %.1f samples/s, %zu labels\n\n", threads,
              pass_s, session.sample_count() / pass_s, result.labels.size());
  {
    std::vector<BoxLabel> auto_labels = result.labels;
    for (auto& b : auto_labels) b.run_id = 1;
    // Every box counted, then boxes without a point ignored, then those with fewer than min_gt_points.
    std::vector<int> levels = {0};
    if (min_gt_points > 0) levels.push_back(1);
    if (min_gt_points > 1) levels.push_back(min_gt_points);
    for (int m : levels) print_quality(drive, auto_labels, threads, m);
  }

  // Real KITTI scans.
  if (fs::exists(kitti)) {
    const DriveSession real(reader_for_format("kitti-object")->read_single(kitti), {});
    std::vector<PointCloud> real_clouds;
    for (int s = 0; s < real.sample_count(); ++s) real_clouds.push_back(load_point_cloud(*real.lidar_frame(s)));
    print_detection("real KITTI object scans", detect_all(real_clouds, settings, 10 * repeat));
    const auto real_labels = autolabel_pass->run({real, defaults, progress, threads}).labels;
    for (double range_m : {30.0, 40.0}) print_kitti_quality(real, real_labels, range_m);
  } else {
    std::printf("real KITTI scans: %s not found (--kitti DIR)\n", kitti.c_str());
  }

  // Eval on many samples.
  std::vector<BoxLabel> auto_labels = result.labels;
  for (auto& b : auto_labels) b.run_id = 1;
  const Drive big = repeated_drive(drive, auto_labels, eval_samples);
  const DriveSession big_session(big, {});
  const Pass* eval_pass = find_pass("eval");
  for (int m : {0, min_gt_points}) {
    if (m > 0 && min_gt_points == 0) break;
    const PassParameters eval_params(eval_pass->parameters(), {{"car_iou", "0.5"}, {"small_iou", "0.3"},
                                                               {"range_bands", "40"}, {"min_gt_points", std::to_string(m)}});
    t0 = Clock::now();
    const PassResult evaluated = eval_pass->run({big_session, eval_params, progress, threads});
    const double eval_s = seconds_since(t0);
    std::printf("%seval pass, min_gt_points %d%s: %d samples, %zu boxes (gt + auto): %.2f s = %.0f samples/s (%zu "
                "evaluation)\n",
                m == 0 ? "\n" : "", m, m > 0 ? " (reads the point clouds)" : "", big_session.sample_count(),
                big.labels.size(), eval_s, big_session.sample_count() / eval_s, evaluated.evaluations.size());
  }
  return 0;
}

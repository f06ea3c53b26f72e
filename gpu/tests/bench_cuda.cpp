// dc_gpu_bench: CUDA against the CPU kernels on a bare GPU machine (standard library only, so it builds with gpu/
// alone). Inputs: the real KITTI scans (velodyne .bin, calibration, labels) and generated scans of 1M and 4M points.
// Per kernel: median CPU time, CUDA time with transfers, kernel-only time, upload + download, the bandwidth bound
// (bytes the kernels must move / 4.8 TB/s), and whether CUDA gave the CPU's result.
// Usage: dc_gpu_bench [--data DIR] [--reps N]      (exit 77 without a CUDA device)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "dc/gpu/compute_device.h"
#include "dc/gpu/edge_alignment_score.h"
#include "dc/gpu/euclidean_clustering.h"
#include "dc/gpu/ground_segmentation.h"
#include "dc/gpu/kernel_context.h"
#include "dc/gpu/points_in_boxes.h"
#include "dc/gpu/project_to_image.h"
#include "dc/gpu/voxel_downsample.h"
#include "kitti_files.h"
#include "synthetic_scan.h"

using namespace dc::gpu;
namespace fs = std::filesystem;

namespace {

constexpr double kH200Bandwidth = 4.8e12;  // bytes / s

struct Input {
  std::string name;
  std::vector<float> pts;
  Mat3x4f T;
  Pinhole cam;
  std::vector<Box3f> boxes;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double time_ms(int reps, const std::function<void()>& f) {
  f();  // warm-up: buffers grow once
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return median(t);
}

Input kitti_input(const fs::path& dir, int frame) {
  char id[16];
  std::snprintf(id, sizeof id, "%06d", frame);
  Input in;
  in.name = std::string("KITTI ") + id;
  in.pts = testing::read_velodyne(dir / "velodyne" / (std::string(id) + ".bin"));
  const auto calib = testing::read_calib(dir / "calib" / (std::string(id) + ".txt"));
  for (int k = 0; k < 12; ++k) in.T.m[k] = static_cast<float>(calib.T_cam2_from_lidar[static_cast<std::size_t>(k)]);
  in.cam.fx = float(calib.fx), in.cam.fy = float(calib.fy), in.cam.cx = float(calib.cx), in.cam.cy = float(calib.cy);
  in.cam.width = calib.width, in.cam.height = calib.height;
  for (const auto& b : testing::read_label_boxes(dir / "label_2" / (std::string(id) + ".txt"), calib))
    in.boxes.push_back({float(b.cx), float(b.cy), float(b.cz), float(b.l), float(b.w), float(b.h), float(b.yaw)});
  return in;
}

Input generated_input(std::size_t points, const Input& camera_from) {
  Input in;
  testing::SceneOptions o;
  o.points = points, o.seed = 2024;
  in.pts = testing::make_scan(o);
  in.name = "generated " + std::to_string(in.pts.size() / 4);
  in.T = camera_from.T, in.cam = camera_from.cam;
  for (const auto& c : testing::scene_cars(o))
    in.boxes.push_back({float(c.cx), float(c.cy), float(c.cz), float(c.l), float(c.w), float(c.h), float(c.yaw)});
  return in;
}

std::vector<float> without(const std::vector<float>& pts, const std::vector<std::uint8_t>& drop) {
  std::vector<float> out;
  for (std::size_t i = 0; i < pts.size() / 4; ++i)
    if (!drop[i]) out.insert(out.end(), pts.begin() + std::ptrdiff_t(4 * i), pts.begin() + std::ptrdiff_t(4 * i + 4));
  return out;
}

void run_input(const Input& in, int reps) {
  std::printf("\n== %s: %zu points, %zu boxes ==\n", in.name.c_str(), in.pts.size() / 4, in.boxes.size());
  std::printf("  %-22s %9s %9s %9s %10s %9s %8s %8s  %s\n", "kernel", "CPU ms", "CUDA ms", "kernel ms", "up+down ms",
              "bound us", "vs CPU", "kernel", "same result");
  KernelContext cpu(BackendPreference::Cpu), gpu(BackendPreference::Cuda);
  auto row = [&](const char* kernel, const std::function<void(KernelContext&)>& call, const std::function<bool()>& same) {
    const double t_cpu = time_ms(reps, [&] { call(cpu); });
    gpu.set_profiling(false);
    const double t_gpu = time_ms(reps, [&] { call(gpu); });
    gpu.set_profiling(true);
    std::vector<double> k, t;
    call(gpu);
    for (int r = 0; r < reps; ++r) {
      call(gpu);
      k.push_back(gpu.last_stats().compute_ms);
      t.push_back(gpu.last_stats().upload_ms + gpu.last_stats().download_ms);
    }
    const bool on_cuda = gpu.last_stats().backend == Backend::Cuda;
    const double bound_us = 1e6 * double(gpu.last_stats().min_device_bytes) / kH200Bandwidth;
    std::printf("  %-22s %9.3f %9.3f %9.3f %10.3f %9.1f %7.1fx %7.1fx  %s%s\n", kernel, t_cpu, t_gpu, median(k),
                median(t), bound_us, t_cpu / t_gpu, t_cpu / median(k), same() ? "yes" : "NO",
                on_cuda ? "" : ("  (fell back to CPU: " + gpu.last_error() + ")").c_str());
  };

  VoxelParams vp;
  vp.leaf_size = 0.2f;
  VoxelResult vc, vg;
  row("voxel grid 0.2 m", [&](KernelContext& c) { voxel_downsample(c, in.pts, vp, &c == &cpu ? vc : vg); },
      [&] { return vc.counts == vg.counts && vc.centroids == vg.centroids; });

  GroundParams gp;
  gp.distance_threshold = 0.15f, gp.max_iterations = 100;
  GroundResult gc, gg;
  row("ground RANSAC 0.15 m", [&](KernelContext& c) { segment_ground(c, in.pts, gp, &c == &cpu ? gc : gg); },
      [&] { return gc.iterations == gg.iterations && std::abs(long(gc.inlier_count) - long(gg.inlier_count)) <=
                                                         long(gc.inlier_count / 10000); });

  const std::vector<float> objects = without(in.pts, gc.inlier_mask);
  ClusterParams cp;
  cp.tolerance = 0.5f, cp.min_size = 10;
  ClusterResult cc, cg;
  row("clusters 0.5 m", [&](KernelContext& c) { euclidean_clusters(c, objects, {}, cp, &c == &cpu ? cc : cg); },
      [&] { return cc.labels == cg.labels; });

  ProjectionResult pc, pg;
  row("projection + z-buffer", [&](KernelContext& c) { project_to_image(c, in.pts, in.T, in.cam, {}, &c == &cpu ? pc : pg); },
      [&] { return pc.depth_image == pg.depth_image && pc.valid_count == pg.valid_count; });

  BoxParams bp;
  bp.indices = true;
  BoxResult bc, bg;
  row("points in boxes", [&](KernelContext& c) { points_in_boxes(c, in.pts, in.boxes, bp, &c == &cpu ? bc : bg); },
      [&] { return bc.counts == bg.counts && bc.indices == bg.indices; });

  // A synthetic distance field stands in for the camera's edge distance transform (no image codec here).
  std::vector<float> dt(static_cast<std::size_t>(in.cam.width) * in.cam.height);
  for (int v = 0; v < in.cam.height; ++v)
    for (int u = 0; u < in.cam.width; ++u)
      dt[std::size_t(v) * in.cam.width + u] = float(std::min(u % 37, v % 23));
  const ImageViewf view{dt.data(), in.cam.width, in.cam.height, static_cast<std::size_t>(in.cam.width)};
  std::vector<Mat3x4f> cands(64, in.T);
  for (std::size_t k = 0; k < cands.size(); ++k)
    cands[k].m[3] += 0.002f * float(k), cands[k].m[7] -= 0.001f * float(k);
  EdgeScoreResult ec, eg;
  row("edge score 64 cand.", [&](KernelContext& c) { edge_alignment_score(c, in.pts, cands, in.cam, view, {}, &c == &cpu ? ec : eg); },
      [&] {
        bool same = ec.sums.size() == eg.sums.size() && ec.in_image == eg.in_image;
        for (std::size_t k = 0; same && k < ec.sums.size(); ++k)
          same = std::abs(ec.sums[k] - eg.sums[k]) <= 1e-9 * std::max(1.0, std::abs(ec.sums[k]));
        return same;
      });
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data = "../shared/data/kitti-object/training";
  int reps = 9;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--data") == 0) data = argv[i + 1];
    if (std::strcmp(argv[i], "--reps") == 0) reps = std::max(1, std::atoi(argv[i + 1]));
  }
  if (!cuda_device_available()) {
    std::printf("dc_gpu_bench: no CUDA device (built with CUDA: %s): nothing to compare\n",
                built_with_cuda() ? "yes" : "no");
    return 77;
  }
  std::printf("dc_gpu_bench: %s; %u CPU threads; median of %d runs after a warm-up\n", active_device().name.c_str(),
              std::thread::hardware_concurrency(), reps);
  std::vector<Input> inputs;
  for (int frame = 0; frame < 3; ++frame) {
    try {
      inputs.push_back(kitti_input(data, frame));
    } catch (const std::exception& e) {
      std::printf("skipping KITTI frame %d: %s\n", frame, e.what());
    }
  }
  Input camera;
  if (inputs.empty()) {
    const float m[12] = {0, -1, 0, 0.0f, 0, 0, -1, -0.08f, 1, 0, 0, -0.27f};
    std::memcpy(camera.T.m, m, sizeof m);
    camera.cam.fx = camera.cam.fy = 721.5377f, camera.cam.cx = 609.5593f, camera.cam.cy = 172.854f;
    camera.cam.width = 1242, camera.cam.height = 375;
  } else {
    camera = inputs.back();
  }
  inputs.push_back(generated_input(1000000, camera));
  inputs.push_back(generated_input(4000000, camera));
  for (const auto& in : inputs) run_input(in, in.pts.size() > 2000000 ? std::max(3, reps / 3) : reps);
  return 0;
}

// dc_gpu self-test without Qt or OpenCV, for a bare GPU machine:
//   dc_gpu_selftest --cpu    CPU kernels against brute force on generated scans, and thread-count independence
//   dc_gpu_selftest --cuda   CUDA kernels against the CPU ones on the same inputs; exit code 77 without a device
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "dc/gpu/compute_device.h"
#include "dc/gpu/edge_alignment_score.h"
#include "dc/gpu/euclidean_clustering.h"
#include "dc/gpu/ground_segmentation.h"
#include "dc/gpu/kernel_context.h"
#include "dc/gpu/points_in_boxes.h"
#include "dc/gpu/project_to_image.h"
#include "dc/gpu/voxel_downsample.h"
#include "synthetic_scan.h"

using namespace dc::gpu;

namespace {

int g_failures = 0;
int g_checks = 0;

void check(bool ok, const std::string& what) {
  ++g_checks;
  if (!ok) {
    ++g_failures;
    std::printf("FAIL: %s\n", what.c_str());
  }
}

std::vector<float> scan(std::size_t n, std::uint64_t seed, double nan_fraction = 0) {
  testing::SceneOptions o;
  o.points = n, o.seed = seed, o.nan_fraction = nan_fraction;
  return testing::make_scan(o);
}

Mat3x4f kitti_like_extrinsic() {
  // Lidar x forward / y left / z up -> camera x right / y down / z forward, camera 0.27 m behind, 0.08 m below.
  Mat3x4f T;
  const float m[12] = {0, -1, 0, 0.0f, 0, 0, -1, -0.08f, 1, 0, 0, -0.27f};
  std::memcpy(T.m, m, sizeof m);
  return T;
}

Pinhole kitti_like_camera() {
  Pinhole c;
  c.fx = c.fy = 721.5377f, c.cx = 609.5593f, c.cy = 172.854f;
  c.k1 = -0.05f, c.k2 = 0.01f, c.p1 = 0.001f, c.p2 = -0.0005f, c.k3 = 0.0f;
  c.width = 1242, c.height = 375;
  return c;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

// ---- CPU against brute force -----------------------------------------------------------------------------

void cpu_projection(KernelContext& ctx) {
  const auto pts = scan(50000, 3, 0.001);
  const Mat3x4f T = kitti_like_extrinsic();
  const Pinhole cam = kitti_like_camera();
  ProjectionResult r;
  project_to_image(ctx, pts, T, cam, {}, r);
  const std::size_t n = pts.size() / 4;
  double worst = 0;
  std::size_t valid = 0, nonfinite = 0, flag_mismatch = 0;
  std::vector<float> zbuf(static_cast<std::size_t>(cam.width) * cam.height, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = pts[4 * i], y = pts[4 * i + 1], z = pts[4 * i + 2];
    if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(z)) {
      ++nonfinite;
      continue;
    }
    const double X = T.m[0] * x + T.m[1] * y + T.m[2] * z + T.m[3];
    const double Y = T.m[4] * x + T.m[5] * y + T.m[6] * z + T.m[7];
    const double Z = T.m[8] * x + T.m[9] * y + T.m[10] * z + T.m[11];
    if (Z <= 0.1) {
      flag_mismatch += r.valid[i] != 0;
      continue;
    }
    const double a = X / Z, b = Y / Z, r2 = a * a + b * b;
    const double radial = 1 + cam.k1 * r2 + cam.k2 * r2 * r2 + cam.k3 * r2 * r2 * r2;
    const double u = cam.fx * (a * radial + 2 * cam.p1 * a * b + cam.p2 * (r2 + 2 * a * a)) + cam.cx;
    const double v = cam.fy * (b * radial + cam.p1 * (r2 + 2 * b * b) + 2 * cam.p2 * a * b) + cam.cy;
    const bool in = u >= -0.5 && u < cam.width - 0.5 && v >= -0.5 && v < cam.height - 0.5;
    if (in) worst = std::max({worst, std::abs(u - r.u[i]), std::abs(v - r.v[i])});
    const bool near_edge = std::abs(u + 0.5) < 1e-3 || std::abs(u - cam.width + 0.5) < 1e-3 ||
                           std::abs(v + 0.5) < 1e-3 || std::abs(v - cam.height + 0.5) < 1e-3;
    if (!near_edge) flag_mismatch += (r.valid[i] != 0) != in;
    if (r.valid[i]) {
      ++valid;
      float& px = zbuf[static_cast<std::size_t>(std::floor(r.v[i] + 0.5f)) * cam.width +
                       static_cast<std::size_t>(std::floor(r.u[i] + 0.5f))];
      if (px == 0.0f || r.depth[i] < px) px = r.depth[i];
    }
  }
  check(worst < 1e-3, "projection: |uv - double reference| = " + std::to_string(worst));
  check(flag_mismatch == 0, "projection: valid flags differ for " + std::to_string(flag_mismatch) + " points");
  check(r.valid_count == valid && r.nonfinite_count == nonfinite && valid > 1000, "projection: counts");
  check(r.depth_image == zbuf, "projection: z-buffer differs from the sequential nearest-wins image");
}

void cpu_voxel(KernelContext& ctx) {
  for (float leaf : {0.2f, 0.5f, 1.3f, 0.1f}) {
    // The last case has enough points for the hashed accumulation.
    const auto pts = scan(leaf == 0.1f ? 300000 : 30000, 5, 0.002);
    VoxelParams p;
    p.leaf_size = leaf;
    p.point_voxel = true;
    VoxelResult r;
    voxel_downsample(ctx, pts, p, r);
    const float inv = 1.0f / leaf;
    std::map<std::tuple<long, long, long>, std::tuple<double, double, double, double, unsigned>> ref;
    for (std::size_t i = 0; i < pts.size() / 4; ++i) {
      const float x = pts[4 * i], y = pts[4 * i + 1], z = pts[4 * i + 2];
      if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(z)) continue;
      auto& v = ref[{long(std::floor(z * inv)), long(std::floor(y * inv)), long(std::floor(x * inv))}];
      std::get<0>(v) += x, std::get<1>(v) += y, std::get<2>(v) += z, std::get<3>(v) += pts[4 * i + 3];
      ++std::get<4>(v);
    }
    bool same = ref.size() == r.voxel_count;
    std::size_t k = 0;
    for (const auto& [key, v] : ref) {
      if (!same) break;
      const unsigned c = std::get<4>(v);
      same = r.counts[k] == c && r.centroids[4 * k] == float(std::get<0>(v) / c) &&
             r.centroids[4 * k + 1] == float(std::get<1>(v) / c) && r.centroids[4 * k + 2] == float(std::get<2>(v) / c);
      ++k;
    }
    check(same,
          "voxel: voxels, order or centroids differ from the brute-force map (leaf " + std::to_string(leaf) + ")");
  }
}

// O(n^2) flood fill with the kernel's distance test, clusters numbered by smallest index after size filtering.
std::vector<int> brute_force_clusters(const std::vector<float>& pts, float tol, unsigned min_size, unsigned max_size) {
  const std::size_t n = pts.size() / 4;
  const float r2 = static_cast<float>(double(tol) * double(tol));
  std::vector<int> comp(n, -1);
  std::vector<unsigned> sizes;
  for (std::size_t s = 0; s < n; ++s) {
    if (comp[s] != -1 || !std::isfinite(pts[4 * s]) || !std::isfinite(pts[4 * s + 1]) || !std::isfinite(pts[4 * s + 2]))
      continue;
    const int id = static_cast<int>(sizes.size());
    sizes.push_back(0);
    std::deque<std::size_t> queue{s};
    comp[s] = id;
    while (!queue.empty()) {
      const std::size_t i = queue.front();
      queue.pop_front();
      ++sizes[id];
      for (std::size_t j = 0; j < n; ++j) {
        if (comp[j] != -1) continue;
        const float dx = pts[4 * i] - pts[4 * j], dy = pts[4 * i + 1] - pts[4 * j + 1],
                    dz = pts[4 * i + 2] - pts[4 * j + 2];
        float d = 0;
        d += dx * dx, d += dy * dy, d += dz * dz;
        if (d < r2) comp[j] = id, queue.push_back(j);
      }
    }
  }
  std::vector<int> renumber(sizes.size(), -1);
  int next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (comp[i] < 0) continue;
    const int c = comp[i];
    if (renumber[c] == -1) renumber[c] = (sizes[c] >= min_size && sizes[c] <= max_size) ? next++ : -2;
    comp[i] = renumber[c] >= 0 ? renumber[c] : -1;
  }
  return comp;
}

void cpu_clusters(KernelContext& ctx) {
  auto pts = scan(4000, 7, 0.003);
  for (float tol : {0.3f, 0.5f, 1.0f}) {
    ClusterParams p;
    p.tolerance = tol, p.min_size = 3, p.max_size = 800;
    ClusterResult r;
    euclidean_clusters(ctx, pts, {}, p, r);
    check(r.labels == brute_force_clusters(pts, tol, 3, 800),
          "clusters: partition differs from O(n^2) flood fill (tol " + std::to_string(tol) + ")");
  }
}

void cpu_boxes(KernelContext& ctx) {
  const auto pts = scan(60000, 11, 0.001);
  testing::SceneOptions o;
  o.seed = 11;
  std::vector<Box3f> boxes;
  for (const auto& c : testing::scene_cars(o))
    boxes.push_back(
        {float(c.cx), float(c.cy), float(c.cz), float(c.l + 0.4), float(c.w + 0.4), float(c.h + 0.4), float(c.yaw)});
  BoxResult r;
  points_in_boxes(ctx, pts, boxes, {true}, r);
  bool same = r.offsets.size() == boxes.size() + 1;
  for (std::size_t b = 0; b < boxes.size() && same; ++b) {
    const double c = std::cos(double(boxes[b].yaw)), s = std::sin(double(boxes[b].yaw));
    std::vector<std::uint32_t> ref;
    for (std::size_t i = 0; i < pts.size() / 4; ++i) {
      const double dx = pts[4 * i] - boxes[b].cx, dy = pts[4 * i + 1] - boxes[b].cy, dz = pts[4 * i + 2] - boxes[b].cz;
      if (std::abs(dx * c + dy * s) <= boxes[b].l / 2 && std::abs(-dx * s + dy * c) <= boxes[b].w / 2 &&
          std::abs(dz) <= boxes[b].h / 2)
        ref.push_back(static_cast<std::uint32_t>(i));
    }
    same = r.counts[b] == ref.size() &&
           std::equal(ref.begin(), ref.end(), r.indices.begin() + r.offsets[b], r.indices.begin() + r.offsets[b + 1]);
  }
  check(same, "boxes: counts or indices differ from brute force");
}

void cpu_ground(KernelContext& ctx) {
  // Plane z = 0.02 x - 0.01 y - 1.7 with noise, plus 40% outliers above it.
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-40, 40), h(0.5f, 6), e(-0.03f, 0.03f);
  std::vector<float> pts;
  for (int i = 0; i < 30000; ++i) {
    const float x = u(rng), y = u(rng);
    const bool in = i % 5 < 3;
    pts.insert(pts.end(), {x, y, 0.02f * x - 0.01f * y - 1.7f + (in ? e(rng) : h(rng)), 0.5f});
  }
  GroundParams p;
  p.distance_threshold = 0.1f, p.max_iterations = 200, p.seed = 42;
  GroundResult r;
  segment_ground(ctx, pts, p, r);
  const double len = std::sqrt(1 + 0.02 * 0.02 + 0.01 * 0.01);
  const double dot = (-0.02 * r.normal[0] + 0.01 * r.normal[1] + r.normal[2]) / len;
  check(r.found && dot > std::cos(0.5 * 3.14159 / 180) && std::abs(r.d - 1.7 / len) < 0.01,
        "ground: plane not recovered");
  check(r.inlier_count == 18000, "ground: inlier count " + std::to_string(r.inlier_count) + " != 18000");
}

void cpu_thread_independence() {
  const auto pts = scan(80000, 13, 0.001);
  KernelContext one(BackendPreference::Cpu, 1), many(BackendPreference::Cpu, 7);
  VoxelResult v1, v2;
  voxel_downsample(one, pts, {}, v1);
  voxel_downsample(many, pts, {}, v2);
  check(same_bits(v1.centroids, v2.centroids) && v1.counts == v2.counts, "threads: voxel results differ");
  GroundResult g1, g2;
  segment_ground(one, pts, {}, g1);
  segment_ground(many, pts, {}, g2);
  check(g1.inlier_mask == g2.inlier_mask && g1.iterations == g2.iterations &&
            std::memcmp(g1.normal, g2.normal, sizeof g1.normal) == 0 && g1.d == g2.d,
        "threads: ground results differ");
  ClusterResult c1, c2;
  euclidean_clusters(one, pts, g1.inlier_mask, {}, c1);
  euclidean_clusters(many, pts, g1.inlier_mask, {}, c2);
  check(c1.labels == c2.labels && c1.cluster_count > 10, "threads: clusters differ");
}

// ---- CUDA against CPU ------------------------------------------------------------------------------------

void cuda_against_cpu() {
  KernelContext cpu(BackendPreference::Cpu), gpu(BackendPreference::Cuda);
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{5000}, std::size_t{200000}, std::size_t{1000000}}) {
    const auto pts = n == 1 ? std::vector<float>{5.0f, 0.5f, 0.2f, 0.3f} : scan(n, 17 + n, 0.001);
    const std::string tag = " (n=" + std::to_string(n) + ")";
    {
      ProjectionResult a, b;
      project_to_image(cpu, pts, kitti_like_extrinsic(), kitti_like_camera(), {}, a);
      project_to_image(gpu, pts, kitti_like_extrinsic(), kitti_like_camera(), {}, b);
      check(b.backend == Backend::Cuda, "cuda: projection did not run on CUDA: " + gpu.last_error());
      check(same_bits(a.u, b.u) && same_bits(a.v, b.v) && same_bits(a.depth, b.depth) && a.valid == b.valid &&
                same_bits(a.depth_image, b.depth_image) && a.valid_count == b.valid_count &&
                a.nonfinite_count == b.nonfinite_count,
            "cuda: projection differs" + tag);
      gpu.set_profiling(true);
      project_to_image(gpu, pts, kitti_like_extrinsic(), kitti_like_camera(), {}, b);
      gpu.set_profiling(false);
      check(same_bits(a.u, b.u) && a.valid == b.valid && same_bits(a.depth_image, b.depth_image),
            "cuda: projection (profiled) differs" + tag);
    }
    {
      VoxelParams p;
      p.point_voxel = true;
      VoxelResult a, b;
      voxel_downsample(cpu, pts, p, a);
      voxel_downsample(gpu, pts, p, b);
      check(b.backend == Backend::Cuda, "cuda: voxel did not run on CUDA: " + gpu.last_error());
      check(same_bits(a.centroids, b.centroids) && a.counts == b.counts && a.voxel_of_point == b.voxel_of_point &&
                a.nonfinite_count == b.nonfinite_count,
            "cuda: voxel differs" + tag);
    }
    GroundResult ga, gb;
    {
      segment_ground(cpu, pts, {}, ga);
      segment_ground(gpu, pts, {}, gb);
      check(gb.backend == Backend::Cuda, "cuda: ground did not run on CUDA: " + gpu.last_error());
      std::size_t diff = 0;
      for (std::size_t i = 0; i < ga.inlier_mask.size(); ++i) diff += ga.inlier_mask[i] != gb.inlier_mask[i];
      check(ga.found == gb.found && ga.iterations == gb.iterations && diff <= ga.inlier_mask.size() / 10000 &&
                std::abs(ga.normal[2] - gb.normal[2]) < 1e-5f && std::abs(ga.d - gb.d) < 1e-4f,
            "cuda: ground differs" + tag);
    }
    {
      ClusterParams p;
      p.min_size = 10;
      ClusterResult a, b;
      euclidean_clusters(cpu, pts, ga.inlier_mask, p, a);
      euclidean_clusters(gpu, pts, ga.inlier_mask, p, b);
      check(b.backend == Backend::Cuda, "cuda: clusters did not run on CUDA: " + gpu.last_error());
      check(a.labels == b.labels && a.cluster_sizes == b.cluster_sizes && a.nonfinite_count == b.nonfinite_count,
            "cuda: clusters differ" + tag);
    }
    {
      testing::SceneOptions o;
      o.seed = 17 + n;
      std::vector<Box3f> boxes;
      for (const auto& c : testing::scene_cars(o))
        boxes.push_back({float(c.cx), float(c.cy), float(c.cz), float(c.l), float(c.w), float(c.h), float(c.yaw)});
      BoxResult a, b;
      points_in_boxes(cpu, pts, boxes, {true}, a);
      points_in_boxes(gpu, pts, boxes, {true}, b);
      check(b.backend == Backend::Cuda, "cuda: boxes did not run on CUDA: " + gpu.last_error());
      check(a.counts == b.counts && a.offsets == b.offsets && a.indices == b.indices, "cuda: boxes differ" + tag);
    }
    {
      const Pinhole cam = kitti_like_camera();
      std::vector<float> dt(static_cast<std::size_t>(cam.width) * cam.height);
      for (std::size_t k = 0; k < dt.size(); ++k) dt[k] = float((k * 2654435761u) % 1000) * 0.01f;
      std::vector<Mat3x4f> cands(33, kitti_like_extrinsic());
      for (std::size_t c = 0; c < cands.size(); ++c)
        cands[c].m[3] += 0.01f * float(c), cands[c].m[7] -= 0.005f * float(c);
      const std::vector<float> sub(
          pts.begin(), pts.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(pts.size(), 4 * 20000)));
      EdgeScoreResult a, b;
      const ImageViewf view{dt.data(), cam.width, cam.height, static_cast<std::size_t>(cam.width)};
      edge_alignment_score(cpu, sub, cands, cam, view, {}, a);
      edge_alignment_score(gpu, sub, cands, cam, view, {}, b);
      check(b.backend == Backend::Cuda, "cuda: edge score did not run on CUDA: " + gpu.last_error());
      bool sums = a.sums.size() == b.sums.size();
      for (std::size_t c = 0; c < a.sums.size() && sums; ++c)
        sums = std::abs(a.sums[c] - b.sums[c]) <= 1e-9 * std::max(1.0, std::abs(a.sums[c]));
      check(sums && a.in_image == b.in_image && a.samples.size() == b.samples.size() &&
                std::memcmp(a.samples.data(), b.samples.data(), a.samples.size() * 4) == 0,
            "cuda: edge score differs" + tag);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const bool cuda = argc > 1 && std::strcmp(argv[1], "--cuda") == 0;
  if (cuda) {
    if (!cuda_device_available()) {
      std::printf("no CUDA device (built with CUDA: %s): skipped\n", built_with_cuda() ? "yes" : "no");
      return 77;
    }
    std::printf("device: %s\n", active_device().name.c_str());
    cuda_against_cpu();
  } else {
    KernelContext ctx(BackendPreference::Cpu);
    cpu_projection(ctx);
    cpu_voxel(ctx);
    cpu_clusters(ctx);
    cpu_boxes(ctx);
    cpu_ground(ctx);
    cpu_thread_independence();
  }
  std::printf("%d checks, %d failed\n", g_checks, g_failures);
  return g_failures ? 1 : 0;
}

#pragma once
// Seeded synthetic lidar scans for tests and benchmarks (header-only, standard library only): a 128-beam spinning
// lidar ray-cast against a sloped ground, building facades, parked cars, poles and bushes, so clustering, ground
// segmentation and voxel grids see realistic structure (occlusion, range-dependent density).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

namespace dc::gpu::testing {

struct SceneOptions {
  std::size_t points = 120000;
  std::uint64_t seed = 1;
  int cars = 40;
  int poles = 30;
  int bushes = 25;
  double range_noise = 0.01;  // meters, 1 sigma
  double nan_fraction = 0.0;  // points replaced by NaN coordinates
};

struct SceneObject {
  enum Kind { Box, Cylinder, Sphere } kind;
  double cx, cy, cz, l, w, h, yaw;  // box: center + size; cylinder: radius in l, height in h; sphere: radius in l
};

struct Scene {
  double ground_z0 = -1.73, ground_sx = 0.004, ground_sy = -0.002;  // z = z0 + sx x + sy y
  std::vector<SceneObject> objects;
};

inline Scene make_scene(const SceneOptions& o) {
  std::mt19937_64 rng(o.seed * 7919 + 17);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Scene s;
  auto ground = [&](double x, double y) { return s.ground_z0 + s.ground_sx * x + s.ground_sy * y; };
  // Facades on both sides of the road, with gaps.
  for (int side = -1; side <= 1; side += 2) {
    for (double x = -80; x < 80; x += 12 + 10 * u(rng)) {
      const double len = 8 + 10 * u(rng), depth = 6, height = 6 + 8 * u(rng);
      const double cx = x + len / 2, cy = side * (13 + depth / 2 + 2 * u(rng));
      s.objects.push_back({SceneObject::Box, cx, cy, ground(cx, cy) + height / 2, len, depth, height, 0});
    }
  }
  for (int i = 0; i < o.cars; ++i) {
    const double cx = -50 + 100 * u(rng), cy = (u(rng) < 0.5 ? -1 : 1) * (2 + 8 * u(rng));
    const double yaw = (u(rng) < 0.7 ? 0.0 : std::numbers::pi / 2) + 0.2 * (u(rng) - 0.5);
    s.objects.push_back({SceneObject::Box, cx, cy, ground(cx, cy) + 0.78, 4.5, 1.85, 1.55, yaw});
  }
  for (int i = 0; i < o.poles; ++i) {
    const double cx = -60 + 120 * u(rng), cy = (u(rng) < 0.5 ? -1 : 1) * (11 + u(rng));
    s.objects.push_back({SceneObject::Cylinder, cx, cy, ground(cx, cy) + 2.5, 0.12, 0, 5.0, 0});
  }
  for (int i = 0; i < o.bushes; ++i) {
    const double cx = -60 + 120 * u(rng), cy = (u(rng) < 0.5 ? -1 : 1) * (10 + 2 * u(rng));
    const double r = 0.5 + 0.7 * u(rng);
    s.objects.push_back({SceneObject::Sphere, cx, cy, ground(cx, cy) + r * 0.6, r, 0, 0, 0});
  }
  return s;
}

// Distance along the unit ray (dx, dy, dz) from the origin to the first surface, or +inf.
inline double cast_ray(const Scene& s, double dx, double dy, double dz) {
  double best = std::numeric_limits<double>::infinity();
  const double denom = dz - s.ground_sx * dx - s.ground_sy * dy;  // ground: z - sx x - sy y = z0
  if (denom < -1e-9) best = s.ground_z0 / denom;
  for (const auto& ob : s.objects) {
    if (ob.kind == SceneObject::Box) {
      const double c = std::cos(ob.yaw), sn = std::sin(ob.yaw);
      // Ray in the box frame.
      const double ox = -ob.cx * c - ob.cy * sn, oy = ob.cx * sn - ob.cy * c, oz = -ob.cz;
      const double rx = dx * c + dy * sn, ry = -dx * sn + dy * c, rz = dz;
      double t0 = 0, t1 = best;
      const double o3[3] = {ox, oy, oz}, r3[3] = {rx, ry, rz}, h3[3] = {ob.l / 2, ob.w / 2, ob.h / 2};
      bool hit = true;
      for (int a = 0; a < 3 && hit; ++a) {
        if (std::abs(r3[a]) < 1e-12) {
          hit = std::abs(o3[a]) <= h3[a];
          continue;
        }
        double ta = (-h3[a] - o3[a]) / r3[a], tb = (h3[a] - o3[a]) / r3[a];
        if (ta > tb) std::swap(ta, tb);
        t0 = std::max(t0, ta), t1 = std::min(t1, tb);
        hit = t0 <= t1;
      }
      if (hit && t0 > 0.5 && t0 < best) best = t0;
    } else if (ob.kind == SceneObject::Cylinder) {
      const double a = dx * dx + dy * dy, b = -2 * (dx * ob.cx + dy * ob.cy);
      const double cc = ob.cx * ob.cx + ob.cy * ob.cy - ob.l * ob.l;
      const double disc = b * b - 4 * a * cc;
      if (a < 1e-12 || disc < 0) continue;
      const double t = (-b - std::sqrt(disc)) / (2 * a);
      const double z = t * dz;
      if (t > 0.5 && t < best && std::abs(z - ob.cz) <= ob.h / 2) best = t;
    } else {
      const double b = -2 * (dx * ob.cx + dy * ob.cy + dz * ob.cz);
      const double cc = ob.cx * ob.cx + ob.cy * ob.cy + ob.cz * ob.cz - ob.l * ob.l;
      const double disc = b * b - 4 * cc;
      if (disc < 0) continue;
      const double t = (-b - std::sqrt(disc)) / 2;
      if (t > 0.5 && t < best) best = t;
    }
  }
  return best;
}

// x y z intensity per point, `o.points` points (fewer only if the scene returns fewer).
inline std::vector<float> make_scan(const SceneOptions& o) {
  const Scene scene = make_scene(o);
  std::mt19937_64 rng(o.seed);
  std::normal_distribution<double> noise(0.0, o.range_noise);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  constexpr int kBeams = 128;
  // About 60% of the rays return within 120 m; cast 1.8x the wanted count and keep an even subset.
  const std::size_t steps = std::max<std::size_t>(16, static_cast<std::size_t>(1.8 * double(o.points) / kBeams));
  std::vector<float> all;
  all.reserve(steps * kBeams * 4);
  for (std::size_t k = 0; k < steps; ++k) {
    const double az = 2 * std::numbers::pi * (double(k) + 0.5 * u(rng)) / double(steps);
    for (int b = 0; b < kBeams; ++b) {
      const double el = (-25.0 + 28.0 * b / (kBeams - 1)) * std::numbers::pi / 180.0;
      const double dx = std::cos(el) * std::cos(az), dy = std::cos(el) * std::sin(az), dz = std::sin(el);
      double t = cast_ray(scene, dx, dy, dz);
      if (!(t < 120.0)) continue;
      t += noise(rng);
      all.insert(all.end(), {float(t * dx), float(t * dy), float(t * dz), float(u(rng))});
    }
  }
  const std::size_t have = all.size() / 4;
  const std::size_t want = std::min(have, o.points);
  std::vector<float> out(want * 4);
  for (std::size_t i = 0; i < want; ++i) {
    const std::size_t j = i * have / want;
    std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(4 * j), 4, out.begin() + static_cast<std::ptrdiff_t>(4 * i));
  }
  if (o.nan_fraction > 0) {
    for (std::size_t i = 0; i < want; ++i)
      if (u(rng) < o.nan_fraction) out[4 * i + (i % 3)] = std::numeric_limits<float>::quiet_NaN();
  }
  return out;
}

// Oriented boxes around the scene's cars (the ground-truth-like labels of a scan).
inline std::vector<SceneObject> scene_cars(const SceneOptions& o) {
  std::vector<SceneObject> cars;
  for (const auto& ob : make_scene(o).objects)
    if (ob.kind == SceneObject::Box && ob.l < 5) cars.push_back(ob);
  return cars;
}

}  // namespace dc::gpu::testing

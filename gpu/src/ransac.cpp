#include "ransac.h"

#include <cmath>
#include <limits>
#include <numbers>

namespace dc::gpu::detail {

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Plane through three points in double; the normal is oriented up.
bool plane_from_points(const float* a, const float* b, const float* c, double min_abs_nz, Plane4f& out) {
  const double ux = double(b[0]) - a[0], uy = double(b[1]) - a[1], uz = double(b[2]) - a[2];
  const double vx = double(c[0]) - a[0], vy = double(c[1]) - a[1], vz = double(c[2]) - a[2];
  double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
  const double len = std::sqrt(nx * nx + ny * ny + nz * nz);
  const double scale = std::sqrt((ux * ux + uy * uy + uz * uz) * (vx * vx + vy * vy + vz * vz));
  if (!(len > 1e-9 * scale) || !(len > 0)) return false;  // collinear
  nx /= len, ny /= len, nz /= len;
  if (nz < 0) nx = -nx, ny = -ny, nz = -nz;
  if (nz < min_abs_nz) return false;
  const double d = -(nx * a[0] + ny * a[1] + nz * a[2]);
  out = {static_cast<float>(nx), static_cast<float>(ny), static_cast<float>(nz), static_cast<float>(d)};
  return true;
}

// Eigen decomposition of a symmetric 3x3 matrix (cyclic Jacobi); eigenvectors are the columns of v.
void jacobi3(double a[3][3], double v[3][3]) {
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) v[i][j] = i == j ? 1.0 : 0.0;
  for (int sweep = 0; sweep < 64; ++sweep) {
    const double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
    const double diag = a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2];
    if (off <= 1e-30 * diag || off == 0) return;
    for (int p = 0; p < 2; ++p) {
      for (int q = p + 1; q < 3; ++q) {
        const double apq = a[p][q];
        if (apq == 0) continue;
        const double theta = (a[q][q] - a[p][p]) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        a[p][p] -= t * apq;
        a[q][q] += t * apq;
        a[p][q] = a[q][p] = 0;
        for (int r = 0; r < 3; ++r) {
          if (r != p && r != q) {
            const double arp = a[r][p], arq = a[r][q];
            a[r][p] = a[p][r] = c * arp - s * arq;
            a[r][q] = a[q][r] = s * arp + c * arq;
          }
          const double vrp = v[r][p], vrq = v[r][q];
          v[r][p] = c * vrp - s * vrq;
          v[r][q] = s * vrp + c * vrq;
        }
      }
    }
  }
}

}  // namespace

Hypothesis make_hypothesis(const float* xyzi, std::size_t n, std::uint64_t seed, std::uint32_t index,
                           double min_abs_nz) {
  Hypothesis h;
  std::uint64_t mix = seed ^ (0xD1B54A32D192ED03ull * (static_cast<std::uint64_t>(index) + 1));
  std::uint64_t state = splitmix64(mix);
  constexpr int kAttempts = 16, kDraws = 64;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::size_t pick[3];
    int got = 0;
    for (int draw = 0; draw < kDraws && got < 3; ++draw) {
      const std::uint64_t r = splitmix64(state);
      const std::size_t k = static_cast<std::size_t>(((r >> 32) * static_cast<std::uint64_t>(n)) >> 32);
      const float* q = xyzi + 4 * k;
      if (!is_finite3(q[0], q[1], q[2])) continue;
      bool dup = false;
      for (int j = 0; j < got; ++j) dup |= pick[j] == k;
      if (!dup) pick[got++] = k;
    }
    if (got < 3) continue;
    const float *a = xyzi + 4 * pick[0], *b = xyzi + 4 * pick[1], *c = xyzi + 4 * pick[2];
    if (plane_from_points(a, b, c, min_abs_nz, h.plane)) {
      h.origin[0] = a[0], h.origin[1] = a[1], h.origin[2] = a[2];
      h.valid = true;
      return h;
    }
  }
  return h;
}

bool RansacSelector::stop_after(int evaluated) const {
  if (evaluated >= max_) return true;
  if (best_ < 0 || n_ == 0) return false;
  const double w = static_cast<double>(best_count_) / static_cast<double>(n_);
  constexpr double eps = std::numeric_limits<double>::epsilon();
  double p_no_outliers = 1.0 - w * w * w;
  p_no_outliers = std::max(eps, std::min(1.0 - eps, p_no_outliers));
  const double k = std::log(1.0 - probability_) / std::log(p_no_outliers);
  return static_cast<double>(evaluated) >= k;
}

bool fit_plane(const PlaneMoments& m, const float origin[3], double min_abs_nz, Plane4f& out) {
  if (m.count < 3) return false;
  const double inv = 1.0 / m.count;
  const double mx = m.sx * inv, my = m.sy * inv, mz = m.sz * inv;
  double a[3][3];
  a[0][0] = m.sxx * inv - mx * mx;
  a[0][1] = a[1][0] = m.sxy * inv - mx * my;
  a[0][2] = a[2][0] = m.sxz * inv - mx * mz;
  a[1][1] = m.syy * inv - my * my;
  a[1][2] = a[2][1] = m.syz * inv - my * mz;
  a[2][2] = m.szz * inv - mz * mz;
  double v[3][3];
  jacobi3(a, v);
  int k = 0;
  if (a[1][1] < a[k][k]) k = 1;
  if (a[2][2] < a[k][k]) k = 2;
  double nx = v[0][k], ny = v[1][k], nz = v[2][k];
  const double len = std::sqrt(nx * nx + ny * ny + nz * nz);
  if (!(len > 0) || !std::isfinite(len)) return false;
  nx /= len, ny /= len, nz /= len;
  if (nz < 0) nx = -nx, ny = -ny, nz = -nz;
  if (nz < min_abs_nz) return false;
  const double cx = mx + origin[0], cy = my + origin[1], cz = mz + origin[2];
  out = {static_cast<float>(nx), static_cast<float>(ny), static_cast<float>(nz),
         static_cast<float>(-(nx * cx + ny * cy + nz * cz))};
  return true;
}

double min_abs_nz_for_tilt(float max_tilt_deg) {
  if (!(max_tilt_deg > 0) || max_tilt_deg >= 90) return -1.0;
  return std::cos(static_cast<double>(max_tilt_deg) * std::numbers::pi / 180.0);
}

}  // namespace dc::gpu::detail

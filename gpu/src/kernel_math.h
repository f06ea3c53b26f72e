#pragma once
// Per-point arithmetic shared by the CPU and CUDA implementations. Both sides compile it without floating-point
// contraction (-ffp-contract=off, nvcc --fmad=false), so each operation is one IEEE rounding in the order written
// and the two backends give bit-identical floats.
#include <cmath>
#include <cstdint>
#include <limits>

#include "dc/gpu/types.h"

#if defined(__CUDACC__)
#define DC_HD __host__ __device__ __forceinline__
#else
#define DC_HD inline
#endif

namespace dc::gpu::detail {

constexpr float kFloatMax = 3.402823466e+38f;

DC_HD bool is_finite(float x) {
  return (x < 0.0f ? -x : x) <= kFloatMax;
}  // false for NaN and +-inf
DC_HD bool is_finite3(float x, float y, float z) {
  return is_finite(x) && is_finite(y) && is_finite(z);
}
DC_HD float abs_f(float x) {
#if defined(__CUDA_ARCH__)
  return fabsf(x);
#else
  return std::fabs(x);
#endif
}

DC_HD float floor_f(float x) {
#if defined(__CUDA_ARCH__)
  return floorf(x);
#else
  return std::floor(x);
#endif
}

DC_HD float quiet_nan() {
#if defined(__CUDA_ARCH__)
  return __int_as_float(0x7fc00000);
#else
  return std::numeric_limits<float>::quiet_NaN();
#endif
}

// ---- projection -------------------------------------------------------------------------------------------
// In double: the distortion polynomial amplifies float rounding to ~1e-2 px for points far off-axis (which the
// model can still fold into the image, as cv::projectPoints does), and near points lose digits to cancellation.

struct CameraModel {
  double m[12];
  double fx, fy, cx, cy, k1, k2, p1, p2, k3;
  int width, height;
  double near;
};

inline CameraModel make_camera(const Mat3x4f& T, const Pinhole& c, float near) {
  CameraModel m{};
  for (int i = 0; i < 12; ++i) m.m[i] = T.m[i];
  m.fx = c.fx, m.fy = c.fy, m.cx = c.cx, m.cy = c.cy;
  m.k1 = c.k1, m.k2 = c.k2, m.p1 = c.p1, m.p2 = c.p2, m.k3 = c.k3;
  m.width = c.width, m.height = c.height;
  m.near = near;
  return m;
}

enum : unsigned char { kProjInside = 0, kProjNonFinite = 1, kProjBehind = 2, kProjOutside = 3 };

struct PointProjection {
  float u, v, z;
  int col, row;
  unsigned char status;
};

DC_HD double floor_d(double x) {
#if defined(__CUDA_ARCH__)
  return floor(x);
#else
  return std::floor(x);
#endif
}

// Templates so the CPU can run two points at once in a vector type with the very same operations.
template <class T>
DC_HD void transform_point(const double* m, T x, T y, T z, T& X, T& Y, T& Z) {
  X = m[0] * x + m[1] * y + m[2] * z + m[3];
  Y = m[4] * x + m[5] * y + m[6] * z + m[7];
  Z = m[8] * x + m[9] * y + m[10] * z + m[11];
}

// OpenCV's projectPoints model with k1 k2 p1 p2 k3.
template <class T>
DC_HD void distort_to_pixel(const CameraModel& c, T X, T Y, T Z, T& u, T& v) {
  const T iz = 1.0 / Z;
  const T x = X * iz, y = Y * iz;
  const T r2 = x * x + y * y;
  const T r4 = r2 * r2;
  const T r6 = r4 * r2;
  const T radial = 1.0 + c.k1 * r2 + c.k2 * r4 + c.k3 * r6;
  const T a1 = 2.0 * x * y;
  const T a2 = r2 + 2.0 * x * x;
  const T a3 = r2 + 2.0 * y * y;
  const T xd = x * radial + c.p1 * a1 + c.p2 * a2;
  const T yd = y * radial + c.p1 * a3 + c.p2 * a1;
  u = c.fx * xd + c.cx;
  v = c.fy * yd + c.cy;
}

DC_HD PointProjection project_point(const CameraModel& c, float x, float y, float z) {
  PointProjection r;
  r.col = -1, r.row = -1;
  if (!is_finite3(x, y, z)) {
    r.u = r.v = r.z = quiet_nan();
    r.status = kProjNonFinite;
    return r;
  }
  double X, Y, Z;
  transform_point<double>(c.m, x, y, z, X, Y, Z);
  r.z = static_cast<float>(Z);
  if (!(Z > c.near)) {
    r.u = r.v = quiet_nan();
    r.status = kProjBehind;
    return r;
  }
  double u, v;
  distort_to_pixel<double>(c, X, Y, Z, u, v);
  r.u = static_cast<float>(u), r.v = static_cast<float>(v);
  r.status = kProjOutside;
  // The range check keeps the int conversion defined; pixel (i, j) covers [i - 0.5, i + 0.5).
  if (u > -1.0e9 && u < 1.0e9 && v > -1.0e9 && v < 1.0e9) {
    const int col = static_cast<int>(floor_d(u + 0.5));
    const int row = static_cast<int>(floor_d(v + 0.5));
    if (col >= 0 && col < c.width && row >= 0 && row < c.height) {
      r.col = col, r.row = row;
      r.status = kProjInside;
    }
  }
  return r;
}

// Bilinear sample with pixel centers at integers; inside means 0 <= u <= w-1 and 0 <= v <= h-1. Weights in float.
DC_HD float sample_bilinear(const float* img, int w, int h, std::size_t stride, double u, double v, float outside,
                            bool& inside) {
  inside = false;
  if (!(u >= 0.0 && v >= 0.0 && u <= static_cast<double>(w - 1) && v <= static_cast<double>(h - 1))) return outside;
  inside = true;
  const double fx0 = floor_d(u), fy0 = floor_d(v);
  const int x0 = static_cast<int>(fx0), y0 = static_cast<int>(fy0);
  const int x1 = x0 + 1 < w ? x0 + 1 : x0;
  const int y1 = y0 + 1 < h ? y0 + 1 : y0;
  const float ax = static_cast<float>(u - fx0), ay = static_cast<float>(v - fy0);
  const float* r0 = img + static_cast<std::size_t>(y0) * stride;
  const float* r1 = img + static_cast<std::size_t>(y1) * stride;
  const float top = (1.0f - ax) * r0[x0] + ax * r0[x1];
  const float bottom = (1.0f - ax) * r1[x0] + ax * r1[x1];
  return (1.0f - ay) * top + ay * bottom;
}

// ---- boxes ------------------------------------------------------------------------------------------------

struct PreparedBox {
  float cx, cy, cz;
  float c, s;        // cos / sin of yaw
  float hl, hw, hh;  // half sizes
};

// cos/sin come from double. A yaw within float rounding (3e-7 rad) of a multiple of 90 degrees snaps to it, so
// axis-aligned boxes test their faces exactly (float(pi / 2) is 4e-8 off pi / 2).
inline PreparedBox prepare_box(const Box3f& b) {
  double c = std::cos(static_cast<double>(b.yaw)), s = std::sin(static_cast<double>(b.yaw));
  constexpr double kSnap = 3e-7;
  if (std::abs(c) < kSnap) c = 0, s = s > 0 ? 1 : -1;
  if (std::abs(s) < kSnap) s = 0, c = c > 0 ? 1 : -1;
  PreparedBox p;
  p.cx = b.cx, p.cy = b.cy, p.cz = b.cz;
  p.c = static_cast<float>(c), p.s = static_cast<float>(s);
  p.hl = b.l * 0.5f, p.hw = b.w * 0.5f, p.hh = b.h * 0.5f;
  return p;
}

DC_HD bool point_in_box(const PreparedBox& b, float x, float y, float z) {
  const float dz = z - b.cz;
  if (!(abs_f(dz) <= b.hh)) return false;
  const float dx = x - b.cx, dy = y - b.cy;
  const float lx = dx * b.c + dy * b.s;
  const float ly = dy * b.c - dx * b.s;
  return abs_f(lx) <= b.hl && abs_f(ly) <= b.hw;
}

// ---- plane ------------------------------------------------------------------------------------------------

struct Plane4f {
  float a, b, c, d;
};

DC_HD bool plane_inlier(const Plane4f& p, float x, float y, float z, float threshold) {
  return abs_f(p.a * x + p.b * y + p.c * z + p.d) < threshold;
}

// ---- clustering -------------------------------------------------------------------------------------------

// Squared distance exactly as FLANN's L2_Simple<float> accumulates it (used by PCL's kd-tree).
DC_HD float squared_distance(float ax, float ay, float az, float bx, float by, float bz) {
  const float dx = ax - bx, dy = ay - by, dz = az - bz;
  float r = 0.0f;
  r += dx * dx;
  r += dy * dy;
  r += dz * dz;
  return r;
}

}  // namespace dc::gpu::detail

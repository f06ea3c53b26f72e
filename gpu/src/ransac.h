#pragma once
#include <cstddef>
#include <cstdint>

#include "kernel_math.h"

namespace dc::gpu::detail {

// Hypotheses are scored in batches of this size; the early stop is checked between batches on both backends.
constexpr int kRansacBatch = 16;

struct Hypothesis {
  Plane4f plane{0, 0, 1, 0};
  float origin[3] = {0, 0, 0};  // first sample point (shifts the refit's moments)
  bool valid = false;
};

// Hypothesis `index` for `seed`: three distinct finite points drawn by a counter-based generator, so it depends only
// on (seed, index). Degenerate or too tilted samples are redrawn a few times, then the hypothesis is invalid.
Hypothesis make_hypothesis(const float* xyzi, std::size_t n, std::uint64_t seed, std::uint32_t index,
                           double min_abs_nz);

// Keeps the best hypothesis in index order (ties: the lower index) and decides when to stop, as PCL's RANSAC does:
// k = log(1 - p) / log(1 - w^3) with w the best inlier ratio.
class RansacSelector {
 public:
  RansacSelector(std::size_t n_finite, double probability, int max_iterations)
      : n_(n_finite), probability_(probability), max_(max_iterations) {}
  void offer(int index, bool valid, std::size_t count) {
    if (valid && (best_ < 0 || count > best_count_)) best_ = index, best_count_ = count;
  }
  bool stop_after(int evaluated) const;
  int best() const { return best_; }
  std::size_t best_count() const { return best_count_; }

 private:
  std::size_t n_;
  double probability_;
  int max_;
  int best_ = -1;
  std::size_t best_count_ = 0;
};

// Sums over the inliers of (p - origin), in double.
struct PlaneMoments {
  double count = 0, sx = 0, sy = 0, sz = 0, sxx = 0, sxy = 0, sxz = 0, syy = 0, syz = 0, szz = 0;
  void add(double x, double y, double z) {
    count += 1, sx += x, sy += y, sz += z;
    sxx += x * x, sxy += x * y, sxz += x * z, syy += y * y, syz += y * z, szz += z * z;
  }
  void add(const PlaneMoments& o) {
    count += o.count, sx += o.sx, sy += o.sy, sz += o.sz;
    sxx += o.sxx, sxy += o.sxy, sxz += o.sxz, syy += o.syy, syz += o.syz, szz += o.szz;
  }
};

// Least-squares plane (smallest eigenvector of the covariance), oriented with c >= 0. False when degenerate or
// tilted beyond min_abs_nz.
bool fit_plane(const PlaneMoments& m, const float origin[3], double min_abs_nz, Plane4f& out);

// |n_z| a hypothesis must reach for a max tilt in degrees (<= 0: any).
double min_abs_nz_for_tilt(float max_tilt_deg);

}  // namespace dc::gpu::detail

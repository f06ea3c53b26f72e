#include "drive_timing.h"

#include "rng.h"

#include <cmath>

namespace dc::core::generator {

namespace {
TimestampNs ns(double seconds) {
  return static_cast<TimestampNs>(std::llround(seconds * 1e9));
}
}  // namespace

DriveTiming::DriveTiming(std::uint64_t seed, int frames, double lidar_rate_hz, TimestampNs start, int camera_count)
    : start_(start) {
  const double period = 1.0 / lidar_rate_hz;
  Rng rng(seed, Purpose::Timing);
  for (int k = 0; k < frames; ++k) {
    const double jitter = k == 0 ? 0.0 : rng.uniform(-1.5e-3, 1.5e-3);
    lidar.push_back(start + ns(k * period + jitter));
  }
  for (int k = 0; k < frames; ++k) {
    const TimestampNs prev = k > 0 ? lidar[k - 1] : lidar[k] - ns(period);
    const TimestampNs next = k + 1 < frames ? lidar[k + 1] : lidar[k] + ns(period);
    lidar_start.push_back(k > 0 ? lidar_end.back() : lidar[k] - (lidar[k] - prev) / 2);
    lidar_end.push_back(lidar[k] + (next - lidar[k]) / 2);
  }
  cameras.resize(camera_count);
  for (int k = 0; k < frames; ++k) {
    const TimestampNs trigger = lidar[k] + ns(rng.uniform(9.8e-3, 10.8e-3));
    for (int c = 0; c < camera_count; ++c)
      cameras[c].push_back(trigger + ns(c == 0 ? 0.0 : rng.uniform(-0.6e-3, -0.3e-3)));
    oxts.push_back(lidar[k] + ns(rng.uniform(5e-3, 20e-3)));
  }
}

}  // namespace dc::core::generator

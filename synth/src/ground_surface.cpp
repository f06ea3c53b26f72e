#include "ground_surface.h"

#include "rng.h"
#include "road_layout.h"

#include <cmath>

namespace dc::core::generator {

namespace {
// Value noise in [-1, 1] on a world grid of `cell` metres.
float texture(const Eigen::Vector2d& xy, double cell) {
  const auto ix = static_cast<std::int64_t>(std::floor(xy.x() / cell));
  const auto iy = static_cast<std::int64_t>(std::floor(xy.y() / cell));
  const std::uint64_t h = mix64(static_cast<std::uint64_t>(ix) * 0x9E3779B1ull ^ mix64(static_cast<std::uint64_t>(iy)));
  return static_cast<float>(h >> 40) / static_cast<float>(1u << 23) - 1.0f;
}

double wrap(double x, double period) {
  return x - period * std::floor(x / period);
}

Surface shaded(Surface s, float factor) {
  s.color *= factor;
  s.reflectance *= factor;
  return s;
}
}  // namespace

Surface GroundSurface::at(const Eigen::Vector2d& xy, double& s_guess) const {
  using namespace road_layout;
  const Eigen::Vector2d sd = road_->to_road(xy, s_guess);
  s_guess = sd.x();
  const double s = sd.x(), ad = std::abs(sd.y());
  const float grain = texture(xy, 0.25);

  if (ad < 0.075 && wrap(s, 12.0) < 4.0) return shaded(palette::kMarking, 1.0f + 0.02f * grain);  // dashed center
  if (std::abs(ad - kEdgeLine) < 0.075) return shaded(palette::kMarking, 1.0f + 0.02f * grain);
  if (ad < kLaneWidth) return shaded(palette::kAsphalt, 1.0f + 0.06f * grain);
  if (ad < kCurb) return shaded(palette::kParkingStrip, 1.0f + 0.06f * grain);
  if (ad < kSidewalk) return shaded(palette::kCurb, 1.0f + 0.03f * grain);
  if (ad < kSidewalkEnd) {
    const bool joint = wrap(s, 1.2) < 0.05 || wrap(ad - kSidewalk, 1.2) < 0.05;
    return shaded(palette::kSidewalk, (joint ? 0.8f : 1.0f) + 0.04f * grain);
  }
  return shaded(palette::kGrass, 1.0f + 0.12f * texture(xy, 0.5));
}

}  // namespace dc::core::generator

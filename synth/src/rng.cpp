#include "rng.h"

#include <numbers>

namespace dc::core::generator {

std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

Rng::Rng(std::uint64_t seed, Purpose purpose, std::uint64_t index) {
  std::uint64_t s = mix64(seed);
  s = mix64(s ^ (static_cast<std::uint64_t>(purpose) * 0xD1B54A32D192ED03ull));
  state_ = mix64(s ^ (index * 0x8CB92BA72F3D8DD7ull + 1));
}

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = uniform();
  while (u1 <= 1e-300) u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double a = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(a);
  has_spare_ = true;
  return r * std::cos(a);
}

}  // namespace dc::core::generator

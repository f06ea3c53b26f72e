#pragma once
#include <cmath>
#include <cstdint>

namespace dc::core::generator {

// Every random decision draws from its own stream keyed by (seed, purpose, index), so the output does not depend
// on the order in which frames are generated or on the number of worker threads.
enum class Purpose : std::uint64_t {
  Road = 1,
  Buildings,
  Poles,
  Trees,
  ParkedCars,
  Traffic,
  Pedestrians,
  Cyclists,
  Timing,
  Lidar,
  Camera,
  Texture,
  Faults,  // appended: the streams above stay as they were
};

std::uint64_t mix64(std::uint64_t x);

// SplitMix64 with hand-written distributions: the same numbers on every standard library (std:: distributions
// are implementation-defined).
class Rng {
 public:
  Rng(std::uint64_t seed, Purpose purpose, std::uint64_t index = 0);

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool chance(double p) { return uniform() < p; }
  double normal();  // standard normal (Box-Muller)

 private:
  std::uint64_t state_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace dc::core::generator

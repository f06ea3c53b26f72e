#include "export/drive_split.h"

#include <cmath>
#include <vector>

namespace dc::core {

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::set<std::int64_t> choose_val_drives(const std::map<std::int64_t, int>& samples_per_drive, double val_fraction,
                                         std::uint64_t seed) {
  std::vector<std::pair<std::int64_t, int>> drives(samples_per_drive.begin(), samples_per_drive.end());
  std::uint64_t state = seed;
  for (std::size_t i = drives.size(); i > 1; --i) std::swap(drives[i - 1], drives[splitmix64(state) % i]);
  int total = 0;
  for (const auto& d : drives) total += d.second;
  const double wanted = val_fraction * total;
  std::set<std::int64_t> val;
  double have = 0;
  for (const auto& [id, n] : drives) {
    if (std::abs(have + n - wanted) < std::abs(have - wanted)) {
      val.insert(id);
      have += n;
    }
  }
  return val;
}

}  // namespace dc::core

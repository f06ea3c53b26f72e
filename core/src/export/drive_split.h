#pragma once
#include <cstdint>
#include <map>
#include <set>

namespace dc::core {

// Chooses the drives that form the validation set: drives (id -> sample count) are shuffled with `seed`
// (splitmix64-driven Fisher-Yates, the same on every standard library) and moved to val while that brings the val
// share closer to `val_fraction`. A drive is never split.
std::set<std::int64_t> choose_val_drives(const std::map<std::int64_t, int>& samples_per_drive, double val_fraction,
                                         std::uint64_t seed);

}  // namespace dc::core

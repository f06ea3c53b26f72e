#pragma once
#include <vector>

namespace dc::core {

// Minimum-cost one-to-one assignment of rows to columns (Kuhn-Munkres with potentials, O(n^2 m)). cost[r][c] at
// or above `forbidden` means r and c must not be paired. Returns the column of each row, -1 when unassigned.
std::vector<int> hungarian_assignment(const std::vector<std::vector<double>>& cost, double forbidden);

}  // namespace dc::core

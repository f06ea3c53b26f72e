#include "util/hungarian_assignment.h"

#include <algorithm>
#include <limits>

namespace dc::core {

std::vector<int> hungarian_assignment(const std::vector<std::vector<double>>& cost, double forbidden) {
  const int rows = static_cast<int>(cost.size());
  const int cols = rows ? static_cast<int>(cost[0].size()) : 0;
  std::vector<int> result(static_cast<std::size_t>(rows), -1);
  if (!rows || !cols) return result;
  // The algorithm needs rows <= columns: pad with forbidden dummy columns, which then absorb unmatched rows.
  const int n = rows, m = std::max(rows, cols);
  const auto at = [&](int r, int c) { return c < cols ? std::min(cost[r][c], forbidden) : forbidden; };
  const double inf = std::numeric_limits<double>::infinity();
  // 1-based potentials u (rows), v (columns); p[c]: row matched to column c; way: augmenting path.
  std::vector<double> u(n + 1, 0), v(m + 1, 0);
  std::vector<int> p(m + 1, 0), way(m + 1, 0);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::vector<double> minv(m + 1, inf);
    std::vector<char> used(m + 1, 0);
    do {
      used[j0] = 1;
      const int i0 = p[j0];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = at(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  for (int j = 1; j <= m; ++j)
    if (p[j] && j - 1 < cols && cost[p[j] - 1][j - 1] < forbidden) result[p[j] - 1] = j - 1;
  return result;
}

}  // namespace dc::core

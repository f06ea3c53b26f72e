#pragma once
#include <array>

namespace dc::widgets {

// The 12 edges of a box (bottom ring, top ring, verticals) as corner index pairs of dc::core::box_corners; the one
// table both the 3D view and the camera views draw from.
inline constexpr std::array<std::array<int, 2>, 12> kBoxEdges{
    {{0, 1}, {1, 2}, {2, 3}, {3, 0}, {4, 5}, {5, 6}, {6, 7}, {7, 4}, {0, 4}, {1, 5}, {2, 6}, {3, 7}}};

}  // namespace dc::widgets

#include "io/readers/mcap/transform_tree.h"

#include <deque>

namespace dc::core {

void TransformTree::set(const std::string& parent, const std::string& child,
                        const Eigen::Isometry3d& T_parent_from_child) {
  const auto put = [this](const std::string& a, const std::string& b, const Eigen::Isometry3d& T_a_from_b) {
    auto& list = edges_[a];
    for (auto& e : list)
      if (e.other == b) {
        e.T_this_from_other = T_a_from_b;
        return;
      }
    list.push_back({b, T_a_from_b});
  };
  put(parent, child, T_parent_from_child);
  put(child, parent, T_parent_from_child.inverse());
}

std::size_t TransformTree::edge_count() const {
  std::size_t n = 0;
  for (const auto& [frame, list] : edges_) n += list.size();
  return n / 2;
}

std::optional<Eigen::Isometry3d> TransformTree::find(const std::string& to_frame,
                                                     const std::string& from_frame) const {
  if (to_frame == from_frame) return Eigen::Isometry3d::Identity();
  if (!has_frame(to_frame) || !has_frame(from_frame)) return std::nullopt;
  // Breadth-first from `from`, carrying T_frame_from_from; the tree is small (tens of frames).
  std::map<std::string, Eigen::Isometry3d> reached{{from_frame, Eigen::Isometry3d::Identity()}};
  std::deque<std::string> queue{from_frame};
  while (!queue.empty()) {
    const std::string frame = queue.front();
    queue.pop_front();
    const Eigen::Isometry3d T_frame_from_start = reached.at(frame);
    for (const auto& e : edges_.at(frame)) {
      if (reached.count(e.other)) continue;
      // T_other_from_start = T_other_from_frame * T_frame_from_start; the edge stores T_frame_from_other.
      const Eigen::Isometry3d T = e.T_this_from_other.inverse() * T_frame_from_start;
      if (e.other == to_frame) return T;
      reached.emplace(e.other, T);
      queue.push_back(e.other);
    }
  }
  return std::nullopt;
}

}  // namespace dc::core

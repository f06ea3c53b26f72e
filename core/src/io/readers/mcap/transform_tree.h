#pragma once
#include <Eigen/Geometry>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

// The frames of a tf tree and the rigid transforms between them (tf2's model: each edge maps child points into its
// parent). find() walks the edges in either direction, so any two connected frames are related, whichever is
// the ancestor.
class TransformTree {
 public:
  // Adds or replaces the edge parent <- child.
  void set(const std::string& parent, const std::string& child, const Eigen::Isometry3d& T_parent_from_child);
  bool has_frame(const std::string& frame) const { return edges_.count(frame) > 0; }
  std::size_t edge_count() const;

  // T_to_from (p_to = T * p_from); nullopt when the frames are not connected or unknown. Identity for to == from.
  std::optional<Eigen::Isometry3d> find(const std::string& to_frame, const std::string& from_frame) const;

 private:
  struct Edge {
    std::string other;
    Eigen::Isometry3d T_this_from_other;
  };
  std::map<std::string, std::vector<Edge>> edges_;  // both directions
};

}  // namespace dc::core

#include "dc/core/model/calibration.h"

namespace dc::core {

namespace {
std::optional<Eigen::Isometry3d> direct(const std::vector<RigidTransform>& all, const std::string& to,
                                        const std::string& from) {
  if (to == from) return Eigen::Isometry3d::Identity();
  for (const auto& t : all) {
    if (t.to_frame == to && t.from_frame == from) return t.T_to_from;
    if (t.to_frame == from && t.from_frame == to) return t.T_to_from.inverse();
  }
  return std::nullopt;
}
}  // namespace

std::optional<Eigen::Isometry3d> Calibration::transform(const std::string& to_frame,
                                                        const std::string& from_frame) const {
  if (auto t = direct(extrinsics, to_frame, from_frame)) return t;
  // One hop through any frame that both ends know (e.g. cam2 <- cam0 <- velo).
  for (const auto& e : extrinsics) {
    for (const std::string& mid : {e.to_frame, e.from_frame}) {
      auto a = direct(extrinsics, to_frame, mid);
      auto b = direct(extrinsics, mid, from_frame);
      if (a && b) return (*a) * (*b);
    }
  }
  return std::nullopt;
}

void Calibration::set_transform(RigidTransform t) {
  for (auto& e : extrinsics) {
    if (e.to_frame == t.to_frame && e.from_frame == t.from_frame) {
      e = std::move(t);
      return;
    }
  }
  extrinsics.push_back(std::move(t));
}

}  // namespace dc::core

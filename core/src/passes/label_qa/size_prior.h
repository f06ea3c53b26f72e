#pragma once
#include <string>

namespace dc::core::label_qa {

// Plausible box dimensions (m) of one KITTI class, wide enough for every real label of the class.
struct SizePrior {
  double min_length, max_length;
  double min_width, max_width;
  double min_height, max_height;
};

// nullptr for classes without a prior (they are not checked).
const SizePrior* size_prior(const std::string& category);

// Classes whose boxes keep their size along a track and whose heading follows their motion.
bool is_rigid_class(const std::string& category);

}  // namespace dc::core::label_qa

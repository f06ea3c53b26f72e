#pragma once
#include <array>
#include <string>
#include <vector>

namespace dc::core {

// What is compared: 2D image boxes, bird's-eye-view footprints, 3D boxes, and average orientation similarity
// (AOS, which rides on the 2D matching as in the devkit).
enum class KittiEvalMetric { Image2d = 0, BirdsEye = 1, Box3d = 2, Orientation = 3 };
inline constexpr int kKittiMetricCount = 4;
enum class KittiDifficulty { Easy = 0, Moderate = 1, Hard = 2 };
inline constexpr int kKittiDifficultyCount = 3;

const char* to_string(KittiEvalMetric metric);      // "2d", "bev", "3d", "aos"
const char* to_string(KittiDifficulty difficulty);  // "easy", "moderate", "hard"

// One evaluated class. Ground truth of a neighbouring type (Van for Car) is neither a miss nor makes a matching
// detection a false positive.
struct KittiEvalClass {
  std::string name;                     // matched case-insensitively against the type column
  std::vector<std::string> neighbours;  // ground-truth types ignored for this class
  std::array<double, 3> min_overlap{};  // IoU a match must exceed, per Image2d, BirdsEye, Box3d
};

// Which ground truth counts at one difficulty. Taller-than, at-most occlusion, at-most truncation, as in the devkit
// (a ground-truth box exactly min_height_px tall is ignored; a detection under min_height_px, cut to whole pixels,
// is ignored).
struct KittiDifficultyLimits {
  double min_height_px = 0;
  int max_occlusion = 0;
  double max_truncation = 0;
};

// The official KITTI object benchmark settings (devkit cpp/evaluate_object.cpp, 2019 revision).
struct KittiEvalParameters {
  std::vector<KittiEvalClass> classes = {
      {"Car", {"Van"}, {0.7, 0.7, 0.7}},
      {"Pedestrian", {"Person_sitting"}, {0.5, 0.5, 0.5}},
      {"Cyclist", {}, {0.5, 0.5, 0.5}},
  };
  std::array<KittiDifficultyLimits, kKittiDifficultyCount> difficulties = {{
      {40, 0, 0.15},
      {25, 1, 0.30},
      {25, 2, 0.50},
  }};
};

}  // namespace dc::core

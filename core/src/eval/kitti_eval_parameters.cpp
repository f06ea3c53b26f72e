#include "dc/core/eval/kitti_eval_parameters.h"

namespace dc::core {

const char* to_string(KittiEvalMetric metric) {
  switch (metric) {
    case KittiEvalMetric::Image2d:
      return "2d";
    case KittiEvalMetric::BirdsEye:
      return "bev";
    case KittiEvalMetric::Box3d:
      return "3d";
    case KittiEvalMetric::Orientation:
      return "aos";
  }
  return "?";
}

const char* to_string(KittiDifficulty difficulty) {
  switch (difficulty) {
    case KittiDifficulty::Easy:
      return "easy";
    case KittiDifficulty::Moderate:
      return "moderate";
    case KittiDifficulty::Hard:
      return "hard";
  }
  return "?";
}

}  // namespace dc::core

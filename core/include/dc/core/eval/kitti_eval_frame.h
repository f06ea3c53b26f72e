#pragma once
#include "dc/core/eval/kitti_eval_object.h"

#include <string>
#include <vector>

namespace dc::core {

// One image of the evaluated set: its ground truth (DontCare rows included) and the detections for it.
struct KittiEvalFrame {
  std::string id;  // "000123" (the file stem); only for reporting
  std::vector<KittiEvalObject> ground_truth;
  std::vector<KittiEvalObject> detections;
};

}  // namespace dc::core

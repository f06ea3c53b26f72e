#pragma once
#include "dc/core/eval/kitti_eval_object.h"
#include "dc/core/model/box_label.h"
#include "dc/core/model/dont_care_region.h"

#include <Eigen/Geometry>

namespace dc::core {

// A catalog label (lidar frame) as the evaluator sees it: the 3D box moved to the rectified camera-0 frame via
// kitti_box_from_lidar, the KITTI extras copied (unknown truncation/occlusion read as 0, unknown alpha as -10).
KittiEvalObject kitti_eval_object_from_label(const BoxLabel& label, const Eigen::Isometry3d& T_rect_from_lidar);

// A DontCare region as a ground-truth row, with the 3D placeholders KITTI files carry.
KittiEvalObject kitti_eval_object_from_dont_care(const DontCareRegion& region);

}  // namespace dc::core

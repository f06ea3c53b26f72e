#include "dc/core/eval/kitti_eval_object_conversion.h"

#include <algorithm>

namespace dc::core {

KittiEvalObject kitti_eval_object_from_label(const BoxLabel& label, const Eigen::Isometry3d& T_rect_from_lidar) {
  KittiEvalObject o;
  o.type = label.category;
  // Unknown truncation/occlusion stay -1, which is within every difficulty's limits (as in the devkit).
  o.truncated = label.truncated;
  o.occluded = label.occlusion;
  o.alpha = label.alpha;
  std::copy(label.bbox2d, label.bbox2d + 4, o.bbox);
  o.box = kitti_box_from_lidar(label, T_rect_from_lidar);
  o.score = label.score;
  return o;
}

KittiEvalObject kitti_eval_object_from_dont_care(const DontCareRegion& region) {
  KittiEvalObject o;
  o.type = "DontCare";
  o.truncated = -1;
  o.occluded = -1;
  o.alpha = -10;
  std::copy(region.bbox2d, region.bbox2d + 4, o.bbox);
  o.box.h = o.box.w = o.box.l = -1;
  o.box.bottom_center = {-1000, -1000, -1000};
  o.box.rotation_y = -10;
  return o;
}

}  // namespace dc::core

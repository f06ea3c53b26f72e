#pragma once
#include "dc/core/eval/convex_polygon_clipping.h"
#include "dc/core/eval/kitti_eval_object.h"

namespace dc::core {

// What the intersection is divided by: the union (IoU), or the detection's own size (how much of a detection lies
// in a DontCare region), as the devkit's `criterion` -1 and 0.
enum class OverlapCriterion { Union, DetectionArea };

// Overlap of image boxes (left top right bottom, no +1 pixel convention): 0 when they do not overlap.
double image_box_overlap(const KittiEvalObject& detection, const KittiEvalObject& ground_truth,
                         OverlapCriterion criterion = OverlapCriterion::Union);

// The box's footprint in the camera x-z plane (bird's-eye view): corners (+-l/2, +-w/2) turned by rotation_y the
// way the devkit does (x' = cos*a + sin*b, z' = -sin*a + cos*b) and moved to (x, z).
Polygon2d bev_footprint(const KittiCameraBox& box);

// Rotated-rectangle overlap in the ground plane.
double bev_box_overlap(const KittiEvalObject& detection, const KittiEvalObject& ground_truth,
                       OverlapCriterion criterion = OverlapCriterion::Union);

// 3D overlap: footprint intersection times the shared extent along camera y (boxes span y - h .. y, y down);
// volumes are h * w * l.
double box3d_overlap(const KittiEvalObject& detection, const KittiEvalObject& ground_truth,
                     OverlapCriterion criterion = OverlapCriterion::Union);

}  // namespace dc::core

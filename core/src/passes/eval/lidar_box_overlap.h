#pragma once
#include "dc/core/model/box_label.h"

namespace dc::core::eval {

// Overlap of two lidar-frame boxes: bird's-eye IoU of the rotated footprints, and 3D IoU (footprint intersection
// times the shared z extent over the union of the volumes).
double bev_iou(const BoxLabel& a, const BoxLabel& b);
double iou_3d(const BoxLabel& a, const BoxLabel& b);

}  // namespace dc::core::eval

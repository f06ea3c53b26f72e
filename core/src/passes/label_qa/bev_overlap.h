#pragma once
#include "dc/core/model/box_label.h"

namespace dc::core::label_qa {

// Intersection over union of two boxes' oriented footprints in the x-y plane (bird's-eye view), 0..1.
double bev_iou(const BoxLabel& a, const BoxLabel& b);
// Length (m) of the overlap of the two boxes' z extents; 0 when they do not overlap vertically.
double vertical_overlap(const BoxLabel& a, const BoxLabel& b);

}  // namespace dc::core::label_qa

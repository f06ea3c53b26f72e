#pragma once
#include "dc/core/data/drive_session.h"
#include "dc/core/model/box_label.h"

namespace dc::core {

// Whether a lidar-frame box's projection misses the camera's image entirely (or the box lies wholly behind the
// camera). The box edges are clipped at a near plane before projecting, so a box straddling the camera plane is
// judged by its visible part. Judged by the projection's bounding rectangle: a box whose rectangle touches the
// image counts as in view (conservative: it keeps its class).
bool box_outside_view(const BoxLabel& box, const CameraModel& camera);

// The image-clipped 2D box of a DontCare row for `box`: its bbox2d within the image when that leaves an area,
// otherwise -1 everywhere (KITTI's "unknown", which the devkit's DontCare matching simply never overlaps).
void dont_care_bbox(const BoxLabel& box, const CameraModel& camera, double out[4]);

}  // namespace dc::core

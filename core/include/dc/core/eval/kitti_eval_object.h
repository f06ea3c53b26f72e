#pragma once
#include "dc/core/io/kitti_box_conversion.h"

#include <string>

namespace dc::core {

// One row of a KITTI object label_2 file (ground truth) or result file (detection, 16th column = score), in the
// devkit's own terms: rectified camera-0 frame, image_2 pixels. DontCare rows are ground truth of type "DontCare"
// and keep their placeholder 3D fields (-1 sizes, -1000 positions), as the devkit reads them.
struct KittiEvalObject {
  std::string type;               // "Car", "Van", "Pedestrian", "DontCare", ... (compared case-insensitively)
  double truncated = 0;           // 0..1; unused for detections
  int occluded = 0;               // 0 visible, 1 partly, 2 largely, 3 unknown; unused for detections
  double alpha = 0;               // observation angle; -10 in a detection means "no orientation" (no AOS)
  double bbox[4] = {0, 0, 0, 0};  // left top right bottom, pixels
  KittiCameraBox box;             // h w l, bottom center x y z, rotation_y
  double score = 1;               // detection confidence; ignored for ground truth
  int line = 0;                   // 1-based line in the file it came from; 0 when built in memory
};

}  // namespace dc::core

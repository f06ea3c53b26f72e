#pragma once
#include <string>
#include <vector>

namespace dc::core::generator {

// KITTI raw ground truth, tracklet_labels.xml: a boost::serialization XML archive of tracklets, each one object
// over consecutive frames with one pose per frame in the velodyne frame (tz is the bottom of the box).
class TrackletXmlWriter {
 public:
  struct Pose {
    double tx = 0, ty = 0, tz = 0, rx = 0, ry = 0, rz = 0;
    int state = 2;       // 1 interpolated, 2 labelled
    int occlusion = -1;  // -1 unset, 0 visible, 1 partly, 2 fully
    int occlusion_kf = 0;
    int truncation = -1;  // -1 unset, 0 in image, 1 truncated, 2 out of image, 99 behind
    double amt_occlusion = -1;
    int amt_occlusion_kf = -1;
    double amt_border_l = -1, amt_border_r = -1;
    int amt_border_kf = -1;
  };
  struct Tracklet {
    std::string object_type;  // "Car", "Pedestrian", "Cyclist", ...
    double h = 0, w = 0, l = 0;
    int first_frame = 0;
    std::vector<Pose> poses;
  };

  static std::string write(const std::vector<Tracklet>& tracklets);
};

}  // namespace dc::core::generator

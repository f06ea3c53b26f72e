#pragma once
#include "dc/core/model/box_label.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dc::core {

// One tracklet of a KITTI raw tracklet_labels.xml: an object type and size, and one box per consecutive lidar frame
// from first_frame on.
struct ExportTracklet {
  std::string object_type;
  double h = 0, w = 0, l = 0;
  std::int64_t first_frame = 0;
  std::vector<BoxLabel> boxes;  // frames first_frame, first_frame + 1, ...
};

// Groups boxes into tracklets: one per (source, source name, run, track id), in that order with numeric track ids
// in numeric order (so ground truth read from a tracklet file comes back in its order and with its ids), split
// where the track skips a frame or changes class or size, since a tracklet holds one size and consecutive frames.
// Boxes without a track id are tracklets of their own.
std::vector<ExportTracklet> group_into_tracklets(std::vector<BoxLabel> boxes);

// The tracklets as KITTI's boost-serialization XML (the pose's tz is the bottom of the box, rz its yaw; truncation
// and occlusion are the boxes' own, -1 where unknown). Numbers keep 17 significant digits, so reading the file
// back gives the same boxes.
std::string kitti_tracklet_xml(const std::vector<ExportTracklet>& tracklets);

}  // namespace dc::core

#pragma once
#include "dc/core/model/time_stamp.h"

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <string>

namespace dc::core {

enum class LabelSource { GroundTruth, Auto, Model, Manual };
enum class ReviewState { Unreviewed, Accepted, Rejected, Fixed };
const char* to_string(LabelSource source);
const char* to_string(ReviewState state);
LabelSource label_source_from_string(const std::string& text);
ReviewState review_state_from_string(const std::string& text);

// A 3D box in the lidar frame (x forward, y left, z up). center is the box's geometric center;
// length along the heading (x when yaw = 0), width across, height along z; yaw around +z, radians.
struct BoxLabel {
  std::int64_t id = 0;           // catalog id, stable across revisions; 0 until stored
  std::int64_t frame_index = 0;  // lidar frame the box belongs to (the sample's key)
  TimestampNs timestamp_ns = 0;
  Eigen::Vector3d center = Eigen::Vector3d::Zero();
  double length = 0, width = 0, height = 0;
  double yaw = 0;
  std::string category;          // "Car", "Pedestrian", "Cyclist", ...
  std::string source_category;   // the dataset's own class name when it differs ("vehicle.bus.rigid"); "" otherwise
  std::string track_id;          // empty when the source has no tracks
  double score = 1.0;
  LabelSource source = LabelSource::GroundTruth;
  std::string source_name;        // model: the named run the predictions came from ("" otherwise)
  ReviewState review = ReviewState::Unreviewed;
  int revision = 1;               // 1 for the first version; an edit stores revision + 1 and keeps the old one
  bool deleted = false;           // a deleted label keeps its revisions and can be restored
  std::optional<std::int64_t> run_id;  // the pass run (job) that made the box; none for shipped ground truth
  // KITTI extras (kept for export round trips); -1 when unknown.
  double truncated = -1;          // KITTI object: fraction of the object outside the image, 0..1
  int truncation_state = -1;      // KITTI raw tracklets: 0 in image, 1 truncated, 2 out of image, 99 ignore
  int occlusion = -1;
  double alpha = -10;
  double bbox2d[4] = {-1, -1, -1, -1};  // left top right bottom in image_02 pixels
};

}  // namespace dc::core

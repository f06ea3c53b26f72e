#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/finding.h"
#include "dc/core/util/progress.h"
#include "passes/label_qa/label_qa_settings.h"

#include <Eigen/Geometry>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dc::core::label_qa {

// The checks across samples: per track (source + track id) speed, acceleration, yaw rate, heading flips,
// id switches and size changes. Boxes are compared in one fixed frame (the world when the drive has poses).
class TrackChecker {
 public:
  TrackChecker(const LabelQaSettings& settings, std::string sensor) : settings_(settings), sensor_(std::move(sensor)) {}

  // Boxes of one sample, in sample order. `T_fixed_from_lidar` maps the sample's lidar frame to the fixed frame.
  void add_sample(const std::vector<const BoxLabel*>& boxes, std::int64_t sample_key, TimestampNs time_ns,
                  const Eigen::Isometry3d& T_fixed_from_lidar);

  // Throws Cancelled when `progress` is cancelled (checked per track).
  void check(const Progress& progress, std::vector<Finding>& out) const;

 private:
  struct Observation {
    const BoxLabel* box = nullptr;
    int sample = 0;  // position in add_sample order
    std::int64_t sample_key = 0;
    TimestampNs time_ns = 0;
    Eigen::Vector3d position = Eigen::Vector3d::Zero();  // fixed frame
    double yaw = 0;                                      // heading in the fixed frame
  };

  void check_motion(const std::vector<int>& track, std::vector<Finding>& out) const;
  void check_size(const std::vector<int>& track, std::vector<Finding>& out) const;
  // A box of the same source and class, but another track, within id_switch_radius of `where` in `sample`.
  const Observation* neighbour_near(const Observation& self, int sample, const Eigen::Vector3d& where) const;

  const LabelQaSettings& settings_;
  std::string sensor_;
  std::vector<Observation> observations_;
  std::vector<std::vector<int>> by_sample_;                         // observation indices per sample
  std::map<std::pair<int, std::string>, std::vector<int>> tracks_;  // (source, track id) -> observations in time order
};

}  // namespace dc::core::label_qa

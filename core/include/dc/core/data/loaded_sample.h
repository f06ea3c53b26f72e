#pragma once
#include "dc/core/data/camera_projection.h"
#include "dc/core/data/drive_session.h"
#include "dc/core/model/box_label.h"
#include "dc/core/model/calibration.h"
#include "dc/core/model/dont_care_region.h"
#include "dc/core/model/point_cloud.h"
#include "dc/core/model/pose.h"
#include "dc/core/model/sample.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

// One camera of a loaded sample: its image, the calibration picked for it and the lidar points projected into it.
struct LoadedCamera {
  std::string sensor;
  cv::Mat image;                     // BGR or gray 8-bit; empty when the sample has no frame or it failed to load
  std::optional<CameraModel> model;  // none when the sample's calibration lacks this camera
  // Where `model` came from: the sample's calibration, or one of SampleLoadOptions::camera_overrides (its source
  // and run).
  CalibrationSource calibration_source = CalibrationSource::File;
  std::optional<std::int64_t> calibration_run;
  CameraProjection projection;       // empty without image, model or points
  std::string problem;               // why nothing (or no overlay) can be shown; empty when all is there
};

// Everything one sample needs, decoded: what SampleLoader returns, for the viewer and headless passes alike.
struct LoadedSample {
  int sample = -1;                         // position in the drive session
  Sample info;                             // lidar frame, members and their skews
  PointCloud cloud;                        // lidar frame points (empty when it failed to load)
  std::vector<LoadedCamera> cameras;       // DriveSession::camera_sensors() order
  std::vector<BoxLabel> labels;            // boxes of the sample's lidar frame
  std::vector<std::int32_t> point_box;     // per point: first label (index) containing it, -1 for none
  std::vector<DontCareRegion> dont_care;   // unlabeled image regions of the sample's frame
  std::optional<Calibration> calibration;  // the one valid at the sample's time
  std::optional<Pose> pose;
  // Sensors of the drive with no frame within the maximum skew of this sweep, with what to say about it
  // ("no frame within 0.1 s").
  std::map<std::string, std::string> missing_sensors;
  std::map<std::string, std::string> sensor_errors;  // sensor name -> what failed (names the file)
  std::string error;                                 // all problems, one per line; empty when everything loaded

  bool ok() const { return error.empty(); }
  const LoadedCamera* camera(const std::string& sensor) const;  // nullptr for a sensor that is not a camera
  // Approximate memory held (payloads dominate); what a cache budgets against.
  std::size_t byte_size() const;
};

}  // namespace dc::core

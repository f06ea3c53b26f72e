#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/calibration.h"
#include "dc/core/model/point_cloud.h"
#include "dc/core/model/pose.h"
#include "dc/core/model/sample.h"

#include <QMetaType>
#include <cstddef>
#include <map>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dc::widgets {

// Everything the viewers need for one sample, decoded. Immutable once handed out (shared_ptr<const>).
struct SampleData {
  int sample = -1;                                   // index in the drive session
  dc::core::Sample info;                             // lidar frame, members and their skews
  dc::core::PointCloud cloud;                        // lidar frame points (empty when it failed to load)
  std::map<std::string, cv::Mat> images;             // camera sensor name -> BGR or gray 8-bit image (loaded ones only)
  std::vector<dc::core::BoxLabel> labels;            // boxes of the sample's lidar frame
  std::optional<dc::core::Calibration> calibration;  // the one valid at the sample's time
  std::optional<dc::core::Pose> pose;
  std::map<std::string, std::string> sensor_errors;  // sensor name -> what failed (names the file)
  std::string error;                                 // all problems, one per line; empty when everything loaded

  bool ok() const { return error.empty(); }
  // Approximate memory held (payloads dominate); what the cache budgets against.
  std::size_t byte_size() const;
};

}  // namespace dc::widgets

Q_DECLARE_METATYPE(std::shared_ptr<const dc::widgets::SampleData>)

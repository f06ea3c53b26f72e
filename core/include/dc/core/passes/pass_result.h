#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/calibration.h"
#include "dc/core/model/evaluation.h"
#include "dc/core/model/finding.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dc::core {

// A number a pass computed for one sample (and sensor), e.g. the calibration score of a camera: a timeline lane.
struct SampleMetric {
  std::string name;      // "calib-score"
  std::string sensor;    // camera or lidar the value is about; "" for the whole sample
  std::int64_t sample_key = 0;
  TimestampNs timestamp_ns = 0;
  double value = 0;
};

// Everything one run of a pass produced for one drive. The executor stores it in one transaction when the run
// finishes, tagged with the run id, so a cancelled or killed run leaves nothing behind.
struct PassResult {
  std::vector<Finding> findings;
  std::vector<BoxLabel> labels;            // source auto / model
  std::vector<Calibration> calibrations;   // refined ones (source "refined"), never replacing the file's
  std::vector<SampleMetric> metrics;
  std::vector<Evaluation> evaluations;     // eval: the comparison's numbers and curves
};

}  // namespace dc::core

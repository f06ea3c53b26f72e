#pragma once
#include "passes/data_qc/finding_writer.h"
#include "passes/data_qc/frame_record.h"
#include "passes/data_qc/qc_settings.h"

namespace dc::core::data_qc {

// Per-sweep lidar health against fixed limits and against the drive's own typical sweep: lidar-point-drop,
// lidar-dead-ring, lidar-invalid-points, lidar-range-anomaly, lidar-intensity-anomaly.
void check_lidar(const std::string& sensor, const std::vector<FrameRecord>& records, const QcSettings& settings,
                 FindingWriter& out);

}  // namespace dc::core::data_qc

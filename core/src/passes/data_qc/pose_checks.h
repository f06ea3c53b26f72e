#pragma once
#include "passes/data_qc/finding_writer.h"
#include "passes/data_qc/qc_settings.h"

namespace dc::core {
class DriveSession;
}

namespace dc::core::data_qc {

// Consecutive GNSS/IMU poses that imply an impossible motion: gnss-position-jump (speed), gnss-heading-jump
// (yaw rate). A single bad fix shows as a jump there and back: one finding over both.
void check_poses(const DriveSession& session, const QcSettings& settings, FindingWriter& out);

}  // namespace dc::core::data_qc

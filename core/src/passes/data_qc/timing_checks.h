#pragma once
#include "passes/data_qc/finding_writer.h"
#include "passes/data_qc/qc_settings.h"

namespace dc::core {
class DriveSession;
}

namespace dc::core::data_qc {

// Timestamps of every sensor (only for drives with real timestamps): frame-rate (info), frame-rate-unstable,
// frame-rate-mismatch, frame-gap, timestamp-duplicate, timestamp-non-monotonic.
void check_timing(const DriveSession& session, const QcSettings& settings, FindingWriter& out);

// Frames whose second clock (MCAP log_time) differs from their timestamp (header stamp) by more than allowed, in
// runs of consecutive frames: clock-offset. A lagging recorder or a sensor with a drifting clock shows up here.
void check_clock_offset(const DriveSession& session, const QcSettings& settings, FindingWriter& out);

// Camera members of each sample further from the lidar sweep than allowed: sync-skew.
void check_sync(const DriveSession& session, const QcSettings& settings, FindingWriter& out);

}  // namespace dc::core::data_qc

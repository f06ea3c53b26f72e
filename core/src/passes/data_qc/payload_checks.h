#pragma once
#include "passes/data_qc/finding_writer.h"
#include "passes/data_qc/frame_record.h"

namespace dc::core {
class DriveSession;
}

namespace dc::core::data_qc {

// File integrity: payload-absent (a sensor without any payload file: one info finding, the ingest already
// recorded the missing folder), payload-missing (some files missing), payload-unreadable (truncated, corrupt, or
// for GNSS/IMU a record that gave no pose).
void check_payloads(const DriveSession& session, const ScanRecords& scanned, FindingWriter& out);

}  // namespace dc::core::data_qc

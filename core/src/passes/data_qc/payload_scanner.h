#pragma once
#include "dc/core/util/progress.h"
#include "passes/data_qc/frame_record.h"
#include "passes/data_qc/qc_settings.h"

namespace dc::core {
class DriveSession;
}

namespace dc::core::data_qc {

// Loads every lidar and camera payload of a drive once, in parallel, and measures everything the per-frame checks
// need on that one load; each image is compared with the one before it without decoding either twice.
class PayloadScanner {
 public:
  PayloadScanner(const DriveSession& session, const QcSettings& settings, const Progress& progress, unsigned threads)
      : session_(session), settings_(settings), progress_(progress), threads_(threads) {}

  // Throws Cancelled when the progress is cancelled.
  ScanRecords scan() const;

 private:
  const DriveSession& session_;
  const QcSettings& settings_;
  const Progress& progress_;
  unsigned threads_;
};

}  // namespace dc::core::data_qc

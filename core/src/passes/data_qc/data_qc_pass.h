#pragma once
#include "dc/core/passes/pass.h"

namespace dc::core {

// Validation of a drive's raw data: timing (rates, gaps, duplicates, sync), lidar and camera health per frame,
// GNSS/IMU jumps and file integrity. Every payload is loaded once, in parallel, and all per-frame checks run on
// that load.
class DataQcPass : public Pass {
 public:
  std::string name() const override { return "data-qc"; }
  std::string version() const override { return "2"; }  // 2: clock-offset check
  std::string summary() const override;
  std::vector<ParamSpec> parameters() const override;
  PassResult run(const PassContext& context) const override;
};

}  // namespace dc::core

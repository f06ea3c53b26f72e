#include "export/refined_calibration.h"

namespace dc::core {

const Calibration* newest_refined(const std::vector<Calibration>& calibrations, const DriveSession& session,
                                  const std::string& camera, TimestampNs t) {
  const Calibration* best = nullptr;
  for (const auto& c : calibrations) {
    if (c.source != CalibrationSource::Refined || t < c.valid_from_ns || t >= c.valid_to_ns ||
        !session.camera_model(c, camera))
      continue;
    if (!best || c.run_id.value_or(-1) >= best->run_id.value_or(-1)) best = &c;
  }
  return best;
}

}  // namespace dc::core

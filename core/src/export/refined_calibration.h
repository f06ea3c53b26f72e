#pragma once
#include "dc/core/data/drive_session.h"
#include "dc/core/model/calibration.h"
#include "dc/core/model/time_stamp.h"

#include <string>
#include <vector>

namespace dc::core {

// The refined calibration for one camera at time t: covering t and holding the camera, the newest run's; null when
// none. The same rule as SampleLoader's camera overrides, so an export matches what the viewer's toggle shows.
const Calibration* newest_refined(const std::vector<Calibration>& calibrations, const DriveSession& session,
                                  const std::string& camera, TimestampNs t);

}  // namespace dc::core

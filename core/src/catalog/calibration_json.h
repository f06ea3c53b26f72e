#pragma once
#include "dc/core/model/calibration.h"

#include <string>

namespace dc::core {

// Calibration <-> JSON text, as stored in the catalog's calibrations.data column.
std::string calibration_to_json(const Calibration& calibration);
Calibration calibration_from_json(const std::string& text);

// 4x4 row-major numbers, as stored in poses.transform.
std::string isometry_to_json(const Eigen::Isometry3d& T);
Eigen::Isometry3d isometry_from_json(const std::string& text);

}  // namespace dc::core

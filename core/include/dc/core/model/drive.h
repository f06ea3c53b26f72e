#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/calibration.h"
#include "dc/core/model/dont_care_region.h"
#include "dc/core/model/frame.h"
#include "dc/core/model/ingest_error.h"
#include "dc/core/model/pose.h"
#include "dc/core/model/sensor.h"

#include <filesystem>
#include <string>
#include <vector>

namespace dc::core {

// One recording as a reader parsed it: metadata and payload locations, never payloads.
struct Drive {
  std::string name;     // unique in the catalog, e.g. "2011_09_26_drive_0001_sync" or "kitti-object/training"
  std::string format;   // reader format id: "kitti-raw", "kitti-object"
  std::string root;     // absolute folder or file; the drive's identity in the catalog. Several drives in one
                        // folder (nuScenes scenes) have "<folder>#<scene token>"
  std::string time_zone;  // IANA zone the recording's local timestamps were written in ("" = they were UTC)
  bool timestamped = true;  // false for sets of unrelated frames (KITTI object split): times are only an order
  std::vector<Sensor> sensors;
  std::vector<Calibration> calibrations;  // one per validity interval; KITTI raw has one
  std::vector<Frame> frames;     // all sensors, any order
  std::vector<Pose> poses;
  std::vector<BoxLabel> labels;  // ground truth shipped with the drive
  std::vector<DontCareRegion> dont_care;  // regions the ground truth leaves unlabeled
  std::vector<IngestError> errors;  // problems found while reading; the rest was read

  const Sensor* find_sensor(const std::string& sensor_name) const;
  std::string lidar_sensor() const;  // first lidar's name, "" when none
  const Calibration* calibration_at(TimestampNs t) const;  // nullptr when none covers t

  // The folder or file a root names on disk: the root itself, or for "<folder>#<token>" roots the folder.
  static std::filesystem::path location_of(const std::string& root);
};

}  // namespace dc::core

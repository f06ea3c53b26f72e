#pragma once
#include "dc/core/model/calibration.h"
#include "dc/core/model/drive.h"
#include "dc/core/model/drive_summary.h"
#include "dc/core/model/pose.h"
#include "dc/core/model/sensor.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

class SqliteDatabase;

// Drives with their sensors, calibrations and poses.
class DriveRepository {
public:
  explicit DriveRepository(SqliteDatabase& db) : db_(db) {}

  std::vector<DriveSummary> drives() const;
  // By name, root or id (as text).
  std::optional<DriveSummary> find(const std::string& name_root_or_id) const;
  std::vector<Sensor> sensors(std::int64_t drive_id) const;
  // The drive's own calibrations (source "file"); with include_refined also those of finished pass runs, after them.
  std::vector<Calibration> calibrations(std::int64_t drive_id, bool include_refined = false) const;
  std::vector<Pose> poses(std::int64_t drive_id) const;

  // For the ingest transaction (the caller owns it). The drive's identity is its root; a display name taken by
  // another root gets "#2", "#3"...
  struct Stored {
    std::int64_t id = 0;
    std::string name;  // the name in the catalog
    bool is_new = false;
  };
  Stored upsert(const Drive& drive);
  std::map<std::string, std::int64_t> sync_sensors(std::int64_t drive_id, const std::vector<Sensor>& sensors);
  void sync_calibrations(std::int64_t drive_id, const std::vector<Calibration>& calibrations);
  std::int64_t sync_poses(std::int64_t drive_id, const std::vector<Pose>& poses);  // returns how many were added
  void update_span(std::int64_t drive_id);

private:
  SqliteDatabase& db_;
};

}  // namespace dc::core

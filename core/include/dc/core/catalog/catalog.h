#pragma once
#include "dc/core/model/drive.h"
#include "dc/core/model/drive_summary.h"
#include "dc/core/model/ingest_stats.h"
#include "dc/core/model/sample.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

class SqliteDatabase;

// Filters for frame queries; unset members do not filter.
struct FrameQuery {
  std::optional<std::string> sensor;
  std::optional<TimestampNs> from_ns;  // inclusive
  std::optional<TimestampNs> to_ns;    // inclusive
  std::optional<std::int64_t> limit;
};

// The SQLite catalog: one file, WAL, foreign keys, versioned migrations. Every multi-row write runs in one
// transaction with prepared statements; a failed write leaves the catalog as it was.
class Catalog {
public:
  // $XDG_DATA_HOME/drivecurator/catalog.sqlite (or ~/.local/share/...).
  static std::filesystem::path default_path();
  static int latest_schema_version();

  // Opens or creates the file and migrates it. Throws CatalogError naming the file when it is not SQLite.
  explicit Catalog(const std::filesystem::path& file);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const std::filesystem::path& path() const;
  int schema_version() const;

  // Inserts what is new in `drive` (sensors, calibrations, frames, samples, poses, labels, errors); idempotent.
  IngestStats store_drive(const Drive& drive);
  std::int64_t record_errors(const std::vector<IngestError>& errors);  // returns how many were new

  std::vector<DriveSummary> drives() const;
  std::optional<DriveSummary> find_drive(const std::string& name) const;
  std::vector<Sensor> sensors(std::int64_t drive_id) const;
  std::vector<Frame> frames(std::int64_t drive_id, const FrameQuery& query = {}) const;
  std::vector<Sample> samples(std::int64_t drive_id) const;
  std::vector<Pose> poses(std::int64_t drive_id) const;
  std::vector<Calibration> calibrations(std::int64_t drive_id) const;
  std::vector<BoxLabel> labels(std::int64_t drive_id, std::optional<std::int64_t> lidar_frame_index = {}) const;
  std::vector<IngestError> ingest_errors() const;
  // The drive as stored (metadata, frames, poses, labels, calibration), ready for viewers and passes.
  Drive load_drive(const std::string& name) const;

private:
  std::unique_ptr<SqliteDatabase> db_;
  void migrate();
};

}  // namespace dc::core

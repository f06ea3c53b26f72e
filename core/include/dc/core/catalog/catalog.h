#pragma once
#include "dc/core/catalog/drive_repository.h"
#include "dc/core/catalog/export_repository.h"
#include "dc/core/catalog/finding_repository.h"
#include "dc/core/catalog/frame_repository.h"
#include "dc/core/catalog/ingest_error_repository.h"
#include "dc/core/catalog/job_repository.h"
#include "dc/core/catalog/label_repository.h"
#include "dc/core/catalog/review_repository.h"
#include "dc/core/catalog/run_result_repository.h"
#include "dc/core/catalog/tag_repository.h"
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

// The SQLite catalog: one file, WAL, foreign keys, versioned migrations, and one repository per concern. Every
// multi-row write runs in one transaction with prepared statements; a failed write leaves the catalog as it was.
class Catalog {
public:
  // $XDG_DATA_HOME/drivecurator/catalog.sqlite (or ~/.local/share/...).
  static std::filesystem::path default_path();
  static int latest_schema_version();

  // Opens or creates the file and migrates it (in one BEGIN IMMEDIATE transaction that also reads the version, so
  // two processes opening a new catalog at once cannot both migrate). Throws CatalogError naming the file when it
  // is not SQLite.
  explicit Catalog(const std::filesystem::path& file);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const std::filesystem::path& path() const;
  int schema_version() const;

  DriveRepository& drive_repository() { return drives_; }
  const DriveRepository& drive_repository() const { return drives_; }
  FrameRepository& frame_repository() { return frames_; }
  LabelRepository& label_repository() { return labels_; }
  IngestErrorRepository& error_repository() { return errors_; }
  FindingRepository& finding_repository() { return findings_; }
  JobRepository& job_repository() { return jobs_; }
  TagRepository& tag_repository() { return tags_; }
  RunResultRepository& run_results() { return runs_; }
  ExportRepository& export_repository() { return exports_; }
  const ExportRepository& export_repository() const { return exports_; }
  const LabelRepository& label_repository() const { return labels_; }
  ReviewRepository& review_repository() { return reviews_; }
  const ReviewRepository& review_repository() const { return reviews_; }

  // Makes the catalog's copy of `drive` equal to what was read, in one transaction: new things are added, changed
  // frames, samples, poses and ground truth are updated (labels as new revisions), vanished frames and errors that
  // no longer occur are removed. Re-ingesting unchanged files changes nothing.
  IngestStats store_drive(const Drive& drive);
  std::int64_t record_errors(const std::vector<IngestError>& errors);  // returns how many were new

  // Shortcuts for the common reads.
  std::vector<DriveSummary> drives() const { return drives_.drives(); }
  std::optional<DriveSummary> find_drive(const std::string& name) const { return drives_.find(name); }
  std::vector<Sensor> sensors(std::int64_t drive_id) const { return drives_.sensors(drive_id); }
  std::vector<Frame> frames(std::int64_t drive_id, const FrameQuery& query = {}) const {
    return frames_.frames(drive_id, query);
  }
  std::vector<Sample> samples(std::int64_t drive_id) const { return frames_.samples(drive_id); }
  std::vector<Pose> poses(std::int64_t drive_id) const { return drives_.poses(drive_id); }
  std::vector<Calibration> calibrations(std::int64_t drive_id) const { return drives_.calibrations(drive_id); }
  const JobRepository& job_repository() const { return jobs_; }
  const FindingRepository& finding_repository() const { return findings_; }
  // Current, not deleted labels of every source (of one sample when its key is given).
  std::vector<BoxLabel> labels(std::int64_t drive_id, std::optional<std::int64_t> sample_key = {}) const;
  std::vector<IngestError> ingest_errors() const { return errors_.list(); }
  // The drive as stored (metadata, frames, poses, labels, DontCare regions, calibration), for viewers and passes.
  Drive load_drive(const std::string& name) const;

private:
  void migrate();
  std::unique_ptr<SqliteDatabase> db_;
  DriveRepository drives_;
  FrameRepository frames_;
  LabelRepository labels_;
  IngestErrorRepository errors_;
  FindingRepository findings_;
  JobRepository jobs_;
  TagRepository tags_;
  RunResultRepository runs_;
  ReviewRepository reviews_;
  ExportRepository exports_;
};

}  // namespace dc::core

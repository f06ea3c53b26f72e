#include "dc/core/catalog/catalog.h"

#include "catalog/catalog_schema.h"
#include "catalog/sqlite_database.h"
#include "dc/core/catalog/catalog_error.h"
#include "dc/core/data/sample_builder.h"
#include "util/host_name.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <map>

namespace dc::core {

namespace fs = std::filesystem;

fs::path Catalog::default_path() {
  fs::path base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = fs::path(home) / ".local" / "share";
  } else {
    base = fs::current_path();
  }
  return base / "drivecurator" / "catalog.sqlite";
}

int Catalog::latest_schema_version() { return static_cast<int>(catalog_migrations().size()); }

namespace {
constexpr int kWalAttempts = 500;  // x 20 ms: the 10 s busy timeout

std::unique_ptr<SqliteDatabase> open_database(const fs::path& file) {
  if (file.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec) throw CatalogError(file.string() + ": cannot create folder: " + ec.message());
  }
  if (fs::is_directory(file)) throw CatalogError(file.string() + ": is a folder, not a catalog file");
  auto db = std::make_unique<SqliteDatabase>(file);
  // Switching a new file to WAL needs it alone for a moment, and SQLite answers "database is locked" at once instead
  // of waiting (no busy handler there): when another process opens the same new catalog, retry for as long as the
  // busy timeout would have waited.
  for (int attempt = 0;; ++attempt) {
    try {
      db->exec("PRAGMA journal_mode=WAL");
      break;
    } catch (const CatalogError&) {
      if (sqlite3_errcode(db->handle()) != SQLITE_BUSY || attempt == kWalAttempts) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  db->exec("PRAGMA synchronous=NORMAL");
  db->exec("PRAGMA foreign_keys=ON");
  return db;
}
}  // namespace

Catalog::Catalog(const fs::path& file)
    : db_(open_database(file)),
      drives_(*db_),
      frames_(*db_),
      labels_(*db_),
      errors_(*db_),
      findings_(*db_),
      jobs_(*db_),
      tags_(*db_),
      runs_(*db_),
      reviews_(*db_),
      exports_(*db_) {
  migrate();
  // A run whose process died (crash, kill -9) while it held this catalog is marked interrupted now.
  jobs_.mark_dead_runs_interrupted(host_name());
}

Catalog::~Catalog() = default;

const fs::path& Catalog::path() const { return db_->file(); }

int Catalog::schema_version() const {
  SqliteStatement exists(*db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  if (!exists.step()) return 0;
  SqliteStatement q(*db_, "SELECT version FROM schema_version");
  return q.step() ? static_cast<int>(q.int64(0)) : 0;
}

void Catalog::migrate() {
  // One write transaction from reading the version to the last migration: a second process that opens the same
  // new file waits on the lock (busy timeout), then reads the version the first one wrote and has nothing to do.
  SqliteTransaction tx(*db_);
  db_->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const int version = schema_version();
  const auto& migrations = catalog_migrations();
  if (version > static_cast<int>(migrations.size()))
    throw CatalogError(path().string() + ": catalog schema version " + std::to_string(version) +
                       " is newer than this program understands (" + std::to_string(migrations.size()) + ")");
  if (version == static_cast<int>(migrations.size())) return;  // nothing to write: the transaction rolls back
  for (int v = version; v < static_cast<int>(migrations.size()); ++v)
    db_->exec(migrations[static_cast<std::size_t>(v)]);
  db_->exec("DELETE FROM schema_version");
  SqliteStatement set(*db_, "INSERT INTO schema_version (version) VALUES (?1)");
  set.bind(1, static_cast<std::int64_t>(migrations.size())).run();
  tx.commit();
}

std::int64_t Catalog::record_errors(const std::vector<IngestError>& errors) {
  if (errors.empty()) return 0;
  SqliteTransaction tx(*db_);
  const std::int64_t added = errors_.add(errors);
  tx.commit();
  return added;
}

IngestStats Catalog::store_drive(const Drive& drive) {
  IngestStats stats;
  SqliteTransaction tx(*db_);
  const DriveRepository::Stored stored = drives_.upsert(drive);
  const std::int64_t drive_id = stored.id;
  stats.drives_added = stored.is_new ? 1 : 0;
  const auto sensor_ids = drives_.sync_sensors(drive_id, drive.sensors);
  drives_.sync_calibrations(drive_id, drive.calibrations);

  const FrameSyncResult frames = frames_.sync_frames(drive_id, sensor_ids, drive.frames);
  stats.frames_added = frames.added;
  stats.frames_updated = frames.updated;
  stats.frames_removed = frames.removed;
  const std::string lidar = drive.lidar_sensor();
  if (!lidar.empty()) {
    const SampleSyncResult samples =
        frames_.sync_samples(drive_id, sensor_ids, frames, build_samples(drive.frames, lidar));
    stats.samples_added = samples.added;
    stats.samples_updated = samples.updated;
    stats.samples_removed = samples.removed;
  }
  stats.poses_added = drives_.sync_poses(drive_id, drive.poses);

  // Labels are kept even when their lidar frame is missing (or the drive has no lidar); each such label is
  // reported, since no sample shows it.
  std::vector<IngestError> errors = drive.errors;
  std::map<std::int64_t, int> orphans;  // frame index -> labels without a lidar frame
  for (const auto& l : drive.labels)
    if (lidar.empty() || !frames.ids.count({lidar, l.frame_index})) ++orphans[l.frame_index];
  for (const auto& [frame, count] : orphans)
    errors.push_back({drive.root, 0,
                      std::to_string(count) + " label(s) of frame " + std::to_string(frame) +
                          (lidar.empty() ? " kept, but the drive has no lidar: no sample shows them"
                                         : " kept, but that lidar frame is missing: no sample shows them"),
                      drive.name});
  const GroundTruthChanges gt = labels_.replace_ground_truth(drive_id, drive.labels);
  stats.labels_added = gt.added;
  stats.labels_updated = gt.updated;
  stats.labels_removed = gt.removed;
  labels_.replace_dont_care(drive_id, drive.dont_care);

  drives_.update_span(drive_id);
  // Errors are recorded under the name the catalog gave the drive (it may carry "#2").
  for (auto& e : errors) e.drive = stored.name;
  stats.errors_added = errors_.replace_for_drive(stored.name, errors);
  tx.commit();
  return stats;
}

std::vector<BoxLabel> Catalog::labels(std::int64_t drive_id, std::optional<std::int64_t> sample_key) const {
  LabelQuery q;
  q.frame_index = sample_key;
  return labels_.list(drive_id, q);
}

Drive Catalog::load_drive(const std::string& name) const {
  auto summary = find_drive(name);
  if (!summary) throw CatalogError(path().string() + ": no drive named '" + name + "'");
  Drive d;
  d.name = summary->name;
  d.format = summary->format;
  d.root = summary->root;
  d.time_zone = summary->time_zone;
  d.timestamped = summary->timestamped;
  d.sensors = sensors(summary->id);
  d.calibrations = calibrations(summary->id);
  d.frames = frames(summary->id);
  d.poses = poses(summary->id);
  d.labels = labels(summary->id);
  d.dont_care = labels_.dont_care(summary->id);
  return d;
}

}  // namespace dc::core

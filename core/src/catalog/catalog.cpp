#include "dc/core/catalog/catalog.h"

#include "catalog/calibration_json.h"
#include "catalog/catalog_schema.h"
#include "catalog/sqlite_database.h"
#include "dc/core/catalog/catalog_error.h"
#include "dc/core/data/sample_builder.h"

#include <chrono>
#include <cstdlib>
#include <map>

namespace dc::core {

namespace fs = std::filesystem;

namespace {
std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

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

Catalog::Catalog(const fs::path& file) {
  if (file.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec) throw CatalogError(file.string() + ": cannot create folder: " + ec.message());
  }
  if (fs::is_directory(file)) throw CatalogError(file.string() + ": is a folder, not a catalog file");
  db_ = std::make_unique<SqliteDatabase>(file);
  db_->exec("PRAGMA journal_mode=WAL");
  db_->exec("PRAGMA synchronous=NORMAL");
  db_->exec("PRAGMA foreign_keys=ON");
  migrate();
}

Catalog::~Catalog() = default;

const fs::path& Catalog::path() const { return db_->file(); }

int Catalog::schema_version() const {
  SqliteStatement q(*db_, "SELECT version FROM schema_version");
  return q.step() ? static_cast<int>(q.int64(0)) : 0;
}

void Catalog::migrate() {
  db_->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  int version = schema_version();
  const auto& migrations = catalog_migrations();
  if (version > static_cast<int>(migrations.size()))
    throw CatalogError(path().string() + ": catalog schema version " + std::to_string(version) +
                       " is newer than this program understands (" + std::to_string(migrations.size()) + ")");
  for (int v = version; v < static_cast<int>(migrations.size()); ++v) {
    SqliteTransaction tx(*db_);
    db_->exec(migrations[static_cast<std::size_t>(v)]);
    db_->exec("DELETE FROM schema_version");
    SqliteStatement set(*db_, "INSERT INTO schema_version (version) VALUES (?1)");
    set.bind(1, v + 1).run();
    tx.commit();
  }
}

namespace {
// Inserts errors not seen before (same file, line and message); the caller owns the transaction.
std::int64_t insert_errors(SqliteDatabase& db, const std::vector<IngestError>& errors) {
  SqliteStatement insert(db,
                         "INSERT OR IGNORE INTO ingest_errors (drive, path, line, message, first_seen_ns) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)");
  std::int64_t added = 0;
  const std::int64_t now = now_ns();
  for (const auto& e : errors) {
    insert.bind(1, e.drive).bind(2, e.path).bind(3, e.line).bind(4, e.message).bind(5, now).run();
    added += db.changes();
  }
  return added;
}
}  // namespace

std::int64_t Catalog::record_errors(const std::vector<IngestError>& errors) {
  if (errors.empty()) return 0;
  SqliteTransaction tx(*db_);
  std::int64_t added = insert_errors(*db_, errors);
  tx.commit();
  return added;
}

IngestStats Catalog::store_drive(const Drive& drive) {
  IngestStats stats;
  SqliteTransaction tx(*db_);
  const std::int64_t now = now_ns();

  // Drive row: identity is the root folder; the display name is made unique when another root has it.
  std::int64_t drive_id = 0;
  {
    SqliteStatement by_root(*db_, "SELECT id FROM drives WHERE root = ?1");
    by_root.bind(1, drive.root);
    if (by_root.step()) {
      drive_id = by_root.int64(0);
    } else {
      std::string name = drive.name;
      SqliteStatement taken(*db_, "SELECT 1 FROM drives WHERE name = ?1");
      for (int n = 2;; ++n) {
        taken.bind(1, name);
        bool exists = taken.step();
        taken.reset();
        if (!exists) break;
        name = drive.name + "#" + std::to_string(n);
      }
      SqliteStatement insert(*db_,
                             "INSERT INTO drives (name, format, root, ingested_ns) VALUES (?1, ?2, ?3, ?4)");
      insert.bind(1, name).bind(2, drive.format).bind(3, drive.root).bind(4, now).run();
      drive_id = db_->last_insert_id();
      stats.drives_added = 1;
    }
  }

  // Sensors.
  std::map<std::string, std::int64_t> sensor_ids;
  {
    SqliteStatement insert(*db_,
                           "INSERT INTO sensors (drive_id, name, kind, rate_hz, frame_id, model) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (drive_id, name) DO UPDATE SET "
                           "rate_hz = excluded.rate_hz, frame_id = excluded.frame_id, model = excluded.model");
    for (const auto& s : drive.sensors)
      insert.bind(1, drive_id).bind(2, s.name).bind(3, std::string(to_string(s.kind))).bind(4, s.rate_hz)
          .bind(5, s.frame_id).bind(6, s.model).run();
    SqliteStatement ids(*db_, "SELECT name, id FROM sensors WHERE drive_id = ?1");
    ids.bind(1, drive_id);
    while (ids.step()) sensor_ids[ids.text(0)] = ids.int64(1);
  }

  // Calibrations, keyed by the start of their validity.
  {
    SqliteStatement upsert(*db_,
                           "INSERT INTO calibrations (drive_id, valid_from_ns, valid_to_ns, data) "
                           "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (drive_id, valid_from_ns) DO UPDATE SET "
                           "valid_to_ns = excluded.valid_to_ns, data = excluded.data WHERE data != excluded.data");
    for (const auto& c : drive.calibrations)
      upsert.bind(1, drive_id).bind(2, c.valid_from_ns).bind(3, c.valid_to_ns).bind(4, calibration_to_json(c))
          .run();
  }

  // Frames: insert new ones, update those whose payload location changed, leave the rest alone.
  struct StoredFrame {
    std::int64_t id;
    TimestampNs t;
    std::string file;
    std::uint64_t size;
  };
  std::map<std::pair<std::int64_t, std::int64_t>, StoredFrame> stored;  // (sensor_id, idx)
  {
    SqliteStatement existing(*db_, "SELECT sensor_id, idx, id, timestamp_ns, file, size FROM frames WHERE drive_id = ?1");
    existing.bind(1, drive_id);
    while (existing.step())
      stored[{existing.int64(0), existing.int64(1)}] = {existing.int64(2), existing.int64(3), existing.text(4),
                                                        static_cast<std::uint64_t>(existing.int64(5))};
  }
  {
    SqliteStatement insert(*db_,
                           "INSERT INTO frames (drive_id, sensor_id, idx, timestamp_ns, file, offset, size) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    SqliteStatement update(*db_, "UPDATE frames SET timestamp_ns = ?2, file = ?3, offset = ?4, size = ?5 WHERE id = ?1");
    for (const auto& f : drive.frames) {
      auto sid = sensor_ids.find(f.sensor);
      if (sid == sensor_ids.end()) continue;  // frame of an undeclared sensor: reader bug, skip
      auto key = std::make_pair(sid->second, f.index);
      auto it = stored.find(key);
      if (it == stored.end()) {
        insert.bind(1, drive_id).bind(2, sid->second).bind(3, f.index).bind(4, f.timestamp_ns).bind(5, f.file)
            .bind(6, static_cast<std::int64_t>(f.offset)).bind(7, static_cast<std::int64_t>(f.size)).run();
        stored[key] = {db_->last_insert_id(), f.timestamp_ns, f.file, f.size};
        ++stats.frames_added;
      } else if (it->second.t != f.timestamp_ns || it->second.file != f.file || it->second.size != f.size) {
        update.bind(1, it->second.id).bind(2, f.timestamp_ns).bind(3, f.file)
            .bind(4, static_cast<std::int64_t>(f.offset)).bind(5, static_cast<std::int64_t>(f.size)).run();
        it->second = {it->second.id, f.timestamp_ns, f.file, f.size};
        ++stats.frames_updated;
      }
    }
  }
  auto frame_id = [&](const std::string& sensor, std::int64_t idx) -> std::int64_t {
    auto sid = sensor_ids.find(sensor);
    if (sid == sensor_ids.end()) return 0;
    auto it = stored.find({sid->second, idx});
    return it == stored.end() ? 0 : it->second.id;
  };

  // Samples (lidar-keyed); only touched when new or changed.
  const std::string lidar = drive.lidar_sensor();
  if (!lidar.empty() && (stats.frames_added > 0 || stats.frames_updated > 0)) {
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> existing;  // idx -> (id, lidar_frame_id)
    SqliteStatement q(*db_, "SELECT idx, id, lidar_frame_id FROM samples WHERE drive_id = ?1");
    q.bind(1, drive_id);
    while (q.step()) existing[q.int64(0)] = {q.int64(1), q.int64(2)};
    SqliteStatement insert(*db_,
                           "INSERT INTO samples (drive_id, idx, timestamp_ns, lidar_frame_id) VALUES (?1, ?2, ?3, ?4)");
    SqliteStatement update(*db_, "UPDATE samples SET timestamp_ns = ?2, lidar_frame_id = ?3 WHERE id = ?1");
    SqliteStatement member(*db_,
                           "INSERT INTO sample_frames (sample_id, sensor_id, frame_id, skew_ns) VALUES (?1, ?2, ?3, ?4) "
                           "ON CONFLICT (sample_id, sensor_id) DO UPDATE SET frame_id = excluded.frame_id, "
                           "skew_ns = excluded.skew_ns WHERE frame_id != excluded.frame_id OR skew_ns != excluded.skew_ns");
    for (const auto& s : build_samples(drive.frames, lidar)) {
      std::int64_t lidar_frame = frame_id(lidar, s.lidar_frame_index);
      std::int64_t sample_id = 0;
      auto it = existing.find(s.index);
      if (it == existing.end()) {
        insert.bind(1, drive_id).bind(2, s.index).bind(3, s.timestamp_ns).bind(4, lidar_frame).run();
        sample_id = db_->last_insert_id();
        ++stats.samples_added;
      } else {
        sample_id = it->second.first;
        if (it->second.second != lidar_frame)
          update.bind(1, sample_id).bind(2, s.timestamp_ns).bind(3, lidar_frame).run();
      }
      for (const auto& m : s.members)
        member.bind(1, sample_id).bind(2, sensor_ids[m.sensor]).bind(3, frame_id(m.sensor, m.frame_index))
            .bind(4, m.skew_ns).run();
    }
  }

  // Poses.
  {
    SqliteStatement insert(*db_,
                           "INSERT OR IGNORE INTO poses (drive_id, timestamp_ns, transform, latitude, longitude, "
                           "altitude, roll, pitch, yaw, forward_velocity) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    for (const auto& p : drive.poses) {
      insert.bind(1, drive_id).bind(2, p.timestamp_ns).bind(3, isometry_to_json(p.T_world_from_imu))
          .bind(4, p.latitude_deg).bind(5, p.longitude_deg).bind(6, p.altitude_m).bind(7, p.roll).bind(8, p.pitch)
          .bind(9, p.yaw).bind(10, p.forward_velocity_mps).run();
      stats.poses_added += db_->changes();
    }
  }

  // Labels shipped with the drive, keyed by their order within their frame so a re-ingest adds nothing.
  if (!lidar.empty()) {
    SqliteStatement insert(*db_,
                           "INSERT OR IGNORE INTO labels (drive_id, frame_id, source_key, timestamp_ns, cx, cy, cz, "
                           "length, width, height, yaw, category, track_id, score, source, review, revision, "
                           "truncation, occlusion, alpha, bbox_left, bbox_top, bbox_right, bbox_bottom) VALUES "
                           "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24)");
    std::map<std::pair<std::int64_t, int>, int> ordinal;  // (frame, source) -> next ordinal
    for (const auto& l : drive.labels) {
      std::int64_t fid = frame_id(lidar, l.frame_index);
      if (fid == 0) continue;
      int n = ordinal[{fid, static_cast<int>(l.source)}]++;
      insert.bind(1, drive_id).bind(2, fid).bind(3, std::to_string(n)).bind(4, l.timestamp_ns)
          .bind(5, l.center.x()).bind(6, l.center.y()).bind(7, l.center.z()).bind(8, l.length).bind(9, l.width)
          .bind(10, l.height).bind(11, l.yaw).bind(12, l.category).bind(13, l.track_id).bind(14, l.score)
          .bind(15, std::string(to_string(l.source))).bind(16, std::string(to_string(l.review)))
          .bind(17, l.revision).bind(18, l.truncated).bind(19, l.occlusion).bind(20, l.alpha)
          .bind(21, l.bbox2d[0]).bind(22, l.bbox2d[1]).bind(23, l.bbox2d[2]).bind(24, l.bbox2d[3]).run();
      stats.labels_added += db_->changes();
    }
  }

  {
    SqliteStatement span(*db_,
                         "UPDATE drives SET start_ns = (SELECT min(timestamp_ns) FROM frames WHERE drive_id = ?1), "
                         "end_ns = (SELECT max(timestamp_ns) FROM frames WHERE drive_id = ?1), format = ?2 "
                         "WHERE id = ?1");
    span.bind(1, drive_id).bind(2, drive.format).run();
  }
  std::vector<IngestError> errors = drive.errors;
  for (auto& e : errors)
    if (e.drive.empty()) e.drive = drive.name;
  stats.errors_added = insert_errors(*db_, errors);
  tx.commit();
  return stats;
}

}  // namespace dc::core

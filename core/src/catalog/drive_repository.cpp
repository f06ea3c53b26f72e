#include "dc/core/catalog/drive_repository.h"

#include "catalog/calibration_json.h"
#include "catalog/sqlite_database.h"

#include <set>

namespace dc::core {

namespace {
const char* kDriveColumns =
    "SELECT id, name, format, root, coalesce(start_ns, 0), coalesce(end_ns, 0), time_zone, timestamped FROM drives ";

DriveSummary summary_from_row(const SqliteStatement& q) {
  DriveSummary d;
  d.id = q.int64(0);
  d.name = q.text(1);
  d.format = q.text(2);
  d.root = q.text(3);
  d.start_ns = q.int64(4);
  d.end_ns = q.int64(5);
  d.time_zone = q.text(6);
  d.timestamped = q.int64(7) != 0;
  return d;
}

void fill_counts(const SqliteDatabase& db, DriveSummary& d) {
  SqliteStatement per_sensor(db,
                             "SELECT s.name, (SELECT count(*) FROM frames f WHERE f.sensor_id = s.id) "
                             "FROM sensors s WHERE s.drive_id = ?1 ORDER BY s.name");
  per_sensor.bind(1, d.id);
  while (per_sensor.step()) d.frames_per_sensor[per_sensor.text(0)] = per_sensor.int64(1);
  SqliteStatement samples(db, "SELECT count(*) FROM samples WHERE drive_id = ?1");
  samples.bind(1, d.id);
  if (samples.step()) d.samples = samples.int64(0);
  SqliteStatement labels(db, "SELECT count(*) FROM labels WHERE drive_id = ?1 AND deleted = 0");
  labels.bind(1, d.id);
  if (labels.step()) d.labels = labels.int64(0);
}
}  // namespace

std::vector<DriveSummary> DriveRepository::drives() const {
  std::vector<DriveSummary> out;
  SqliteStatement q(db_, std::string(kDriveColumns) + "ORDER BY name");
  while (q.step()) out.push_back(summary_from_row(q));
  for (auto& d : out) fill_counts(db_, d);
  return out;
}

std::optional<DriveSummary> DriveRepository::find(const std::string& name) const {
  SqliteStatement q(db_, std::string(kDriveColumns) +
                             "WHERE name = ?1 OR root = ?1 OR CAST(id AS TEXT) = ?1 ORDER BY name = ?1 DESC LIMIT 1");
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  DriveSummary d = summary_from_row(q);
  fill_counts(db_, d);
  return d;
}

std::vector<Sensor> DriveRepository::sensors(std::int64_t drive_id) const {
  std::vector<Sensor> out;
  SqliteStatement q(db_, "SELECT name, kind, rate_hz, frame_id, model FROM sensors WHERE drive_id = ?1 ORDER BY id");
  q.bind(1, drive_id);
  while (q.step()) out.push_back({q.text(0), sensor_kind_from_string(q.text(1)), q.real(2), q.text(3), q.text(4)});
  return out;
}

std::vector<Calibration> DriveRepository::calibrations(std::int64_t drive_id, bool include_refined) const {
  std::vector<Calibration> out;
  SqliteStatement q(db_,
                    "SELECT valid_from_ns, valid_to_ns, data, source, job_id FROM calibrations WHERE drive_id = ?1 "
                    "AND (source = 'file' OR ?2) AND (job_id IS NULL OR job_id IN (SELECT id FROM jobs WHERE state = "
                    "'done')) ORDER BY source = 'file' DESC, valid_from_ns, id");
  q.bind(1, drive_id).bind(2, include_refined ? 1 : 0);
  while (q.step()) {
    Calibration c = calibration_from_json(q.text(2));
    c.valid_from_ns = q.int64(0);
    c.valid_to_ns = q.int64(1);
    c.source = calibration_source_from_string(q.text(3));
    if (!q.is_null(4)) c.run_id = q.int64(4);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<Pose> DriveRepository::poses(std::int64_t drive_id) const {
  std::vector<Pose> out;
  SqliteStatement q(db_,
                    "SELECT timestamp_ns, transform, latitude, longitude, altitude, roll, pitch, yaw, forward_velocity "
                    "FROM poses WHERE drive_id = ?1 ORDER BY timestamp_ns");
  q.bind(1, drive_id);
  while (q.step()) {
    Pose p;
    p.timestamp_ns = q.int64(0);
    p.T_world_from_imu = isometry_from_json(q.text(1));
    p.latitude_deg = q.real(2);
    p.longitude_deg = q.real(3);
    p.altitude_m = q.real(4);
    p.roll = q.real(5);
    p.pitch = q.real(6);
    p.yaw = q.real(7);
    p.forward_velocity_mps = q.real(8);
    out.push_back(p);
  }
  return out;
}

DriveRepository::Stored DriveRepository::upsert(const Drive& drive) {
  Stored stored;
  SqliteStatement by_root(db_, "SELECT id, name FROM drives WHERE root = ?1");
  by_root.bind(1, drive.root);
  if (by_root.step()) {
    stored.id = by_root.int64(0);
    stored.name = by_root.text(1);
    SqliteStatement update(db_, "UPDATE drives SET format = ?2, time_zone = ?3, timestamped = ?4 WHERE id = ?1");
    update.bind(1, stored.id).bind(2, drive.format).bind(3, drive.time_zone).bind(4, drive.timestamped ? 1 : 0).run();
    return stored;
  }
  std::string name = drive.name;
  SqliteStatement taken(db_, "SELECT 1 FROM drives WHERE name = ?1");
  for (int n = 2;; ++n) {
    taken.bind(1, name);
    const bool exists = taken.step();
    taken.reset();
    if (!exists) break;
    name = drive.name + "#" + std::to_string(n);
  }
  SqliteStatement insert(db_,
                         "INSERT INTO drives (name, format, root, ingested_ns, time_zone, timestamped) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert.bind(1, name).bind(2, drive.format).bind(3, drive.root).bind(4, wall_clock_ns()).bind(5, drive.time_zone)
      .bind(6, drive.timestamped ? 1 : 0).run();
  stored.id = db_.last_insert_id();
  stored.name = name;
  stored.is_new = true;
  return stored;
}

std::map<std::string, std::int64_t> DriveRepository::sync_sensors(std::int64_t drive_id,
                                                                 const std::vector<Sensor>& sensors) {
  SqliteStatement insert(db_,
                         "INSERT INTO sensors (drive_id, name, kind, rate_hz, frame_id, model) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (drive_id, name) DO UPDATE SET "
                         "rate_hz = excluded.rate_hz, frame_id = excluded.frame_id, model = excluded.model");
  for (const auto& s : sensors)
    insert.bind(1, drive_id).bind(2, s.name).bind(3, std::string(to_string(s.kind))).bind(4, s.rate_hz)
        .bind(5, s.frame_id).bind(6, s.model).run();
  std::map<std::string, std::int64_t> ids;
  SqliteStatement q(db_, "SELECT name, id FROM sensors WHERE drive_id = ?1");
  q.bind(1, drive_id);
  while (q.step()) ids[q.text(0)] = q.int64(1);
  return ids;
}

void DriveRepository::sync_calibrations(std::int64_t drive_id, const std::vector<Calibration>& calibrations) {
  SqliteStatement upsert(db_,
                         "INSERT INTO calibrations (drive_id, valid_from_ns, valid_to_ns, data) "
                         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (drive_id, valid_from_ns) WHERE source = 'file' DO UPDATE SET "
                         "valid_to_ns = excluded.valid_to_ns, data = excluded.data "
                         "WHERE data != excluded.data OR valid_to_ns != excluded.valid_to_ns");
  std::set<TimestampNs> keep;
  for (const auto& c : calibrations) {
    upsert.bind(1, drive_id).bind(2, c.valid_from_ns).bind(3, c.valid_to_ns).bind(4, calibration_to_json(c)).run();
    keep.insert(c.valid_from_ns);
  }
  std::vector<TimestampNs> gone;
  SqliteStatement q(db_, "SELECT valid_from_ns FROM calibrations WHERE drive_id = ?1 AND source = 'file'");
  q.bind(1, drive_id);
  while (q.step())
    if (!keep.count(q.int64(0))) gone.push_back(q.int64(0));
  SqliteStatement remove(db_,
                         "DELETE FROM calibrations WHERE drive_id = ?1 AND valid_from_ns = ?2 AND source = 'file'");
  for (TimestampNs t : gone) remove.bind(1, drive_id).bind(2, t).run();
}

std::int64_t DriveRepository::sync_poses(std::int64_t drive_id, const std::vector<Pose>& poses) {
  std::set<TimestampNs> stored;
  {
    SqliteStatement q(db_, "SELECT timestamp_ns FROM poses WHERE drive_id = ?1");
    q.bind(1, drive_id);
    while (q.step()) stored.insert(q.int64(0));
  }
  SqliteStatement upsert(db_,
                         "INSERT INTO poses (drive_id, timestamp_ns, transform, latitude, longitude, altitude, roll, "
                         "pitch, yaw, forward_velocity) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) "
                         "ON CONFLICT (drive_id, timestamp_ns) DO UPDATE SET transform = excluded.transform, "
                         "latitude = excluded.latitude, longitude = excluded.longitude, altitude = excluded.altitude, "
                         "roll = excluded.roll, pitch = excluded.pitch, yaw = excluded.yaw, "
                         "forward_velocity = excluded.forward_velocity WHERE transform != excluded.transform");
  std::int64_t added = 0;
  std::set<TimestampNs> keep;
  for (const auto& p : poses) {
    upsert.bind(1, drive_id).bind(2, p.timestamp_ns).bind(3, isometry_to_json(p.T_world_from_imu))
        .bind(4, p.latitude_deg).bind(5, p.longitude_deg).bind(6, p.altitude_m).bind(7, p.roll).bind(8, p.pitch)
        .bind(9, p.yaw).bind(10, p.forward_velocity_mps).run();
    added += stored.count(p.timestamp_ns) ? 0 : 1;
    keep.insert(p.timestamp_ns);
  }
  SqliteStatement remove(db_, "DELETE FROM poses WHERE drive_id = ?1 AND timestamp_ns = ?2");
  for (TimestampNs t : stored)
    if (!keep.count(t)) remove.bind(1, drive_id).bind(2, t).run();
  return added;
}

void DriveRepository::update_span(std::int64_t drive_id) {
  SqliteStatement span(db_,
                       "UPDATE drives SET start_ns = (SELECT min(timestamp_ns) FROM frames WHERE drive_id = ?1), "
                       "end_ns = (SELECT max(timestamp_ns) FROM frames WHERE drive_id = ?1) WHERE id = ?1");
  span.bind(1, drive_id).run();
}

}  // namespace dc::core

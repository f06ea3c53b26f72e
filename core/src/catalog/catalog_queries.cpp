// Catalog read queries. Filters are bound parameters; only fixed SQL fragments are chosen in code.
#include "dc/core/catalog/catalog.h"

#include "catalog/calibration_json.h"
#include "catalog/sqlite_database.h"
#include "dc/core/catalog/catalog_error.h"

#include <map>

namespace dc::core {

namespace {
const char* kDriveColumns = "SELECT id, name, format, root, coalesce(start_ns, 0), coalesce(end_ns, 0) FROM drives ";

DriveSummary summary_from_row(const SqliteStatement& q) {
  DriveSummary d;
  d.id = q.int64(0);
  d.name = q.text(1);
  d.format = q.text(2);
  d.root = q.text(3);
  d.start_ns = q.int64(4);
  d.end_ns = q.int64(5);
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
  SqliteStatement labels(db, "SELECT count(*) FROM labels WHERE drive_id = ?1");
  labels.bind(1, d.id);
  if (labels.step()) d.labels = labels.int64(0);
}

BoxLabel label_from_row(const SqliteStatement& q) {
  BoxLabel l;
  l.frame_index = q.int64(0);
  l.timestamp_ns = q.int64(1);
  l.center = {q.real(2), q.real(3), q.real(4)};
  l.length = q.real(5);
  l.width = q.real(6);
  l.height = q.real(7);
  l.yaw = q.real(8);
  l.category = q.text(9);
  l.track_id = q.text(10);
  l.score = q.real(11);
  l.source = label_source_from_string(q.text(12));
  l.review = review_state_from_string(q.text(13));
  l.revision = static_cast<int>(q.int64(14));
  l.truncated = q.is_null(15) ? -1 : q.real(15);
  l.occlusion = q.is_null(16) ? -1 : static_cast<int>(q.int64(16));
  l.alpha = q.is_null(17) ? -10 : q.real(17);
  for (int i = 0; i < 4; ++i) l.bbox2d[i] = q.is_null(18 + i) ? -1 : q.real(18 + i);
  return l;
}
}  // namespace

std::vector<DriveSummary> Catalog::drives() const {
  std::vector<DriveSummary> out;
  SqliteStatement q(*db_, std::string(kDriveColumns) + "ORDER BY name");
  while (q.step()) out.push_back(summary_from_row(q));
  for (auto& d : out) fill_counts(*db_, d);
  return out;
}

std::optional<DriveSummary> Catalog::find_drive(const std::string& name) const {
  SqliteStatement q(*db_, std::string(kDriveColumns) + "WHERE name = ?1 OR root = ?1 OR CAST(id AS TEXT) = ?1 "
                                                       "ORDER BY name = ?1 DESC LIMIT 1");
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  DriveSummary d = summary_from_row(q);
  fill_counts(*db_, d);
  return d;
}

std::vector<Sensor> Catalog::sensors(std::int64_t drive_id) const {
  std::vector<Sensor> out;
  SqliteStatement q(*db_, "SELECT name, kind, rate_hz, frame_id, model FROM sensors WHERE drive_id = ?1 ORDER BY id");
  q.bind(1, drive_id);
  while (q.step()) out.push_back({q.text(0), sensor_kind_from_string(q.text(1)), q.real(2), q.text(3), q.text(4)});
  return out;
}

std::vector<Frame> Catalog::frames(std::int64_t drive_id, const FrameQuery& query) const {
  std::vector<Frame> out;
  std::string sql =
      "SELECT s.name, f.idx, f.timestamp_ns, f.file, f.offset, f.size FROM frames f "
      "JOIN sensors s ON s.id = f.sensor_id WHERE f.drive_id = ?1";
  std::int64_t sensor_id = 0;
  if (query.sensor) {
    SqliteStatement sid(*db_, "SELECT id FROM sensors WHERE drive_id = ?1 AND name = ?2");
    sid.bind(1, drive_id).bind(2, *query.sensor);
    if (!sid.step()) return out;
    sensor_id = sid.int64(0);
    sql += " AND f.sensor_id = ?2";  // lets SQLite use the (drive, sensor, time) index
  }
  if (query.from_ns) sql += " AND f.timestamp_ns >= ?3";
  if (query.to_ns) sql += " AND f.timestamp_ns <= ?4";
  sql += query.sensor ? " ORDER BY f.timestamp_ns" : " ORDER BY f.timestamp_ns, s.name";
  sql += " LIMIT ?5";
  SqliteStatement q(*db_, sql);
  q.bind(1, drive_id);
  if (query.sensor) q.bind(2, sensor_id);
  if (query.from_ns) q.bind(3, *query.from_ns);
  if (query.to_ns) q.bind(4, *query.to_ns);
  q.bind(5, query.limit.value_or(-1));
  while (q.step())
    out.push_back({q.text(0), q.int64(1), q.int64(2), q.text(3), static_cast<std::uint64_t>(q.int64(4)),
                   static_cast<std::uint64_t>(q.int64(5))});
  return out;
}

std::vector<Sample> Catalog::samples(std::int64_t drive_id) const {
  std::vector<Sample> out;
  std::map<std::int64_t, std::size_t> by_id;
  SqliteStatement q(*db_,
                    "SELECT sa.id, sa.idx, sa.timestamp_ns, s.name, f.idx FROM samples sa "
                    "JOIN frames f ON f.id = sa.lidar_frame_id JOIN sensors s ON s.id = f.sensor_id "
                    "WHERE sa.drive_id = ?1 ORDER BY sa.idx");
  q.bind(1, drive_id);
  while (q.step()) {
    Sample s;
    s.index = q.int64(1);
    s.timestamp_ns = q.int64(2);
    s.lidar_sensor = q.text(3);
    s.lidar_frame_index = q.int64(4);
    by_id[q.int64(0)] = out.size();
    out.push_back(std::move(s));
  }
  SqliteStatement m(*db_,
                    "SELECT sf.sample_id, s.name, f.idx, sf.skew_ns FROM sample_frames sf "
                    "JOIN samples sa ON sa.id = sf.sample_id JOIN sensors s ON s.id = sf.sensor_id "
                    "JOIN frames f ON f.id = sf.frame_id WHERE sa.drive_id = ?1 ORDER BY sa.idx, s.name");
  m.bind(1, drive_id);
  while (m.step()) {
    auto it = by_id.find(m.int64(0));
    if (it != by_id.end()) out[it->second].members.push_back({m.text(1), m.int64(2), m.int64(3)});
  }
  return out;
}

std::vector<Pose> Catalog::poses(std::int64_t drive_id) const {
  std::vector<Pose> out;
  SqliteStatement q(*db_,
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

std::vector<Calibration> Catalog::calibrations(std::int64_t drive_id) const {
  std::vector<Calibration> out;
  SqliteStatement q(*db_,
                    "SELECT valid_from_ns, valid_to_ns, data FROM calibrations WHERE drive_id = ?1 "
                    "ORDER BY valid_from_ns");
  q.bind(1, drive_id);
  while (q.step()) {
    Calibration c = calibration_from_json(q.text(2));
    c.valid_from_ns = q.int64(0);
    c.valid_to_ns = q.int64(1);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<BoxLabel> Catalog::labels(std::int64_t drive_id, std::optional<std::int64_t> lidar_frame_index) const {
  std::vector<BoxLabel> out;
  std::string sql =
      "SELECT f.idx, l.timestamp_ns, l.cx, l.cy, l.cz, l.length, l.width, l.height, l.yaw, l.category, l.track_id, "
      "l.score, l.source, l.review, l.revision, l.truncation, l.occlusion, l.alpha, l.bbox_left, l.bbox_top, "
      "l.bbox_right, l.bbox_bottom FROM labels l JOIN frames f ON f.id = l.frame_id WHERE l.drive_id = ?1";
  if (lidar_frame_index) sql += " AND f.idx = ?2";
  sql += " ORDER BY f.idx, l.id";
  SqliteStatement q(*db_, sql);
  q.bind(1, drive_id);
  if (lidar_frame_index) q.bind(2, *lidar_frame_index);
  while (q.step()) out.push_back(label_from_row(q));
  return out;
}

std::vector<IngestError> Catalog::ingest_errors() const {
  std::vector<IngestError> out;
  SqliteStatement q(*db_, "SELECT path, line, message, drive FROM ingest_errors ORDER BY id");
  while (q.step()) out.push_back({q.text(0), static_cast<int>(q.int64(1)), q.text(2), q.text(3)});
  return out;
}

Drive Catalog::load_drive(const std::string& name) const {
  auto summary = find_drive(name);
  if (!summary) throw CatalogError(path().string() + ": no drive named '" + name + "'");
  Drive d;
  d.name = summary->name;
  d.format = summary->format;
  d.root = summary->root;
  d.sensors = sensors(summary->id);
  d.calibrations = calibrations(summary->id);
  d.frames = frames(summary->id);
  d.poses = poses(summary->id);
  d.labels = labels(summary->id);
  return d;
}

}  // namespace dc::core

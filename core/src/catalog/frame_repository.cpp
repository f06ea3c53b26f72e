// Frames and samples. Filters are bound parameters; only fixed SQL fragments are chosen in code.
#include "dc/core/catalog/frame_repository.h"

#include "catalog/sqlite_database.h"

#include <set>
#include <tuple>

namespace dc::core {

std::vector<Frame> FrameRepository::frames(std::int64_t drive_id, const FrameQuery& query) const {
  std::vector<Frame> out;
  std::string sql =
      "SELECT s.name, f.idx, f.timestamp_ns, f.file, f.offset, f.size, f.inner_offset, f.log_time_ns, "
      "f.publish_time_ns FROM frames f "
      "JOIN sensors s ON s.id = f.sensor_id WHERE f.drive_id = ?1";
  std::int64_t sensor_id = 0;
  if (query.sensor) {
    SqliteStatement sid(db_, "SELECT id FROM sensors WHERE drive_id = ?1 AND name = ?2");
    sid.bind(1, drive_id).bind(2, *query.sensor);
    if (!sid.step()) return out;
    sensor_id = sid.int64(0);
    sql += " AND f.sensor_id = ?2";  // lets SQLite use the (drive, sensor, time) index
  }
  if (query.from_ns) sql += " AND f.timestamp_ns >= ?3";
  if (query.to_ns) sql += " AND f.timestamp_ns <= ?4";
  sql += query.sensor ? " ORDER BY f.timestamp_ns, f.idx" : " ORDER BY f.timestamp_ns, s.name, f.idx";
  sql += " LIMIT ?5";
  SqliteStatement q(db_, sql);
  q.bind(1, drive_id);
  if (query.sensor) q.bind(2, sensor_id);
  if (query.from_ns) q.bind(3, *query.from_ns);
  if (query.to_ns) q.bind(4, *query.to_ns);
  q.bind(5, query.limit.value_or(-1));
  while (q.step()) {
    Frame f{q.text(0), q.int64(1), q.int64(2), q.text(3), static_cast<std::uint64_t>(q.int64(4)),
            static_cast<std::uint64_t>(q.int64(5))};
    f.inner_offset = static_cast<std::uint64_t>(q.int64(6));
    if (!q.is_null(7)) f.log_time_ns = q.int64(7);
    if (!q.is_null(8)) f.publish_time_ns = q.int64(8);
    out.push_back(std::move(f));
  }
  return out;
}

namespace {
const char* kSampleColumns =
    "SELECT sa.id, sa.idx, sa.timestamp_ns, s.name, f.idx FROM samples sa "
    "JOIN frames f ON f.id = sa.lidar_frame_id JOIN sensors s ON s.id = f.sensor_id WHERE sa.drive_id = ?1";

void read_members(const SqliteDatabase& db, const std::string& where, std::int64_t drive_id,
                  std::optional<std::int64_t> sample_id, std::map<std::int64_t, Sample*>& by_id) {
  SqliteStatement m(db,
                    "SELECT sf.sample_id, s.name, f.idx, sf.skew_ns FROM sample_frames sf "
                    "JOIN samples sa ON sa.id = sf.sample_id JOIN sensors s ON s.id = sf.sensor_id "
                    "JOIN frames f ON f.id = sf.frame_id WHERE sa.drive_id = ?1" +
                        where + " ORDER BY sa.idx, s.name");
  m.bind(1, drive_id);
  if (sample_id) m.bind(2, *sample_id);
  while (m.step()) {
    auto it = by_id.find(m.int64(0));
    if (it != by_id.end()) it->second->members.push_back({m.text(1), m.int64(2), m.int64(3)});
  }
}

Sample sample_from_row(const SqliteStatement& q) {
  Sample s;
  s.index = q.int64(1);
  s.timestamp_ns = q.int64(2);
  s.lidar_sensor = q.text(3);
  s.lidar_frame_index = q.int64(4);
  return s;
}
}  // namespace

std::vector<Sample> FrameRepository::samples(std::int64_t drive_id) const {
  std::vector<Sample> out;
  std::vector<std::int64_t> ids;
  SqliteStatement q(db_, std::string(kSampleColumns) + " ORDER BY sa.idx");
  q.bind(1, drive_id);
  while (q.step()) {
    out.push_back(sample_from_row(q));
    ids.push_back(q.int64(0));
  }
  std::map<std::int64_t, Sample*> by_id;
  for (std::size_t k = 0; k < out.size(); ++k) by_id[ids[k]] = &out[k];
  read_members(db_, "", drive_id, std::nullopt, by_id);
  return out;
}

std::optional<Sample> FrameRepository::sample(std::int64_t drive_id, std::int64_t key) const {
  SqliteStatement q(db_, std::string(kSampleColumns) + " AND f.idx = ?2");
  q.bind(1, drive_id).bind(2, key);
  if (!q.step()) return std::nullopt;
  Sample s = sample_from_row(q);
  std::map<std::int64_t, Sample*> by_id{{q.int64(0), &s}};
  read_members(db_, " AND sa.id = ?2", drive_id, q.int64(0), by_id);
  return s;
}

FrameSyncResult FrameRepository::sync_frames(std::int64_t drive_id,
                                             const std::map<std::string, std::int64_t>& sensor_ids,
                                             const std::vector<Frame>& frames) {
  struct StoredFrame {
    std::int64_t id;
    TimestampNs t;
    std::string file;
    std::uint64_t offset, size, inner_offset;
    std::optional<TimestampNs> log_time, publish_time;
    bool seen = false;
  };
  std::map<std::pair<std::int64_t, std::int64_t>, StoredFrame> stored;  // (sensor_id, idx)
  std::map<std::int64_t, std::string> sensor_names;
  for (const auto& [name, id] : sensor_ids) sensor_names[id] = name;
  {
    SqliteStatement q(db_,
                      "SELECT sensor_id, idx, id, timestamp_ns, file, offset, size, inner_offset, log_time_ns, "
                      "publish_time_ns FROM frames WHERE drive_id = ?1");
    q.bind(1, drive_id);
    const auto optional_int = [&](int column) {
      return q.is_null(column) ? std::nullopt : std::optional<TimestampNs>(q.int64(column));
    };
    while (q.step())
      stored[{q.int64(0), q.int64(1)}] = {q.int64(2),         q.int64(3),         q.text(4),
                                          static_cast<std::uint64_t>(q.int64(5)),
                                          static_cast<std::uint64_t>(q.int64(6)),
                                          static_cast<std::uint64_t>(q.int64(7)),
                                          optional_int(8),    optional_int(9)};
  }
  FrameSyncResult result;
  SqliteStatement insert(db_,
                         "INSERT INTO frames (drive_id, sensor_id, idx, timestamp_ns, file, offset, size, inner_offset, "
                         "log_time_ns, publish_time_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  SqliteStatement update(db_,
                         "UPDATE frames SET timestamp_ns = ?2, file = ?3, offset = ?4, size = ?5, inner_offset = ?6, "
                         "log_time_ns = ?7, publish_time_ns = ?8 WHERE id = ?1");
  const auto bind_optional = [](SqliteStatement& st, int index, const std::optional<TimestampNs>& v) {
    if (v)
      st.bind(index, *v);
    else
      st.bind_null(index);
  };
  for (const auto& f : frames) {
    auto sid = sensor_ids.find(f.sensor);
    if (sid == sensor_ids.end()) continue;  // frame of an undeclared sensor: reader bug, skip
    const auto key = std::make_pair(sid->second, f.index);
    auto it = stored.find(key);
    if (it == stored.end()) {
      insert.bind(1, drive_id).bind(2, sid->second).bind(3, f.index).bind(4, f.timestamp_ns).bind(5, f.file)
          .bind(6, static_cast<std::int64_t>(f.offset)).bind(7, static_cast<std::int64_t>(f.size))
          .bind(8, static_cast<std::int64_t>(f.inner_offset));
      bind_optional(insert, 9, f.log_time_ns);
      bind_optional(insert, 10, f.publish_time_ns);
      insert.run();
      it = stored
               .emplace(key, StoredFrame{db_.last_insert_id(), f.timestamp_ns, f.file, f.offset, f.size,
                                         f.inner_offset, f.log_time_ns, f.publish_time_ns})
               .first;
      ++result.added;
    } else if (it->second.t != f.timestamp_ns || it->second.file != f.file || it->second.size != f.size ||
               it->second.offset != f.offset || it->second.inner_offset != f.inner_offset ||
               it->second.log_time != f.log_time_ns || it->second.publish_time != f.publish_time_ns) {
      update.bind(1, it->second.id).bind(2, f.timestamp_ns).bind(3, f.file)
          .bind(4, static_cast<std::int64_t>(f.offset)).bind(5, static_cast<std::int64_t>(f.size))
          .bind(6, static_cast<std::int64_t>(f.inner_offset));
      bind_optional(update, 7, f.log_time_ns);
      bind_optional(update, 8, f.publish_time_ns);
      update.run();
      ++result.updated;
    }
    it->second.seen = true;
    result.ids[{f.sensor, f.index}] = it->second.id;
  }
  // Frames the drive's files no longer have go, and with them their sample memberships (foreign keys cascade).
  SqliteStatement remove(db_, "DELETE FROM frames WHERE id = ?1");
  for (const auto& [key, frame] : stored) {
    if (frame.seen) continue;
    remove.bind(1, frame.id).run();
    ++result.removed;
  }
  return result;
}

SampleSyncResult FrameRepository::sync_samples(std::int64_t drive_id,
                                               const std::map<std::string, std::int64_t>& sensor_ids,
                                               const FrameSyncResult& frames, const std::vector<Sample>& samples) {
  struct StoredSample {
    std::int64_t id, idx;
    TimestampNs t;
    bool seen = false;
  };
  std::map<std::int64_t, StoredSample> stored;  // lidar frame row id -> sample
  {
    SqliteStatement q(db_, "SELECT lidar_frame_id, id, idx, timestamp_ns FROM samples WHERE drive_id = ?1");
    q.bind(1, drive_id);
    while (q.step()) stored[q.int64(0)] = {q.int64(1), q.int64(2), q.int64(3)};
  }
  std::map<std::int64_t, std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>>> members;  // sample -> sensor
  {
    SqliteStatement q(db_,
                      "SELECT sf.sample_id, sf.sensor_id, sf.frame_id, sf.skew_ns FROM sample_frames sf "
                      "JOIN samples sa ON sa.id = sf.sample_id WHERE sa.drive_id = ?1");
    q.bind(1, drive_id);
    while (q.step()) members[q.int64(0)][q.int64(1)] = {q.int64(2), q.int64(3)};
  }
  auto frame_id = [&](const std::string& sensor, std::int64_t idx) -> std::int64_t {
    auto it = frames.ids.find({sensor, idx});
    return it == frames.ids.end() ? 0 : it->second;
  };

  SampleSyncResult result;
  // Positions may shift (a recovered early sweep): park every changed position out of the way first, so the
  // (drive, idx) uniqueness never sees two samples at one position mid-update.
  bool positions_change = samples.size() != stored.size();
  for (const auto& s : samples) {
    auto it = stored.find(frame_id(s.lidar_sensor, s.lidar_frame_index));
    positions_change = positions_change || it == stored.end() || it->second.idx != s.index;
  }
  if (positions_change) {
    SqliteStatement park(db_, "UPDATE samples SET idx = -1 - idx WHERE drive_id = ?1");
    park.bind(1, drive_id).run();
  }
  SqliteStatement insert(db_,
                         "INSERT INTO samples (drive_id, idx, timestamp_ns, lidar_frame_id) VALUES (?1, ?2, ?3, ?4)");
  SqliteStatement update(db_, "UPDATE samples SET idx = ?2, timestamp_ns = ?3 WHERE id = ?1");
  SqliteStatement put_member(db_,
                             "INSERT INTO sample_frames (sample_id, sensor_id, frame_id, skew_ns) VALUES (?1, ?2, ?3, ?4) "
                             "ON CONFLICT (sample_id, sensor_id) DO UPDATE SET frame_id = excluded.frame_id, "
                             "skew_ns = excluded.skew_ns");
  SqliteStatement drop_member(db_, "DELETE FROM sample_frames WHERE sample_id = ?1 AND sensor_id = ?2");
  for (const auto& s : samples) {
    const std::int64_t lidar_frame = frame_id(s.lidar_sensor, s.lidar_frame_index);
    if (lidar_frame == 0) continue;
    std::int64_t sample_id = 0;
    bool changed = false;
    auto it = stored.find(lidar_frame);
    if (it == stored.end()) {
      insert.bind(1, drive_id).bind(2, s.index).bind(3, s.timestamp_ns).bind(4, lidar_frame).run();
      sample_id = db_.last_insert_id();
      ++result.added;
    } else {
      it->second.seen = true;
      sample_id = it->second.id;
      if (positions_change || it->second.t != s.timestamp_ns) {
        update.bind(1, sample_id).bind(2, s.index).bind(3, s.timestamp_ns).run();
        changed = it->second.idx != s.index || it->second.t != s.timestamp_ns;
      }
    }
    auto& old = members[sample_id];
    std::set<std::int64_t> present;
    for (const auto& m : s.members) {
      const auto sid = sensor_ids.find(m.sensor);
      const std::int64_t fid = frame_id(m.sensor, m.frame_index);
      if (sid == sensor_ids.end() || fid == 0) continue;
      present.insert(sid->second);
      auto o = old.find(sid->second);
      if (o != old.end() && o->second == std::make_pair(fid, m.skew_ns)) continue;
      put_member.bind(1, sample_id).bind(2, sid->second).bind(3, fid).bind(4, m.skew_ns).run();
      changed = true;
    }
    for (const auto& [sensor, frame] : old) {
      if (present.count(sensor)) continue;
      drop_member.bind(1, sample_id).bind(2, sensor).run();
      changed = true;
    }
    if (changed && it != stored.end()) ++result.updated;
  }
  SqliteStatement remove(db_, "DELETE FROM samples WHERE id = ?1");
  for (const auto& [lidar_frame, s] : stored) {
    if (s.seen) continue;
    remove.bind(1, s.id).run();
    ++result.removed;
  }
  return result;
}

}  // namespace dc::core

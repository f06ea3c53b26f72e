#include "catalog/catalog_schema.h"

namespace dc::core {

const std::vector<std::string>& catalog_migrations() {
  static const std::vector<std::string> migrations = {
      // 1: drives, sensors, calibrations, frames, samples, poses, labels, ingest errors.
      R"sql(
CREATE TABLE drives (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL,
  root TEXT NOT NULL,
  start_ns INTEGER,
  end_ns INTEGER,
  ingested_ns INTEGER NOT NULL
);
CREATE TABLE sensors (
  id INTEGER PRIMARY KEY,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  rate_hz REAL NOT NULL DEFAULT 0,
  frame_id TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL DEFAULT '',
  UNIQUE (drive_id, name)
);
CREATE TABLE calibrations (
  id INTEGER PRIMARY KEY,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  valid_from_ns INTEGER NOT NULL,
  valid_to_ns INTEGER NOT NULL,
  data TEXT NOT NULL,
  UNIQUE (drive_id, valid_from_ns)
);
CREATE TABLE frames (
  id INTEGER PRIMARY KEY,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  sensor_id INTEGER NOT NULL REFERENCES sensors(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  timestamp_ns INTEGER NOT NULL,
  file TEXT NOT NULL,
  offset INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0,
  UNIQUE (sensor_id, idx)
);
CREATE INDEX frames_by_time ON frames (drive_id, sensor_id, timestamp_ns);
CREATE TABLE samples (
  id INTEGER PRIMARY KEY,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  timestamp_ns INTEGER NOT NULL,
  lidar_frame_id INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
  UNIQUE (drive_id, idx)
);
CREATE INDEX samples_by_time ON samples (drive_id, timestamp_ns);
CREATE TABLE sample_frames (
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  sensor_id INTEGER NOT NULL REFERENCES sensors(id) ON DELETE CASCADE,
  frame_id INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
  skew_ns INTEGER NOT NULL,
  PRIMARY KEY (sample_id, sensor_id)
);
CREATE TABLE poses (
  id INTEGER PRIMARY KEY,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  timestamp_ns INTEGER NOT NULL,
  transform TEXT NOT NULL,
  latitude REAL, longitude REAL, altitude REAL,
  roll REAL, pitch REAL, yaw REAL,
  forward_velocity REAL,
  UNIQUE (drive_id, timestamp_ns)
);
CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  frame_id INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
  source_key TEXT NOT NULL,
  timestamp_ns INTEGER NOT NULL,
  cx REAL NOT NULL, cy REAL NOT NULL, cz REAL NOT NULL,
  length REAL NOT NULL, width REAL NOT NULL, height REAL NOT NULL, yaw REAL NOT NULL,
  category TEXT NOT NULL,
  track_id TEXT NOT NULL DEFAULT '',
  score REAL NOT NULL DEFAULT 1,
  source TEXT NOT NULL,
  review TEXT NOT NULL DEFAULT 'unreviewed',
  revision INTEGER NOT NULL DEFAULT 0,
  truncation REAL, occlusion INTEGER, alpha REAL,
  bbox_left REAL, bbox_top REAL, bbox_right REAL, bbox_bottom REAL,
  UNIQUE (frame_id, source, source_key)
);
CREATE INDEX labels_by_frame ON labels (drive_id, frame_id);
CREATE TABLE ingest_errors (
  id INTEGER PRIMARY KEY,
  drive TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL,
  line INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL,
  first_seen_ns INTEGER NOT NULL,
  UNIQUE (path, line, message)
);
)sql",
      // 2: findings, jobs, tags, collections, exports (filled by passes and curation).
      R"sql(
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  pass TEXT NOT NULL,
  pass_version TEXT NOT NULL DEFAULT '',
  parameters TEXT NOT NULL DEFAULT '{}',
  executor TEXT NOT NULL DEFAULT 'local',
  external_id TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'pending',
  progress REAL NOT NULL DEFAULT 0,
  submitted_ns INTEGER, started_ns INTEGER, finished_ns INTEGER,
  host TEXT NOT NULL DEFAULT '', device TEXT NOT NULL DEFAULT '',
  log_path TEXT NOT NULL DEFAULT '', result_path TEXT NOT NULL DEFAULT ''
);
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  check_name TEXT NOT NULL,
  severity TEXT NOT NULL,
  start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL,
  sample_id INTEGER REFERENCES samples(id) ON DELETE SET NULL,
  sensor TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}',
  review TEXT NOT NULL DEFAULT 'unreviewed'
);
CREATE INDEX findings_by_drive ON findings (drive_id, start_ns);
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE sample_tags (
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY (sample_id, tag_id)
);
CREATE TABLE collections (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_ns INTEGER NOT NULL);
CREATE TABLE collection_samples (
  collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  PRIMARY KEY (collection_id, sample_id)
);
CREATE TABLE exports (
  id INTEGER PRIMARY KEY,
  collection_id INTEGER REFERENCES collections(id) ON DELETE SET NULL,
  format TEXT NOT NULL, path TEXT NOT NULL, created_ns INTEGER NOT NULL, manifest TEXT NOT NULL DEFAULT '{}'
);
)sql",
      // 3: stable identities. Samples are keyed by their lidar frame; labels get revisions (old ones kept in
      // label_revisions), soft deletion, the run that made them, two truncation fields, and a frame index of their
      // own so a drive without lidar keeps its labels; DontCare regions leave the labels for a table of their own.
      R"sql(
ALTER TABLE drives ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE drives ADD COLUMN timestamped INTEGER NOT NULL DEFAULT 1;
UPDATE drives SET timestamped = 0 WHERE format = 'kitti-object';
CREATE UNIQUE INDEX samples_by_lidar_frame ON samples (drive_id, lidar_frame_id);
CREATE TABLE labels_v3 (
  id INTEGER PRIMARY KEY,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  frame_idx INTEGER NOT NULL,
  timestamp_ns INTEGER NOT NULL,
  cx REAL NOT NULL, cy REAL NOT NULL, cz REAL NOT NULL,
  length REAL NOT NULL, width REAL NOT NULL, height REAL NOT NULL, yaw REAL NOT NULL,
  category TEXT NOT NULL,
  track_id TEXT NOT NULL DEFAULT '',
  score REAL NOT NULL DEFAULT 1,
  source TEXT NOT NULL,
  review TEXT NOT NULL DEFAULT 'unreviewed',
  revision INTEGER NOT NULL DEFAULT 1,
  deleted INTEGER NOT NULL DEFAULT 0,
  run_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  truncated REAL, truncation_state INTEGER, occlusion INTEGER, alpha REAL,
  bbox_left REAL, bbox_top REAL, bbox_right REAL, bbox_bottom REAL,
  updated_ns INTEGER NOT NULL DEFAULT 0
);
INSERT INTO labels_v3 (id, drive_id, frame_idx, timestamp_ns, cx, cy, cz, length, width, height, yaw, category,
  track_id, score, source, review, revision, truncated, truncation_state, occlusion, alpha, bbox_left, bbox_top,
  bbox_right, bbox_bottom)
SELECT l.id, l.drive_id, f.idx, l.timestamp_ns, l.cx, l.cy, l.cz, l.length, l.width, l.height, l.yaw, l.category,
  l.track_id, l.score, l.source, l.review, max(l.revision, 1),
  CASE WHEN d.format = 'kitti-object' THEN l.truncation END,
  CASE WHEN d.format = 'kitti-raw' THEN CAST(l.truncation AS INTEGER) END,
  l.occlusion, l.alpha, l.bbox_left, l.bbox_top, l.bbox_right, l.bbox_bottom
FROM labels l JOIN frames f ON f.id = l.frame_id JOIN drives d ON d.id = l.drive_id
WHERE l.category != 'DontCare';
CREATE TABLE dont_care_regions (
  id INTEGER PRIMARY KEY,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  frame_idx INTEGER NOT NULL,
  timestamp_ns INTEGER NOT NULL,
  bbox_left REAL NOT NULL, bbox_top REAL NOT NULL, bbox_right REAL NOT NULL, bbox_bottom REAL NOT NULL
);
INSERT INTO dont_care_regions (drive_id, frame_idx, timestamp_ns, bbox_left, bbox_top, bbox_right, bbox_bottom)
SELECT l.drive_id, f.idx, l.timestamp_ns, l.bbox_left, l.bbox_top, l.bbox_right, l.bbox_bottom
FROM labels l JOIN frames f ON f.id = l.frame_id WHERE l.category = 'DontCare';
CREATE INDEX dont_care_by_frame ON dont_care_regions (drive_id, frame_idx);
DROP TABLE labels;
ALTER TABLE labels_v3 RENAME TO labels;
CREATE INDEX labels_by_frame ON labels (drive_id, frame_idx);
CREATE TABLE label_revisions (
  label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
  revision INTEGER NOT NULL,
  data TEXT NOT NULL,
  replaced_ns INTEGER NOT NULL,
  PRIMARY KEY (label_id, revision)
);
ALTER TABLE findings ADD COLUMN sample_key INTEGER;
CREATE INDEX ingest_errors_by_drive ON ingest_errors (drive);
)sql",
      // 4: pass runs. A run records its drive, process, counts and error; calibrations carry their source and run
      // (a refined one never replaces the file's); per-sample metrics (calibration score...) of runs.
      R"sql(
ALTER TABLE jobs ADD COLUMN drive_id INTEGER REFERENCES drives(id) ON DELETE CASCADE;
ALTER TABLE jobs ADD COLUMN pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN counts TEXT NOT NULL DEFAULT '{}';
ALTER TABLE jobs ADD COLUMN error TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
UPDATE jobs SET state = 'queued' WHERE state = 'pending';
UPDATE jobs SET state = 'done' WHERE state = 'succeeded';
CREATE INDEX jobs_by_drive ON jobs (drive_id, pass);
CREATE TABLE calibrations_v4 (
  id INTEGER PRIMARY KEY,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  valid_from_ns INTEGER NOT NULL,
  valid_to_ns INTEGER NOT NULL,
  data TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT 'file',
  job_id INTEGER REFERENCES jobs(id) ON DELETE CASCADE
);
INSERT INTO calibrations_v4 (id, drive_id, valid_from_ns, valid_to_ns, data)
SELECT id, drive_id, valid_from_ns, valid_to_ns, data FROM calibrations;
DROP TABLE calibrations;
ALTER TABLE calibrations_v4 RENAME TO calibrations;
CREATE UNIQUE INDEX calibrations_from_file ON calibrations (drive_id, valid_from_ns) WHERE source = 'file';
CREATE INDEX calibrations_by_job ON calibrations (job_id);
CREATE INDEX findings_by_job ON findings (job_id);
CREATE INDEX labels_by_run ON labels (run_id);
CREATE TABLE sample_metrics (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  sample_key INTEGER NOT NULL,
  timestamp_ns INTEGER NOT NULL,
  sensor TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX sample_metrics_by_drive ON sample_metrics (drive_id, name, sensor, sample_key);
)sql",
      // 5: named model runs (imported predictions) and stored evaluations.
      R"sql(
ALTER TABLE labels ADD COLUMN source_name TEXT NOT NULL DEFAULT '';
CREATE INDEX labels_by_source ON labels (drive_id, source, source_name);
CREATE TABLE evaluations (
  id INTEGER PRIMARY KEY,
  job_id INTEGER REFERENCES jobs(id) ON DELETE CASCADE,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  created_ns INTEGER NOT NULL,
  predicted TEXT NOT NULL,
  reference TEXT NOT NULL,
  parameters TEXT NOT NULL DEFAULT '{}',
  summary TEXT NOT NULL DEFAULT '{}',
  curves TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX evaluations_by_drive ON evaluations (drive_id, predicted, reference);
)sql",
      // 6: cluster jobs. An array job is a jobs row; its tasks are runs that name it, each over a drive or a shard of
      // its samples, with what the scheduler says of them.
      R"sql(
ALTER TABLE jobs ADD COLUMN parent_id INTEGER REFERENCES jobs(id) ON DELETE CASCADE;
ALTER TABLE jobs ADD COLUMN task_index INTEGER NOT NULL DEFAULT -1;
ALTER TABLE jobs ADD COLUMN first_sample INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN end_sample INTEGER NOT NULL DEFAULT -1;
ALTER TABLE jobs ADD COLUMN cluster_options TEXT NOT NULL DEFAULT '{}';
ALTER TABLE jobs ADD COLUMN scheduler_state TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN exit_code TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN elapsed_s REAL NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN log_tail TEXT NOT NULL DEFAULT '';
CREATE INDEX jobs_by_parent ON jobs (parent_id, task_index);
)sql",
      // 7: a collection remembers the query that froze it (empty for collections built by hand).
      R"sql(
ALTER TABLE collections ADD COLUMN query TEXT NOT NULL DEFAULT '';
)sql",
      // 8: review. Findings and labels record who reviewed them and when (a change of review state is made in place;
      // review_log keeps what it replaced); a review session remembers where a reviewer stopped on a drive (scope as
      // JSON, current sample key and item, counts as JSON).
      R"sql(
ALTER TABLE labels ADD COLUMN reviewer TEXT NOT NULL DEFAULT '';
ALTER TABLE labels ADD COLUMN reviewed_ns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN reviewer TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN reviewed_ns INTEGER NOT NULL DEFAULT 0;
CREATE TABLE review_sessions (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  reviewer TEXT NOT NULL DEFAULT '',
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  scope TEXT NOT NULL DEFAULT '{}',
  current_sample_key INTEGER,
  current_item TEXT NOT NULL DEFAULT '',
  counts TEXT NOT NULL DEFAULT '{}',
  created_ns INTEGER NOT NULL,
  updated_ns INTEGER NOT NULL,
  UNIQUE (drive_id, name)
);
CREATE INDEX review_sessions_by_drive ON review_sessions (drive_id, updated_ns);
CREATE TABLE review_log (
  id INTEGER PRIMARY KEY,
  drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  item_kind TEXT NOT NULL,
  item_id INTEGER NOT NULL,
  previous_review TEXT NOT NULL,
  previous_reviewer TEXT NOT NULL DEFAULT '',
  previous_reviewed_ns INTEGER NOT NULL DEFAULT 0,
  review TEXT NOT NULL,
  reviewer TEXT NOT NULL DEFAULT '',
  reviewed_ns INTEGER NOT NULL
);
CREATE INDEX review_log_by_item ON review_log (item_kind, item_id);
)sql",
      // 9: indexes for queries. Each selective term (tag, class, finding check, review state) starts from its own
      // index and reaches the samples through a frame's (drive, index) and the sample of a lidar frame.
      R"sql(
CREATE INDEX sample_tags_by_tag ON sample_tags (tag_id, sample_id);
CREATE INDEX labels_by_category ON labels (category, deleted, drive_id, frame_idx);
CREATE INDEX labels_by_review ON labels (review, deleted);
CREATE INDEX labels_by_sample_key ON labels (deleted, drive_id, frame_idx);
CREATE INDEX frames_by_drive_index ON frames (drive_id, idx);
CREATE INDEX findings_by_check ON findings (check_name);
CREATE INDEX findings_by_sample_key ON findings (drive_id, sample_key);
CREATE INDEX findings_by_review ON findings (review);
)sql",
      // 10: clocks and places of container messages. MCAP frames keep the message's offset inside its decoded
      // chunk (offset is the Chunk record's) and the recorder's log and publish times beside the header stamp
      // (NULL for formats with one clock).
      R"sql(
ALTER TABLE frames ADD COLUMN inner_offset INTEGER NOT NULL DEFAULT 0;
ALTER TABLE frames ADD COLUMN log_time_ns INTEGER;
ALTER TABLE frames ADD COLUMN publish_time_ns INTEGER;
)sql",
      // 11: a label's class as its dataset names it (nuScenes "vehicle.bus.rigid" beside the project's "Truck");
      // NULL when the source has no class of its own (KITTI, predictions) and for labels stored before this version.
      R"sql(
ALTER TABLE labels ADD COLUMN source_category TEXT;
)sql",
  };
  return migrations;
}

}  // namespace dc::core

#include "test_support.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/catalog/catalog_error.h"

#include <QProcess>
#include <QTest>

#include <sqlite3.h>

using namespace dc::core;

namespace {

// A small in-memory drive: lidar at 10 Hz, one camera 5 ms later, poses, one GT box per sweep.
Drive make_drive(const std::string& root, int sweeps, int first = 0) {
  Drive d;
  d.name = "test_drive_0001_sync";
  d.format = "kitti-raw";
  d.root = root;
  d.sensors = {{"velodyne_points", SensorKind::Lidar, 10, "velo", "HDL-64E"},
               {"image_02", SensorKind::Camera, 10, "cam2", ""},
               {"oxts", SensorKind::GnssImu, 10, "imu", ""}};
  Calibration c;
  CameraIntrinsics k;
  k.K << 700, 0, 600, 0, 700, 180, 0, 0, 1;
  k.width = 1242;
  k.height = 375;
  c.cameras["image_02"] = k;
  RigidTransform t;
  t.to_frame = "cam2";
  t.from_frame = "velo";
  t.T_to_from.translation() = Eigen::Vector3d(0.1, -0.2, 0.3);
  c.extrinsics.push_back(t);
  d.calibrations.push_back(c);
  const TimestampNs t0 = 1'700'000'000'000'000'000;
  for (int i = first; i < first + sweeps; ++i) {
    TimestampNs t = t0 + i * 100'000'000LL;
    d.frames.push_back({"velodyne_points", i, t, root + "/velodyne_points/data/" + std::to_string(i) + ".bin", 0, 1600});
    d.frames.push_back({"image_02", i, t + 5'000'000, root + "/image_02/data/" + std::to_string(i) + ".png", 0, 9000});
    d.frames.push_back({"oxts", i, t - 1'000'000, root + "/oxts/data/" + std::to_string(i) + ".txt", 0, 500});
    Pose p;
    p.timestamp_ns = t - 1'000'000;
    p.T_world_from_imu.translation() = Eigen::Vector3d(i * 1.0, 0, 0);
    d.poses.push_back(p);
    BoxLabel b;
    b.frame_index = i;
    b.timestamp_ns = t;
    b.center = {10.0 + i, 2, -0.8};
    b.length = 4.2;
    b.width = 1.8;
    b.height = 1.5;
    b.yaw = 0.1;
    b.category = "Car";
    b.track_id = "0";
    d.labels.push_back(b);
  }
  return d;
}


// The first schema version's tables (as migration 1 created them), with a few rows in them.
const char* kVersionOneCatalog = R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1);
CREATE TABLE drives (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, format TEXT NOT NULL, root TEXT NOT NULL,
  start_ns INTEGER, end_ns INTEGER, ingested_ns INTEGER NOT NULL);
CREATE TABLE sensors (id INTEGER PRIMARY KEY, drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  name TEXT NOT NULL, kind TEXT NOT NULL, rate_hz REAL NOT NULL DEFAULT 0, frame_id TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL DEFAULT '', UNIQUE (drive_id, name));
CREATE TABLE calibrations (id INTEGER PRIMARY KEY, drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  valid_from_ns INTEGER NOT NULL, valid_to_ns INTEGER NOT NULL, data TEXT NOT NULL, UNIQUE (drive_id, valid_from_ns));
CREATE TABLE frames (id INTEGER PRIMARY KEY, drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  sensor_id INTEGER NOT NULL REFERENCES sensors(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
  timestamp_ns INTEGER NOT NULL, file TEXT NOT NULL, offset INTEGER NOT NULL DEFAULT 0, size INTEGER NOT NULL DEFAULT 0,
  UNIQUE (sensor_id, idx));
CREATE INDEX frames_by_time ON frames (drive_id, sensor_id, timestamp_ns);
CREATE TABLE samples (id INTEGER PRIMARY KEY, drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL, timestamp_ns INTEGER NOT NULL,
  lidar_frame_id INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE, UNIQUE (drive_id, idx));
CREATE INDEX samples_by_time ON samples (drive_id, timestamp_ns);
CREATE TABLE sample_frames (sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  sensor_id INTEGER NOT NULL REFERENCES sensors(id) ON DELETE CASCADE,
  frame_id INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE, skew_ns INTEGER NOT NULL,
  PRIMARY KEY (sample_id, sensor_id));
CREATE TABLE poses (id INTEGER PRIMARY KEY, drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  timestamp_ns INTEGER NOT NULL, transform TEXT NOT NULL, latitude REAL, longitude REAL, altitude REAL, roll REAL,
  pitch REAL, yaw REAL, forward_velocity REAL, UNIQUE (drive_id, timestamp_ns));
CREATE TABLE labels (id INTEGER PRIMARY KEY, drive_id INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
  frame_id INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE, source_key TEXT NOT NULL,
  timestamp_ns INTEGER NOT NULL, cx REAL NOT NULL, cy REAL NOT NULL, cz REAL NOT NULL, length REAL NOT NULL,
  width REAL NOT NULL, height REAL NOT NULL, yaw REAL NOT NULL, category TEXT NOT NULL,
  track_id TEXT NOT NULL DEFAULT '', score REAL NOT NULL DEFAULT 1, source TEXT NOT NULL,
  review TEXT NOT NULL DEFAULT 'unreviewed', revision INTEGER NOT NULL DEFAULT 0, truncation REAL, occlusion INTEGER,
  alpha REAL, bbox_left REAL, bbox_top REAL, bbox_right REAL, bbox_bottom REAL, UNIQUE (frame_id, source, source_key));
CREATE INDEX labels_by_frame ON labels (drive_id, frame_id);
CREATE TABLE ingest_errors (id INTEGER PRIMARY KEY, drive TEXT NOT NULL DEFAULT '', path TEXT NOT NULL,
  line INTEGER NOT NULL DEFAULT 0, message TEXT NOT NULL, first_seen_ns INTEGER NOT NULL, UNIQUE (path, line, message));
INSERT INTO drives VALUES (1, 'kitti-object/training', 'kitti-object', '/k/training', 0, 200000000, 1);
INSERT INTO sensors VALUES (1, 1, 'velodyne', 'lidar', 0, 'velo', '');
INSERT INTO frames VALUES (1, 1, 1, 1, 100000000, '/k/training/velodyne/000001.bin', 0, 1600);
INSERT INTO samples VALUES (1, 1, 0, 100000000, 1);
INSERT INTO labels VALUES (1, 1, 1, '0', 100000000, 10, 1, -0.8, 4, 1.8, 1.5, 0.1, 'Car', '', 1, 'gt', 'unreviewed', 0,
  0.5, 0, -1.5, 387.63, 181.54, 423.81, 203.12);
INSERT INTO labels VALUES (2, 1, 1, '1', 100000000, -1000, -1000, -1000, -1, -1, -1, -10, 'DontCare', '', 1, 'gt',
  'unreviewed', 0, -1, -1, -10, 503.89, 169.71, 590.61, 190.13);
INSERT INTO drives VALUES (2, 'x_drive_0001_sync', 'kitti-raw', '/r/x_drive_0001_sync', 5, 5, 1);
INSERT INTO sensors VALUES (2, 2, 'velodyne_points', 'lidar', 10, 'velo', '');
INSERT INTO frames VALUES (2, 2, 2, 7, 5, '/r/x_drive_0001_sync/velodyne_points/data/0000000007.bin', 0, 1600);
INSERT INTO samples VALUES (2, 2, 0, 5, 2);
INSERT INTO labels VALUES (3, 2, 2, '0', 5, 5, 2, -0.8, 0.8, 0.6, 1.7, 0.0, 'Pedestrian', '3', 1, 'gt', 'unreviewed', 0,
  2, 1, -10, -1, -1, -1, -1);
)sql";

}  // namespace

class TestCatalog : public QObject {
  Q_OBJECT
private slots:
  void createsAndMigrates() {
    auto dir = dc::test::fresh_work_dir("catalog_migrate");
    {
      Catalog c(dir / "sub" / "c.sqlite");
      QCOMPARE(c.schema_version(), Catalog::latest_schema_version());
      QVERIFY(c.drives().empty());
    }
    // Reopening keeps the version and runs nothing twice.
    Catalog again(dir / "sub" / "c.sqlite");
    QCOMPARE(again.schema_version(), Catalog::latest_schema_version());
    // WAL and foreign keys are on.
    sqlite3* raw = nullptr;
    QCOMPARE(sqlite3_open((dir / "sub" / "c.sqlite").c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, nullptr);
    QCOMPARE(sqlite3_step(st), SQLITE_ROW);
    QCOMPARE(QString(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))), QString("wal"));
    sqlite3_finalize(st);
    sqlite3_close(raw);
  }

  void migratesFromVersionOne() {
    // A catalog file as the first schema version wrote it (frozen here as a fixture): two drives, a DontCare row
    // stored as a box, and the single truncation column of the time.
    auto dir = dc::test::fresh_work_dir("catalog_v1");
    auto file = dir / "c.sqlite";
    sqlite3* raw = nullptr;
    sqlite3_open(file.c_str(), &raw);
    QCOMPARE(sqlite3_exec(raw, kVersionOneCatalog, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);

    Catalog c(file);
    QCOMPARE(c.schema_version(), Catalog::latest_schema_version());
    const auto drives = c.drives();
    QCOMPARE(drives.size(), std::size_t(2));
    const auto object = *c.find_drive("kitti-object/training");
    const auto raw_drive = *c.find_drive("x_drive_0001_sync");
    QVERIFY(!object.timestamped);
    QVERIFY(raw_drive.timestamped);
    QCOMPARE(object.labels, std::int64_t(1));  // the DontCare row is no longer a label
    const auto car = c.labels(object.id);
    QCOMPARE(car.size(), std::size_t(1));
    QCOMPARE(car[0].category, std::string("Car"));
    QCOMPARE(car[0].truncated, 0.5);
    QCOMPARE(car[0].truncation_state, -1);
    QCOMPARE(car[0].revision, 1);
    const auto regions = c.label_repository().dont_care(object.id);
    QCOMPARE(regions.size(), std::size_t(1));
    QCOMPARE(regions[0].frame_index, std::int64_t(1));
    QCOMPARE(regions[0].bbox2d[2], 590.61);
    const auto ped = c.labels(raw_drive.id);
    QCOMPARE(ped.size(), std::size_t(1));
    QCOMPARE(ped[0].truncation_state, 2);
    QCOMPARE(ped[0].truncated, -1.0);
    QCOMPARE(c.samples(raw_drive.id).size(), std::size_t(1));
    QCOMPARE(c.samples(raw_drive.id)[0].key(), std::int64_t(7));
  }

  void twoProcessesOpenAFreshCatalog() {
    // Both processes start on a file that does not exist yet; exactly one migrates, neither fails.
    for (int round = 0; round < 4; ++round) {
      auto dir = dc::test::fresh_work_dir("catalog_race_" + std::to_string(round));
      const QString file = QString::fromStdString((dir / "c.sqlite").string());
      QProcess a, b;
      const QStringList args = {"--catalog", file, "drives", "--json"};
      a.start(DC_CLI_PATH, args);
      b.start(DC_CLI_PATH, args);
      QVERIFY(a.waitForFinished(30000));
      QVERIFY(b.waitForFinished(30000));
      QVERIFY2(a.exitCode() == 0, a.readAllStandardError().constData());
      QVERIFY2(b.exitCode() == 0, b.readAllStandardError().constData());
      Catalog c(dir / "c.sqlite");
      QCOMPARE(c.schema_version(), Catalog::latest_schema_version());
    }
  }

  void storesEverything() {
    auto dir = dc::test::fresh_work_dir("catalog_store");
    Catalog c(dir / "c.sqlite");
    Drive d = make_drive("/data/a", 5);
    auto stats = c.store_drive(d);
    QCOMPARE(stats.drives_added, std::int64_t(1));
    QCOMPARE(stats.frames_added, std::int64_t(15));
    QCOMPARE(stats.samples_added, std::int64_t(5));
    QCOMPARE(stats.labels_added, std::int64_t(5));
    QCOMPARE(stats.poses_added, std::int64_t(5));

    auto drives = c.drives();
    QCOMPARE(drives.size(), std::size_t(1));
    const auto& s = drives[0];
    QCOMPARE(s.name, d.name);
    QCOMPARE(s.frames_per_sensor.at("image_02"), std::int64_t(5));
    QCOMPARE(s.samples, std::int64_t(5));
    QCOMPARE(s.start_ns, d.frames[2].timestamp_ns);  // oxts comes first
    QCOMPARE(s.end_ns, d.frames[13].timestamp_ns);   // last camera frame

    auto samples = c.samples(s.id);
    QCOMPARE(samples.size(), std::size_t(5));
    QCOMPARE(samples[2].lidar_frame_index, std::int64_t(2));
    QCOMPARE(samples[2].members.size(), std::size_t(2));
    QCOMPARE(samples[2].members[0].sensor, std::string("image_02"));
    QCOMPARE(samples[2].members[0].skew_ns, std::int64_t(5'000'000));
    QCOMPARE(samples[2].members[1].skew_ns, std::int64_t(-1'000'000));

    auto calibs = c.calibrations(s.id);
    QCOMPARE(calibs.size(), std::size_t(1));
    QCOMPARE(calibs[0].cameras.at("image_02").K(0, 0), 700.0);
    QCOMPARE(calibs[0].cameras.at("image_02").width, 1242);
    auto T = calibs[0].transform("cam2", "velo");
    QVERIFY(T.has_value());
    QVERIFY((T->translation() - Eigen::Vector3d(0.1, -0.2, 0.3)).norm() < 1e-12);

    auto labels = c.labels(s.id, 3);
    QCOMPARE(labels.size(), std::size_t(1));
    QCOMPARE(labels[0].category, std::string("Car"));
    QCOMPARE(labels[0].center.x(), 13.0);
    QCOMPARE(labels[0].yaw, 0.1);
    QCOMPARE(c.poses(s.id).size(), std::size_t(5));
    QCOMPARE(c.poses(s.id)[4].T_world_from_imu.translation().x(), 4.0);

    Drive loaded = c.load_drive(d.name);
    QCOMPARE(loaded.frames.size(), d.frames.size());
    QCOMPARE(loaded.labels.size(), d.labels.size());
    QCOMPARE(loaded.sensors.size(), d.sensors.size());
  }

  void frameQueries() {
    auto dir = dc::test::fresh_work_dir("catalog_query");
    Catalog c(dir / "c.sqlite");
    Drive d = make_drive("/data/a", 10);
    c.store_drive(d);
    auto id = c.drives()[0].id;
    FrameQuery q;
    q.sensor = "velodyne_points";
    q.from_ns = d.frames[3 * 3].timestamp_ns;  // sweep 3
    q.to_ns = d.frames[6 * 3].timestamp_ns;    // sweep 6, inclusive
    auto frames = c.frames(id, q);
    QCOMPARE(frames.size(), std::size_t(4));
    QCOMPARE(frames.front().index, std::int64_t(3));
    QCOMPARE(frames.back().index, std::int64_t(6));
    q.sensor = "no_such_sensor";
    QVERIFY(c.frames(id, q).empty());
    FrameQuery all;
    QCOMPARE(c.frames(id, all).size(), std::size_t(30));
    all.limit = 7;
    QCOMPARE(c.frames(id, all).size(), std::size_t(7));
    // User text goes in as a bound value, never into SQL.
    QVERIFY(!c.find_drive("x' OR '1'='1").has_value());
    QVERIFY(c.find_drive(d.name).has_value());
  }

  void idempotentAndIncremental() {
    auto dir = dc::test::fresh_work_dir("catalog_incremental");
    Catalog c(dir / "c.sqlite");
    c.store_drive(make_drive("/data/a", 5));
    auto again = c.store_drive(make_drive("/data/a", 5));
    QCOMPARE(again.drives_added, std::int64_t(0));
    QCOMPARE(again.frames_added, std::int64_t(0));
    QCOMPARE(again.samples_added, std::int64_t(0));
    QCOMPARE(again.labels_added, std::int64_t(0));
    QCOMPARE(again.poses_added, std::int64_t(0));
    QCOMPARE(c.drives()[0].frames_per_sensor.at("velodyne_points"), std::int64_t(5));

    // The drive grew by 3 sweeps: only those are added.
    auto grown = c.store_drive(make_drive("/data/a", 8));
    QCOMPARE(grown.frames_added, std::int64_t(9));
    QCOMPARE(grown.samples_added, std::int64_t(3));
    QCOMPARE(grown.labels_added, std::int64_t(3));
    auto s = c.drives()[0];
    QCOMPARE(s.samples, std::int64_t(8));
    QCOMPARE(s.frames_per_sensor.at("image_02"), std::int64_t(8));

    // A payload that was missing appears: the frame is updated, not duplicated.
    Drive fixed = make_drive("/data/a", 8);
    fixed.frames[0].file = "/data/a/velodyne_points/data/moved.bin";
    auto upd = c.store_drive(fixed);
    QCOMPARE(upd.frames_added, std::int64_t(0));
    QCOMPARE(upd.frames_updated, std::int64_t(1));
  }

  void sameNameOtherRootGetsUniqueName() {
    auto dir = dc::test::fresh_work_dir("catalog_names");
    Catalog c(dir / "c.sqlite");
    c.store_drive(make_drive("/copies/1", 2));
    c.store_drive(make_drive("/copies/2", 2));
    auto drives = c.drives();
    QCOMPARE(drives.size(), std::size_t(2));
    QVERIFY(drives[0].name != drives[1].name);
  }

  void errorsAreRecordedOnce() {
    auto dir = dc::test::fresh_work_dir("catalog_errors");
    Catalog c(dir / "c.sqlite");
    std::vector<IngestError> e = {{"/x/calib.txt", 3, "bad", "d"}, {"/x/a.bin", 0, "truncated", "d"}};
    QCOMPARE(c.record_errors(e), std::int64_t(2));
    QCOMPARE(c.record_errors(e), std::int64_t(0));
    QCOMPARE(c.ingest_errors().size(), std::size_t(2));
    QCOMPARE(c.ingest_errors()[0].line, 3);
  }

  void notSqliteIsRejectedAndUntouched() {
    auto dir = dc::test::fresh_work_dir("catalog_not_sqlite");
    auto file = dir / "catalog.sqlite";
    const std::string garbage = "this is a text file, not a database\n" + std::string(5000, 'x');
    dc::test::write_text(file, garbage);
    try {
      Catalog c(file);
      QFAIL("opening a non-SQLite file must throw");
    } catch (const CatalogError& e) {
      QVERIFY2(std::string(e.what()).find(file.string()) != std::string::npos, e.what());
      QVERIFY2(std::string(e.what()).find("not a usable SQLite catalog") != std::string::npos, e.what());
    }
    QCOMPARE(dc::test::read_text(file), garbage);
    QVERIFY(!std::filesystem::exists(file.string() + "-wal"));
  }

  void failedWriteLeavesCatalogAsItWas() {
    auto dir = dc::test::fresh_work_dir("catalog_rollback");
    auto file = dir / "c.sqlite";
    Catalog c(file);
    c.store_drive(make_drive("/data/a", 3));
    // A trigger makes the last write of the next store fail, after its frames and samples went in.
    sqlite3* raw = nullptr;
    sqlite3_open(file.c_str(), &raw);
    QCOMPARE(sqlite3_exec(raw,
                          "CREATE TRIGGER boom BEFORE INSERT ON labels WHEN NEW.category = 'Boom' "
                          "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
                          nullptr, nullptr, nullptr),
             SQLITE_OK);
    sqlite3_close(raw);
    Drive bad = make_drive("/data/b", 4);
    bad.labels.back().category = "Boom";
    QVERIFY_THROWS_EXCEPTION(CatalogError, c.store_drive(bad));
    auto drives = c.drives();
    QCOMPARE(drives.size(), std::size_t(1));
    QCOMPARE(drives[0].root, std::string("/data/a"));
    QCOMPARE(drives[0].frames_per_sensor.at("velodyne_points"), std::int64_t(3));
    QCOMPARE(c.frames(drives[0].id).size(), std::size_t(9));
  }
  void sampleKeysSurviveARecoveredEarlySweep() {
    // Sweeps 1..5 first; then sweep 0 is recovered. Positions shift by one, keys and what hangs on them do not.
    auto dir = dc::test::fresh_work_dir("catalog_keys");
    Catalog c(dir / "c.sqlite");
    c.store_drive(make_drive("/data/a", 5, 1));
    const auto id = c.drives()[0].id;
    c.tag_repository().tag({id, 3}, "rain");
    Finding f;
    f.check = "sync-skew";
    f.sample_key = 3;
    f.message = "camera late";
    c.finding_repository().add(id, f);
    const auto before = c.samples(id);
    QCOMPARE(before[2].key(), std::int64_t(3));
    QCOMPARE(before[2].index, std::int64_t(2));

    const auto stats = c.store_drive(make_drive("/data/a", 6, 0));
    QCOMPARE(stats.samples_added, std::int64_t(1));
    const auto after = c.samples(id);
    QCOMPARE(after.size(), std::size_t(6));
    for (std::size_t k = 0; k < after.size(); ++k) {
      QCOMPARE(after[k].index, std::int64_t(k));  // positions are in time order
      QCOMPARE(after[k].key(), std::int64_t(k));  // sweep k is still sample key k
    }
    QCOMPARE(c.tag_repository().tagged("rain"), (std::vector<SampleRef>{{id, 3}}));
    QCOMPARE(c.finding_repository().list(id).at(0).sample_key, std::int64_t(3));
    QCOMPARE(c.labels(id, 3).at(0).center.x(), 13.0);
  }

  void reingestCorrectsFramesSamplesLabelsAndErrors() {
    auto dir = dc::test::fresh_work_dir("catalog_correct");
    Catalog c(dir / "c.sqlite");
    Drive d = make_drive("/data/a", 6);
    d.errors.push_back({"/data/a/velodyne_points/timestamps.txt", 3, "bad timestamp", ""});
    c.store_drive(d);
    const auto id = c.drives()[0].id;
    // A reviewer accepts the box of sweep 2.
    BoxLabel reviewed = c.labels(id, 2).at(0);
    reviewed.review = ReviewState::Accepted;
    c.label_repository().update(reviewed);

    Drive fixed = make_drive("/data/a", 6);
    const TimestampNs shift = 7'000'000;
    for (auto& fr : fixed.frames)
      if (fr.sensor == "velodyne_points" && fr.index == 2) fr.timestamp_ns += shift;  // corrected timestamp
    for (auto& l : fixed.labels)
      if (l.frame_index == 2) l.center.x() += 0.3;  // corrected box, same object
    std::erase_if(fixed.labels, [](const BoxLabel& l) { return l.frame_index == 5; });  // box removed
    std::erase_if(fixed.frames, [](const Frame& fr) { return fr.index == 4; });           // sweep 4 removed
    const auto stats = c.store_drive(fixed);

    QCOMPARE(stats.frames_updated, std::int64_t(1));
    QCOMPARE(stats.frames_removed, std::int64_t(3));
    QCOMPARE(stats.labels_updated, std::int64_t(1));
    QCOMPARE(stats.labels_removed, std::int64_t(1));
    QCOMPARE(stats.labels_added, std::int64_t(0));
    const auto samples = c.samples(id);
    QCOMPARE(samples.size(), std::size_t(5));
    QCOMPARE(samples[2].key(), std::int64_t(2));
    QCOMPARE(samples[2].timestamp_ns, d.frames[2 * 3].timestamp_ns + shift);
    QCOMPARE(samples[2].member("image_02")->skew_ns, std::int64_t(5'000'000) - shift);
    QCOMPARE(samples[4].key(), std::int64_t(5));  // sweep 4 is gone, sweep 5 moved up a position

    const BoxLabel box = c.labels(id, 2).at(0);
    QCOMPARE(box.center.x(), 12.3);
    QCOMPARE(box.review, ReviewState::Accepted);  // the same object keeps its review
    QCOMPARE(box.revision, 3);                    // 1 ingest, 2 review, 3 corrected file
    const auto history = c.label_repository().history(box.id);
    QCOMPARE(history.size(), std::size_t(3));
    QCOMPARE(history[0].center.x(), 12.0);
    QVERIFY(c.labels(id, 5).empty());
    LabelQuery with_deleted;
    with_deleted.frame_index = 5;
    with_deleted.include_deleted = true;
    QCOMPARE(c.label_repository().list(id, with_deleted).size(), std::size_t(1));
    // The timestamp problem no longer occurs: its error is cleared. Sweep 4's box lost its lidar frame: reported.
    const auto errors = c.ingest_errors();
    QCOMPARE(errors.size(), std::size_t(1));
    QVERIFY2(errors[0].message.find("frame 4 kept") != std::string::npos, errors[0].message.c_str());
    // And once more with the same files: nothing changes.
    const auto again = c.store_drive(fixed);
    QCOMPARE(again.frames_updated + again.frames_removed + again.labels_updated + again.labels_removed +
                 again.labels_added + again.samples_added + again.samples_updated,
             std::int64_t(0));
  }

  void driveWithoutLidarKeepsItsLabels() {
    auto dir = dc::test::fresh_work_dir("catalog_no_lidar");
    Catalog c(dir / "c.sqlite");
    Drive d = make_drive("/data/a", 3);
    std::erase_if(d.sensors, [](const Sensor& s) { return s.kind == SensorKind::Lidar; });
    std::erase_if(d.frames, [](const Frame& f) { return f.sensor == "velodyne_points"; });
    c.store_drive(d);
    const auto s = c.drives().at(0);
    QCOMPARE(s.labels, std::int64_t(3));
    QCOMPARE(s.samples, std::int64_t(0));
    const auto errors = c.ingest_errors();
    QCOMPARE(errors.size(), std::size_t(3));  // one per frame whose labels no sample shows
    QVERIFY(errors[0].message.find("no lidar") != std::string::npos);
  }

  void labelOfAMissingFrameIsReportedNotDropped() {
    auto dir = dc::test::fresh_work_dir("catalog_orphan_label");
    Catalog c(dir / "c.sqlite");
    Drive d = make_drive("/data/a", 3);
    BoxLabel orphan = d.labels[0];
    orphan.frame_index = 99;
    d.labels.push_back(orphan);
    c.store_drive(d);
    const auto id = c.drives()[0].id;
    QCOMPARE(c.labels(id, 99).size(), std::size_t(1));
    QCOMPARE(c.ingest_errors().size(), std::size_t(1));
    QVERIFY(c.ingest_errors()[0].message.find("frame 99") != std::string::npos);
  }

  void dontCareRegionsAreNotLabels() {
    auto dir = dc::test::fresh_work_dir("catalog_dont_care");
    Catalog c(dir / "c.sqlite");
    Drive d = make_drive("/data/a", 2);
    DontCareRegion r;
    r.frame_index = 1;
    r.bbox2d[0] = 10, r.bbox2d[1] = 20, r.bbox2d[2] = 30, r.bbox2d[3] = 40;
    d.dont_care.push_back(r);
    c.store_drive(d);
    const auto s = c.drives().at(0);
    QCOMPARE(s.labels, std::int64_t(2));
    QCOMPARE(c.labels(s.id, 1).size(), std::size_t(1));
    const Drive loaded = c.load_drive(s.name);
    QCOMPARE(loaded.dont_care.size(), std::size_t(1));
    QCOMPARE(loaded.dont_care[0].bbox2d[3], 40.0);
  }
};

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"

#include "test_support.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/catalog/catalog_error.h"

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
    // A catalog written by the first schema version gains the later tables and keeps its rows.
    auto dir = dc::test::fresh_work_dir("catalog_v1");
    auto file = dir / "c.sqlite";
    {
      Catalog c(file);
      c.store_drive(make_drive("/data/a", 3));
    }
    sqlite3* raw = nullptr;
    sqlite3_open(file.c_str(), &raw);
    QCOMPARE(sqlite3_exec(raw,
                          "DROP TABLE exports; DROP TABLE collection_samples; DROP TABLE collections; "
                          "DROP TABLE sample_tags; DROP TABLE tags; DROP TABLE findings; DROP TABLE jobs; "
                          "UPDATE schema_version SET version = 1;",
                          nullptr, nullptr, nullptr),
             SQLITE_OK);
    sqlite3_close(raw);
    Catalog c(file);
    QCOMPARE(c.schema_version(), Catalog::latest_schema_version());
    QCOMPARE(c.drives().size(), std::size_t(1));
    QCOMPARE(c.drives()[0].frames_per_sensor.at("velodyne_points"), std::int64_t(3));
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
};

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"

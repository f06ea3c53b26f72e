// The nuScenes category of a box ("vehicle.bicycle" beside the project's "Cyclist") kept in the catalog: a generated
// nuScenes set is ingested and the stored names are checked against the category table the writer wrote (read here
// with plain nlohmann, instance -> category -> name); revisions keep it; a catalog that stored the boxes without it
// gets it on re-ingest without new revisions; a version 10 catalog migrates (the column is new and NULL).
#include "dc/core/catalog/catalog.h"
#include "dc/core/catalog/label_repository.h"
#include "dc/core/io/reader_registry.h"
#include "dc/synth/drive_generator.h"
#include "raw_sql_db.h"
#include "test_support.h"

#include "catalog/catalog_schema.h"

#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <set>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}


}  // namespace

class TestNuScenesCatalog : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  fs::path root_;
  Drive drive_;
  std::map<std::string, std::string> category_of_instance_;  // from the written tables
  std::size_t annotations_ = 0;
  std::set<std::string> names_used_;

  fs::path catalog_file(const char* name) const { return fs::path(tmp_.path().toStdString()) / name; }

private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    GeneratorOptions g;
    g.format = "nuscenes";
    g.frames = 11;  // keyframes 0, 5, 10
    g.seed = 4;
    g.cameras = 1;
    g.image_width = 200;
    g.image_height = 64;
    g.lidar_beams = 16;
    g.lidar_columns = 360;
    g.threads = 2;
    g.out = fs::path(tmp_.path().toStdString()) / "nuscenes";
    root_ = generate_drive(g).drive_dir;

    // What the writer wrote: instance -> category token -> name, and how many boxes.
    const fs::path version = root_ / "v1.0-synthetic";
    std::map<std::string, std::string> name_of_category;
    for (const auto& c : read_json(version / "category.json")) name_of_category[c["token"]] = c["name"];
    for (const auto& i : read_json(version / "instance.json")) {
      const std::string name = name_of_category.at(i["category_token"].get<std::string>());
      category_of_instance_[i["token"]] = name;
    }
    for (const auto& a : read_json(version / "sample_annotation.json")) {
      ++annotations_;
      names_used_.insert(category_of_instance_.at(a["instance_token"].get<std::string>()));
    }
    QVERIFY(annotations_ > 0);
    QVERIFY2(names_used_.size() >= 2, "the scene should hold objects of more than one class");

    const DriveReader* reader = detect_reader(root_);
    QVERIFY(reader);
    drive_ = reader->read_single(root_);
  }

  void categoriesAreStoredAndReadBack() {
    const fs::path file = catalog_file("stored.sqlite");
    std::int64_t drive_id = 0;
    {
      Catalog c(file);
      const IngestStats s = c.store_drive(drive_);
      QCOMPARE(s.labels_added, static_cast<std::int64_t>(annotations_));
      drive_id = c.find_drive(drive_.name)->id;
    }
    Catalog c(file);  // read back from the file, not from anything kept in memory
    LabelQuery gt;
    gt.source = LabelSource::GroundTruth;
    const auto labels = c.label_repository().list(drive_id, gt);
    QCOMPARE(labels.size(), annotations_);
    std::set<std::string> seen;
    for (const BoxLabel& l : labels) {
      QVERIFY2(category_of_instance_.count(l.track_id), l.track_id.c_str());
      QCOMPARE(l.source_category, category_of_instance_.at(l.track_id));
      seen.insert(l.source_category);
      QCOMPARE(c.label_repository().find(l.id)->source_category, l.source_category);
    }
    QCOMPARE(seen, names_used_);
    // The names are in the new column itself.
    dc::test::RawSqlDb raw(file);
    std::set<std::string> stored;
    for (const auto& row : raw.rows("SELECT DISTINCT source_category FROM labels")) stored.insert(row[0]);
    QCOMPARE(stored, names_used_);
  }

  void revisionsKeepTheCategory() {
    Catalog c(catalog_file("revisions.sqlite"));
    c.store_drive(drive_);
    const std::int64_t drive_id = c.find_drive(drive_.name)->id;
    BoxLabel l = c.label_repository().list(drive_id).front();
    const std::string name = category_of_instance_.at(l.track_id);
    l.width += 0.5;
    c.label_repository().update(l);
    const auto history = c.label_repository().history(l.id);
    QCOMPARE(history.size(), std::size_t(2));
    QCOMPARE(history[0].source_category, name);  // from the revision's JSON
    QCOMPARE(history[1].source_category, name);
    // A label without a dataset class stores NULL.
    BoxLabel plain = l;
    plain.source_category.clear();
    plain.source = LabelSource::Manual;
    const std::int64_t id = c.label_repository().insert(drive_id, plain);
    dc::test::RawSqlDb raw(catalog_file("revisions.sqlite"));
    QCOMPARE(raw.one("SELECT source_category IS NULL FROM labels WHERE id = " + std::to_string(id)), std::string("1"));
    QCOMPARE(c.label_repository().find(id)->source_category, std::string());
  }

  // Boxes stored without the class name (as before catalog version 11) get it on re-ingest, in place: the box did
  // not change, so no revision and no "updated" count.
  void reingestFillsTheCategoryInPlace() {
    Catalog c(catalog_file("reingest.sqlite"));
    Drive before = drive_;
    for (BoxLabel& l : before.labels) l.source_category.clear();
    c.store_drive(before);
    const std::int64_t drive_id = c.find_drive(drive_.name)->id;
    for (const BoxLabel& l : c.label_repository().list(drive_id)) QCOMPARE(l.source_category, std::string());
    const IngestStats s = c.store_drive(drive_);
    QCOMPARE(s.labels_added, std::int64_t(0));
    QCOMPARE(s.labels_updated, std::int64_t(0));
    QCOMPARE(s.labels_removed, std::int64_t(0));
    const auto labels = c.label_repository().list(drive_id);
    QCOMPARE(labels.size(), annotations_);
    for (const BoxLabel& l : labels) {
      QCOMPARE(l.revision, 1);
      QCOMPARE(l.source_category, category_of_instance_.at(l.track_id));
    }
  }

  void versionTenCatalogMigrates() {
    const fs::path file = catalog_file("v10.sqlite");
    {
      // A version 10 catalog: the first ten migrations, with one ground truth box stored before the column existed.
      dc::test::RawSqlDb raw(file);
      QVERIFY(raw.exec("CREATE TABLE schema_version (version INTEGER NOT NULL); "
                       "INSERT INTO schema_version VALUES (10);"));
      for (int i = 0; i < 10; ++i) QVERIFY(raw.exec(catalog_migrations().at(static_cast<std::size_t>(i))));
      QVERIFY(raw.exec(
          "INSERT INTO drives (id, name, format, root, ingested_ns) VALUES (1, 'scene-0001', 'nuscenes', '/n#t', 1);"
          "INSERT INTO sensors (id, drive_id, name, kind) VALUES (1, 1, 'LIDAR_TOP', 'lidar');"
          "INSERT INTO frames (id, drive_id, sensor_id, idx, timestamp_ns, file) VALUES (1, 1, 1, 0, 1000, '/n/0');"
          "INSERT INTO samples (id, drive_id, idx, timestamp_ns, lidar_frame_id) VALUES (1, 1, 0, 1000, 1);"
          "INSERT INTO labels (id, drive_id, frame_idx, timestamp_ns, cx, cy, cz, length, width, height, yaw, "
          "category, track_id, source, review, revision) VALUES (1, 1, 0, 1000, 1, 2, 3, 4, 2, 1.5, 0.1, 'Car', "
          "'abc', 'gt', 'accepted', 1);"));
      QCOMPARE(raw.one("SELECT count(*) FROM pragma_table_info('labels') WHERE name = 'source_category'"),
               std::string("0"));
    }
    Catalog c(file);
    QCOMPARE(c.schema_version(), Catalog::latest_schema_version());
    QVERIFY(Catalog::latest_schema_version() >= 11);
    auto l = c.label_repository().find(1);
    QVERIFY(l);
    QCOMPARE(l->source_category, std::string());
    QCOMPARE(l->track_id, std::string("abc"));
    QCOMPARE(l->review, ReviewState::Accepted);
    {
      dc::test::RawSqlDb raw(file);
      QCOMPARE(raw.one("SELECT source_category IS NULL FROM labels WHERE id = 1"), std::string("1"));
    }
    // The migrated file takes the new column: an edit stores it, the old state (without it) is the revision.
    l->source_category = "vehicle.car";
    c.label_repository().update(*l);
    QCOMPARE(c.label_repository().find(1)->source_category, std::string("vehicle.car"));
    const auto history = c.label_repository().history(1);
    QCOMPARE(history.size(), std::size_t(2));
    QCOMPARE(history[0].source_category, std::string());
    dc::test::RawSqlDb raw(file);
    QCOMPARE(raw.one("SELECT source_category FROM labels WHERE id = 1"), std::string("vehicle.car"));
  }
};

QTEST_APPLESS_MAIN(TestNuScenesCatalog)
#include "tst_nuscenes_catalog.moc"

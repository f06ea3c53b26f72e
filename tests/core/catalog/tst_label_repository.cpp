// Label identity and revisions: an edit is a new revision, the old one is kept; delete and restore are revisions
// too; an edit based on a stale revision is refused.
#include "test_support.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/catalog/catalog_error.h"

#include <QTest>

using namespace dc::core;

namespace {
Drive one_sweep_drive() {
  Drive d;
  d.name = "edit_drive_0001_sync";
  d.format = "kitti-raw";
  d.root = "/data/edit";
  d.sensors = {{"velodyne_points", SensorKind::Lidar, 10, "velo", ""}};
  d.frames.push_back({"velodyne_points", 0, 1'000'000'000, "/data/edit/0.bin", 0, 16});
  return d;
}

BoxLabel car(double x) {
  BoxLabel b;
  b.frame_index = 0;
  b.center = {x, 1, -1};
  b.length = 4, b.width = 2, b.height = 1.5;
  b.category = "Car";
  b.source = LabelSource::Manual;
  return b;
}
}  // namespace

class TestLabelRepository : public QObject {
  Q_OBJECT
private slots:
  void editsAreRevisions() {
    Catalog c(dc::test::fresh_work_dir("labels_edit") / "c.sqlite");
    c.store_drive(one_sweep_drive());
    const auto drive = c.drives()[0].id;
    LabelRepository& labels = c.label_repository();
    const std::int64_t id = labels.insert(drive, car(10));
    QCOMPARE(labels.find(id)->revision, 1);

    BoxLabel moved = *labels.find(id);
    moved.center.x() = 11;
    moved.yaw = 0.2;
    const BoxLabel stored = labels.update(moved);
    QCOMPARE(stored.id, id);
    QCOMPARE(stored.revision, 2);
    QCOMPARE(stored.center.x(), 11.0);
    QCOMPARE(stored.source, LabelSource::Manual);

    // An edit made from revision 1 again is stale now.
    QVERIFY_THROWS_EXCEPTION(CatalogError, labels.update(moved));

    const BoxLabel gone = labels.remove(id);
    QVERIFY(gone.deleted);
    QCOMPARE(gone.revision, 3);
    QVERIFY(c.labels(drive).empty());
    QCOMPARE(c.drives()[0].labels, std::int64_t(0));
    const BoxLabel back = labels.restore(id);
    QVERIFY(!back.deleted);
    QCOMPARE(back.revision, 4);
    QCOMPARE(c.labels(drive).size(), std::size_t(1));

    const auto history = labels.history(id);
    QCOMPARE(history.size(), std::size_t(4));
    QCOMPARE(history[0].revision, 1);
    QCOMPARE(history[0].center.x(), 10.0);
    QCOMPARE(history[1].yaw, 0.2);
    QVERIFY(history[2].deleted);
    QVERIFY(!history[3].deleted);
  }

  void newClassDropsTheDatasetClass() {
    Catalog c(dc::test::fresh_work_dir("labels_class") / "c.sqlite");
    c.store_drive(one_sweep_drive());
    const auto drive = c.drives()[0].id;
    LabelRepository& labels = c.label_repository();
    BoxLabel bus = car(10);
    bus.category = "Truck";
    bus.source_category = "vehicle.bus.rigid";
    const std::int64_t id = labels.insert(drive, bus);
    BoxLabel moved = *labels.find(id);
    moved.center.x() = 12;
    QCOMPARE(labels.update(moved).source_category, std::string("vehicle.bus.rigid"));  // a move keeps it
    BoxLabel recast = *labels.find(id);
    recast.category = "Van";
    QCOMPARE(labels.update(recast).source_category, std::string());
    QCOMPARE(labels.history(id)[1].source_category, std::string("vehicle.bus.rigid"));  // the old revision keeps it
  }

  void runIdAndSourceFilter() {
    Catalog c(dc::test::fresh_work_dir("labels_run") / "c.sqlite");
    c.store_drive(one_sweep_drive());
    const auto drive = c.drives()[0].id;
    Job job;
    job.pass = "autolabel";
    const std::int64_t run = c.job_repository().create(job);
    BoxLabel a = car(5);
    a.source = LabelSource::Auto;
    a.run_id = run;
    c.label_repository().insert(drive, a);
    c.label_repository().insert(drive, car(20));
    LabelQuery q;
    q.source = LabelSource::Auto;
    const auto autos = c.label_repository().list(drive, q);
    QCOMPARE(autos.size(), std::size_t(1));
    QCOMPARE(*autos[0].run_id, run);
    QCOMPARE(c.labels(drive).size(), std::size_t(2));
  }

  void unknownLabelIsAnError() {
    Catalog c(dc::test::fresh_work_dir("labels_unknown") / "c.sqlite");
    BoxLabel ghost = car(1);
    ghost.id = 12345;
    QVERIFY_THROWS_EXCEPTION(CatalogError, c.label_repository().update(ghost));
    QVERIFY_THROWS_EXCEPTION(CatalogError, c.label_repository().remove(12345));
  }

  void jobsAndTagsAndCollections() {
    Catalog c(dc::test::fresh_work_dir("repos_misc") / "c.sqlite");
    c.store_drive(one_sweep_drive());
    const auto drive = c.drives()[0].id;
    Job job;
    job.pass = "data-qc";
    job.executor = "slurm";
    const auto id = c.job_repository().create(job);
    Job running = *c.job_repository().find(id);
    running.state = JobState::Running;
    running.progress = 0.25;
    running.external_id = "4711";
    c.job_repository().update(running);
    const Job read = *c.job_repository().find(id);
    QCOMPARE(read.state, JobState::Running);
    QCOMPARE(read.progress, 0.25);
    QCOMPARE(read.external_id, std::string("4711"));
    QCOMPARE(read.executor, std::string("slurm"));
    QVERIFY(read.submitted_ns > 0);

    TagRepository& tags = c.tag_repository();
    tags.tag({drive, 0}, "night");
    tags.tag({drive, 0}, "night");  // idempotent
    QCOMPARE(tags.tags_of({drive, 0}), std::vector<std::string>{"night"});
    tags.untag({drive, 0}, "night");
    QVERIFY(tags.tags_of({drive, 0}).empty());
    QVERIFY_THROWS_EXCEPTION(CatalogError, tags.tag({drive, 42}, "night"));  // no such sample
    tags.add_to_collection("hard cases", {{drive, 0}});
    QCOMPARE(tags.collections(), std::vector<std::string>{"hard cases"});
    QCOMPARE(tags.collection("hard cases"), (std::vector<SampleRef>{{drive, 0}}));

    Finding f;
    f.check = "gap";
    f.severity = Severity::Error;
    f.message = "lidar gap of 0.3 s";
    const auto fid = c.finding_repository().add(drive, f, id);
    c.finding_repository().set_review(fid, ReviewState::Accepted);
    const auto findings = c.finding_repository().list(drive);
    QCOMPARE(findings.size(), std::size_t(1));
    QCOMPARE(findings[0].severity, Severity::Error);
    QCOMPARE(findings[0].review, ReviewState::Accepted);
    QCOMPARE(findings[0].sample_key, std::int64_t(-1));
  }
};

QTEST_GUILESS_MAIN(TestLabelRepository)
#include "tst_label_repository.moc"

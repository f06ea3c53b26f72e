// Review states with reviewer and time, next/previous unreviewed sample against a brute-force scan of the rows,
// per-track bulk review, review sessions across reopening the catalog, and migrating a version 7 catalog.
#include "raw_sql_db.h"
#include "test_support.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/catalog/catalog_error.h"
#include "dc/core/catalog/review_repository.h"

#include "catalog/catalog_schema.h"

#include <QTest>

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

using namespace dc::core;

namespace {

constexpr TimestampNs kT0 = 1'700'000'000'000'000'000;
constexpr int kFirstKey = 5;  // sample keys 5.. differ from positions 0..

TimestampNs now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A drive whose lidar sweeps are keyed kFirstKey..kFirstKey+sweeps-1, 100 ms apart.
Drive sweeps_drive(int sweeps) {
  Drive d;
  d.name = "review_drive_0001_sync";
  d.format = "kitti-raw";
  d.root = "/data/review";
  d.sensors = {{"velodyne_points", SensorKind::Lidar, 10, "velo", ""}};
  for (int i = 0; i < sweeps; ++i) {
    const int key = kFirstKey + i;
    d.frames.push_back(
        {"velodyne_points", key, kT0 + i * 100'000'000LL, "/data/review/" + std::to_string(key) + ".bin", 0, 16});
  }
  return d;
}

BoxLabel box(std::int64_t key, LabelSource source, const std::string& track, const std::string& model = {}) {
  BoxLabel b;
  b.frame_index = key;
  b.timestamp_ns = kT0 + (key - kFirstKey) * 100'000'000LL;
  b.center = {10, 1, -1};
  b.length = 4, b.width = 2, b.height = 1.5;
  b.category = "Car";
  b.track_id = track;
  b.source = source;
  b.source_name = model;
  return b;
}

Finding finding(std::int64_t key, const std::string& check, TimestampNs start = 0, TimestampNs end = 0) {
  Finding f;
  f.check = check;
  f.sample_key = key;
  f.start_ns = key >= 0 ? kT0 + (key - kFirstKey) * 100'000'000LL : start;
  f.end_ns = key >= 0 ? f.start_ns : end;
  f.message = check;
  return f;
}


// Brute force: which sample positions have an unreviewed item in scope, read straight from the tables.
std::vector<bool> positions_with_unreviewed(dc::test::RawSqlDb& raw, std::int64_t drive, const ReviewScope& scope) {
  const auto samples = raw.rows(
      "SELECT fr.idx, sa.timestamp_ns FROM samples sa JOIN frames fr ON fr.id = "
      "sa.lidar_frame_id WHERE sa.drive_id = " +
      std::to_string(drive) + " ORDER BY sa.idx");
  std::vector<bool> has(samples.size(), false);
  auto position_of_key = [&](std::int64_t key) {
    for (std::size_t p = 0; p < samples.size(); ++p)
      if (std::stoll(samples[p][0]) == key) return static_cast<int>(p);
    return -1;
  };
  const bool label_limit = scope.source || scope.model_name;
  const bool want_labels = label_limit || !scope.check;
  const bool want_findings = scope.check || !label_limit;
  if (want_labels)
    for (const auto& r :
         raw.rows("SELECT frame_idx, source, source_name, review, deleted FROM labels WHERE drive_id = " +
                  std::to_string(drive))) {
      if (r[4] != "0" || r[3] != "unreviewed" || (r[1] != "auto" && r[1] != "model")) continue;
      if (scope.source && r[1] != to_string(*scope.source)) continue;
      if (scope.model_name && (r[1] != "model" || r[2] != *scope.model_name)) continue;
      if (const int p = position_of_key(std::stoll(r[0])); p >= 0) has[static_cast<std::size_t>(p)] = true;
    }
  if (want_findings)
    for (const auto& r : raw.rows("SELECT sample_key, start_ns, check_name, review FROM findings WHERE drive_id = " +
                                  std::to_string(drive))) {
      if (r[3] != "unreviewed" || (scope.check && r[2] != *scope.check)) continue;
      int p = -1;
      if (r[0] != "NULL") {
        p = position_of_key(std::stoll(r[0]));
      } else {  // a span: the sample nearest its start, the earlier on a tie
        const long long t = std::stoll(r[1]);
        long long best = -1;
        for (std::size_t i = 0; i < samples.size(); ++i) {
          const long long d = std::llabs(std::stoll(samples[i][1]) - t);
          if (best < 0 || d < best) best = d, p = static_cast<int>(i);
        }
      }
      if (p >= 0) has[static_cast<std::size_t>(p)] = true;
    }
  return has;
}

}  // namespace

class TestReviewRepository : public QObject {
  Q_OBJECT
 private slots:
  void statesRecordReviewerAndTime() {
    const auto file = dc::test::fresh_work_dir("review_states") / "c.sqlite";
    Catalog c(file);
    c.store_drive(sweeps_drive(3));
    const auto drive = c.drives()[0].id;
    const std::int64_t label = c.label_repository().insert(drive, box(6, LabelSource::Auto, "1"));
    const std::int64_t f = c.finding_repository().add(drive, finding(5, "lidar-health"));
    auto& reviews = c.review_repository();

    const TimestampNs before = now_ns();
    const ReviewRecord r = reviews.set_label_review(label, ReviewState::Accepted, "alice");
    const TimestampNs after = now_ns();
    dc::test::RawSqlDb raw(file);
    const auto row =
        raw.rows("SELECT review, reviewer, reviewed_ns, revision FROM labels WHERE id = " + std::to_string(label));
    QCOMPARE(row.at(0).at(0), std::string("accepted"));
    QCOMPARE(row.at(0).at(1), std::string("alice"));
    QVERIFY(std::stoll(row[0][2]) >= before && std::stoll(row[0][2]) <= after);
    QCOMPARE(std::stoll(row[0][2]), r.reviewed_ns);
    QCOMPARE(row[0][3], std::string("1"));  // in place: no new revision
    QCOMPARE(raw.one("SELECT count(*) FROM label_revisions WHERE label_id = " + std::to_string(label)),
             std::string("0"));

    // A second review keeps the first in the log.
    reviews.set_label_review(label, ReviewState::Fixed, "bob");
    const auto log = raw.rows(
        "SELECT previous_review, previous_reviewer, review, reviewer FROM review_log WHERE "
        "item_kind = 'label' AND item_id = " +
        std::to_string(label) + " ORDER BY id");
    QCOMPARE(log.size(), std::size_t(2));
    QCOMPARE(log[0], (std::vector<std::string>{"unreviewed", "", "accepted", "alice"}));
    QCOMPARE(log[1], (std::vector<std::string>{"accepted", "alice", "fixed", "bob"}));
    QCOMPARE(reviews.label_review(label).reviewer, std::string("bob"));

    // A geometric edit afterwards keeps who reviewed the box.
    BoxLabel edited = *c.label_repository().find(label);
    edited.center.x() = 12;
    c.label_repository().update(edited);
    QCOMPARE(raw.one("SELECT reviewer FROM labels WHERE id = " + std::to_string(label)), std::string("bob"));

    // The default reviewer is the OS user.
    const QByteArray saved_user = qgetenv("USER");
    qputenv("USER", "reviewer-from-env");
    c.finding_repository().set_review(f, ReviewState::Rejected);
    qputenv("USER", saved_user);
    QCOMPARE(raw.one("SELECT review || '/' || reviewer FROM findings WHERE id = " + std::to_string(f)),
             std::string("rejected/reviewer-from-env"));
    const auto listed = c.finding_repository().list(drive);
    QCOMPARE(listed.at(0).reviewer, std::string("reviewer-from-env"));
    QVERIFY(listed.at(0).reviewed_ns > 0);

    QVERIFY_THROWS_EXCEPTION(CatalogError, reviews.set_label_review(label + 100, ReviewState::Accepted, "x"));
    QVERIFY_THROWS_EXCEPTION(CatalogError, reviews.set_finding_review(f + 100, ReviewState::Accepted, "x"));
    // Nothing was written for the unknown ids.
    QCOMPARE(raw.one("SELECT count(*) FROM review_log"), std::string("3"));
  }

  void nextAndPreviousMatchBruteForce() {
    const auto file = dc::test::fresh_work_dir("review_next") / "c.sqlite";
    Catalog c(file);
    constexpr int kSweeps = 40;
    c.store_drive(sweeps_drive(kSweeps));
    const auto drive = c.drives()[0].id;
    std::mt19937 rng(7);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    const LabelSource sources[] = {LabelSource::GroundTruth, LabelSource::Auto, LabelSource::Model,
                                   LabelSource::Manual};
    const ReviewState states[] = {ReviewState::Unreviewed, ReviewState::Accepted, ReviewState::Rejected,
                                  ReviewState::Fixed};
    // Sparse items so that many samples have none and the walk has to skip.
    for (int i = 0; i < 30; ++i) {
      const LabelSource s = sources[pick(4)];
      const std::string model = s == LabelSource::Model ? (pick(2) ? "m1" : "m2") : "";
      const auto id =
          c.label_repository().insert(drive, box(kFirstKey + pick(kSweeps), s, std::to_string(pick(5)), model));
      if (pick(3) == 0) c.review_repository().set_label_review(id, states[1 + pick(3)], "t");
      if (pick(10) == 0) c.label_repository().remove(id);
    }
    for (int i = 0; i < 12; ++i) {
      Finding f = pick(4) == 0 ? finding(-1, "gap", kT0 + pick(kSweeps * 100) * 1'000'000LL, kT0 + 5'000'000'000LL)
                               : finding(kFirstKey + pick(kSweeps), pick(2) ? "c1" : "c2");
      const auto id = c.finding_repository().add(drive, f);
      if (pick(3) == 0) c.review_repository().set_finding_review(id, states[1 + pick(3)], "t");
    }
    dc::test::RawSqlDb raw(file);
    std::vector<ReviewScope> scopes(7);
    scopes[1].source = LabelSource::Auto;
    scopes[2].source = LabelSource::Model;
    scopes[3].model_name = "m1";
    scopes[4].check = "c1";
    scopes[5].check = "gap";
    scopes[6].source = LabelSource::Auto, scopes[6].check = "c2";
    int found = 0, wrapped = 0, ends = 0;
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      const auto has = positions_with_unreviewed(raw, drive, scopes[s]);
      for (bool backwards : {false, true})
        for (bool wrap : {true, false})
          for (int from = -1; from < kSweeps; ++from) {
            // Expected: the first position with an item strictly past `from` in the direction, then from the other
            // end when wrapping (up to `from` itself).
            std::optional<int> expected;
            bool expected_wrap = false;
            const int start = from < 0 ? (backwards ? kSweeps : -1) : from;
            const int step = backwards ? -1 : 1;
            for (int p = start + step; p >= 0 && p < kSweeps; p += step)
              if (has[static_cast<std::size_t>(p)]) {
                expected = p;
                break;
              }
            if (!expected && wrap)
              for (int p = backwards ? kSweeps - 1 : 0; backwards ? p >= start : p <= start; p += step)
                if (p >= 0 && p < kSweeps && has[static_cast<std::size_t>(p)]) {
                  expected = p, expected_wrap = true;
                  break;
                }
            const auto stop = c.review_repository().next_unreviewed(
                drive, from < 0 ? std::nullopt : std::optional<std::int64_t>(kFirstKey + from), scopes[s], backwards,
                wrap);
            const QString where = QString("scope %1 from %2 %3 %4")
                                      .arg(s)
                                      .arg(from)
                                      .arg(backwards ? "back" : "fwd")
                                      .arg(wrap ? "wrap" : "nowrap");
            QVERIFY2(stop.has_value() == expected.has_value(), qPrintable(where));
            if (!stop) {
              ++ends;
              continue;
            }
            ++found;
            QVERIFY2(stop->position == *expected, qPrintable(where));
            QCOMPARE(stop->sample_key, std::int64_t(kFirstKey + *expected));
            QVERIFY2(stop->wrapped == expected_wrap, qPrintable(where));
            if (stop->wrapped) ++wrapped;
            QVERIFY(stop->unreviewed_labels + stop->unreviewed_findings > 0);
            const auto at = c.review_repository().items(drive, stop->sample_key, scopes[s], true);
            QCOMPARE(static_cast<std::int64_t>(at.size()), stop->unreviewed_labels + stop->unreviewed_findings);
          }
    }
    // The data exercise every branch.
    QVERIFY(found > 100);
    QVERIFY(wrapped > 0);
    QVERIFY(ends > 0);
    QVERIFY_THROWS_EXCEPTION(CatalogError, c.review_repository().next_unreviewed(drive, 1000, ReviewScope{}));
  }

  void trackBulkTouchesExactlyThatTrack() {
    const auto file = dc::test::fresh_work_dir("review_track") / "c.sqlite";
    Catalog c(file);
    c.store_drive(sweeps_drive(6));
    const auto drive = c.drives()[0].id;
    auto& labels = c.label_repository();
    std::vector<std::int64_t> auto_track_1;
    for (int k = kFirstKey; k < kFirstKey + 6; ++k) {
      auto_track_1.push_back(labels.insert(drive, box(k, LabelSource::Auto, "1")));
      labels.insert(drive, box(k, LabelSource::Auto, "2"));
      labels.insert(drive, box(k, LabelSource::Model, "1", "m1"));
      labels.insert(drive, box(k, LabelSource::Model, "1", "m2"));
      labels.insert(drive, box(k, LabelSource::GroundTruth, "1"));
    }
    labels.remove(auto_track_1.back());  // a deleted box is not part of the track any more
    dc::test::RawSqlDb raw(file);
    const std::string snapshot_sql = "SELECT id, review, reviewer, revision FROM labels ORDER BY id";
    const auto before = raw.rows(snapshot_sql);

    TrackSelector track{drive, "1", LabelSource::Auto, std::nullopt, std::nullopt};
    QCOMPARE(c.review_repository().set_track_review(track, ReviewState::Accepted, "carol"), std::int64_t(5));
    const auto after = raw.rows(snapshot_sql);
    QCOMPARE(after.size(), before.size());
    std::set<std::string> expected_changed;
    for (std::size_t i = 0; i + 1 < auto_track_1.size(); ++i) expected_changed.insert(std::to_string(auto_track_1[i]));
    for (std::size_t i = 0; i < after.size(); ++i) {
      if (expected_changed.count(after[i][0])) {
        QCOMPARE(after[i][1], std::string("accepted"));
        QCOMPARE(after[i][2], std::string("carol"));
        QCOMPARE(after[i][3], before[i][3]);  // no new revision
      } else {
        QCOMPARE(after[i], before[i]);
      }
    }
    // One transaction, one time for all of them.
    QCOMPARE(raw.one("SELECT count(DISTINCT reviewed_ns) FROM labels WHERE reviewer = 'carol'"), std::string("1"));

    // Model track 1 exists in two runs: one must be named; then only that run's boxes change.
    TrackSelector model{drive, "1", LabelSource::Model, std::nullopt, std::nullopt};
    QVERIFY_THROWS_EXCEPTION(CatalogError, c.review_repository().set_track_review(model, ReviewState::Rejected, "d"));
    model.model_name = "m2";
    QCOMPARE(c.review_repository().set_track_review(model, ReviewState::Rejected, "dave"), std::int64_t(6));
    QCOMPARE(raw.one("SELECT count(*) FROM labels WHERE reviewer = 'dave'"), std::string("6"));
    QCOMPARE(raw.one("SELECT count(*) FROM labels WHERE reviewer = 'dave' AND (source_name != 'm2' OR track_id != '1' "
                     "OR review != 'rejected')"),
             std::string("0"));
    // Ground truth, and tracks that do not exist, are refused without writing anything.
    TrackSelector gt{drive, "1", LabelSource::GroundTruth, std::nullopt, std::nullopt};
    QVERIFY_THROWS_EXCEPTION(CatalogError, c.review_repository().set_track_review(gt, ReviewState::Accepted, "e"));
    TrackSelector missing{drive, "99", LabelSource::Auto, std::nullopt, std::nullopt};
    QVERIFY_THROWS_EXCEPTION(CatalogError, c.review_repository().set_track_review(missing, ReviewState::Accepted, "e"));
    QCOMPARE(raw.one("SELECT count(*) FROM labels WHERE reviewer = 'e'"), std::string("0"));
  }

  void sessionsPersistAcrossReopen() {
    const auto file = dc::test::fresh_work_dir("review_sessions") / "c.sqlite";
    std::int64_t drive = 0;
    {
      Catalog c(file);
      c.store_drive(sweeps_drive(10));
      drive = c.drives()[0].id;
      ReviewSession s;
      s.name = "first-pass";
      s.reviewer = "alice";
      s.drive_id = drive;
      s.scope.source = LabelSource::Model;
      s.scope.model_name = "m1";
      s.current_sample_key = 9;
      s.current_item = "label:4";
      s.counts.accepted = 3;
      s.counts.rejected = 1;
      s.counts.remaining = 17;
      c.review_repository().save_session(s);
      ReviewSession other;
      other.name = "findings";
      other.reviewer = "bob";
      other.drive_id = drive;
      other.scope.check = "gap";
      other.current_sample_key = 6;
      c.review_repository().save_session(other);
    }
    {
      Catalog c(file);
      const auto last = c.review_repository().last_session(drive);
      QVERIFY(last);
      QCOMPARE(last->name, std::string("findings"));  // saved last
      const auto s = c.review_repository().session(drive, "first-pass");
      QVERIFY(s);
      QCOMPARE(s->reviewer, std::string("alice"));
      QCOMPARE(s->drive, std::string("review_drive_0001_sync"));
      QCOMPARE(s->scope.source, std::optional(LabelSource::Model));
      QCOMPARE(s->scope.model_name, std::optional<std::string>("m1"));
      QVERIFY(!s->scope.check);
      QCOMPARE(s->current_sample_key, std::optional<std::int64_t>(9));
      QCOMPARE(s->current_item, std::string("label:4"));
      QCOMPARE(s->counts.accepted, std::int64_t(3));
      QCOMPARE(s->counts.rejected, std::int64_t(1));
      QCOMPARE(s->counts.remaining, std::int64_t(17));
      // Moving on in the first session makes it the last one again; it stays one row.
      ReviewSession moved = *s;
      moved.current_sample_key = 11;
      c.review_repository().save_session(moved);
    }
    Catalog c(file);
    QCOMPARE(c.review_repository().last_session(drive)->name, std::string("first-pass"));
    QCOMPARE(c.review_repository().last_session(drive)->current_sample_key, std::optional<std::int64_t>(11));
    const auto all = c.review_repository().sessions();
    QCOMPARE(all.size(), std::size_t(2));
    QCOMPARE(all[0].name, std::string("first-pass"));
    QCOMPARE(all[1].name, std::string("findings"));
    dc::test::RawSqlDb raw(file);
    QCOMPARE(raw.one("SELECT count(*) FROM review_sessions"), std::string("2"));
    QCOMPARE(raw.one("SELECT scope FROM review_sessions WHERE name = 'findings'"), std::string(R"({"check":"gap"})"));
  }

  void migratingVersionSevenKeepsData() {
    const auto file = dc::test::fresh_work_dir("review_migrate") / "c.sqlite";
    {
      // A version 7 catalog: the first seven migrations, with rows reviewed before reviewers were recorded.
      dc::test::RawSqlDb raw(file);
      QVERIFY(raw.exec("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (7);"));
      for (int i = 0; i < 7; ++i) QVERIFY(raw.exec(catalog_migrations().at(static_cast<std::size_t>(i))));
      QVERIFY(raw.exec(
          "INSERT INTO drives (id, name, format, root, ingested_ns) VALUES (1, 'v7_drive_0001_sync', "
          "'kitti-raw', '/r', 1);"
          "INSERT INTO sensors (id, drive_id, name, kind) VALUES (1, 1, 'velodyne_points', 'lidar');"
          "INSERT INTO frames (id, drive_id, sensor_id, idx, timestamp_ns, file) VALUES (1, 1, 1, 5, 1000, "
          "'/r/5.bin'), (2, 1, 1, 6, 2000, '/r/6.bin');"
          "INSERT INTO samples (id, drive_id, idx, timestamp_ns, lidar_frame_id) VALUES (1, 1, 0, 1000, 1), "
          "(2, 1, 1, 2000, 2);"
          "INSERT INTO labels (id, drive_id, frame_idx, timestamp_ns, cx, cy, cz, length, width, height, yaw, "
          "category, track_id, source, review, revision) VALUES (1, 1, 6, 2000, 1, 2, 3, 4, 2, 1.5, 0.1, 'Car', "
          "'3', 'auto', 'accepted', 2);"
          "INSERT INTO label_revisions (label_id, revision, data, replaced_ns) VALUES (1, 1, '{}', 5);"
          "INSERT INTO findings (id, drive_id, check_name, severity, start_ns, end_ns, message, review, "
          "sample_key) VALUES (1, 1, 'c1', 'warning', 1000, 1000, 'few points', 'rejected', 5);"));
      QCOMPARE(raw.one("SELECT count(*) FROM pragma_table_info('labels') WHERE name = 'reviewer'"), std::string("0"));
    }
    Catalog c(file);
    QCOMPARE(c.schema_version(), Catalog::latest_schema_version());
    QVERIFY(Catalog::latest_schema_version() >= 8);
    const auto l = c.label_repository().find(1);
    QVERIFY(l);
    QCOMPARE(l->track_id, std::string("3"));
    QCOMPARE(l->review, ReviewState::Accepted);
    QCOMPARE(l->revision, 2);
    QCOMPARE(l->center.z(), 3.0);
    QCOMPARE(c.review_repository().label_review(1).reviewer, std::string());
    QCOMPARE(c.review_repository().label_review(1).reviewed_ns, std::int64_t(0));
    const auto findings = c.finding_repository().list(1);
    QCOMPARE(findings.size(), std::size_t(1));
    QCOMPARE(findings[0].review, ReviewState::Rejected);
    QCOMPARE(findings[0].message, std::string("few points"));
    QCOMPARE(c.samples(1).size(), std::size_t(2));
    dc::test::RawSqlDb raw(file);
    QCOMPARE(raw.one("SELECT count(*) FROM label_revisions"), std::string("1"));
    // The new parts work on the migrated file; earlier reviews now count as reviewed.
    QCOMPARE(c.review_repository().count_unreviewed(1, ReviewScope{}), std::int64_t(0));
    c.review_repository().set_label_review(1, ReviewState::Fixed, "migrated");
    QCOMPARE(c.review_repository().label_review(1).reviewer, std::string("migrated"));
    ReviewSession s;
    s.name = "after-migration";
    s.drive_id = 1;
    QCOMPARE(c.review_repository().save_session(s).name, std::string("after-migration"));
  }
};

QTEST_GUILESS_MAIN(TestReviewRepository)
#include "tst_review_repository.moc"

// drivecurator-cli review end to end on a generated drive: review next (forward, backward, wrapping, the end, scoped
// by source, model run and check), review set with reviewer, review track touching one track only, review sessions
// remembering where they stopped, label set / delete as revisions, and bad arguments with their exit codes.
#include "test_support.h"

#include "dc/core/catalog/catalog.h"

#include <QTest>

#include <nlohmann/json.hpp>

using nlohmann::json;
namespace fs = std::filesystem;
using dc::test::run_cli;
using namespace dc::core;

class TestCliReview : public QObject {
  Q_OBJECT
  fs::path work_;
  std::string catalog_;
  std::string drive_;
  std::int64_t drive_id_ = 0;
  std::vector<std::int64_t> keys_;
  std::vector<std::int64_t> track7_, track8_;  // auto labels
  std::int64_t finding_c1_ = 0, finding_c2_ = 0;

  json cli_json(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--json"};
    full.insert(full.end(), args.begin(), args.end());
    const auto r = dc::test::run_cli_on(catalog_, full);
    if (r.exit_code != 0) qWarning("%s", r.err.c_str());
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  dc::test::CommandResult cli(const std::vector<std::string>& args) { return dc::test::run_cli_on(catalog_, args); }
  BoxLabel auto_box(std::size_t sample, const std::string& track) {
    BoxLabel b;
    b.frame_index = keys_.at(sample);
    b.center = {8, 2, -1};
    b.length = 4, b.width = 1.8, b.height = 1.5;
    b.category = "Car";
    b.track_id = track;
    b.source = LabelSource::Auto;
    b.score = 0.8;
    return b;
  }
  std::string key(std::size_t sample) const { return std::to_string(keys_.at(sample)); }

 private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("cli_review");
    catalog_ = (work_ / "catalog.sqlite").string();
    auto r = run_cli({"generate", "--out", (work_ / "gen").string(), "--frames", "10", "--seed", "5", "--cameras", "1",
                      "--width", "160", "--height", "64", "--beams", "16", "--columns", "200", "--json", "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const fs::path drive_dir = json::parse(r.out)["drive_dir"].get<std::string>();
    r = cli({"ingest", drive_dir.string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    drive_ = cli_json({"drives"})[0]["name"].get<std::string>();
    for (const auto& s : cli_json({"samples", drive_})) keys_.push_back(s["key"].get<std::int64_t>());
    QCOMPARE(keys_.size(), std::size_t(10));
    // Unreviewed items: auto track 7 at samples 2, 3, 4 and track 8 at 6; findings c1 at 5 and c2 at 8; model
    // predictions (imported, run m1) at 7.
    {
      Catalog c(catalog_);
      drive_id_ = c.drives()[0].id;
      for (std::size_t s : {2, 3, 4}) track7_.push_back(c.label_repository().insert(drive_id_, auto_box(s, "7")));
      track8_.push_back(c.label_repository().insert(drive_id_, auto_box(6, "8")));
      Finding f;
      f.check = "c1";
      f.sample_key = keys_[5];
      f.message = "first";
      finding_c1_ = c.finding_repository().add(drive_id_, f);
      f.check = "c2";
      f.sample_key = keys_[8];
      finding_c2_ = c.finding_repository().add(drive_id_, f);
    }
    fs::create_directories(work_ / "preds");
    dc::test::write_text(work_ / "preds" / "m1.jsonl",
                         "{\"frame\": " + key(7) +
                             ", \"class\": \"Car\", \"center\": [9, 1, -1], \"size\": [4, 1.8, "
                             "1.5], \"yaw\": 0.1, \"track_id\": \"1\", \"score\": 0.9}\n");
    r = cli({"labels", "import", (work_ / "preds").string(), "--drive", drive_, "--source", "model", "--name", "m1"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
  }

  void nextWalksTheDrive() {
    json j = cli_json({"review", "next", "--drive", drive_});
    QCOMPARE(j["sample"].get<std::int64_t>(), keys_[2]);
    QCOMPARE(j["position"].get<int>(), 2);
    QCOMPARE(j["unreviewed_labels"].get<int>(), 1);
    QCOMPARE(j["items"][0]["id"].get<std::int64_t>(), track7_[0]);
    QCOMPARE(j["remaining"].get<int>(), 7);  // 4 auto, 1 model, 2 findings
    j = cli_json({"review", "next", "--drive", drive_, "--after", key(4)});
    QCOMPARE(j["sample"].get<std::int64_t>(), keys_[5]);
    QCOMPARE(j["unreviewed_findings"].get<int>(), 1);
    QCOMPARE(j["items"][0]["kind"].get<std::string>(), std::string("finding"));
    // Past the last one: wraps to the first, or reports the end.
    j = cli_json({"review", "next", "--drive", drive_, "--after", key(8)});
    QCOMPARE(j["sample"].get<std::int64_t>(), keys_[2]);
    QVERIFY(j["wrapped"].get<bool>());
    j = cli_json({"review", "next", "--drive", drive_, "--after", key(8), "--no-wrap"});
    QVERIFY(!j["found"].get<bool>());
    QVERIFY(j["end"].get<bool>());
    auto r = cli({"review", "next", "--drive", drive_, "--after", key(8), "--no-wrap"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.find("reached the end") != std::string::npos, r.out.c_str());
    // Backwards.
    j = cli_json({"review", "next", "--drive", drive_, "--after", key(5), "--previous"});
    QCOMPARE(j["sample"].get<std::int64_t>(), keys_[4]);
    j = cli_json({"review", "next", "--drive", drive_, "--after", key(2), "--previous"});
    QCOMPARE(j["sample"].get<std::int64_t>(), keys_[8]);
    QVERIFY(j["wrapped"].get<bool>());
    // Scoped.
    QCOMPARE(cli_json({"review", "next", "--drive", drive_, "--source", "model"})["sample"].get<std::int64_t>(),
             keys_[7]);
    QCOMPARE(cli_json({"review", "next", "--drive", drive_, "--model", "m1"})["sample"].get<std::int64_t>(), keys_[7]);
    QCOMPARE(cli_json({"review", "next", "--drive", drive_, "--check", "c2"})["sample"].get<std::int64_t>(), keys_[8]);
    QCOMPARE(cli_json({"review", "next", "--drive", drive_, "--source", "auto", "--after", key(4)})["sample"]
                 .get<std::int64_t>(),
             keys_[6]);
    r = cli({"review", "next", "--drive", drive_});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.find("sample " + key(2)) != std::string::npos, r.out.c_str());
  }

  void setRecordsReviewer() {
    json j = cli_json(
        {"review", "set", "--label", std::to_string(track7_[0]), "--state", "accepted", "--reviewer", "alice"});
    QCOMPARE(j["reviewer"].get<std::string>(), std::string("alice"));
    const QByteArray saved = qgetenv("USER");
    qputenv("USER", "os-user-for-review");
    j = cli_json({"review", "set", "--finding", std::to_string(finding_c1_), "--state", "rejected"});
    qputenv("USER", saved);
    QCOMPARE(j["reviewer"].get<std::string>(), std::string("os-user-for-review"));
    Catalog c(catalog_);
    const auto label = c.review_repository().label_review(track7_[0]);
    QCOMPARE(label.state, ReviewState::Accepted);
    QCOMPARE(label.reviewer, std::string("alice"));
    QVERIFY(label.reviewed_ns > 0);
    QCOMPARE(c.label_repository().find(track7_[0])->revision, 1);  // in place
    const auto finding = c.review_repository().finding_review(finding_c1_);
    QCOMPARE(finding.state, ReviewState::Rejected);
    QCOMPARE(finding.reviewer, std::string("os-user-for-review"));
    // Reviewed items are skipped now: sample 2 has nothing left, the walk starts at 3.
    QCOMPARE(cli_json({"review", "next", "--drive", drive_})["sample"].get<std::int64_t>(), keys_[3]);
    // Reset makes it count again.
    QVERIFY(!cli_json({"review", "set", "--label", std::to_string(track7_[0]), "--state", "unreviewed"}).is_null());
    QCOMPARE(cli_json({"review", "next", "--drive", drive_})["sample"].get<std::int64_t>(), keys_[2]);
  }

  void trackTouchesOnlyThatTrack() {
    json j = cli_json({"review", "track", "--drive", drive_, "--track", "7", "--source", "auto", "--state", "accepted",
                       "--reviewer", "bob"});
    QCOMPARE(j["labels"].get<int>(), 3);
    {
      Catalog c(catalog_);
      for (auto id : track7_) {
        QCOMPARE(c.review_repository().label_review(id).state, ReviewState::Accepted);
        QCOMPARE(c.review_repository().label_review(id).reviewer, std::string("bob"));
      }
      QCOMPARE(c.review_repository().label_review(track8_[0]).state, ReviewState::Unreviewed);
      for (const auto& l : c.label_repository().list(drive_id_, {std::nullopt, LabelSource::Model, std::nullopt}))
        QCOMPARE(l.review, ReviewState::Unreviewed);
    }
    j = cli_json({"review", "track", "--drive", drive_, "--track", "1", "--source", "model", "--model", "m1", "--state",
                  "rejected", "--reviewer", "bob"});
    QCOMPARE(j["labels"].get<int>(), 1);
    Catalog c(catalog_);
    for (const auto& l : c.label_repository().list(drive_id_, {std::nullopt, LabelSource::Model, std::string("m1")}))
      QCOMPARE(l.review, ReviewState::Rejected);
    QCOMPARE(c.review_repository().label_review(track8_[0]).state, ReviewState::Unreviewed);
  }

  void sessionsRememberWhereTheyStopped() {
    // Left now: track 8 at 6 and c2 at 8.
    json j = cli_json({"review", "next", "--drive", drive_, "--session", "evening", "--reviewer", "carol"});
    QCOMPARE(j["sample"].get<std::int64_t>(), keys_[6]);
    QCOMPARE(j["session"]["sample"].get<std::int64_t>(), keys_[6]);
    QCOMPARE(j["session"]["item"].get<std::string>(), "label:" + std::to_string(track8_[0]));
    // The next call goes on from where the session stopped.
    j = cli_json({"review", "next", "--drive", drive_, "--session", "evening"});
    QCOMPARE(j["sample"].get<std::int64_t>(), keys_[8]);
    QVERIFY(!cli_json({"review", "set", "--finding", std::to_string(finding_c2_), "--state", "accepted", "--session",
                       "evening"})
                 .is_null());
    j = cli_json({"review", "sessions"});
    QCOMPARE(j.size(), std::size_t(1));
    QCOMPARE(j[0]["name"].get<std::string>(), std::string("evening"));
    QCOMPARE(j[0]["reviewer"].get<std::string>(), std::string("carol"));
    QCOMPARE(j[0]["drive"].get<std::string>(), drive_);
    QCOMPARE(j[0]["sample"].get<std::int64_t>(), keys_[8]);
    QCOMPARE(j[0]["counts"]["accepted"].get<int>(), 1);
    QCOMPARE(j[0]["counts"]["remaining"].get<int>(), 1);  // track 8's box
    const auto r = cli({"review", "sessions", "--drive", drive_});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.out.find("evening") != std::string::npos);
    QVERIFY(r.out.find("carol") != std::string::npos);
  }

  void labelSetAndDelete() {
    const std::int64_t id = track8_[0];
    json j = cli_json(
        {"label", "set", std::to_string(id), "--x", "12.5", "--yaw", "0.3", "--class", "Van", "--reviewer", "dora"});
    QCOMPARE(j["revision"].get<int>(), 2);
    Catalog c(catalog_);
    const auto l = c.label_repository().find(id);
    QCOMPARE(l->center.x(), 12.5);
    QCOMPARE(l->center.y(), 2.0);  // untouched
    QCOMPARE(l->yaw, 0.3);
    QCOMPARE(l->category, std::string("Van"));
    QCOMPARE(l->source, LabelSource::Manual);
    QCOMPARE(l->review, ReviewState::Fixed);
    QCOMPARE(c.review_repository().label_review(id).reviewer, std::string("dora"));
    const auto history = c.label_repository().history(id);
    QCOMPARE(history.size(), std::size_t(2));
    QCOMPARE(history[0].center.x(), 8.0);
    QCOMPARE(history[0].source, LabelSource::Auto);

    j = cli_json({"label", "delete", std::to_string(track7_[2])});
    QVERIFY(j["deleted"].get<bool>());
    QVERIFY(c.label_repository().find(track7_[2])->deleted);
    QCOMPARE(c.label_repository().history(track7_[2]).size(), std::size_t(2));
    const auto again = cli({"label", "delete", std::to_string(track7_[2])});
    QCOMPARE(again.exit_code, 1);
    QVERIFY2(again.err.find("already deleted") != std::string::npos, again.err.c_str());
  }

  void badArgumentsAreExplained() {
    struct Case {
      std::vector<std::string> args;
      int exit_code;
      std::string message;
    };
    const std::vector<Case> cases = {
        {{"review", "set", "--label", "999999", "--state", "accepted"}, 1, "label 999999 does not exist"},
        {{"review", "set", "--finding", "999999", "--state", "accepted"}, 1, "finding 999999 does not exist"},
        {{"review", "set", "--label", std::to_string(track7_[0]), "--state", "maybe"},
         2,
         "unknown review state 'maybe'"},
        {{"review", "set", "--state", "accepted"}, 2, "--label ID or a --finding ID"},
        {{"review", "track", "--drive", drive_, "--track", "7", "--source", "auto", "--state", "fixed"},
         2,
         "accepted or rejected"},
        {{"review", "track", "--drive", drive_, "--track", "42", "--source", "auto", "--state", "accepted"},
         1,
         "no auto label of track '42'"},
        {{"review", "track", "--drive", "no_such_drive", "--track", "7", "--source", "auto", "--state", "accepted"},
         1,
         "no drive 'no_such_drive'"},
        {{"review", "next", "--drive", drive_, "--after", "99999"}, 1, "no sample with key 99999"},
        {{"label", "set", std::to_string(track7_[1])}, 2, "nothing to set"},
        {{"label", "set", std::to_string(track7_[1]), "--length", "-2"}, 2, "--length must be positive"},
        {{"label", "set", "999999", "--x", "1"}, 1, "label 999999 does not exist"},
        {{"label", "delete", "999999"}, 1, "label 999999 does not exist"},
    };
    for (const auto& c : cases) {
      const auto r = cli(c.args);
      const std::string where = c.args[0] + " " + c.args[1] + ": " + r.err;
      QVERIFY2(r.exit_code == c.exit_code, where.c_str());
      QVERIFY2(r.err.find(c.message) != std::string::npos, where.c_str());
    }
    // Nothing of the refused commands was stored.
    Catalog c(catalog_);
    QCOMPARE(c.label_repository().find(track7_[1])->revision, 1);
    QCOMPARE(c.review_repository().label_review(track7_[1]).reviewer, std::string("bob"));
  }
};

QTEST_GUILESS_MAIN(TestCliReview)
#include "tst_cli_review.moc"

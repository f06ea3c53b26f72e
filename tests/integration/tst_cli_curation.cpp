// drivecurator-cli curation end to end: tag add/remove/list (by key and by time range), query with text and JSON
// output, collections that freeze a query's result (create/list/show/delete), and a bad query reported with a caret.
#include "test_support.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <set>

using nlohmann::json;
namespace fs = std::filesystem;
using dc::test::run_cli;

class TestCliCuration : public QObject {
  Q_OBJECT
  fs::path work_;
  std::string catalog_;
  std::string drive_;                   // the drive's name in the catalog
  std::vector<std::int64_t> keys_, times_;  // its samples

  json cli_json(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--json"};
    full.insert(full.end(), args.begin(), args.end());
    const auto r = dc::test::run_cli_on(catalog_, full);
    if (r.exit_code != 0) qWarning("%s", r.err.c_str());
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  dc::test::CommandResult cli(const std::vector<std::string>& args) { return dc::test::run_cli_on(catalog_, args); }
  std::set<std::int64_t> keys_of(const json& samples) {
    std::set<std::int64_t> out;
    for (const auto& s : samples) out.insert(s["sample"].get<std::int64_t>());
    return out;
  }

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("cli_curation");
    catalog_ = (work_ / "catalog.sqlite").string();
    auto r = run_cli({"generate", "--out", (work_ / "gen").string(), "--frames", "8", "--seed", "3", "--cameras", "1",
                      "--width", "160", "--height", "64", "--beams", "16", "--columns", "200", "--date", "2011_09_26",
                      "--json", "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const fs::path drive_dir = json::parse(r.out)["drive_dir"].get<std::string>();
    r = cli({"ingest", drive_dir.string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json drives = cli_json({"drives"});
    QCOMPARE(drives.size(), std::size_t(1));
    drive_ = drives[0]["name"].get<std::string>();
    for (const auto& s : cli_json({"samples", drive_})) {
      keys_.push_back(s["key"].get<std::int64_t>());
      times_.push_back(s["timestamp_ns"].get<std::int64_t>());
    }
    QCOMPARE(keys_.size(), std::size_t(8));
  }

  void tagAddListRemove() {
    json j = cli_json({"tag", "add", "night", "--drive", drive_, "--sample", std::to_string(keys_[0]), "--sample",
                       std::to_string(keys_[1])});
    QCOMPARE(j["tagged"].get<int>(), 2);
    // A time range: samples 2..4 inclusive.
    j = cli_json({"tag", "add", "dusk", "--drive", drive_, "--from", std::to_string(times_[2]), "--to",
                  std::to_string(times_[4])});
    QCOMPARE(j["tagged"].get<int>(), 3);
    j = cli_json({"tag", "list"});
    QCOMPARE(j.size(), std::size_t(2));
    QCOMPARE(j[0]["tag"].get<std::string>(), std::string("dusk"));
    QCOMPARE(j[0]["samples"].get<int>(), 3);
    QCOMPARE(j[1]["tag"].get<std::string>(), std::string("night"));
    QCOMPARE(j[1]["samples"].get<int>(), 2);
    j = cli_json({"tag", "remove", "night", "--drive", drive_, "--sample", std::to_string(keys_[1])});
    QCOMPARE(j["untagged"].get<int>(), 1);
    auto r = cli({"tag", "list", "--drive", drive_});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.out.find("night") != std::string::npos);
    // Unknown drive or sample: exit 1 with a message.
    r = cli({"tag", "add", "x", "--drive", "nope"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY(r.err.find("no drive 'nope'") != std::string::npos);
    r = cli({"tag", "add", "x", "--drive", drive_, "--sample", "999"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY(r.err.find("no sample with key 999") != std::string::npos);
    // --sample and --from exclude each other (usage).
    r = cli({"tag", "add", "x", "--drive", drive_, "--sample", "1", "--from", "0"});
    QCOMPARE(r.exit_code, 2);
  }

  void queryPrintsSamplesAndCount() {
    json j = cli_json({"query", "tag:night or tag:dusk"});
    QCOMPARE(j["count"].get<int>(), 4);
    QCOMPARE(keys_of(j["samples"]), (std::set<std::int64_t>{keys_[0], keys_[2], keys_[3], keys_[4]}));
    QCOMPARE(j["samples"][0]["drive"].get<std::string>(), drive_);
    QCOMPARE(j["samples"][0]["timestamp_ns"].get<std::int64_t>(), times_[0]);
    QVERIFY(j["samples"][0]["time"].get<std::string>().rfind("2011-09-26", 0) == 0);
    // Several words are one query; --json may follow.
    j = cli_json({"query", "not", "tag:dusk", "sample<" + std::to_string(keys_[3]), "drive~2011_09_26"});
    QCOMPARE(keys_of(j["samples"]), (std::set<std::int64_t>{keys_[0], keys_[1]}));
    // Every sample has ground-truth boxes from the generator's tracklets or none: count partitions them.
    const auto some = cli_json({"query", "count>=1"})["count"].get<int>();
    const auto none = cli_json({"query", "count<1"})["count"].get<int>();
    QCOMPARE(some + none, 8);
    auto r = cli({"query", "tag:dusk"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.out.find("DRIVE") != std::string::npos);
    QVERIFY(r.out.find("3 samples\n") != std::string::npos);
    r = cli({"query", "tag:\"x' OR 1=1 --\""});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.out.find("0 samples\n") != std::string::npos);
  }

  void badQueryExitsOneWithCaret() {
    auto r = cli({"query", "class: and"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.find("query: expected a value after 'class:' at column 7\n    class: and\n          ^") !=
                 std::string::npos,
             r.err.c_str());
    QVERIFY(r.out.empty());
    r = cli({"collection", "create", "bad", "--query", "tag:x)"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY(r.err.find("unmatched ')' at column 6") != std::string::npos);
  }

  void collectionsFreezeTheResult() {
    json j = cli_json({"collection", "create", "evening", "--query", "tag:dusk"});
    QCOMPARE(j["samples"].get<int>(), 3);
    auto r = cli({"collection", "create", "evening", "--query", "tag:dusk"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY(r.err.find("exists already") != std::string::npos);
    // Removing the tag later does not change the frozen list.
    QCOMPARE(cli_json({"tag", "remove", "dusk", "--drive", drive_})["untagged"].get<int>(), 3);
    j = cli_json({"collection", "list"});
    QCOMPARE(j.size(), std::size_t(1));
    QCOMPARE(j[0]["name"].get<std::string>(), std::string("evening"));
    QCOMPARE(j[0]["query"].get<std::string>(), std::string("tag:dusk"));
    QCOMPARE(j[0]["samples"].get<int>(), 3);
    j = cli_json({"collection", "show", "evening"});
    QCOMPARE(j["query"].get<std::string>(), std::string("tag:dusk"));
    QCOMPARE(j["count"].get<int>(), 3);
    QCOMPARE(keys_of(j["samples"]), (std::set<std::int64_t>{keys_[2], keys_[3], keys_[4]}));
    QCOMPARE(j["samples"][0]["timestamp_ns"].get<std::int64_t>(), times_[2]);
    r = cli({"collection", "show", "evening"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.out.find("query:      tag:dusk") != std::string::npos);
    QVERIFY(r.out.find("3 samples") != std::string::npos);
    r = cli({"collection", "list"});
    QVERIFY(r.out.find("evening") != std::string::npos);
    QCOMPARE(cli({"collection", "delete", "evening"}).exit_code, 0);
    QCOMPARE(cli_json({"collection", "list"}).size(), std::size_t(0));
    r = cli({"collection", "delete", "evening"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY(r.err.find("no collection 'evening'") != std::string::npos);
    QCOMPARE(cli({"collection", "show", "evening"}).exit_code, 1);
    // The samples are still there.
    QCOMPARE(cli_json({"samples", drive_}).size(), std::size_t(8));
  }
};

QTEST_GUILESS_MAIN(TestCliCuration)
#include "tst_cli_curation.moc"

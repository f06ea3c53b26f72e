// A nuScenes dataset through the command line, as a user meets it: generate one (two scenes, one per run into the
// same root would replace it, so two roots), ingest the root, list the drives, run a pass on a scene and export it.
#include "test_support.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>

using nlohmann::json;
namespace fs = std::filesystem;

class TestNuScenesCli : public QObject {
  Q_OBJECT
  fs::path work_;
  std::string catalog_;

  dc::test::CommandResult cli(const std::vector<std::string>& args) { return dc::test::run_cli_on(catalog_, args); }

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("nuscenes_cli");
    catalog_ = (work_ / "catalog.sqlite").string();
    const auto r = dc::test::run_cli({"--quiet", "generate", "--format", "nuscenes", "--out", (work_ / "nuscenes").string(),
                                      "--frames", "11", "--seed", "5", "--width", "320", "--height", "96",
                                      "--columns", "400", "--beams", "16"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
  }

  // The dataset root ingests as one drive per scene: every sweep a lidar frame, boxes on the keyframes only
  // (every fifth sweep at 10 Hz: 0, 5, 10).
  void ingestListsTheScene() {
    auto r = cli({"--quiet", "ingest", (work_ / "nuscenes").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = cli({"--json", "drives"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json drives = json::parse(r.out);
    QCOMPARE(drives.size(), std::size_t(1));
    QCOMPARE(drives[0]["format"].get<std::string>(), std::string("nuscenes"));
    const std::string root = drives[0]["root"].get<std::string>();
    QVERIFY2(root.rfind(fs::absolute(work_ / "nuscenes").lexically_normal().string() + "#", 0) == 0, root.c_str());
    r = cli({"--json", "query", "drive:" + drives[0]["name"].get<std::string>()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QCOMPARE(json::parse(r.out)["count"].get<int>(), 11);
    r = cli({"--json", "query", "label-source:gt"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QCOMPARE(json::parse(r.out)["count"].get<int>(), 3);
  }

  // `labels --json` shows each box's nuScenes category as the dataset names it (source_class), the one its
  // instance has in the tables the generator wrote (read here directly).
  void labelsShowTheDatasetClass() {
    const fs::path version = work_ / "nuscenes" / "v1.0-synthetic";
    auto read = [](const fs::path& file) {
      std::ifstream in(file);
      return json::parse(in);
    };
    std::map<std::string, std::string> category, of_instance;
    for (const auto& c : read(version / "category.json")) category[c["token"]] = c["name"];
    for (const auto& i : read(version / "instance.json"))
      of_instance[i["token"]] = category.at(i["category_token"].get<std::string>());
    const std::size_t boxes = read(version / "sample_annotation.json").size();

    auto r = cli({"--json", "drives"});
    const std::string drive = json::parse(r.out)[0]["name"].get<std::string>();
    r = cli({"--json", "labels", drive, "--source", "gt"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json labels = json::parse(r.out);
    QCOMPARE(labels.size(), boxes);
    QVERIFY(boxes > 0);
    for (const auto& l : labels) {
      const std::string track = l["track_id"].get<std::string>();
      QVERIFY2(of_instance.count(track), track.c_str());
      QVERIFY(l["source_class"].is_string());
      QCOMPARE(l["source_class"].get<std::string>(), of_instance.at(track));
    }
    r = cli({"labels", drive, "--source", "gt"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY(r.out.find("DATASET CLASS") != std::string::npos);
    QVERIFY(r.out.find(of_instance.at(labels[0]["track_id"].get<std::string>())) != std::string::npos);
  }

  // A pass runs on a scene whose root is "<folder>#<scene token>" (the folder exists, the root string does not).
  void passRunsOnAScene() {
    auto r = cli({"--json", "drives"});
    const std::string drive = json::parse(r.out)[0]["name"].get<std::string>();
    r = cli({"--quiet", "pass", "run", "label-qa", "--drive", drive});
    QVERIFY2(r.exit_code == 0, (r.out + r.err).c_str());
    r = cli({"--json", "jobs"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json jobs = json::parse(r.out);
    QVERIFY(!jobs.empty());
    QCOMPARE(jobs[0]["state"].get<std::string>(), std::string("done"));
  }
};

QTEST_APPLESS_MAIN(TestNuScenesCli)
#include "tst_nuscenes_cli.moc"

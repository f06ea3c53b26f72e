// The evaluation loop from the command line, as a training pipeline's CI would run it: model predictions imported
// with `labels import` (bad rows reported, re-import replaces), `eval run` with requirements that pass (exit 0) and
// fail (exit 3), a malformed requirement (exit 1 before anything runs), the evaluation stored and listed, and
// `eval compare` of two model runs showing the change of a number.
#include "test_support.h"

#include <QTest>
#include <nlohmann/json.hpp>

#include <sstream>

using nlohmann::json;
namespace fs = std::filesystem;
using dc::test::run_cli;

namespace {

fs::path object_split() { return dc::test::shared_data_dir() / "kitti-object" / "training"; }

// The label_2 files as KITTI result files (score 0.9), the first Car of each frame moved by `shift_m` along x
// (camera right): a model whose cars are off by a known amount.
fs::path predictions(const fs::path& dir, double shift_m) {
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(object_split() / "label_2")) {
    std::istringstream in(dc::test::read_text(e.path()));
    std::string out;
    bool shifted = false;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("Car ", 0) == 0 && !shifted) {
        std::istringstream cols(line);
        std::vector<std::string> c;
        for (std::string v; cols >> v;) c.push_back(v);
        c[11] = std::to_string(std::stod(c[11]) + shift_m);
        line.clear();
        for (const auto& v : c) line += v + " ";
        shifted = true;
      }
      out += line + " 0.9\n";
    }
    dc::test::write_text(dir / e.path().filename(), out);
  }
  return dir;
}

}  // namespace

class TestCliEval : public QObject {
  Q_OBJECT
  fs::path work_;
  std::string catalog_;

 private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("cli_eval");
    catalog_ = (work_ / "catalog.sqlite").string();
    const auto r = run_cli({"--catalog", catalog_, "ingest", object_split().string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
  }

  void importReportsBadRowsAndReplaces() {
    const fs::path dir = predictions(work_ / "exact", 0.0);
    dc::test::write_text(dir / "extra.jsonl", "{\"frame\": 1, \"class\": \"Car\"}\n");
    auto r = run_cli({"--catalog", catalog_, "--json", "labels", "import", dir.string(), "--drive",
                      "kitti-object/training", "--source", "model", "--name", "exact"});
    QCOMPARE(r.exit_code, 1);  // one bad row: reported, the rest imported
    QVERIFY2(r.err.find("extra.jsonl:1:") != std::string::npos, r.err.c_str());
    QCOMPARE(json::parse(r.out)["imported"].get<int>(), 6);
    fs::remove(dir / "extra.jsonl");
    r = run_cli({"--catalog", catalog_, "--json", "labels", "import", dir.string(), "--drive",
                 "kitti-object/training", "--source", "model", "--name", "exact"});
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(json::parse(r.out)["replaced"].get<int>(), 6);
    r = run_cli({"--catalog", catalog_, "--json", "labels", "kitti-object/training", "--source", "model"});
    QCOMPARE(json::parse(r.out).size(), std::size_t{6});
  }

  // The exact predictions find both cars (bird's-eye AP 100 over all ranges); cars moved by 3 m find none.
  void requirementsGateTheExitCode() {
    auto r = run_cli({"--catalog", catalog_, "eval", "run", "--pred", "model:exact", "--drive", "kitti-object/training",
                      "--require", "Car/all/bev>=99", "--require", "Car/all/recall>=1", "-q"});
    QVERIFY2(r.exit_code == 0, (r.out + r.err).c_str());
    QVERIFY(r.err.find("requirement Car/all/bev>=99: ok") != std::string::npos);

    const fs::path off = predictions(work_ / "off", 3.0);
    r = run_cli({"--catalog", catalog_, "labels", "import", off.string(), "--drive", "kitti-object/training",
                 "--source", "model", "--name", "off"});
    QCOMPARE(r.exit_code, 0);
    r = run_cli({"--catalog", catalog_, "eval", "run", "--pred", "model:off", "--drive", "kitti-object/training",
                 "--require", "Car/all/bev>=99", "-q"});
    QCOMPARE(r.exit_code, 3);
    QVERIFY(r.err.find("requirement Car/all/bev>=99: FAILED") != std::string::npos);

    r = run_cli({"--catalog", catalog_, "eval", "run", "--pred", "model:off", "--drive", "kitti-object/training",
                 "--require", "Car>=3", "-q"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY(r.err.find("--require 'Car>=3'") != std::string::npos);
  }

  void evaluationsAreStoredAndCompared() {
    auto r = run_cli({"--catalog", catalog_, "--json", "eval", "list"});
    QCOMPARE(r.exit_code, 0);
    const json list = json::parse(r.out);
    QCOMPARE(list.size(), std::size_t{2});
    QCOMPARE(list[0]["predicted"].get<std::string>(), std::string("model:exact"));
    QCOMPARE(list[1]["predicted"].get<std::string>(), std::string("model:off"));
    const auto a = list[0]["run"].get<std::int64_t>(), b = list[1]["run"].get<std::int64_t>();
    r = run_cli({"--catalog", catalog_, "--json", "eval", "compare", std::to_string(a), std::to_string(b)});
    QCOMPARE(r.exit_code, 0);
    bool seen = false;
    const json compared = json::parse(r.out);
    for (const auto& n : compared["numbers"])
      if (n["key"] == "bands/Car/all/bev_ap") {
        QCOMPARE(n["a"].get<double>(), 100.0);
        QCOMPARE(n["b"].get<double>(), 0.0);
        QCOMPARE(n["delta"].get<double>(), -100.0);
        seen = true;
      }
    QVERIFY(seen);
    r = run_cli({"--catalog", catalog_, "eval", "show", std::to_string(a)});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.out.find("KITTI benchmark") != std::string::npos);
    r = run_cli({"--catalog", catalog_, "eval", "show", "999"});
    QCOMPARE(r.exit_code, 1);
  }
  void evalRunsOnACollectionsSamplesOnly() {
    // A collection of frames 1 and 2: the evaluation counts their boxes only (hand count from the label files).
    auto r = run_cli({"--catalog", catalog_, "labels", "import", predictions(work_ / "exact", 0.0).string(),
                      "--drive", "kitti-object/training", "--source", "model", "--name", "exact"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = run_cli({"--catalog", catalog_, "collection", "create", "later", "--query", "sample>=1"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    int cars_in_later = 0;
    for (const auto& e : fs::directory_iterator(object_split() / "label_2")) {
      std::istringstream in(dc::test::read_text(e.path()));
      for (std::string line; std::getline(in, line);) {
        const bool car = line.rfind("Car ", 0) == 0;
        cars_in_later += car && e.path().filename() != "000000.txt";
      }
    }
    QVERIFY(cars_in_later > 0);
    r = run_cli({"--catalog", catalog_, "eval", "run", "--pred", "model:exact", "--collection", "later", "-q",
                 "--require", "Car/all/recall>=1"});
    QVERIFY2(r.exit_code == 0, (r.out + r.err).c_str());
    const json list = json::parse(run_cli({"--catalog", catalog_, "--json", "eval", "list"}).out);
    const json summary = list.back().at("summary");
    QCOMPARE(summary.at("samples").get<int>(), 2);
    QCOMPARE(summary.at("bands").at("Car").at("all").at("tp").get<int>() +
                 summary.at("bands").at("Car").at("all").at("fn").get<int>(),
             cars_in_later);
    r = run_cli({"--catalog", catalog_, "eval", "run", "--pred", "model:exact", "--collection", "none", "-q"});
    QCOMPARE(r.exit_code, 1);
  }

};

QTEST_GUILESS_MAIN(TestCliEval)
#include "tst_cli_eval.moc"

// Model predictions in: KITTI object result files (label_2 columns plus a score) and lidar-frame JSON lines become
// labels of one named model run; bad rows are reported with file and line and skipped; importing the same run
// again replaces it, other runs and the ground truth stay.
#include "test_support.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/io/ingester.h"
#include "dc/core/io/prediction_reader.h"
#include "dc/core/io/reader_registry.h"

#include <QTest>

#include <fstream>
#include <sstream>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

fs::path object_split() { return dc::test::shared_data_dir() / "kitti-object" / "training"; }

// The real label_2 files with a score column appended: a "model" that predicts the ground truth.
fs::path results_from_labels(const std::string& name) {
  const fs::path dir = dc::test::fresh_work_dir(name);
  for (const auto& e : fs::directory_iterator(object_split() / "label_2")) {
    std::istringstream in(dc::test::read_text(e.path()));
    std::string out;
    for (std::string line; std::getline(in, line);) out += line + " 0.75\n";
    dc::test::write_text(dir / e.path().filename(), out);
  }
  return dir;
}

bool has_error(const PredictionImport& r, const std::string& file, int line, const std::string& words) {
  for (const auto& e : r.errors)
    if (fs::path(e.path).filename() == file && e.line == line && e.message.find(words) != std::string::npos)
      return true;
  return false;
}

}  // namespace

class TestPredictionReader : public QObject {
  Q_OBJECT

  Drive drive_;

 private slots:
  void initTestCase() { drive_ = reader_for_format("kitti-object")->read_single(object_split()); }

  // Result files of the ground truth give back the ground-truth boxes (the reader's own conversion of label_2),
  // with the file's score, DontCare rows left out.
  void kittiResultsGiveTheGroundTruthBoxes() {
    const PredictionImport r = read_predictions(results_from_labels("pred_kitti"), drive_, "echo");
    QVERIFY2(r.errors.empty(), r.errors.empty() ? "" : r.errors.front().message.c_str());
    QCOMPARE(r.files, 3);
    QCOMPARE(r.labels.size(), drive_.labels.size());
    for (std::size_t i = 0; i < r.labels.size(); ++i) {
      const BoxLabel& p = r.labels[i];
      const BoxLabel& g = drive_.labels[i];
      QCOMPARE(p.frame_index, g.frame_index);
      QCOMPARE(p.category, g.category);
      QVERIFY((p.center - g.center).norm() < 1e-9);
      QVERIFY(std::abs(p.yaw - g.yaw) < 1e-9 && std::abs(p.length - g.length) < 1e-12);
      QCOMPARE(p.score, 0.75);
      QCOMPARE(p.source, LabelSource::Model);
      QCOMPARE(p.source_name, std::string("echo"));
    }
  }

  void badRowsAreReportedWithFileAndLine() {
    const fs::path dir = results_from_labels("pred_bad");
    {
      std::ofstream f(dir / "000001.txt", std::ios::app);
      f << "Car 0.00 0 x 1 2 3 4 1.5 1.6 4 1 1 10 0.1 0.5\n";  // line 8: alpha is not a number
    }
    dc::test::write_text(dir / "000007.txt", "Car 0 0 0 1 2 3 4 1.5 1.6 4 1 1 10 0.1 0.5\n");  // no such frame
    dc::test::write_text(dir / "boxes.jsonl",
                         "{\"frame\": 1, \"class\": \"Car\", \"center\": [10, 2, -1], \"size\": [4, 1.7, 1.5], "
                         "\"yaw\": 0.2, \"track_id\": 3, \"score\": 0.7}\n"
                         "{\"frame\": 9, \"class\": \"Car\", \"center\": [1, 2, 3], \"size\": [4, 1.7, 1.5], \"yaw\": 0}\n"
                         "not json\n"
                         "{\"frame\": 2, \"class\": \"Car\", \"center\": [1, 2], \"size\": [4, 1.7, 1.5], \"yaw\": 0}\n"
                         "\n"
                         "{\"frame\": 2, \"class\": \"Van\", \"center\": [1, 2, 3], \"size\": [4, -1, 1.5], \"yaw\": 0}\n");
    dc::test::write_text(dir / "notes.md", "not a prediction file\n");
    const PredictionImport r = read_predictions(dir, drive_, "m");
    QCOMPARE(r.files, 5);
    QVERIFY(has_error(r, "000001.txt", 8, "alpha"));
    QVERIFY(has_error(r, "000007.txt", 0, "frame 7 is not a lidar frame"));
    QVERIFY(has_error(r, "boxes.jsonl", 2, "frame 9 is not a lidar frame"));
    QVERIFY(has_error(r, "boxes.jsonl", 3, "parse error"));
    QVERIFY(has_error(r, "boxes.jsonl", 4, "'center' must be 3 numbers"));
    QVERIFY(has_error(r, "boxes.jsonl", 6, "'size' must be positive"));
    QCOMPARE(r.errors.size(), std::size_t{6});
    // The good rows are all there: the ground truth (6 boxes) and the first JSON line.
    QCOMPARE(r.labels.size(), drive_.labels.size() + 1);
    const BoxLabel& j = r.labels.back();
    QCOMPARE(j.frame_index, std::int64_t{1});
    QCOMPARE(j.track_id, std::string("3"));
    QCOMPARE(j.score, 0.7);
    QVERIFY((j.center - Eigen::Vector3d(10, 2, -1)).norm() < 1e-12);
  }

  void notAFolderIsAnError() {
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, read_predictions("/nonexistent/predictions", drive_, "m"));
  }

  // Importing a run twice leaves one copy; a second run and the ground truth are untouched.
  void namedRunsLiveSideBySide() {
    const fs::path dir = dc::test::fresh_work_dir("pred_catalog");
    Catalog catalog(dir / "catalog.sqlite");
    Ingester(catalog).ingest({object_split()});
    const auto stored = catalog.drives().front();
    const Drive drive = catalog.load_drive(stored.name);
    const PredictionImport r = read_predictions(results_from_labels("pred_runs"), drive, "a");
    auto& labels = catalog.label_repository();
    QCOMPARE(labels.replace_model_run(stored.id, "a", r.labels), std::int64_t{0});
    QCOMPARE(labels.replace_model_run(stored.id, "a", r.labels), std::int64_t{6});
    std::vector<BoxLabel> fewer(r.labels.begin(), r.labels.begin() + 2);
    labels.replace_model_run(stored.id, "b", fewer);
    LabelQuery a, b, gt;
    a.source = b.source = LabelSource::Model;
    a.source_name = "a";
    b.source_name = "b";
    gt.source = LabelSource::GroundTruth;
    QCOMPARE(labels.list(stored.id, a).size(), std::size_t{6});
    QCOMPARE(labels.list(stored.id, b).size(), std::size_t{2});
    QCOMPARE(labels.list(stored.id, gt).size(), std::size_t{6});
    QVERIFY(labels.model_runs(stored.id) == (std::vector<std::string>{"a", "b"}));
  }
};

QTEST_GUILESS_MAIN(TestPredictionReader)
#include "tst_prediction_reader.moc"

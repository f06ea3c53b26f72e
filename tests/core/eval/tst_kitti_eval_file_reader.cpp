#include "dc/core/eval/kitti_eval_file_reader.h"
#include "dc/core/eval/kitti_object_evaluator.h"
#include "dc/core/io/parse_error.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

fs::path real_label_dir() {
  return dc::test::shared_data_dir() / "kitti-object/training/label_2";
}

// Independent reading of a label file's lines (for writing result copies).
std::vector<std::string> lines_of(const fs::path& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

std::vector<std::string> split(const std::string& line) {
  std::istringstream ss(line);
  std::vector<std::string> out;
  for (std::string t; ss >> t;) out.push_back(t);
  return out;
}

std::string join(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) out += (out.empty() ? "" : " ") + t;
  return out;
}

// Writes each real frame `copies` times into label/ and result/ folders (ids "<frame>_<copy>"); every non-DontCare
// row becomes a detection with a distinct score, edited by `edit` (tokens of a 16-column row), plus `extra` rows.
struct Split {
  fs::path labels, results;
};
Split write_split(const std::string& name, int copies, const std::function<void(std::vector<std::string>&)>& edit = {},
                  const std::vector<std::string>& extra = {}) {
  const fs::path dir = dc::test::fresh_work_dir(name);
  Split s{dir / "label", dir / "result"};
  fs::create_directories(s.labels);
  fs::create_directories(s.results);
  int rank = 0;
  for (const char* frame : {"000000", "000001", "000002"}) {
    const auto rows = lines_of(real_label_dir() / (std::string(frame) + ".txt"));
    for (int c = 0; c < copies; ++c) {
      const std::string id = std::string(frame) + "_" + std::to_string(c);
      std::ofstream gt(s.labels / (id + ".txt"));
      std::ofstream det(s.results / (id + ".txt"));
      for (const auto& row : rows) {
        gt << row << "\n";
        auto tokens = split(row);
        if (tokens[0] == "DontCare") continue;
        char score[32];
        std::snprintf(score, sizeof score, "%.6f", 0.9 - 0.0005 * rank++);
        tokens.push_back(score);
        if (edit) edit(tokens);
        det << join(tokens) << "\n";
      }
      for (const auto& row : extra) det << row << "\n";
    }
  }
  return s;
}

const KittiMetricCurve& curve(const KittiEvalResult& r, const char* cls, KittiEvalMetric m, KittiDifficulty d) {
  return r.find(cls)->curve(m, d);
}

constexpr KittiEvalMetric kAllMetrics[] = {KittiEvalMetric::Image2d, KittiEvalMetric::BirdsEye, KittiEvalMetric::Box3d,
                                           KittiEvalMetric::Orientation};
constexpr KittiDifficulty kDifficulties[] = {KittiDifficulty::Easy, KittiDifficulty::Moderate, KittiDifficulty::Hard};

bool near(double a, double b) {
  return std::abs(a - b) < 1e-9;
}

}  // namespace

class TestKittiEvalFileReader : public QObject {
  Q_OBJECT

 private slots:
  void readsRealLabelFiles() {
    std::vector<IngestError> errors;
    const auto rows = KittiEvalFileReader::read_ground_truth(real_label_dir() / "000001.txt", errors);
    QVERIFY(errors.empty());
    QCOMPARE(int(rows.size()), 7);  // Truck, Car, Cyclist, 4 DontCare
    const KittiEvalObject& car = rows[1];
    QCOMPARE(car.type, std::string("Car"));
    QCOMPARE(car.occluded, 0);
    QCOMPARE(car.alpha, 1.85);
    QCOMPARE(car.bbox[0], 387.63);
    QCOMPARE(car.bbox[3], 203.12);
    QCOMPARE(car.box.h, 1.67);
    QCOMPARE(car.box.l, 3.69);
    QCOMPARE(car.box.bottom_center.x(), -16.53);
    QCOMPARE(car.box.bottom_center.z(), 58.49);
    QCOMPARE(car.box.rotation_y, 1.57);
    QCOMPARE(car.line, 2);
    QCOMPARE(rows[2].occluded, 3);
    QCOMPARE(rows[3].type, std::string("DontCare"));
    QCOMPARE(rows[3].box.bottom_center.y(), -1000.0);
  }

  void badRowsAreReportedWithFileAndLine() {
    const fs::path dir = dc::test::fresh_work_dir("kitti_eval_bad_rows");
    const fs::path file = dir / "000007.txt";
    dc::test::write_text(file,
                         "Car 0.00 0 -1.67 657.39 190.13 700.07 223.39 1.41 1.58 4.36 3.18 2.27 34.38 -1.58\n"
                         "Car 0.00 0 -1.67 657.39 190.13 700.07 223.39 1.41 1.58 4.36 3.18 2.27 34.38\n"
                         "\n"
                         "Car 0.00 0 -1.67 657.39 abc 700.07 223.39 1.41 1.58 4.36 3.18 2.27 34.38 -1.58\n"
                         "Car 0.00 0.5 -1.67 657.39 190.13 700.07 223.39 1.41 1.58 4.36 3.18 2.27 34.38 -1.58\n"
                         "Pedestrian 0.00 0 -0.20 712.40 143.00 810.73 307.92 1.89 0.48 1.20 1.84 1.47 8.41 0.01\n");
    std::vector<IngestError> errors;
    const auto rows = KittiEvalFileReader::read_ground_truth(file, errors);
    QCOMPARE(int(rows.size()), 2);
    QCOMPARE(rows[1].line, 6);
    QCOMPARE(int(errors.size()), 3);
    QCOMPARE(errors[0].line, 2);
    QVERIFY(errors[0].message.find("15 columns, got 14") != std::string::npos);
    QCOMPARE(errors[1].line, 4);
    QVERIFY(errors[1].message.find("column 6 (top) 'abc'") != std::string::npos);
    QCOMPARE(errors[2].line, 5);
    QVERIFY(errors[2].message.find("occluded") != std::string::npos);
    for (const auto& e : errors) QCOMPARE(e.path, file.string());

    // Detections need the score column; truncated/occluded -1 (the result convention) is fine.
    const fs::path result = dir / "result.txt";
    dc::test::write_text(result,
                         "Car -1 -1 -1.67 657.39 190.13 700.07 223.39 1.41 1.58 4.36 3.18 2.27 34.38 -1.58 0.87\n"
                         "Car -1 -1 -1.67 657.39 190.13 700.07 223.39 1.41 1.58 4.36 3.18 2.27 34.38 -1.58\n");
    errors.clear();
    const auto dets = KittiEvalFileReader::read_detections(result, errors);
    QCOMPARE(int(dets.size()), 1);
    QCOMPARE(dets[0].score, 0.87);
    QCOMPARE(int(errors.size()), 1);
    QCOMPARE(errors[0].line, 2);
    QVERIFY(errors[0].message.find("16 columns") != std::string::npos);

    QVERIFY_THROWS_EXCEPTION(ParseError, KittiEvalFileReader::read_ground_truth(dir / "absent.txt", errors));
  }

  void missingResultFileMeansNoDetections() {
    const fs::path dir = dc::test::fresh_work_dir("kitti_eval_missing_result");
    fs::create_directories(dir / "label");
    fs::create_directories(dir / "result");
    fs::copy_file(real_label_dir() / "000000.txt", dir / "label/000000.txt");
    std::vector<IngestError> errors;
    const auto frames = KittiEvalFileReader::read_split(dir / "label", dir / "result", errors);
    QCOMPARE(int(frames.size()), 1);
    QCOMPARE(frames[0].id, std::string("000000"));
    QCOMPARE(int(frames[0].ground_truth.size()), 1);
    QVERIFY(frames[0].detections.empty());
    QCOMPARE(int(errors.size()), 1);
    QVERIFY(errors[0].path.find("result/000000.txt") != std::string::npos);
  }

  void realLabelsAgainstThemselves() {
    // One counted box per class and difficulty at most: Pedestrian (000000) everywhere, Car (000002, 33 px) at
    // moderate and hard; the 000001 Car is 21.6 px tall and the Cyclist occluded (3): ignored everywhere.
    // One box found perfectly reaches only the first recall step in the devkit: AP_R40 0, AP11 100/11.
    const Split s = write_split("kitti_eval_self", 1);
    std::vector<IngestError> errors;
    const auto frames = KittiEvalFileReader::read_split(s.labels, s.results, errors);
    QVERIFY(errors.empty());
    QCOMPARE(int(frames.size()), 3);
    const auto r = KittiObjectEvaluator().evaluate(frames);
    for (auto m : kAllMetrics)
      for (auto d : kDifficulties) {
        const auto& ped = curve(r, "Pedestrian", m, d);
        QCOMPARE(ped.ground_truth_count, 1);
        QVERIFY(near(ped.ap_r40, 0.0) && near(ped.ap_r11, 100.0 / 11.0));
        QCOMPARE(ped.interpolated[0], 1.0);
        const auto& car = curve(r, "Car", m, d);
        QCOMPARE(car.ground_truth_count, d == KittiDifficulty::Easy ? 0 : 1);
        QVERIFY(near(car.ap_r11, d == KittiDifficulty::Easy ? 0.0 : 100.0 / 11.0));
        QCOMPARE(curve(r, "Cyclist", m, d).ground_truth_count, 0);
        QCOMPARE(curve(r, "Cyclist", m, d).ap_r40, 0.0);
      }
  }

  void realLabelsRepeatedEightyTimesAgainstThemselves() {
    // 80 copies: 80 boxes per counted class and difficulty, all found -> AP 100 (R40 and R11) in every metric.
    const Split s = write_split("kitti_eval_self80", 80);
    std::vector<IngestError> errors;
    const auto frames = KittiEvalFileReader::read_split(s.labels, s.results, errors);
    QVERIFY(errors.empty());
    QCOMPARE(int(frames.size()), 240);
    const auto r = KittiObjectEvaluator().evaluate(frames);
    for (auto m : kAllMetrics)
      for (auto d : kDifficulties) {
        const auto& ped = curve(r, "Pedestrian", m, d);
        QCOMPARE(ped.ground_truth_count, 80);
        QVERIFY2(near(ped.ap_r40, 100.0) && near(ped.ap_r11, 100.0), to_string(m));
        const auto& car = curve(r, "Car", m, d);
        if (d == KittiDifficulty::Easy) {
          QCOMPARE(car.ground_truth_count, 0);
          QCOMPARE(car.ap_r40, 0.0);
        } else {
          QCOMPARE(car.ground_truth_count, 80);
          QVERIFY2(near(car.ap_r40, 100.0) && near(car.ap_r11, 100.0), to_string(m));
        }
      }
  }

  void perturbedCopiesOfRealLabels() {
    // Every detection moved 0.5 m along camera x: the image boxes still match (AP 100), but the ground-plane IoU
    // drops to ~(1.58 - 0.5) / (1.58 + 0.5) = 0.52 for the Car (its width lies along x) and (1.2 - 0.5) / 1.7 = 0.41
    // for the Pedestrian: below 0.7 and 0.5, so BEV and 3D AP are 0.
    {
      const Split s = write_split("kitti_eval_shifted", 80,
                                  [](std::vector<std::string>& t) { t[11] = std::to_string(std::stod(t[11]) + 0.5); });
      std::vector<IngestError> errors;
      const auto r = KittiObjectEvaluator().evaluate(KittiEvalFileReader::read_split(s.labels, s.results, errors));
      QVERIFY(errors.empty());
      for (const char* cls : {"Car", "Pedestrian"}) {
        const auto d = KittiDifficulty::Moderate;
        QVERIFY(near(curve(r, cls, KittiEvalMetric::Image2d, d).ap_r40, 100.0));
        QVERIFY(near(curve(r, cls, KittiEvalMetric::Orientation, d).ap_r40, 100.0));
        QCOMPARE(curve(r, cls, KittiEvalMetric::BirdsEye, d).ap_r40, 0.0);
        QCOMPARE(curve(r, cls, KittiEvalMetric::Box3d, d).ap_r40, 0.0);
      }
    }
    // One confident false-positive Car per frame (240) over 80 found cars: precision k / (k + 240) rises with k,
    // so the monotone precision is 80 / 320 at every step: Car AP 25; Pedestrian untouched.
    {
      const Split s = write_split("kitti_eval_false_positives", 80, {},
                                  {"Car -1 -1 0.1 100 100 200 200 1.5 1.6 3.9 -30 1.7 70 0.1 0.99"});
      std::vector<IngestError> errors;
      const auto r = KittiObjectEvaluator().evaluate(KittiEvalFileReader::read_split(s.labels, s.results, errors));
      QVERIFY(errors.empty());
      for (auto m : {KittiEvalMetric::Image2d, KittiEvalMetric::BirdsEye, KittiEvalMetric::Box3d}) {
        const auto& car = curve(r, "Car", m, KittiDifficulty::Moderate);
        QVERIFY2(near(car.ap_r40, 25.0) && near(car.ap_r11, 25.0), to_string(m));
        QCOMPARE(car.points.back().fp, 240);
        QVERIFY(near(curve(r, "Pedestrian", m, KittiDifficulty::Hard).ap_r40, 100.0));
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestKittiEvalFileReader)
#include "tst_kitti_eval_file_reader.moc"

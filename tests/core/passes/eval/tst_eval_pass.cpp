// The eval pass: hand-derived precision, recall, AP, CLEAR MOT and IDF1 on a three-sample drive whose boxes are
// placed by hand; a source equal to the ground truth scores perfectly; on the real KITTI object frames the pass's
// benchmark numbers (labels through the catalog's lidar frame and back) equal the evaluator's on the label files.
// Reference boxes with fewer lidar points than min_gt_points are ignored (hand-derived recall, precision, AP).
#include "test_support.h"

#include "dc/core/data/drive_session.h"
#include "dc/core/eval/kitti_eval_file_reader.h"
#include "dc/core/eval/kitti_object_evaluator.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/passes/pass_registry.h"
#include "dc/synth/drive_generator.h"

#include <QTest>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>
#include <optional>

using namespace dc::core;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

PassResult run_eval(const Drive& drive, const std::map<std::string, std::string>& given,
                    const std::atomic<bool>* cancel = nullptr) {
  const Pass* pass = find_pass("eval");
  if (!pass) throw std::runtime_error("eval is not registered");
  const PassParameters params(pass->parameters(), given);
  Progress progress;
  progress.cancel = cancel;
  const DriveSession session(drive, {});
  return pass->run({session, params, progress, 1});
}

BoxLabel car(std::int64_t frame, double x, double y, const std::string& track, LabelSource source,
             double score = 1.0) {
  BoxLabel b;
  b.frame_index = frame;
  b.center = {x, y, -0.8};
  b.length = 4, b.width = 1.8, b.height = 1.5;
  b.category = "Car";
  b.track_id = track;
  b.source = source;
  b.score = score;
  if (source == LabelSource::Model) b.source_name = "hand";
  return b;
}

// Points of a cloud inside a box with yaw 0 (boundaries inclusive), counted by hand.
int points_inside(const PointCloud& cloud, const BoxLabel& b) {
  int n = 0;
  for (std::size_t i = 0; i < cloud.size(); ++i) {
    const float* p = cloud.point(i);
    n += std::abs(p[0] - b.center.x()) <= b.length / 2 && std::abs(p[1] - b.center.y()) <= b.width / 2 &&
         std::abs(p[2] - b.center.z()) <= b.height / 2;
  }
  return n;
}

}  // namespace

class TestEvalPass : public QObject {
  Q_OBJECT

  Drive drive_;  // three generated samples (keys 0, 1, 2), labels replaced by hand-placed ones

 private slots:
  void initTestCase() {
    GeneratorOptions o;
    o.out = dc::test::fresh_work_dir("eval_pass");
    o.frames = 3;
    o.seed = 3;
    o.cameras = 1;
    o.image_width = 128;
    o.image_height = 48;
    o.lidar_columns = 64;
    o.threads = 2;
    drive_ = reader_for_format("kitti-raw")->read_single(generate_drive(o).drive_dir);
    drive_.labels.clear();
  }

  // Sample 0: reference cars g1 (10, 0) and g2 (10, 5) found by tracks a and b. Sample 1: g1 found by b (an ID
  // switch), g2 missed, a false positive c far away (score 0.8). Sample 2: g1 by b, g2 by a (g2 switches too and
  // is found again: one fragmentation). By hand: 6 reference boxes, TP 5, FP 1, FN 1, ID switches 2,
  // MOTA 1 - 4/6, MOTP 1; IDF1: g1-b share 2 samples, g2-a 1, so IDTP 3 of 6 reference and 6 predicted boxes:
  // 2*3 / (2*3 + 3 + 3) = 0.5. BEV AP40: the five hits (score 0.9) reach recall 5/6 at precision 1, so 33 of the
  // 40 recall positions (k/40 <= 5/6) have precision 1: AP 82.5.
  void handPlacedBoxes() {
    Drive d = drive_;
    const auto gt = LabelSource::GroundTruth;
    const auto model = LabelSource::Model;
    for (int f = 0; f < 3; ++f) {
      d.labels.push_back(car(f, 10 + f, 0, "g1", gt));
      d.labels.push_back(car(f, 10 + f, 5, "g2", gt));
    }
    d.labels.push_back(car(0, 10, 0, "a", model, 0.9));
    d.labels.push_back(car(0, 10, 5, "b", model, 0.9));
    d.labels.push_back(car(1, 11, 0, "b", model, 0.9));
    d.labels.push_back(car(1, 30, 30, "c", model, 0.8));
    d.labels.push_back(car(2, 12, 0, "b", model, 0.9));
    d.labels.push_back(car(2, 12, 5, "a", model, 0.9));
    const PassResult r = run_eval(d, {{"predicted", "model:hand"}});
    QCOMPARE(r.evaluations.size(), std::size_t{1});
    const json s = json::parse(r.evaluations[0].summary_json);
    QCOMPARE(r.evaluations[0].predicted, std::string("model:hand"));
    const json& all = s["bands"]["Car"]["all"];
    QCOMPARE(all["reference"].get<int>(), 6);
    QCOMPARE(all["tp"].get<int>(), 5);
    QCOMPARE(all["fp"].get<int>(), 1);
    QCOMPARE(all["fn"].get<int>(), 1);
    QVERIFY(std::abs(all["bev_ap"].get<double>() - 82.5) < 1e-9);
    QVERIFY(std::abs(all["3d_ap"].get<double>() - 82.5) < 1e-9);
    QVERIFY(std::abs(all["precision"].get<double>() - 5.0 / 6) < 1e-12);
    QVERIFY(std::abs(all["recall"].get<double>() - 5.0 / 6) < 1e-12);
    // The false positive at 42 m falls in the 30-50 m band, all reference boxes in 0-30 m.
    QCOMPARE(s["bands"]["Car"]["30-50m"]["fp"].get<int>(), 1);
    QCOMPARE(s["bands"]["Car"]["0-30m"]["reference"].get<int>(), 6);
    const json& t = s["tracking"]["Car"];
    QCOMPARE(t["id_switches"].get<int>(), 2);
    QCOMPARE(t["fragmentations"].get<int>(), 1);
    QVERIFY(std::abs(t["mota"].get<double>() - (1.0 - 4.0 / 6)) < 1e-12);
    QVERIFY(std::abs(t["motp"].get<double>() - 1.0) < 1e-12);
    QVERIFY(std::abs(t["idf1"].get<double>() - 0.5) < 1e-12);
    // Worst samples: sample 1 has one false positive and one miss.
    double fp1 = -1, fn1 = -1;
    for (const auto& m : r.metrics)
      if (m.sample_key == 1) (m.name == "eval-fp" ? fp1 : fn1) = m.value;
    QCOMPARE(fp1, 1.0);
    QCOMPARE(fn1, 1.0);
  }

  // A box shifted by 1.5 m along its 4 m length overlaps by 2.5 / 5.5 = 0.45 in bird's-eye view: below the car
  // threshold 0.7, above 0.4 when the threshold is lowered.
  void iouThresholdDecides() {
    Drive d = drive_;
    d.labels.push_back(car(0, 10, 0, "g", LabelSource::GroundTruth));
    d.labels.push_back(car(0, 11.5, 0, "p", LabelSource::Model, 0.9));
    auto tp = [&](const std::string& iou) {
      const auto r = run_eval(d, {{"predicted", "model"}, {"car_iou", iou}});
      return json::parse(r.evaluations[0].summary_json)["bands"]["Car"]["all"]["tp"].get<int>();
    };
    QCOMPARE(tp("0.7"), 0);
    QCOMPARE(tp("0.46"), 0);
    QCOMPARE(tp("0.45"), 1);
  }

  // min_gt_points. Sample 0 holds reference car V centred on a lidar point of the scan (so at least 1 point inside)
  // and reference car H 30 m up in the sky, where the scan has no point (0 inside); prediction pv on V (0.9).
  // min_gt_points=0: reference 2, TP 1, FP 0, FN 1: recall 1/2, precision 1; AP40: recall 1/2 at precision 1
  //   covers the 20 recall positions k/40 <= 1/2: 50. MOTA 1 - 1/2 = 0.5. Sample 0: eval-fn 1.
  // min_gt_points=1: H ignored: reference 1, ignored 1, TP 1, FN 0: recall 1/1, AP 100, MOTA 1, eval-fn 0.
  // With prediction ph on H (0.8) too: min_gt_points=0 finds both (TP 2, recall 1); min_gt_points=1 drops ph (it
  //   matched an ignored box): TP 1, FP 0, precision 1/1, tracking FP 0 (dropping H outright would give FP 1).
  void boxesWithTooFewPointsAreIgnored() {
    const DriveSession session(drive_, {});
    const PointCloud cloud = load_point_cloud(*session.lidar_frame(0));
    std::optional<Eigen::Vector3d> hit;
    for (std::size_t i = 0; i < cloud.size() && !hit; ++i) {
      const float* p = cloud.point(i);
      if (std::hypot(p[0], p[1]) > 5 && std::hypot(p[0], p[1]) < 25) hit = Eigen::Vector3d(p[0], p[1], p[2]);
    }
    QVERIFY(hit);
    Drive d = drive_;
    BoxLabel v = car(0, hit->x(), hit->y(), "v", LabelSource::GroundTruth);
    v.center.z() = hit->z();
    // H a quarter turn around the sensor from V: same range band, far from V in bird's-eye view.
    BoxLabel h = car(0, -hit->y(), hit->x(), "h", LabelSource::GroundTruth);
    h.center.z() = 30;
    QVERIFY(points_inside(cloud, v) >= 1);
    QCOMPARE(points_inside(cloud, h), 0);
    BoxLabel pv = v, ph = h;
    pv.source = ph.source = LabelSource::Model;
    pv.source_name = ph.source_name = "hand";
    pv.track_id = "pv", ph.track_id = "ph";
    pv.score = 0.9, ph.score = 0.8;
    d.labels = {v, h, pv};

    const auto evaluate = [](const Drive& drive, const std::string& min_points) {
      const PassResult r = run_eval(drive, {{"predicted", "model"}, {"min_gt_points", min_points}});
      double fn0 = -1;
      for (const auto& m : r.metrics)
        if (m.sample_key == 0 && m.name == "eval-fn") fn0 = m.value;
      return std::pair{json::parse(r.evaluations[0].summary_json), fn0};
    };
    {
      const auto [s, fn0] = evaluate(d, "0");
      const json& all = s["bands"]["Car"]["all"];
      QCOMPARE(all["reference"].get<int>(), 2);
      QCOMPARE(all["ignored"].get<int>(), 0);
      QCOMPARE(all["tp"].get<int>(), 1);
      QCOMPARE(all["fp"].get<int>(), 0);
      QCOMPARE(all["fn"].get<int>(), 1);
      QCOMPARE(all["recall"].get<double>(), 0.5);
      QCOMPARE(all["precision"].get<double>(), 1.0);
      QCOMPARE(all["bev_ap"].get<double>(), 50.0);
      QCOMPARE(s["tracking"]["Car"]["mota"].get<double>(), 0.5);
      QCOMPARE(fn0, 1.0);
    }
    {
      const auto [s, fn0] = evaluate(d, "1");
      const json& all = s["bands"]["Car"]["all"];
      QCOMPARE(all["reference"].get<int>(), 1);
      QCOMPARE(all["ignored"].get<int>(), 1);
      QCOMPARE(all["tp"].get<int>(), 1);
      QCOMPARE(all["fp"].get<int>(), 0);
      QCOMPARE(all["fn"].get<int>(), 0);
      QCOMPARE(all["recall"].get<double>(), 1.0);
      QCOMPARE(all["bev_ap"].get<double>(), 100.0);
      QCOMPARE(s["tracking"]["Car"]["mota"].get<double>(), 1.0);
      QCOMPARE(s["tracking"]["Car"]["ignored"].get<int>(), 1);
      QCOMPARE(fn0, 0.0);
      QVERIFY(!s.contains("samples_without_points"));
    }
    d.labels.push_back(ph);
    {
      const auto [s, fn0] = evaluate(d, "0");
      QCOMPARE(s["bands"]["Car"]["all"]["tp"].get<int>(), 2);
      QCOMPARE(s["bands"]["Car"]["all"]["recall"].get<double>(), 1.0);
    }
    {
      const auto [s, fn0] = evaluate(d, "1");
      const json& all = s["bands"]["Car"]["all"];
      QCOMPARE(all["tp"].get<int>(), 1);
      QCOMPARE(all["fp"].get<int>(), 0);
      QCOMPARE(all["precision"].get<double>(), 1.0);
      QCOMPARE(all["recall"].get<double>(), 1.0);
      QCOMPARE(all["bev_ap"].get<double>(), 100.0);
      QCOMPARE(s["tracking"]["Car"]["fp"].get<int>(), 0);
      QCOMPARE(s["tracking"]["Car"]["tp"].get<int>(), 1);
    }
  }

  // Keyframe annotation (nuScenes: boxes at 2 Hz of 20 Hz sweeps). Reference car g in samples 0 and 2 only, found
  // there by the model, which also boxes it in sample 1: never two consecutive samples with reference boxes, so
  // sample 1 was not annotated and its box is no false positive (samples 2, unannotated 1, TP 2, FP 0, no
  // eval-fp metric for sample 1). With g annotated in samples 0 and 1 instead, annotation is continuous: the empty
  // sample 2 was annotated, and the box there is a false positive (TP 2, FP 1).
  void keyframeAnnotationLeavesSweepsOut() {
    Drive d = drive_;
    for (int f : {0, 2}) d.labels.push_back(car(f, 10 + f, 0, "g", LabelSource::GroundTruth));
    for (int f = 0; f < 3; ++f) d.labels.push_back(car(f, 10 + f, 0, "m", LabelSource::Model, 0.9));
    PassResult r = run_eval(d, {{"predicted", "model"}});
    json s = json::parse(r.evaluations[0].summary_json);
    QCOMPARE(s["samples"].get<int>(), 2);
    QCOMPARE(s["samples_unannotated"].get<int>(), 1);
    QCOMPARE(s["bands"]["Car"]["all"]["tp"].get<int>(), 2);
    QCOMPARE(s["bands"]["Car"]["all"]["fp"].get<int>(), 0);
    for (const auto& m : r.metrics) QVERIFY(m.sample_key != 1);

    d.labels.erase(d.labels.begin() + 1);  // g in sample 2
    d.labels.push_back(car(1, 11, 0, "g", LabelSource::GroundTruth));
    r = run_eval(d, {{"predicted", "model"}});
    s = json::parse(r.evaluations[0].summary_json);
    QCOMPARE(s["samples"].get<int>(), 3);
    QVERIFY(!s.contains("samples_unannotated"));
    QCOMPARE(s["bands"]["Car"]["all"]["tp"].get<int>(), 2);
    QCOMPARE(s["bands"]["Car"]["all"]["fp"].get<int>(), 1);
  }

  void perfectSourceScoresPerfectly() {
    Drive d = drive_;
    for (int f = 0; f < 3; ++f)
      for (int k = 0; k < 4; ++k) {
        d.labels.push_back(car(f, 8 + 10 * k, -3 + f, "t" + std::to_string(k), LabelSource::GroundTruth));
        d.labels.push_back(car(f, 8 + 10 * k, -3 + f, "m" + std::to_string(k), LabelSource::Model, 0.5 + 0.1 * k));
      }
    const json s = json::parse(run_eval(d, {{"predicted", "model"}}).evaluations[0].summary_json);
    QCOMPARE(s["bands"]["Car"]["all"]["bev_ap"].get<double>(), 100.0);
    QCOMPARE(s["bands"]["Car"]["all"]["3d_ap"].get<double>(), 100.0);
    QCOMPARE(s["tracking"]["Car"]["mota"].get<double>(), 1.0);
    QCOMPARE(s["tracking"]["Car"]["idf1"].get<double>(), 1.0);
  }

  // Real KITTI object frames: the ground truth as "model" predictions (scores from a fixed ranking) through the
  // catalog's lidar-frame boxes gives the same benchmark numbers as the evaluator run on the label files
  // themselves (camera frame, never converted).
  void kittiBenchmarkMatchesTheFiles() {
    const fs::path split = dc::test::shared_data_dir() / "kitti-object" / "training";
    Drive d = reader_for_format("kitti-object")->read_single(split);
    std::vector<BoxLabel> predictions;
    for (std::size_t i = 0; i < d.labels.size(); ++i) {
      BoxLabel p = d.labels[i];
      p.source = LabelSource::Model;
      p.source_name = "echo";
      p.score = 0.9 - 0.1 * static_cast<double>(i);
      predictions.push_back(p);
    }
    // The same predictions as KITTI result files.
    const fs::path results = dc::test::fresh_work_dir("eval_kitti_results");
    std::map<std::int64_t, std::string> files;
    for (const auto& e : fs::directory_iterator(split / "label_2")) {
      const std::int64_t frame = std::stoll(e.path().stem().string());
      std::istringstream in(dc::test::read_text(e.path()));
      std::string text;
      int row = 0;
      for (std::string line; std::getline(in, line);) {
        if (line.rfind("DontCare", 0) == 0) continue;
        // Score of the row-th non-DontCare box of this frame, in the order the reader keeps.
        double score = 0;
        int seen = 0;
        for (std::size_t i = 0; i < d.labels.size(); ++i)
          if (d.labels[i].frame_index == frame && seen++ == row) score = predictions[i].score;
        text += line + " " + std::to_string(score) + "\n";
        ++row;
      }
      dc::test::write_text(results / e.path().filename(), text);
    }
    d.labels.insert(d.labels.end(), predictions.begin(), predictions.end());
    const json s = json::parse(run_eval(d, {{"predicted", "model:echo"}}).evaluations[0].summary_json);
    QVERIFY(s.contains("kitti"));
    QCOMPARE(s["kitti"]["frames"].get<int>(), 3);

    std::vector<IngestError> errors;
    const auto frames = KittiEvalFileReader::read_split(split / "label_2", results, errors);
    QVERIFY(errors.empty());
    const KittiEvalResult expected = KittiObjectEvaluator().evaluate(frames);
    int compared = 0;
    for (const KittiClassResult& c : expected.classes)
      for (int m = 0; m < kKittiMetricCount; ++m)
        for (int k = 0; k < kKittiDifficultyCount; ++k) {
          const KittiMetricCurve& curve = c.curves[m][k];
          if (!curve.evaluated) continue;
          const char* metric = std::array{"2d", "bev", "3d", "aos"}[static_cast<std::size_t>(m)];
          const char* difficulty = std::array{"easy", "moderate", "hard"}[static_cast<std::size_t>(k)];
          const json& got = s["kitti"][c.class_name][metric][difficulty];
          QVERIFY2(std::abs(got["ap40"].get<double>() - curve.ap_r40) < 0.01,
                   (c.class_name + " " + metric + " " + difficulty).c_str());
          QVERIFY(std::abs(got["ap11"].get<double>() - curve.ap_r11) < 0.01);
          ++compared;
        }
    QVERIFY(compared >= 12);
  }

  void badInputIsNamed() {
    Drive d = drive_;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, run_eval(d, {{"predicted", "model"}}));  // no gt
    d.labels.push_back(car(0, 10, 0, "g", LabelSource::GroundTruth));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, run_eval(d, {{"predicted", "robot"}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, run_eval(d, {{"range_bands", "50,30"}}));
    std::atomic<bool> cancel{true};
    QVERIFY_THROWS_EXCEPTION(Cancelled, run_eval(d, {{"predicted", "model"}}, &cancel));
  }
};

QTEST_GUILESS_MAIN(TestEvalPass)
#include "tst_eval_pass.moc"

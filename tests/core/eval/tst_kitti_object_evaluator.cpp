#include "dc/core/eval/kitti_object_evaluator.h"

#include <QtTest>

#include <cmath>

using namespace dc::core;

// Expected values are derived by hand from the devkit's rules (cpp/evaluate_object.cpp): thresholds are the true
// positives' scores closest to the 41 recall steps 0, 1/40, ..., 1; precision[i] is taken at the i-th threshold and
// made monotone from the right; AP_R40 = mean(precision[1..40]), AP11 = mean(precision[0, 4, ..., 40]).
// With n ground-truth boxes found in score order, the i-th threshold sits at true positive
//   n = 1:  #1 only                   -> precision [1, 0, 0, ...]
//   n = 40: #1, #2, ..., #40           -> 40 thresholds (the step at recall 1 is never reached)
//   n = 80: #1, then #2, #4, ..., #80  -> 41 thresholds
//   n = 160 with 80 found: #1, then #4, #8, ..., #80 -> 21 thresholds.
namespace {

constexpr double kTol = 1e-9;

KittiEvalObject car(double left, double top, double right, double bottom, double x, double z) {
  KittiEvalObject o;
  o.type = "Car";
  o.alpha = 0.3;
  o.bbox[0] = left;
  o.bbox[1] = top;
  o.bbox[2] = right;
  o.bbox[3] = bottom;
  o.box.h = 1.5;
  o.box.w = 2.0;
  o.box.l = 4.0;
  o.box.bottom_center = {x, 1.7, z};
  o.box.rotation_y = 0;
  return o;
}

// An easy car (60 px tall, visible, not truncated) in the middle of the image, 20 m ahead.
KittiEvalObject easy_car() {
  return car(500, 150, 600, 210, 0, 20);
}

KittiEvalObject detection_of(KittiEvalObject gt, double score) {
  gt.score = score;
  return gt;
}

// n frames, each with one easy car found exactly; scores 0.9, 0.899, ... so every rank is distinct.
std::vector<KittiEvalFrame> perfect_frames(int n) {
  std::vector<KittiEvalFrame> frames;
  for (int i = 0; i < n; ++i) {
    KittiEvalFrame f;
    f.id = std::to_string(i);
    f.ground_truth.push_back(easy_car());
    f.detections.push_back(detection_of(easy_car(), 0.9 - 0.001 * i));
    frames.push_back(f);
  }
  return frames;
}

const KittiMetricCurve& curve(const KittiEvalResult& r, const char* cls, KittiEvalMetric m, KittiDifficulty d) {
  const KittiClassResult* c = r.find(cls);
  if (!c) qFatal("class %s missing", cls);
  return c->curve(m, d);
}

bool near(double a, double b, double tol = kTol) {
  return std::abs(a - b) <= tol;
}

#define CHECK_AP(curve_, r40, r11)                                                                           \
  do {                                                                                                       \
    const KittiMetricCurve& c_ = (curve_);                                                                   \
    QVERIFY(c_.evaluated);                                                                                   \
    QVERIFY2(near(c_.ap_r40, (r40)), qPrintable(QString("AP_R40 %1, expected %2").arg(c_.ap_r40).arg(r40))); \
    QVERIFY2(near(c_.ap_r11, (r11)), qPrintable(QString("AP11 %1, expected %2").arg(c_.ap_r11).arg(r11)));   \
  } while (0)

constexpr KittiEvalMetric kBoxMetrics[] = {KittiEvalMetric::Image2d, KittiEvalMetric::BirdsEye, KittiEvalMetric::Box3d};
constexpr KittiDifficulty kDifficulties[] = {KittiDifficulty::Easy, KittiDifficulty::Moderate, KittiDifficulty::Hard};

// One extra frame holding `gt` (may be empty) and a Car detection `det` scored above every true positive.
KittiEvalFrame frame_with(std::vector<KittiEvalObject> gt, KittiEvalObject det) {
  KittiEvalFrame f;
  f.id = "extra";
  f.ground_truth = std::move(gt);
  det.score = 0.99;
  f.detections.push_back(det);
  return f;
}

// 80 perfect frames plus one false positive ranked first: precision at true positive #k is k/(k+1), made
// monotone from the right it is 80/81 at every step.
constexpr double kOneFalsePositive = 100.0 * 80.0 / 81.0;

}  // namespace

class TestKittiObjectEvaluator : public QObject {
  Q_OBJECT

 private slots:
  void oneBoxFoundPerfectlyReachesOnlyTheFirstRecallStep() {
    // The devkit samples a threshold per recall step; one box gives one threshold, so precision is 1 at step 0
    // and 0 elsewhere (checked against the devkit itself).
    const auto r = KittiObjectEvaluator().evaluate(perfect_frames(1));
    for (auto m : kBoxMetrics)
      for (auto d : kDifficulties) {
        const auto& c = curve(r, "Car", m, d);
        CHECK_AP(c, 0.0, 100.0 / 11.0);
        QCOMPARE(c.interpolated[0], 1.0);
        QCOMPARE(c.interpolated[1], 0.0);
        QCOMPARE(c.ground_truth_count, 1);
        QCOMPARE(int(c.points.size()), 1);
        QCOMPARE(c.points[0].recall, 1.0);
      }
  }

  void fortyBoxesFoundPerfectlyMissTheLastStep() {
    // n = 40: thresholds at every true positive, 40 of them: precision[0..39] = 1, precision[40] = 0.
    const auto r = KittiObjectEvaluator().evaluate(perfect_frames(40));
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Moderate), 97.5, 1000.0 / 11.0);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Box3d, KittiDifficulty::Easy), 97.5, 1000.0 / 11.0);
  }

  void eightyBoxesFoundPerfectlyGiveOneHundred() {
    const auto r = KittiObjectEvaluator().evaluate(perfect_frames(80));
    QCOMPARE(r.frame_count, 80);
    QVERIFY(r.orientation_evaluated);
    for (auto m :
         {KittiEvalMetric::Image2d, KittiEvalMetric::BirdsEye, KittiEvalMetric::Box3d, KittiEvalMetric::Orientation})
      for (auto d : kDifficulties) {
        const auto& c = curve(r, "Car", m, d);
        CHECK_AP(c, 100.0, 100.0);
        QCOMPARE(int(c.points.size()), 41);
        QCOMPARE(c.points.back().recall, 1.0);
        QCOMPARE(c.points.back().tp, 80);
        QCOMPARE(c.points.front().tp, 1);  // the first step is the best-scored box alone
      }
    // Classes nobody detected are not evaluated, as in the devkit.
    QVERIFY(!curve(r, "Pedestrian", KittiEvalMetric::Image2d, KittiDifficulty::Easy).evaluated);
    QVERIFY(!curve(r, "Cyclist", KittiEvalMetric::Box3d, KittiDifficulty::Hard).evaluated);
  }

  void overlapJustAboveAndJustBelowTheCarThreshold() {
    // 2D: a 100 px wide box shifted by s px has IoU (100 - s) / (100 + s): 17 px -> 0.709, 18 px -> 0.695.
    // BEV/3D: a 4 m long box (rotation_y = 0, length along x) shifted by s m: (4 - s) / (4 + s):
    // 0.70 m -> 0.702, 0.72 m -> 0.695. Heights are equal, so the 3D IoU is the BEV IoU.
    for (const auto& [pixels, meters, ok_2d, ok_3d] :
         {std::tuple{17.0, 0.70, true, true}, std::tuple{18.0, 0.72, false, false}, std::tuple{17.0, 0.72, true, false},
          std::tuple{18.0, 0.70, false, true}}) {
      auto frames = perfect_frames(80);
      for (auto& f : frames) {
        auto& d = f.detections[0];
        d.bbox[0] += pixels;
        d.bbox[2] += pixels;
        d.box.bottom_center.x() += meters;
      }
      const auto r = KittiObjectEvaluator().evaluate(frames);
      const double ap_2d = ok_2d ? 100.0 : 0.0, ap_3d = ok_3d ? 100.0 : 0.0;
      CHECK_AP(curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Moderate), ap_2d, ap_2d);
      CHECK_AP(curve(r, "Car", KittiEvalMetric::BirdsEye, KittiDifficulty::Moderate), ap_3d, ap_3d);
      CHECK_AP(curve(r, "Car", KittiEvalMetric::Box3d, KittiDifficulty::Moderate), ap_3d, ap_3d);
    }
  }

  void pedestrianThresholdIsOneHalf() {
    // A 60 px wide pedestrian shifted by s px: (60 - s) / (60 + s): 19 px -> 0.519, 21 px -> 0.481.
    for (const auto& [pixels, ap] : {std::pair{19.0, 100.0}, std::pair{21.0, 0.0}}) {
      auto frames = perfect_frames(80);
      for (auto& f : frames) {
        f.ground_truth[0].type = "Pedestrian";
        f.ground_truth[0].bbox[2] = f.ground_truth[0].bbox[0] + 60;
        f.detections[0] = detection_of(f.ground_truth[0], f.detections[0].score);
        f.detections[0].bbox[0] += pixels;
        f.detections[0].bbox[2] += pixels;
      }
      const auto r = KittiObjectEvaluator().evaluate(frames);
      CHECK_AP(curve(r, "Pedestrian", KittiEvalMetric::Image2d, KittiDifficulty::Easy), ap, ap);
    }
  }

  void dontCareAbsorbsFalsePositivesInTheImageOnly() {
    KittiEvalObject dont_care;
    dont_care.type = "DontCare";
    dont_care.truncated = -1;
    dont_care.occluded = -1;
    dont_care.alpha = -10;
    dont_care.bbox[0] = 100, dont_care.bbox[1] = 100, dont_care.bbox[2] = 300, dont_care.bbox[3] = 200;
    dont_care.box.h = dont_care.box.w = dont_care.box.l = -1;
    dont_care.box.bottom_center = {-1000, -1000, -1000};
    dont_care.box.rotation_y = -10;

    // Entirely inside the region: not a false positive in 2D. In BEV/3D the region has no extent (placeholders),
    // so the same detection is a false positive there.
    auto frames = perfect_frames(80);
    frames.push_back(frame_with({dont_care}, car(150, 120, 250, 180, -5, 30)));
    auto r = KittiObjectEvaluator().evaluate(frames);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Moderate), 100.0, 100.0);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::BirdsEye, KittiDifficulty::Moderate), kOneFalsePositive,
             kOneFalsePositive);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Box3d, KittiDifficulty::Moderate), kOneFalsePositive, kOneFalsePositive);

    // 40% inside (under the 0.7 Car overlap): a false positive in 2D too.
    frames.back().detections[0].bbox[0] = 260;
    frames.back().detections[0].bbox[2] = 360;
    r = KittiObjectEvaluator().evaluate(frames);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Moderate), kOneFalsePositive,
             kOneFalsePositive);
  }

  void neighbourClassesAreIgnored() {
    // A Car detection on a Van (Car's neighbour) is neither tp nor fp; on a Truck it is a false positive.
    for (const auto& [type, ap] :
         {std::pair{"Van", 100.0}, std::pair{"van", 100.0}, std::pair{"Truck", kOneFalsePositive}}) {
      auto other = car(300, 150, 400, 210, -8, 25);
      other.type = type;
      auto frames = perfect_frames(80);
      frames.push_back(frame_with({other}, car(300, 150, 400, 210, -8, 25)));
      const auto r = KittiObjectEvaluator().evaluate(frames);
      for (auto m : kBoxMetrics)
        for (auto d : kDifficulties) CHECK_AP(curve(r, "Car", m, d), ap, ap);
    }
    // Person_sitting for Pedestrian.
    for (const auto& [type, ap] : {std::pair{"Person_sitting", 100.0}, std::pair{"Cyclist", kOneFalsePositive}}) {
      auto frames = perfect_frames(80);
      for (auto& f : frames) f.ground_truth[0].type = f.detections[0].type = "Pedestrian";
      auto other = car(300, 150, 340, 210, -8, 25);
      other.type = type;
      auto det = other;
      det.type = "Pedestrian";
      frames.push_back(frame_with({other}, det));
      const auto r = KittiObjectEvaluator().evaluate(frames);
      CHECK_AP(curve(r, "Pedestrian", KittiEvalMetric::Image2d, KittiDifficulty::Moderate), ap, ap);
      CHECK_AP(curve(r, "Pedestrian", KittiEvalMetric::Box3d, KittiDifficulty::Hard), ap, ap);
    }
  }

  void difficultyFiltersByHeightOcclusionAndTruncation() {
    // 80 easy cars found + 80 cars that fail some difficulty, never found. Where the second set counts, n = 160
    // with 80 found: 21 thresholds, precision[0..20] = 1 -> AP_R40 = 20/40, AP11 = 6/11.
    const double half_r40 = 50.0, half_r11 = 600.0 / 11.0;
    struct Case {
      const char* what;
      double height, truncation;
      int occlusion;
      bool counts[3];  // easy, moderate, hard
    };
    const Case cases[] = {
        {"30 px tall", 30, 0, 0, {false, true, true}},
        {"exactly 40 px tall (a box must be taller than the minimum)", 40, 0, 0, {false, true, true}},
        {"40.5 px tall", 40.5, 0, 0, {true, true, true}},
        {"exactly 25 px tall", 25, 0, 0, {false, false, false}},
        {"partly occluded", 60, 0, 1, {false, true, true}},
        {"largely occluded", 60, 0, 2, {false, false, true}},
        {"occlusion unknown (3)", 60, 0, 3, {false, false, false}},
        {"truncated 0.15 (limit included)", 60, 0.15, 0, {true, true, true}},
        {"truncated 0.2", 60, 0.2, 0, {false, true, true}},
        {"truncated 0.4", 60, 0.4, 0, {false, false, true}},
        {"truncated 0.6", 60, 0.6, 0, {false, false, false}},
    };
    for (const Case& c : cases) {
      auto frames = perfect_frames(80);
      for (int i = 0; i < 80; ++i) {
        KittiEvalFrame f;
        auto gt = car(200, 150, 300, 150 + c.height, -6, 25);
        gt.truncated = c.truncation;
        gt.occluded = c.occlusion;
        f.ground_truth.push_back(gt);
        frames.push_back(f);
      }
      const auto r = KittiObjectEvaluator().evaluate(frames);
      for (int d = 0; d < 3; ++d) {
        const auto& k = curve(r, "Car", KittiEvalMetric::Image2d, kDifficulties[d]);
        QVERIFY2(k.ground_truth_count == (c.counts[d] ? 160 : 80), c.what);
        if (c.counts[d])
          CHECK_AP(k, half_r40, half_r11);
        else
          CHECK_AP(k, 100.0, 100.0);
      }
    }
  }

  void groundTruthBeyondTheDifficultyAbsorbsItsDetection() {
    // Found occluded cars are not false positives at easy (their ground truth is ignored, not missing).
    auto frames = perfect_frames(80);
    for (int i = 0; i < 80; ++i) {
      KittiEvalFrame f;
      auto gt = car(200, 150, 300, 210, -6, 25);
      gt.occluded = 1;
      f.ground_truth.push_back(gt);
      f.detections.push_back(detection_of(gt, 0.95));
      frames.push_back(f);
    }
    const auto r = KittiObjectEvaluator().evaluate(frames);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Easy), 100.0, 100.0);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Box3d, KittiDifficulty::Moderate), 100.0, 100.0);
  }

  void shortDetectionsAreIgnored() {
    // A detection shorter than the difficulty's minimum (in whole pixels) is never a false positive there.
    auto frames = perfect_frames(80);
    frames.push_back(frame_with({}, car(200, 150, 300, 174.9, -6, 25)));  // 24.9 px -> 24 < 25
    auto r = KittiObjectEvaluator().evaluate(frames);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Moderate), 100.0, 100.0);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Box3d, KittiDifficulty::Hard), 100.0, 100.0);

    frames.back().detections[0].bbox[3] = 180;  // 30 px: counts at moderate, still ignored at easy
    r = KittiObjectEvaluator().evaluate(frames);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Easy), 100.0, 100.0);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Moderate), kOneFalsePositive,
             kOneFalsePositive);
  }

  void smallRankedListDerivedByHand() {
    // 4 cars (one per frame); ranked detections TP .9, FP .8, TP .7, TP .6, FP .5, TP .4 (FPs in frames without
    // ground truth). n = 4 -> thresholds .9 .7 .6 .4 with precision 1, 2/3, 3/4, 4/6; monotone: 1, .75, .75, 2/3.
    std::vector<KittiEvalFrame> frames;
    for (double s : {0.9, 0.7, 0.6, 0.4}) {
      KittiEvalFrame f;
      f.ground_truth.push_back(easy_car());
      f.detections.push_back(detection_of(easy_car(), s));
      frames.push_back(f);
    }
    for (double s : {0.8, 0.5}) {
      KittiEvalFrame f;
      f.detections.push_back(detection_of(easy_car(), s));
      frames.push_back(f);
    }
    const auto r = KittiObjectEvaluator().evaluate(frames);
    const auto& c = curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Easy);
    QVERIFY(near(c.interpolated[0], 1.0));
    QVERIFY(near(c.interpolated[1], 0.75));
    QVERIFY(near(c.interpolated[2], 0.75));
    QVERIFY(near(c.interpolated[3], 2.0 / 3.0));
    QCOMPARE(c.interpolated[4], 0.0);
    CHECK_AP(c, (0.75 + 0.75 + 2.0 / 3.0) / 40 * 100, 100.0 / 11.0);
    QCOMPARE(int(c.points.size()), 4);
    QVERIFY(near(c.points[1].precision, 2.0 / 3.0));
    QCOMPARE(c.points[1].score_threshold, 0.7);
    QCOMPARE(c.points[3].fp, 2);
    QVERIFY(near(c.points[2].recall, 0.75));
  }

  void rankedListWithFortyStepsDerivedByHand() {
    // 80 cars; detections by score: 40 true positives, then (TP, FP) x 40. Step k >= 1 is taken at TP #2k.
    // Up to TP #40 precision is 1; at TP #(40 + j) there are j - 1 FPs above: (40 + j) / (39 + 2j), falling, so
    // precision[k] = 1 for k <= 20 and 2k / (4k - 41) for k = 21..40.
    auto frames = perfect_frames(80);
    for (int i = 0; i < 80; ++i) frames[i].detections[0].score = 1.0 - 0.01 * i;
    for (int j = 1; j <= 40; ++j) {
      KittiEvalFrame f;  // FP j sits just under TP #(40 + j)
      f.detections.push_back(detection_of(easy_car(), 1.0 - 0.01 * (39 + j) - 0.005));
      frames.push_back(f);
    }
    const auto r = KittiObjectEvaluator().evaluate(frames);
    double r40 = 20, r11 = 6;
    for (int k = 21; k <= 40; ++k) r40 += 2.0 * k / (4.0 * k - 41);
    for (int k = 24; k <= 40; k += 4) r11 += 2.0 * k / (4.0 * k - 41);
    const auto& c = curve(r, "Car", KittiEvalMetric::BirdsEye, KittiDifficulty::Moderate);
    CHECK_AP(c, r40 / 40 * 100, r11 / 11 * 100);  // 88.8614..., 88.8035...
    QVERIFY(near(c.ap_r40, 88.86143467756611, 1e-9));
    QVERIFY(near(c.interpolated[21], 42.0 / 43.0));
    QVERIFY(near(c.interpolated[40], 80.0 / 119.0));
  }

  void orientationSimilarity() {
    // AOS weighs each true positive by (1 + cos(dalpha)) / 2: a quarter turn gives 0.5, a half turn 0.
    for (const auto& [offset, aos] : {std::pair{0.0, 100.0}, std::pair{M_PI / 2, 50.0}, std::pair{M_PI, 0.0}}) {
      auto frames = perfect_frames(80);
      for (auto& f : frames) f.detections[0].alpha += offset;
      const auto r = KittiObjectEvaluator().evaluate(frames);
      CHECK_AP(curve(r, "Car", KittiEvalMetric::Orientation, KittiDifficulty::Moderate), aos, aos);
      CHECK_AP(curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Moderate), 100.0, 100.0);
    }
    // One detection without orientation (alpha = -10) switches AOS off for the run.
    auto frames = perfect_frames(80);
    frames[5].detections[0].alpha = -10;
    const auto r = KittiObjectEvaluator().evaluate(frames);
    QVERIFY(!r.orientation_evaluated);
    QVERIFY(!curve(r, "Car", KittiEvalMetric::Orientation, KittiDifficulty::Easy).evaluated);
    QVERIFY(curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Easy).evaluated);
  }

  void metricsRunOnlyForBoxesTheDetectionsCarry() {
    // 3D-only results (left = -1) skip 2D and AOS; 2D-only results (x = z = -1000, sizes -1) skip BEV and 3D.
    auto frames = perfect_frames(80);
    for (auto& f : frames) f.detections[0].bbox[0] = -1;
    auto r = KittiObjectEvaluator().evaluate(frames);
    QVERIFY(!curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Easy).evaluated);
    QVERIFY(!curve(r, "Car", KittiEvalMetric::Orientation, KittiDifficulty::Easy).evaluated);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Box3d, KittiDifficulty::Easy), 100.0, 100.0);

    frames = perfect_frames(80);
    for (auto& f : frames) {
      f.detections[0].box.bottom_center = {-1000, -1000, -1000};
      f.detections[0].box.h = f.detections[0].box.w = f.detections[0].box.l = -1;
    }
    r = KittiObjectEvaluator().evaluate(frames);
    QVERIFY(!curve(r, "Car", KittiEvalMetric::BirdsEye, KittiDifficulty::Easy).evaluated);
    QVERIFY(!curve(r, "Car", KittiEvalMetric::Box3d, KittiDifficulty::Easy).evaluated);
    CHECK_AP(curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Easy), 100.0, 100.0);
  }

  void noFramesGiveNothingToEvaluate() {
    const auto r = KittiObjectEvaluator().evaluate({});
    QCOMPARE(r.frame_count, 0);
    QCOMPARE(int(r.classes.size()), 3);
    QVERIFY(!curve(r, "Car", KittiEvalMetric::Image2d, KittiDifficulty::Easy).evaluated);
  }
};

QTEST_APPLESS_MAIN(TestKittiObjectEvaluator)
#include "tst_kitti_object_evaluator.moc"

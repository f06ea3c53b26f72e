// calib-check on real KITTI object frames: the edge score prefers the file's extrinsic, the refinement recovers it
// from known perturbations, and a drive whose stored extrinsic is off by 1 degree gets a calib-drift finding while
// the unperturbed drive gets none. Expected values come from the KITTI calibration files, never from the pass.
#include "dc/core/data/drive_session.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/passes/pass_registry.h"
#include "test_support.h"

#include <QtTest>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>
#include <numbers>
#include <random>

namespace fs = std::filesystem;
using namespace dc::core;

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

fs::path object_split() { return dc::test::shared_data_dir() / "kitti-object" / "training"; }

Drive read_split() { return reader_for_format("kitti-object")->read_single(object_split()); }

// Frames 000001 and 000002 only: one rig (fx 721.5377), one refinement window.
Drive one_rig(Drive d) {
  std::erase_if(d.frames, [](const Frame& f) { return f.index == 0; });
  std::erase_if(d.labels, [](const BoxLabel& b) { return b.frame_index == 0; });
  std::erase_if(d.dont_care, [](const DontCareRegion& r) { return r.frame_index == 0; });
  std::erase_if(d.calibrations, [](const Calibration& c) { return c.valid_from_ns == 0; });
  return d;
}

// Applies D (in the camera frame) to every stored T_cam2_from_velo.
Drive perturbed(Drive d, const Eigen::Isometry3d& D) {
  for (auto& c : d.calibrations) {
    const Eigen::Isometry3d T = *c.transform("cam2", "velo");
    c.set_transform({"cam2", "velo", D * T, CalibrationSource::File, c.valid_from_ns, c.valid_to_ns});
  }
  return d;
}

Eigen::Isometry3d rotation_deg(double deg, const Eigen::Vector3d& axis) {
  Eigen::Isometry3d D = Eigen::Isometry3d::Identity();
  D.linear() = Eigen::AngleAxisd(deg * kDeg, axis.normalized()).toRotationMatrix();
  return D;
}

double angle_deg(const Eigen::Isometry3d& a, const Eigen::Isometry3d& b) {
  return Eigen::AngleAxisd(a.linear() * b.linear().transpose()).angle() / kDeg;
}

double shift_m(const Eigen::Isometry3d& a, const Eigen::Isometry3d& b) {
  return (a.translation() - b.translation()).norm();
}

// The file's extrinsic of a KITTI object frame, from the reader's calibration of that frame.
Eigen::Isometry3d file_extrinsic(const Drive& d, std::int64_t frame) {
  for (const auto& c : d.calibrations)
    if (c.valid_from_ns <= frame * 100'000'000 && frame * 100'000'000 < c.valid_to_ns)
      return *c.transform("cam2", "velo");
  return Eigen::Isometry3d::Identity();
}

PassResult run_pass(const Drive& drive, const std::map<std::string, std::string>& given = {},
                    const std::atomic<bool>* cancel = nullptr) {
  const Pass* pass = find_pass("calib-check");
  const PassParameters params(pass->parameters(), given);
  Progress progress;
  progress.cancel = cancel;
  const DriveSession session(drive, {});
  return pass->run({session, params, progress, 2});
}

double score(const PassResult& r, std::int64_t key) {
  for (const auto& m : r.metrics)
    if (m.name == "calib-score" && m.sample_key == key && m.sensor == "image_2") return m.value;
  return NAN;
}

}  // namespace

class TstCalibCheck : public QObject {
  Q_OBJECT
  Drive split_;
  PassResult unperturbed_, off_by_one_deg_;

private slots:
  void initTestCase() {
    split_ = read_split();
    QCOMPARE(split_.calibrations.size(), std::size_t{3});
    QVERIFY(find_pass("calib-check"));
    unperturbed_ = run_pass(split_);
    off_by_one_deg_ = run_pass(perturbed(split_, rotation_deg(1.0, {1, -2, 1})));
  }

  void registered() {
    const Pass* pass = find_pass("calib-check");
    QCOMPARE(pass->version(), std::string("3"));
    const PassParameters params(pass->parameters(), {});
    QCOMPARE(params.number("rotation_threshold_deg"), 0.3);
    QCOMPARE(params.number("translation_threshold_m"), 0.05);
    QCOMPARE(params.number("min_score_gain"), 0.03);
  }

  void score_prefers_file_extrinsic() {
    // One metric per sample and camera (higher is better); a 1 degree rotation moves edges by ~12 px at fx 707-721.
    for (std::int64_t key = 0; key < 3; ++key) {
      const double truth = score(unperturbed_, key), off = score(off_by_one_deg_, key);
      QVERIFY2(std::isfinite(truth) && std::isfinite(off), std::to_string(key).c_str());
      QVERIFY2(truth > 1.03 * off, (std::to_string(truth) + " vs " + std::to_string(off)).c_str());
    }
  }

  void no_finding_on_file_extrinsic() {
    QCOMPARE(unperturbed_.findings.size(), std::size_t{0});
    // Still one refined calibration per window: frame 000000's rig and the 000001-000002 rig.
    QCOMPARE(unperturbed_.calibrations.size(), std::size_t{2});
  }

  void drift_found_and_recovered() {
    QCOMPARE(off_by_one_deg_.findings.size(), std::size_t{2});
    for (const auto& f : off_by_one_deg_.findings) {
      QCOMPARE(f.check, std::string("calib-drift"));
      QCOMPARE(f.sensor, std::string("image_2"));
      QVERIFY(f.severity == Severity::Warning || f.severity == Severity::Error);
      const auto d = nlohmann::json::parse(f.details_json);
      QVERIFY2(std::abs(d.at("rotation_deg").get<double>() - 1.0) < 0.5, f.details_json.c_str());
      // The safeguard: clearly better over the window and on every sample of it.
      QVERIFY2(d.at("score_gain").get<double>() >= 0.03, f.details_json.c_str());
      const auto stored = d.at("score_stored_per_sample").get<std::vector<double>>();
      const auto refined = d.at("score_refined_per_sample").get<std::vector<double>>();
      QCOMPARE(stored.size(), refined.size());
      for (std::size_t i = 0; i < stored.size(); ++i) QVERIFY2(refined[i] >= stored[i], f.details_json.c_str());
      QCOMPARE(d.at("rotation_axis_deg").size(), std::size_t{3});
      QCOMPARE(d.at("translation_axis_m").size(), std::size_t{3});
      QVERIFY(!d.at("window_samples").empty());
    }
    QCOMPARE(off_by_one_deg_.calibrations.size(), std::size_t{2});
    for (const auto& c : off_by_one_deg_.calibrations) {
      const auto T = c.transform("cam2", "velo");
      QVERIFY(T.has_value());
      QCOMPARE(c.extrinsics.front().source, CalibrationSource::Refined);
      // The window's time span: frame k of the object split sits at k * 100 ms.
      const std::int64_t first = c.valid_from_ns / 100'000'000;
      QVERIFY(c.valid_from_ns == 0 || c.valid_from_ns == 100'000'000);
      QCOMPARE(c.valid_to_ns, c.valid_from_ns == 0 ? std::int64_t{1} : std::int64_t{200'000'001});
      const Eigen::Isometry3d truth = file_extrinsic(split_, first);
      // Closer to the truth than the 1 degree perturbation by a clear factor: 3 for the two-sample window, 1.6 for
      // frame 000000 alone (one frame constrains the roll about the optical axis poorly). The translation was not
      // perturbed, but it is weakly observable and the edges' optimum lies a few cm from the file's value (see
      // bench_calib_check): the refinement leaves ~3.3 cm with two frames and ~5 cm with one frame alone.
      const double limit_deg = first == 0 ? 0.6 : 0.35;
      const double limit_m = first == 0 ? 0.06 : 0.04;
      const std::string where = "window from frame " + std::to_string(first) + ": " +
                                std::to_string(angle_deg(*T, truth)) + " deg, " +
                                std::to_string(100 * shift_m(*T, truth)) + " cm";
      QVERIFY2(angle_deg(*T, truth) < limit_deg, where.c_str());
      QVERIFY2(shift_m(*T, truth) < limit_m, where.c_str());
    }
  }

  void recovers_random_perturbations() {
    // Six known perturbations (0.5-2 deg about random axes, 2-10 cm): what the refinement achieves on these two
    // frames (bench_calib_check measures 50 trials). Rotation: with seed 11 the residual is below half the applied
    // rotation and below 0.25 deg in all six trials (no false roll basin since the rotation is searched with the
    // translation nearly free). Asserted with one trial of margin. Translation is held by its prior (weakly
    // observable from two frames): it must not get worse by more than 1.5 cm.
    const Drive rig = one_rig(split_);
    const Eigen::Isometry3d truth = file_extrinsic(split_, 1);
    std::mt19937 rng(11);
    std::normal_distribution<double> gauss;
    std::uniform_real_distribution<double> angle(0.5, 2.0), shift(0.02, 0.10);
    int rotation_better = 0, rotation_halved = 0, rotation_within = 0, translation_kept = 0;
    for (int trial = 0; trial < 6; ++trial) {
      const double applied_deg = angle(rng);
      Eigen::Isometry3d D = rotation_deg(applied_deg, {gauss(rng), gauss(rng), gauss(rng)});
      const double applied_m = shift(rng);
      D.translation() = applied_m * Eigen::Vector3d(gauss(rng), gauss(rng), gauss(rng)).normalized();
      const PassResult r = run_pass(perturbed(rig, D));
      QCOMPARE(r.calibrations.size(), std::size_t{1});
      const Eigen::Isometry3d T = *r.calibrations.front().transform("cam2", "velo");
      const Eigen::Isometry3d start = D * truth;
      qInfo("trial %d: applied %.2f deg %.1f cm, residual %.3f deg %.2f cm", trial, angle_deg(start, truth),
            100 * shift_m(start, truth), angle_deg(T, truth), 100 * shift_m(T, truth));
      rotation_better += angle_deg(T, truth) < angle_deg(start, truth);
      rotation_halved += angle_deg(T, truth) < 0.5 * angle_deg(start, truth);
      rotation_within += angle_deg(T, truth) < 0.25;
      translation_kept += shift_m(T, truth) < shift_m(start, truth) + 0.015;
    }
    QVERIFY2(rotation_better >= 5, std::to_string(rotation_better).c_str());
    QVERIFY2(rotation_halved >= 5, std::to_string(rotation_halved).c_str());
    QVERIFY2(rotation_within >= 5, std::to_string(rotation_within).c_str());
    QVERIFY2(translation_kept >= 5, std::to_string(translation_kept).c_str());
  }

  void honours_cancel() {
    const std::atomic<bool> cancel{true};
    QVERIFY_THROWS_EXCEPTION(Cancelled, run_pass(split_, {}, &cancel));
  }
};

QTEST_GUILESS_MAIN(TstCalibCheck)
#include "tst_calib_check.moc"

// bench_calib_check: how well the calib-check pass recovers a lidar-camera extrinsic on real KITTI data.
// The two KITTI object frames of one rig (000001, 000002: fx 721.5377) form one window; their stored
// T_cam2_from_velo is perturbed by a known random rotation (0.5-2 deg) and translation (2-10 cm), the pass refines
// it, and the residual against the file's extrinsic is printed (median, 90th percentile) with the time per window.
// First prints 1-D sweeps of the objective around the file's extrinsic (--sweep 0 skips them).
// Prints figures only; asserts nothing.
// Each trial also prints the residual per camera axis and the window's mean calib-score at the result and at the
// file's extrinsic: a result that scores higher than the file's is the objective's fault, one that scores lower the
// search's.
// Usage: bench_calib_check [--data DIR] [--trials N] [--seed S] [--threads N] [--sweep 0|1] [--param NAME=VALUE]...
#include "dc/core/data/drive_session.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/passes/pass_parameters.h"
#include "dc/core/passes/pass_registry.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numbers>
#include <random>
#include <string>
#include <vector>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1;
  return v[std::min(k, v.size() - 1)];
}

// The KITTI object split without frame 000000 (another rig): frames 000001 and 000002 share one calibration.
Drive one_rig_drive(const fs::path& dir) {
  Drive d = reader_for_format("kitti-object")->read_single(dir);
  std::erase_if(d.frames, [](const Frame& f) { return f.index == 0; });
  std::erase_if(d.labels, [](const BoxLabel& b) { return b.frame_index == 0; });
  std::erase_if(d.dont_care, [](const DontCareRegion& r) { return r.frame_index == 0; });
  std::erase_if(d.calibrations, [](const Calibration& c) { return c.valid_from_ns == 0; });
  return d;
}

// The drive with every stored T_cam2_from_velo replaced by T.
Drive perturb(Drive drive, const Eigen::Isometry3d& T) {
  for (auto& c : drive.calibrations)
    c.set_transform({"cam2", "velo", T, CalibrationSource::File, c.valid_from_ns, c.valid_to_ns});
  return drive;
}

Eigen::Isometry3d random_perturbation(std::mt19937& rng) {
  std::normal_distribution<double> gauss;
  std::uniform_real_distribution<double> angle(0.5, 2.0), shift(0.02, 0.10);
  const Eigen::Vector3d axis = Eigen::Vector3d(gauss(rng), gauss(rng), gauss(rng)).normalized();
  const Eigen::Vector3d dir = Eigen::Vector3d(gauss(rng), gauss(rng), gauss(rng)).normalized();
  Eigen::Isometry3d D = Eigen::Isometry3d::Identity();
  D.linear() = Eigen::AngleAxisd(angle(rng) * kDeg, axis).toRotationMatrix();
  D.translation() = shift(rng) * dir;
  return D;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data = fs::path(__FILE__).parent_path() / "../../shared/data/kitti-object/training";
  int trials = 50;
  unsigned seed = 7, threads = 2;
  bool sweep = true;
  std::map<std::string, std::string> given;  // pass parameters
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--data") data = argv[i + 1];
    else if (a == "--trials") trials = std::stoi(argv[i + 1]);
    else if (a == "--seed") seed = static_cast<unsigned>(std::stoul(argv[i + 1]));
    else if (a == "--threads") threads = static_cast<unsigned>(std::stoul(argv[i + 1]));
    else if (a == "--sweep") sweep = std::stoi(argv[i + 1]) != 0;
    else if (a == "--param") given.merge(parse_param_items({argv[i + 1]}));
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const Drive original = one_rig_drive(data);
  const Pass* pass = find_pass("calib-check");
  if (!pass || original.calibrations.empty()) {
    std::fprintf(stderr, "no calib-check pass or no calibration in %s\n", data.string().c_str());
    return 1;
  }
  const Eigen::Isometry3d T_file = *original.calibrations.front().transform("cam2", "velo");
  const PassParameters params(pass->parameters(), given);
  const Progress progress;
  std::map<std::string, std::string> score_given = given;
  score_given["refine"] = "false";
  const PassParameters score_only(pass->parameters(), score_given);
  // The window's mean calib-score (refinement off) with the stored extrinsic replaced by T.
  auto window_score = [&](const Eigen::Isometry3d& T) {
    const DriveSession session(perturb(original, T), {});
    const PassResult r = pass->run({session, score_only, progress, threads});
    double sum = 0;
    int count = 0;
    for (const auto& m : r.metrics)
      if (m.name == "calib-score") sum += m.value, ++count;
    return count > 0 ? sum / count : NAN;
  };
  const double score_file = window_score(T_file);

  // 1-D sweeps of the objective around the file's extrinsic (refinement off): where each sample's calib-score and
  // the window's mean peak on each axis of the correction (camera frame). The objective is only worth optimising if
  // these peak at (or very near) zero.
  if (sweep) {
    const char* axes[6] = {"rot x", "rot y", "rot z", "trans x", "trans y", "trans z"};
    std::printf("1-D sweeps of calib-score (higher is better) around the file extrinsic; rotations in deg, "
                "translations in cm\n");
    for (int axis = 0; axis < 6; ++axis) {
      std::printf("%-8s", axes[axis]);
      double best = -1, best_at = 0;
      std::vector<double> best_sample(2, -1), best_sample_at(2, 0);
      std::string line;
      for (int k = -20; k <= 20; ++k) {
        const double step = axis < 3 ? 0.1 * k : 1.0 * k;  // 0.1 deg or 1 cm
        Eigen::Isometry3d D = Eigen::Isometry3d::Identity();
        if (axis < 3)
          D.linear() = Eigen::AngleAxisd(step * kDeg, Eigen::Vector3d::Unit(axis)).toRotationMatrix();
        else
          D.translation() = 0.01 * step * Eigen::Vector3d::Unit(axis - 3);
        const DriveSession session(perturb(original, D * T_file), {});
        const PassResult r = pass->run({session, score_only, progress, threads});
        std::vector<double> per_sample;
        for (const auto& m : r.metrics)
          if (m.name == "calib-score") per_sample.push_back(m.value);
        double mean = 0;
        for (double v : per_sample) mean += v;
        mean /= std::max<std::size_t>(1, per_sample.size());
        if (mean > best) best = mean, best_at = step;
        for (std::size_t s = 0; s < per_sample.size() && s < 2; ++s)
          if (per_sample[s] > best_sample[s]) best_sample[s] = per_sample[s], best_sample_at[s] = step;
        if (k % 4 == 0) line += " " + std::to_string(mean).substr(0, 5);
      }
      std::printf(" peak %+5.1f (sample 1 %+5.1f, sample 2 %+5.1f)   at -2..+2 step 0.4:%s\n", best_at,
                  best_sample_at[0], best_sample_at[1], line.c_str());
    }
    std::printf("\n");
  }

  std::printf("calib-check on KITTI object 000001+000002 (one window), %d trials, seed %u, %u threads\n", trials, seed,
              threads);
  std::printf("window score at the file extrinsic %.4f\n", score_file);
  std::printf("%5s %8s %8s   %9s %9s   %8s   %-23s %-23s %7s\n", "trial", "in deg", "in cm", "out deg", "out cm", "ms",
              "out rot x y z deg", "out trans x y z cm", "score");
  std::mt19937 rng(seed);
  std::vector<double> rot, trans, in_rot, in_trans, ms;
  int within = 0;
  for (int t = 0; t < trials; ++t) {
    const Eigen::Isometry3d D = random_perturbation(rng);
    const DriveSession session(perturb(original, D * T_file), {});
    const auto t0 = std::chrono::steady_clock::now();
    const PassResult r = pass->run({session, params, progress, threads});
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (r.calibrations.size() != 1) {
      std::printf("%5d: expected one refined calibration, got %zu\n", t, r.calibrations.size());
      continue;
    }
    const Eigen::Isometry3d T = *r.calibrations.front().transform("cam2", "velo");
    const double dr = Eigen::AngleAxisd(T.linear() * T_file.linear().transpose()).angle() / kDeg;
    const double dt = (T.translation() - T_file.translation()).norm();
    in_rot.push_back(Eigen::AngleAxisd(D.linear()).angle() / kDeg);
    in_trans.push_back(D.translation().norm());
    rot.push_back(dr);
    trans.push_back(dt);
    within += dr <= 0.25 && dt <= 0.03;
    const Eigen::AngleAxisd residual(T.linear() * T_file.linear().transpose());
    const Eigen::Vector3d residual_deg = residual.axis() * residual.angle() / kDeg;
    const Eigen::Vector3d residual_cm = 100 * (T.translation() - T_file.translation());
    std::printf("%5d %8.2f %8.1f   %9.3f %9.2f   %8.0f   %+6.2f %+6.2f %+6.2f    %+6.1f %+6.1f %+6.1f    %7.4f%s\n", t,
                in_rot.back(), 100 * in_trans.back(), dr, 100 * dt, ms.back(), residual_deg.x(), residual_deg.y(),
                residual_deg.z(), residual_cm.x(), residual_cm.y(), residual_cm.z(), window_score(T),
                dr <= 0.25 && dt <= 0.03 ? "" : "  *");
  }
  std::printf("\nperturbation      rotation deg median %.2f p90 %.2f   translation cm median %.1f p90 %.1f\n",
              percentile(in_rot, 0.5), percentile(in_rot, 0.9), 100 * percentile(in_trans, 0.5),
              100 * percentile(in_trans, 0.9));
  std::printf("residual vs file  rotation deg median %.3f p90 %.3f   translation cm median %.2f p90 %.2f\n",
              percentile(rot, 0.5), percentile(rot, 0.9), 100 * percentile(trans, 0.5), 100 * percentile(trans, 0.9));
  std::printf("within 0.25 deg and 3 cm: %d of %zu (goal: 90%%); within 0.25 deg: %d; within 3 cm: %d\n", within,
              rot.size(), static_cast<int>(std::count_if(rot.begin(), rot.end(), [](double r) { return r <= 0.25; })),
              static_cast<int>(std::count_if(trans.begin(), trans.end(), [](double d) { return d <= 0.03; })));
  std::printf("time per refined window (2 samples, load + score + refine): median %.0f ms, p90 %.0f ms\n",
              percentile(ms, 0.5), percentile(ms, 0.9));
  return 0;
}

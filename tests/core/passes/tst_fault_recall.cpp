// The fault-injection recall test: a generated drive with every kind of fault the generator can inject, and its
// clean twin (same seed, no faults). data-qc and calib-check run on both. Every fault listed in the drive's
// injected.json must be found by a finding of the expected check on the same sensor and the same frames (recall
// 100%); the twin must get no warning or error at all. The expected frames come from injected.json, which the
// generator writes; the passes never read it.
#include "test_support.h"

#include "dc/core/data/drive_session.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/passes/pass_registry.h"
#include "dc/synth/drive_generator.h"

#include <QTest>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

using namespace dc::core;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kFrames = 60;
constexpr unsigned kSeed = 11;

// One fault of each kind, placed so that no fault hides another: the lidar time jump (which shifts every later
// sweep against the cameras) comes last, the calibration drift covers whole refinement windows of 10 samples.
const std::vector<std::string> kFaults = {
    "nan-points:velodyne_points:5:50",
    "overexposed:image_03:8",
    "duplicate-time:image_02:10",
    "blur:image_02:14",
    "dead-rings:velodyne_points:16-19:40,52",
    "drop:image_03:22-24",
    "black:image_02:26",
    "frozen:image_03:30-33",
    "truncate:velodyne_points:35",
    "gnss-jump:40:4m",
    "heading-jump:45:30deg",
    "calib-drift:image_02:from=20:yaw=0.8deg:x=0.05m",
    "time-jitter:image_03:20ms",
    "time-jump:velodyne_points:55:+0.35s",
};

// The finding check(s) that report each injected kind.
const std::map<std::string, std::set<std::string>> kChecksFor = {
    {"drop", {"frame-gap"}},
    {"time-jump", {"frame-gap", "timestamp-non-monotonic"}},
    {"time-jitter", {"frame-rate-unstable"}},
    {"duplicate-time", {"timestamp-duplicate"}},
    {"dead-rings", {"lidar-dead-ring"}},
    {"nan-points", {"lidar-invalid-points"}},
    {"black", {"image-black"}},
    {"overexposed", {"image-overexposed"}},
    {"blur", {"image-blurred"}},
    {"frozen", {"image-frozen"}},
    {"truncate", {"payload-unreadable"}},
    {"gnss-jump", {"gnss-position-jump"}},
    {"heading-jump", {"gnss-heading-jump"}},
    {"calib-drift", {"calib-drift"}},
};

fs::path generate(const std::string& name, const std::vector<std::string>& faults) {
  GeneratorOptions o;
  o.out = dc::test::fresh_work_dir("fault_recall_" + name);
  o.frames = kFrames;
  o.seed = kSeed;
  o.cameras = 2;
  o.lidar_columns = 1000;  // full-size images: calib-check needs the edges
  o.threads = 2;
  o.inject = faults;
  return generate_drive(o).drive_dir;
}

std::vector<Finding> run_pass(const DriveSession& session, const std::string& name) {
  const Pass* pass = find_pass(name);
  if (!pass) throw std::runtime_error(name + " is not registered");
  const PassParameters params(pass->parameters(), {});
  return pass->run({session, params, {}, 2}).findings;
}

// The frames a finding names: data-qc lists them in details.frames, calib-check its window's sample keys (the
// lidar frame indices) in details.window_samples.
std::vector<std::int64_t> finding_frames(const Finding& f) {
  const json d = json::parse(f.details_json);
  if (d.contains("window_samples")) return d["window_samples"].get<std::vector<std::int64_t>>();
  if (d.contains("frames") && d["frames"].is_array()) return d["frames"].get<std::vector<std::int64_t>>();
  return {};
}

// The frames of the drive as written where the fault must show: a drop shows as the gap between the frames
// around it, a time jump as the gap before its first frame; faults after a drop on the same sensor sit at
// renumbered frames (details.drive_frames).
std::vector<std::int64_t> expected_frames(const json& fault) {
  const json& d = fault["details"];
  const std::string kind = fault["kind"];
  if (kind == "drop") return d["gap_between_drive_frames"].get<std::vector<std::int64_t>>();
  auto frames = (d.contains("drive_frames") ? d["drive_frames"] : fault["frames"]).get<std::vector<std::int64_t>>();
  if (kind == "time-jump") return {frames.front() - 1, frames.front()};
  return frames;
}

std::string describe(const Finding& f) {
  return std::string(to_string(f.severity)) + " " + f.check + " " + f.sensor + ": " + f.message + " " +
         f.details_json;
}

std::string describe(const std::vector<Finding>& findings) {
  std::string text;
  for (const auto& f : findings) text += describe(f) + "\n";
  return text;
}

// Does finding f report the fault? Same sensor, an expected check, and the same frames: the finding covers every
// expected frame and strays at most one frame outside them (a position step is seen on the fix after it too).
// Faults over a whole drive (time jitter) are drive-level findings without frames. A calibration drift is found
// by refinement windows that lie inside the drifted frames; any one such window is a detection.
bool reports(const Finding& f, const json& fault) {
  const std::string kind = fault["kind"];
  if (f.sensor != fault["sensor"].get<std::string>() || !kChecksFor.at(kind).count(f.check)) return false;
  if (f.severity == Severity::Info) return false;
  if (kind == "time-jitter") return true;
  const auto got = finding_frames(f);
  const auto want = expected_frames(fault);
  if (got.empty()) return false;
  if (kind == "calib-drift")
    return std::all_of(got.begin(), got.end(), [&](std::int64_t k) { return k >= want.front(); });
  const std::set<std::int64_t> got_set(got.begin(), got.end());
  for (auto w : want)
    if (!got_set.count(w)) return false;
  const auto [lo, hi] = std::minmax_element(want.begin(), want.end());
  for (auto g : got)
    if (g < *lo - 1 || g > *hi + 1) return false;
  return true;
}

}  // namespace

class TestFaultRecall : public QObject {
  Q_OBJECT

  json injected_;
  std::vector<Finding> faulty_findings_;
  std::vector<Finding> clean_findings_;

 private slots:
  void initTestCase() {
    const fs::path faulty = generate("faulty", kFaults);
    const fs::path clean = generate("clean", {});
    injected_ = json::parse(dc::test::read_text(faulty / "injected.json"));
    QVERIFY(!fs::exists(clean / "injected.json"));

    for (const auto& [dir, out] : {std::pair{faulty, &faulty_findings_}, std::pair{clean, &clean_findings_}}) {
      const DriveSession session(reader_for_format("kitti-raw")->read_single(dir), {});
      for (const char* pass : {"data-qc", "calib-check"}) {
        auto found = run_pass(session, pass);
        out->insert(out->end(), found.begin(), found.end());
      }
    }
  }

  void everyKindIsInjected() {
    std::set<std::string> kinds;
    for (const auto& fault : injected_["faults"]) kinds.insert(fault["kind"].get<std::string>());
    std::set<std::string> all;
    for (const auto& [kind, checks] : kChecksFor) all.insert(kind);
    QVERIFY(kinds == all);
    QCOMPARE(injected_["faults"].size(), kFaults.size());
  }

  void everyInjectedFaultIsFound() {
    std::string missed;
    int found = 0;
    for (const auto& fault : injected_["faults"]) {
      const bool hit = std::any_of(faulty_findings_.begin(), faulty_findings_.end(),
                                   [&](const Finding& f) { return reports(f, fault); });
      if (hit)
        ++found;
      else
        missed += fault["spec"].get<std::string>() + "\n";
    }
    qInfo("recall: %d of %zu injected faults found", found, injected_["faults"].size());
    QVERIFY2(missed.empty(), ("missed:\n" + missed + "findings:\n" + describe(faulty_findings_)).c_str());
  }

  // data-qc numbers rings by elevation bands, not by the generator's beam numbers: each dead beam's elevation
  // (from injected.json) must fall inside the band of a lidar-dead-ring finding over the injected sweeps.
  void deadRingsAreTheInjectedBeams() {
    for (const auto& fault : injected_["faults"]) {
      if (fault["kind"] != "dead-rings") continue;
      for (double elevation : fault["details"]["elevations_deg"].get<std::vector<double>>()) {
        const bool hit = std::any_of(faulty_findings_.begin(), faulty_findings_.end(), [&](const Finding& f) {
          if (!reports(f, fault)) return false;
          const auto band = json::parse(f.details_json)["elevation_deg"].get<std::vector<double>>();
          return band.size() == 2 && band[0] <= elevation && elevation <= band[1];
        });
        QVERIFY2(hit, ("no dead-ring finding covers elevation " + std::to_string(elevation)).c_str());
      }
    }
  }

  // Drift is only reported where it was injected: no calib-drift on a window before the drift starts or on the
  // other camera.
  void calibDriftOnlyWhereInjected() {
    for (const auto& f : faulty_findings_) {
      if (f.check != "calib-drift") continue;
      QVERIFY2(f.sensor == "image_02", describe(f).c_str());
      for (auto k : finding_frames(f)) QVERIFY2(k >= 20, describe(f).c_str());
    }
  }

  void cleanTwinHasNoWarnings() {
    std::vector<Finding> problems;
    for (const auto& f : clean_findings_)
      if (f.severity != Severity::Info) problems.push_back(f);
    QVERIFY2(problems.empty(), describe(problems).c_str());
    // The twin was checked, not skipped: data-qc summarised every sensor's rate.
    const auto rates = std::count_if(clean_findings_.begin(), clean_findings_.end(),
                                     [](const Finding& f) { return f.check == "frame-rate"; });
    QCOMPARE(rates, std::ptrdiff_t{4});
  }
};

QTEST_GUILESS_MAIN(TestFaultRecall)
#include "tst_fault_recall.moc"

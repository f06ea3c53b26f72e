// The pass results file a cluster task writes and the workstation imports: every field round-trips exactly
// (doubles bit for bit, NaN and infinities included), and a file cut at any byte, of another format or version,
// with a missing or mistyped field, or with fewer items than its counts is rejected naming the file and the field.
#include "test_support.h"

#include "dc/core/exec/pass_results_file.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

using namespace dc::core;
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Exact: same value and sign, or both NaN (QCOMPARE on doubles is fuzzy).
bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

#define EXACT(a, b) QVERIFY2(same((a), (b)), (#a " differs: " + std::to_string(a) + " vs " + std::to_string(b)).c_str())

Calibration make_calibration() {
  Calibration c;
  c.valid_from_ns = std::numeric_limits<std::int64_t>::min();
  c.valid_to_ns = 1317042145964389445;
  c.source = CalibrationSource::Refined;
  c.run_id = 77;
  CameraIntrinsics cam;
  cam.K << 721.5377 + 1e-9, 0, 609.5593, 0, 721.5377 / 3, 172.854, 0, 0, 1;
  cam.distortion = {-0.1, 1.0 / 7, 1e-300, -4.9e-324, 0.30000000000000004};
  cam.width = 1242;
  cam.height = 375;
  c.cameras["image_02"] = cam;
  cam.width = 640;
  c.cameras["image_03"] = cam;
  RigidTransform t;
  t.to_frame = "cam2";
  t.from_frame = "velo";
  t.T_to_from = Eigen::Isometry3d(Eigen::AngleAxisd(0.1234567890123, Eigen::Vector3d(1, 2, 3).normalized()));
  t.T_to_from.translation() = Eigen::Vector3d(0.27, -0.08 / 3, 1e-7);
  t.source = CalibrationSource::Refined;
  t.valid_from_ns = 5;
  t.valid_to_ns = 6;
  c.extrinsics.push_back(t);
  t.to_frame = "velo";
  t.from_frame = "imu";
  t.source = CalibrationSource::Generated;
  c.extrinsics.push_back(t);
  return c;
}

PassResultsFile make_full() {
  PassResultsFile f;
  f.pass = "calib-check";
  f.pass_version = "3.1.4";
  f.parameters_json = R"({"iou":0.1,"min_points":5,"source":"all","tracks":true})";
  f.run_id = 9007199254740993;  // not representable as a double
  f.drive_id = 42;
  f.drive_name = "2011_09_26_drive_0001_sync";
  f.drive_root = "/data/kitti raw/2011_09_26/\"quoted\"";
  f.first_sample = 100;
  f.end_sample = 200;
  f.host = "gpu-node-07";
  f.device = "cuda:1 NVIDIA H200";
  f.started_ns = 1317042145964389445;
  f.finished_ns = std::numeric_limits<std::int64_t>::max();

  Finding a;
  a.check = "timestamp-gap";
  a.severity = Severity::Error;
  a.start_ns = -3;
  a.end_ns = 1317042146064389445;
  a.id = 11;
  a.sample_key = 123;
  a.sensor = "velodyne_points";
  a.message = "gap of 0.3 s\nbetween \"frames\" — ünïcode";
  a.details_json = R"({"gap_ns":300000000,"frames":[1,2],"nested":{"b":1,"a":[]}})";
  a.review = ReviewState::Fixed;
  Finding b = a;
  b.severity = Severity::Info;
  b.sample_key = -1;
  b.review = ReviewState::Rejected;
  b.details_json = "[]";
  f.result.findings = {a, b};

  BoxLabel l;
  l.id = 5;
  l.frame_index = 17;
  l.timestamp_ns = 1317042145964389445;
  l.center = Eigen::Vector3d(0.1 + 0.2, -1.0 / 3, 1e308);
  l.length = 4.123456789012345;
  l.width = 1.7;
  l.height = 1.5000000000000002;
  l.yaw = -3.141592653589793;
  l.category = "Car";
  l.track_id = "t-9";
  l.score = 0.987654321;
  l.source = LabelSource::Model;
  l.source_name = "pointpillars-v2";
  l.review = ReviewState::Accepted;
  l.revision = 3;
  l.deleted = true;
  l.run_id = 77;
  l.truncated = 0.25;
  l.truncation_state = 1;
  l.occlusion = 2;
  l.alpha = -0.5;
  l.bbox2d[0] = 10.5;
  l.bbox2d[1] = 20.25;
  l.bbox2d[2] = 300.125;
  l.bbox2d[3] = 374.999;
  BoxLabel m = l;
  m.id = 6;
  m.run_id.reset();
  m.score = kNaN;
  m.alpha = kInf;
  m.truncated = -kInf;
  m.center.z() = -0.0;
  m.source = LabelSource::Auto;
  m.deleted = false;
  f.result.labels = {l, m};

  f.result.calibrations = {make_calibration()};

  f.result.metrics = {{"calib-score", "image_02", 123, 1317042145964389445, 0.1 + 0.7},
                      {"calib-score", "", 124, 1317042146064389445, kNaN},
                      {"density", "velodyne_points", 125, 1, -kInf}};

  Evaluation e;
  e.id = 8;
  e.run_id = 77;
  e.drive_id = 42;
  e.created_ns = 1317042145964389445;
  e.predicted = "model:pointpillars-v2";
  e.reference = "gt";
  e.parameters_json = R"({"iou":{"Car":0.7,"Pedestrian":0.5}})";
  e.summary_json = R"({"kitti":{"Car":{"3d":{"easy":{"ap40":0.8125,"ap11":0.75,"gt":12}}}}})";
  e.curves_json = R"({"Car":[[0.0,1.0],[0.5,0.9],[1.0,0.0]]})";
  Evaluation e2 = e;
  e2.id = 9;
  e2.run_id.reset();
  f.result.evaluations = {e, e2};
  return f;
}

void compare_calibrations(const Calibration& a, const Calibration& b) {
  QCOMPARE(a.valid_from_ns, b.valid_from_ns);
  QCOMPARE(a.valid_to_ns, b.valid_to_ns);
  QVERIFY(a.source == b.source);
  QVERIFY(a.run_id == b.run_id);
  QCOMPARE(a.cameras.size(), b.cameras.size());
  for (const auto& [name, cam] : a.cameras) {
    QVERIFY(b.cameras.count(name));
    const auto& other = b.cameras.at(name);
    for (int i = 0; i < 9; ++i) EXACT(cam.K.data()[i], other.K.data()[i]);
    for (int i = 0; i < 5; ++i) EXACT(cam.distortion[i], other.distortion[i]);
    QCOMPARE(cam.width, other.width);
    QCOMPARE(cam.height, other.height);
  }
  QCOMPARE(a.extrinsics.size(), b.extrinsics.size());
  for (std::size_t i = 0; i < a.extrinsics.size(); ++i) {
    const auto &x = a.extrinsics[i], &y = b.extrinsics[i];
    QCOMPARE(x.to_frame, y.to_frame);
    QCOMPARE(x.from_frame, y.from_frame);
    for (int k = 0; k < 16; ++k) EXACT(x.T_to_from.matrix().data()[k], y.T_to_from.matrix().data()[k]);
    QVERIFY(x.source == y.source);
    QCOMPARE(x.valid_from_ns, y.valid_from_ns);
    QCOMPARE(x.valid_to_ns, y.valid_to_ns);
  }
}

// Embedded JSON compares as JSON (the file stores it as structure; the text is the compact dump).
bool same_json(const std::string& a, const std::string& b) { return ojson::parse(a) == ojson::parse(b); }

void compare_files(const PassResultsFile& a, const PassResultsFile& b) {
  QCOMPARE(a.pass, b.pass);
  QCOMPARE(a.pass_version, b.pass_version);
  QCOMPARE(a.parameters_json, b.parameters_json);  // canonical compact text survives unchanged
  QCOMPARE(a.run_id, b.run_id);
  QCOMPARE(a.drive_id, b.drive_id);
  QCOMPARE(a.drive_name, b.drive_name);
  QCOMPARE(a.drive_root, b.drive_root);
  QCOMPARE(a.first_sample, b.first_sample);
  QCOMPARE(a.end_sample, b.end_sample);
  QCOMPARE(a.host, b.host);
  QCOMPARE(a.device, b.device);
  QCOMPARE(a.started_ns, b.started_ns);
  QCOMPARE(a.finished_ns, b.finished_ns);

  const PassResult &x = a.result, &y = b.result;
  QCOMPARE(x.findings.size(), y.findings.size());
  for (std::size_t i = 0; i < x.findings.size(); ++i) {
    const auto &p = x.findings[i], &q = y.findings[i];
    QCOMPARE(p.check, q.check);
    QVERIFY(p.severity == q.severity);
    QCOMPARE(p.start_ns, q.start_ns);
    QCOMPARE(p.end_ns, q.end_ns);
    QCOMPARE(p.id, q.id);
    QCOMPARE(p.sample_key, q.sample_key);
    QCOMPARE(p.sensor, q.sensor);
    QCOMPARE(p.message, q.message);
    QVERIFY(same_json(p.details_json, q.details_json));
    QVERIFY(p.review == q.review);
  }
  QCOMPARE(x.labels.size(), y.labels.size());
  for (std::size_t i = 0; i < x.labels.size(); ++i) {
    const auto &p = x.labels[i], &q = y.labels[i];
    QCOMPARE(p.id, q.id);
    QCOMPARE(p.frame_index, q.frame_index);
    QCOMPARE(p.timestamp_ns, q.timestamp_ns);
    for (int k = 0; k < 3; ++k) EXACT(p.center[k], q.center[k]);
    EXACT(p.length, q.length);
    EXACT(p.width, q.width);
    EXACT(p.height, q.height);
    EXACT(p.yaw, q.yaw);
    QCOMPARE(p.category, q.category);
    QCOMPARE(p.track_id, q.track_id);
    EXACT(p.score, q.score);
    QVERIFY(p.source == q.source);
    QCOMPARE(p.source_name, q.source_name);
    QVERIFY(p.review == q.review);
    QCOMPARE(p.revision, q.revision);
    QCOMPARE(p.deleted, q.deleted);
    QVERIFY(p.run_id == q.run_id);
    EXACT(p.truncated, q.truncated);
    QCOMPARE(p.truncation_state, q.truncation_state);
    QCOMPARE(p.occlusion, q.occlusion);
    EXACT(p.alpha, q.alpha);
    for (int k = 0; k < 4; ++k) EXACT(p.bbox2d[k], q.bbox2d[k]);
  }
  QCOMPARE(x.calibrations.size(), y.calibrations.size());
  for (std::size_t i = 0; i < x.calibrations.size(); ++i) compare_calibrations(x.calibrations[i], y.calibrations[i]);
  QCOMPARE(x.metrics.size(), y.metrics.size());
  for (std::size_t i = 0; i < x.metrics.size(); ++i) {
    const auto &p = x.metrics[i], &q = y.metrics[i];
    QCOMPARE(p.name, q.name);
    QCOMPARE(p.sensor, q.sensor);
    QCOMPARE(p.sample_key, q.sample_key);
    QCOMPARE(p.timestamp_ns, q.timestamp_ns);
    EXACT(p.value, q.value);
  }
  QCOMPARE(x.evaluations.size(), y.evaluations.size());
  for (std::size_t i = 0; i < x.evaluations.size(); ++i) {
    const auto &p = x.evaluations[i], &q = y.evaluations[i];
    QCOMPARE(p.id, q.id);
    QVERIFY(p.run_id == q.run_id);
    QCOMPARE(p.drive_id, q.drive_id);
    QCOMPARE(p.created_ns, q.created_ns);
    QCOMPARE(p.predicted, q.predicted);
    QCOMPARE(p.reference, q.reference);
    QVERIFY(same_json(p.parameters_json, q.parameters_json));
    QVERIFY(same_json(p.summary_json, q.summary_json));
    QVERIFY(same_json(p.curves_json, q.curves_json));
  }
}

// The reader's error for `file`, or "" when it was accepted.
std::string read_error(const fs::path& file) {
  try {
    read_pass_results_file(file);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

std::size_t entries(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}
}  // namespace

class TestPassResultsFile : public QObject {
  Q_OBJECT
  fs::path work_;

  // Writes the full file, lets `edit` change its JSON, writes that back and returns the reader's error.
  template <typename F>
  std::string error_after(const std::string& name, F&& edit) {
    const fs::path file = work_ / (name + ".json");
    write_pass_results_file(file, make_full());
    ojson j = ojson::parse(dc::test::read_text(file));
    edit(j);
    dc::test::write_text(file, j.dump(1));
    const std::string error = read_error(file);
    if (error.find(file.string()) == std::string::npos) return "(message without the file name) " + error;
    return error;
  }

private slots:
  void initTestCase() { work_ = dc::test::fresh_work_dir("pass_results_file"); }

  void roundTripsEveryField() {
    const fs::path file = work_ / "full.json";
    const PassResultsFile written = make_full();
    write_pass_results_file(file, written);
    const PassResultsFile read = read_pass_results_file(file);
    compare_files(written, read);
    if (QTest::currentTestFailed()) return;
    QVERIFY(std::isnan(read.result.metrics[1].value));
    QVERIFY(std::isnan(read.result.labels[1].score));
    QVERIFY(std::signbit(read.result.labels[1].center.z()));

    const ojson j = ojson::parse(dc::test::read_text(file));
    QCOMPARE(j["format"].get<std::string>(), std::string("drivecurator-pass-results"));
    QCOMPARE(j["format_version"].get<int>(), 1);
    QVERIFY(j["complete"].get<bool>());
    QCOMPARE(j["counts"]["labels"].get<int>(), 2);
    QVERIFY(j["parameters"].is_object());  // embedded, not a string
    QVERIFY(j["calibrations"][0]["data"].is_object());
    QVERIFY(j["evaluations"][0]["summary"].is_object());
    QCOMPARE(j["labels"][0]["source"].get<std::string>(), std::string(to_string(LabelSource::Model)));
    QVERIFY(j.back() == ojson(true));  // "complete" is the last field written

    // An empty result is a valid file too.
    PassResultsFile empty;
    write_pass_results_file(file, empty);
    const PassResultsFile read_empty = read_pass_results_file(file);
    compare_files(empty, read_empty);
  }

  void nullReadsAsNaN() {
    const fs::path file = work_ / "null.json";
    write_pass_results_file(file, make_full());
    ojson j = ojson::parse(dc::test::read_text(file));
    j["metrics"][0]["value"] = nullptr;  // what most JSON writers make of NaN
    dc::test::write_text(file, j.dump());
    QVERIFY(std::isnan(read_pass_results_file(file).result.metrics[0].value));
  }

  void rejectsEveryCut() {
    PassResultsFile small = make_full();
    small.result.findings.resize(1);
    small.result.labels.resize(1);
    small.result.metrics.resize(1);
    small.result.evaluations.resize(1);
    const fs::path whole = work_ / "whole.json";
    write_pass_results_file(whole, small);
    const std::string text = dc::test::read_text(whole);
    QVERIFY(text.size() > 1000);
    QCOMPARE(text.substr(text.size() - 2), std::string("}\n"));

    const fs::path cut = work_ / "cut.json";
    // Every prefix that lacks the closing brace; the one that lacks only the final newline is the whole content.
    for (std::size_t n = 0; n + 1 < text.size(); ++n) {
      dc::test::write_text(cut, text.substr(0, n));
      const std::string error = read_error(cut);
      QVERIFY2(!error.empty(), ("accepted a file cut at byte " + std::to_string(n)).c_str());
      QVERIFY2(error.find(cut.string()) != std::string::npos, error.c_str());
    }
    dc::test::write_text(cut, text.substr(0, text.size() - 1));
    QCOMPARE(read_error(cut), std::string());
    dc::test::write_text(cut, text.substr(0, text.size() / 2));
    const std::string error = read_error(cut);
    QVERIFY2(error.find("truncated") != std::string::npos, error.c_str());
  }

  void rejectsWrongContent() {
    auto expect = [](const std::string& error, const std::string& words) {
      QVERIFY2(error.find(words) != std::string::npos, ("expected '" + words + "' in: " + error).c_str());
    };
    expect(error_after("format", [](ojson& j) { j["format"] = "something-else"; }), "format: expected");
    expect(error_after("noformat", [](ojson& j) { j.erase("format"); }), "format: missing");
    expect(error_after("version", [](ojson& j) { j["format_version"] = 2; }), "format_version: 2 is not supported");
    expect(error_after("incomplete", [](ojson& j) { j.erase("complete"); }), "complete: missing");
    expect(error_after("notcomplete", [](ojson& j) { j["complete"] = false; }), "complete: expected true");
    expect(error_after("missing", [](ojson& j) { j["labels"][1].erase("score"); }), "labels[1].score: missing");
    expect(error_after("missingtop", [](ojson& j) { j.erase("drive_root"); }), "drive_root: missing");
    expect(error_after("type", [](ojson& j) { j["labels"][0]["revision"] = "3"; }),
           "labels[0].revision: expected an integer");
    expect(error_after("typefloat", [](ojson& j) { j["run_id"] = 1.5; }), "run_id: expected an integer");
    expect(error_after("typenumber", [](ojson& j) { j["metrics"][2]["value"] = "high"; }),
           "metrics[2].value: expected a number");
    expect(error_after("typecenter", [](ojson& j) { j["labels"][1]["center"] = {1, 2}; }),
           "labels[1].center: expected 3 numbers");
    expect(error_after("typeembedded", [](ojson& j) { j["evaluations"][1]["summary"] = "{}"; }),
           "evaluations[1].summary: expected a JSON object");
    expect(error_after("enum", [](ojson& j) { j["findings"][0]["severity"] = "Fatal"; }),
           "findings[0].severity: unknown value \"Fatal\"");
    expect(error_after("calibration", [](ojson& j) { j["calibrations"][0]["data"].erase("cameras"); }),
           "calibrations[0].data: not a calibration");
    expect(error_after("range", [](ojson& j) { j["first_sample"] = std::int64_t(1) << 40; }),
           "first_sample: integer out of range");
    // Items lost from a list while the file still parses: the counts catch it.
    expect(error_after("counts", [](ojson& j) { j["labels"].erase(1); }),
           "counts.labels: says 2 but the file has 1 labels");
    expect(error_after("notobject", [](ojson& j) { j = ojson::array({1, 2}); }), "expected a pass results file");
    dc::test::write_text(work_ / "garbage.json", "{\"format\": \"drivecurator-pass-results\"} trailing");
    expect(read_error(work_ / "garbage.json"), "not valid JSON");
    expect(read_error(work_ / "no-such-file.json"), "no-such-file.json: cannot open");
  }

  void replacesAtomically() {
    const fs::path dir = work_ / "atomic";
    fs::create_directories(dir);
    const fs::path file = dir / "task-0007.results.json";
    PassResultsFile first = make_full();
    write_pass_results_file(file, first);
    const std::string first_text = dc::test::read_text(file);

    // A reader that opened the old file keeps reading the whole old file: the new one is renamed over it, not
    // rewritten in place.
    std::ifstream old_reader(file, std::ios::binary);
    QVERIFY(old_reader.good());
    PassResultsFile second;
    second.pass = "label-qa";
    second.run_id = 8;
    second.result.metrics = {{"m", "", 1, 2, 3.5}};
    write_pass_results_file(file, second);
    const std::string old_text((std::istreambuf_iterator<char>(old_reader)), std::istreambuf_iterator<char>());
    QCOMPARE(old_text, first_text);

    const PassResultsFile read = read_pass_results_file(file);
    QCOMPARE(read.pass, std::string("label-qa"));
    QCOMPARE(read.run_id, std::int64_t(8));
    QCOMPARE(read.result.metrics.size(), std::size_t(1));
    QVERIFY(read.result.labels.empty());
    QCOMPARE(entries(dir), std::size_t(1));  // no temporary file left

    // A write that fails leaves the old file and no temporary file.
    PassResultsFile bad = make_full();
    bad.result.findings[1].details_json = "{not json";
    try {
      write_pass_results_file(file, bad);
      QFAIL("wrote a file with broken embedded JSON");
    } catch (const std::runtime_error& e) {
      const std::string error = e.what();
      QVERIFY2(error.find(file.string()) != std::string::npos, error.c_str());
      QVERIFY2(error.find("findings[1].details_json") != std::string::npos, error.c_str());
    }
    QCOMPARE(read_pass_results_file(file).pass, std::string("label-qa"));
    QCOMPARE(entries(dir), std::size_t(1));

    // A folder that does not exist: a clear error, nothing created.
    try {
      write_pass_results_file(dir / "missing" / "x.json", second);
      QFAIL("wrote into a missing folder");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("x.json") != std::string::npos, e.what());
    }
    QCOMPARE(entries(dir), std::size_t(1));
  }
};

QTEST_GUILESS_MAIN(TestPassResultsFile)
#include "tst_pass_results_file.moc"

#include "test_support.h"

#include "dc/core/data/drive_session.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/passes/pass_registry.h"
#include "dc/synth/drive_generator.h"

#include <QTest>

#include <numbers>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

using namespace dc::core;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kFrames = 12;
constexpr double kDeg = 3.14159265358979323846 / 180.0;

std::string frame_name(int index, const char* extension) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%010d%s", index, extension);
  return buf;
}

std::vector<std::string> lines_of(const fs::path& file) {
  std::vector<std::string> lines;
  std::istringstream in(dc::test::read_text(file));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void write_lines(const fs::path& file, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  dc::test::write_text(file, text);
}

std::vector<float> read_bin(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<float> v(fs::file_size(file) / sizeof(float));
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  return v;
}

void write_bin(const fs::path& file, const std::vector<float>& v) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
}

// Shifts a KITTI timestamp line "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" by a few milliseconds (within the same minute).
std::string shifted(const std::string& line, double delta_ms) {
  const double seconds = std::stod(line.substr(17)) + delta_ms * 1e-3;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012.9f", seconds);
  return line.substr(0, 17) + buf;
}

std::vector<Finding> with_check(const std::vector<Finding>& findings, const std::string& check,
                                const std::string& sensor = {}) {
  std::vector<Finding> out;
  for (const auto& f : findings)
    if (f.check == check && (sensor.empty() || f.sensor == sensor)) out.push_back(f);
  return out;
}

std::vector<Finding> problems(const std::vector<Finding>& findings) {
  std::vector<Finding> out;
  for (const auto& f : findings)
    if (f.severity != Severity::Info) out.push_back(f);
  return out;
}

std::string describe(const std::vector<Finding>& findings) {
  std::string text;
  for (const auto& f : findings)
    text += std::string(to_string(f.severity)) + " " + f.check + " " + f.sensor + ": " + f.message + " " +
            f.details_json + "\n";
  return text;
}

std::vector<std::int64_t> frames_in(const Finding& f) {
  return json::parse(f.details_json).at("frames").get<std::vector<std::int64_t>>();
}

}  // namespace

class TestDataQc : public QObject {
  Q_OBJECT

  fs::path pristine_date_dir_;
  std::string drive_name_;

  // A fresh copy of the generated drive to damage.
  fs::path copy_drive(const std::string& name) {
    const fs::path dir = dc::test::fresh_work_dir("data_qc_" + name);
    dc::test::copy_tree(pristine_date_dir_, dir / pristine_date_dir_.filename());
    return dir / pristine_date_dir_.filename() / drive_name_;
  }

  static std::vector<Finding> run_qc(const DriveSession& session, unsigned threads = 2,
                                     const std::map<std::string, std::string>& given = {},
                                     const Progress& progress = {}) {
    const Pass* pass = find_pass("data-qc");
    if (!pass) throw std::runtime_error("data-qc is not registered");
    const PassParameters params(pass->parameters(), given);
    return pass->run({session, params, progress, threads}).findings;
  }

  static std::vector<Finding> run_qc(const fs::path& drive_dir, const std::string& format = "kitti-raw",
                                     unsigned threads = 2) {
    DriveSession session(reader_for_format(format)->read_single(drive_dir), {});
    return run_qc(session, threads);
  }

 private slots:
  void initTestCase() {
    GeneratorOptions o;
    o.out = dc::test::fresh_work_dir("data_qc_pristine");
    o.frames = kFrames;
    o.seed = 7;
    o.image_width = 414;
    o.image_height = 125;
    o.lidar_columns = 500;
    o.threads = 2;
    const GeneratorResult g = generate_drive(o);
    pristine_date_dir_ = g.date_dir;
    drive_name_ = g.drive_dir.filename().string();
  }

  void schemaIsComplete() {
    const Pass* pass = find_pass("data-qc");
    QVERIFY(pass);
    QCOMPARE(pass->name(), std::string("data-qc"));
    QCOMPARE(pass->version(), std::string("2"));
    std::set<std::string> names;
    for (const auto& p : pass->parameters()) {
      QVERIFY2(!p.doc.empty(), p.name.c_str());
      QVERIFY2(names.insert(p.name).second, p.name.c_str());
    }
    QVERIFY(names.count("gap_factor") && names.count("max_sync_skew_ms") && names.count("image_black_mean"));
    const PassParameters defaults(pass->parameters(), {});  // every default is valid
    QCOMPARE(defaults.number("gap_factor"), 1.5);
    QCOMPARE(defaults.integer("lidar_rings"), std::int64_t{64});
  }

  void cleanGeneratedDriveHasNoProblems() {
    const auto findings = run_qc(pristine_date_dir_ / drive_name_);
    QVERIFY2(problems(findings).empty(), describe(problems(findings)).c_str());
    // One rate summary per sensor: velodyne, oxts, image_02, image_03.
    const auto rates = with_check(findings, "frame-rate");
    QCOMPARE(rates.size(), std::size_t{4});
    for (const auto& r : rates) {
      const double hz = json::parse(r.details_json).at("rate_hz").get<double>();
      QVERIFY2(std::abs(hz - 10.0) < 0.3, r.message.c_str());
    }
  }

  void droppedFramesAreOneGap() {
    const fs::path drive = copy_drive("gap");
    // image_02 loses frames 4, 5, 6: their files and timestamp lines go, later frames move up.
    const fs::path dir = drive / "image_02";
    auto stamps = lines_of(dir / "timestamps.txt");
    stamps.erase(stamps.begin() + 4, stamps.begin() + 7);
    write_lines(dir / "timestamps.txt", stamps);
    for (int i = 4; i < 7; ++i) fs::remove(dir / "data" / frame_name(i, ".png"));
    for (int i = 7; i < kFrames; ++i)
      fs::rename(dir / "data" / frame_name(i, ".png"), dir / "data" / frame_name(i - 3, ".png"));

    const auto findings = run_qc(drive);
    const auto gaps = with_check(findings, "frame-gap");
    QVERIFY2(gaps.size() == 1, describe(findings).c_str());
    const Finding& g = gaps[0];
    QCOMPARE(g.sensor, std::string("image_02"));
    QCOMPARE(g.severity, Severity::Warning);
    const json d = json::parse(g.details_json);
    QCOMPARE(d.at("missing").get<int>(), 3);
    QCOMPARE(frames_in(g), (std::vector<std::int64_t>{3, 4}));
    // Frame 3 to old frame 7: four periods of ~100 ms (generator jitter is +-1.5 ms, trigger delay +-0.5 ms).
    QVERIFY2(std::abs(d.at("gap_ms").get<double>() - 400.0) < 10.0, g.details_json.c_str());
    QVERIFY2(g.message.find("3 frames dropped between") != std::string::npos, g.message.c_str());
    QVERIFY(g.end_ns - g.start_ns > 390'000'000);
  }

  void duplicateAndBackwardTimestamps() {
    const fs::path drive = copy_drive("order");
    const fs::path file = drive / "velodyne_points" / "timestamps.txt";
    auto stamps = lines_of(file);
    stamps[5] = stamps[4];                  // frame 5 repeats frame 4's time
    stamps[9] = shifted(stamps[8], -50.0);  // frame 9 is stamped 50 ms before frame 8
    write_lines(file, stamps);

    const auto findings = run_qc(drive);
    const auto dup = with_check(findings, "timestamp-duplicate", "velodyne_points");
    QVERIFY2(dup.size() == 1, describe(findings).c_str());
    QCOMPARE(frames_in(dup[0]), (std::vector<std::int64_t>{5}));
    QCOMPARE(dup[0].severity, Severity::Error);
    QCOMPARE(dup[0].sample_key, std::int64_t{5});
    const auto back = with_check(findings, "timestamp-non-monotonic", "velodyne_points");
    QVERIFY2(back.size() == 1, describe(findings).c_str());
    QCOMPARE(frames_in(back[0]), (std::vector<std::int64_t>{9}));
    QVERIFY(with_check(findings, "timestamp-duplicate", "image_02").empty());
  }

  void syncSkewOverLimit() {
    const fs::path drive = copy_drive("sync");
    const fs::path file = drive / "image_03" / "timestamps.txt";
    auto stamps = lines_of(file);
    for (int i = 2; i <= 4; ++i)
      stamps[static_cast<std::size_t>(i)] = shifted(stamps[static_cast<std::size_t>(i)], 30.0);
    write_lines(file, stamps);

    const auto findings = run_qc(drive);
    const auto skew = with_check(findings, "sync-skew");
    QVERIFY2(skew.size() == 1, describe(findings).c_str());
    QCOMPARE(skew[0].sensor, std::string("image_03"));
    QCOMPARE(frames_in(skew[0]), (std::vector<std::int64_t>{2, 3, 4}));
    // Cameras are stamped ~10 ms after the sweep; 30 ms more makes ~40 ms, nearer than the next sweep (~60 ms).
    const auto members = json::parse(skew[0].details_json).at("members");
    QCOMPARE(members.size(), std::size_t{3});
    for (const auto& m : members) {
      const double ms = m.at("skew_ms").get<double>();
      QVERIFY2(ms > 35 && ms < 45, skew[0].details_json.c_str());
    }
  }

  void lidarHealth() {
    const fs::path drive = copy_drive("lidar");
    const fs::path dir = drive / "velodyne_points" / "data";
    auto edit = [&](int frame, auto&& change) {
      auto v = read_bin(dir / frame_name(frame, ".bin"));
      change(v);
      write_bin(dir / frame_name(frame, ".bin"), v);
    };
    // Frame 3 keeps every fourth point.
    edit(3, [](std::vector<float>& v) {
      std::vector<float> kept;
      for (std::size_t i = 0; i + 4 <= v.size(); i += 16)
        kept.insert(kept.end(), v.begin() + static_cast<long>(i), v.begin() + static_cast<long>(i) + 4);
      v = kept;
    });
    // Frame 5 loses the laser at -15.05 deg (lower block laser 12 of the generator's HDL-64E).
    const double dead_elevation = -8.83 - 12 * ((24.9 - 8.83) / 31);
    edit(5, [&](std::vector<float>& v) {
      std::vector<float> kept;
      for (std::size_t i = 0; i + 4 <= v.size(); i += 4) {
        const double el = std::atan2(v[i + 2], std::hypot(v[i], v[i + 1])) / kDeg;
        if (std::abs(el - dead_elevation) > 0.2)
          kept.insert(kept.end(), v.begin() + static_cast<long>(i), v.begin() + static_cast<long>(i) + 4);
      }
      QVERIFY(kept.size() < v.size());
      v = kept;
    });
    // Frame 7: ten points with NaN coordinates.
    edit(7, [](std::vector<float>& v) {
      for (int k = 0; k < 10; ++k) v[static_cast<std::size_t>(40 * k)] = std::numeric_limits<float>::quiet_NaN();
    });
    // Frame 9: no reflectance at all.
    edit(9, [](std::vector<float>& v) {
      for (std::size_t i = 3; i < v.size(); i += 4) v[i] = 0;
    });
    // Frame 10: everything within a few metres (the geometry shrunk 20x; directions unchanged).
    edit(10, [](std::vector<float>& v) {
      for (std::size_t i = 0; i < v.size(); ++i)
        if (i % 4 != 3) v[i] *= 0.05f;
    });

    const auto findings = run_qc(drive);
    const std::string lidar = "velodyne_points";
    auto only = [&](const char* check) {
      const auto found = with_check(findings, check, lidar);
      if (found.size() != 1) qWarning("%s", describe(findings).c_str());
      return found;
    };
    const auto drop = only("lidar-point-drop");
    QCOMPARE(drop.size(), std::size_t{1});
    QCOMPARE(frames_in(drop[0]), (std::vector<std::int64_t>{3}));
    QCOMPARE(drop[0].sample_key, std::int64_t{3});

    const auto dead = only("lidar-dead-ring");
    QCOMPARE(dead.size(), std::size_t{1});
    QCOMPARE(frames_in(dead[0]), (std::vector<std::int64_t>{5}));
    const auto span = json::parse(dead[0].details_json).at("elevation_deg");
    QVERIFY2(span[0].get<double>() <= dead_elevation && dead_elevation <= span[1].get<double>(),
             dead[0].details_json.c_str());

    const auto nan = only("lidar-invalid-points");
    QCOMPARE(nan.size(), std::size_t{1});
    QCOMPARE(frames_in(nan[0]), (std::vector<std::int64_t>{7}));
    QCOMPARE(nan[0].severity, Severity::Error);
    QCOMPARE(json::parse(nan[0].details_json).at("counts")[0].get<int>(), 10);

    const auto flat = only("lidar-intensity-anomaly");
    QCOMPARE(flat.size(), std::size_t{1});
    QCOMPARE(frames_in(flat[0]), (std::vector<std::int64_t>{9}));

    const auto range = only("lidar-range-anomaly");
    QCOMPARE(range.size(), std::size_t{1});
    QCOMPARE(frames_in(range[0]), (std::vector<std::int64_t>{10}));

    // Nothing else: the cameras and timing are untouched.
    for (const auto& f : problems(findings)) QCOMPARE(f.sensor, lidar);
  }

  void imageHealth() {
    const fs::path drive = copy_drive("image");
    const fs::path dir = drive / "image_02" / "data";
    auto path = [&](int i) { return (dir / frame_name(i, ".png")).string(); };
    const cv::Mat like = cv::imread(path(0), cv::IMREAD_UNCHANGED);
    QVERIFY(cv::imwrite(path(2), cv::Mat::zeros(like.size(), like.type())));  // lens cap
    cv::Mat bright;
    cv::imread(path(4), cv::IMREAD_UNCHANGED).convertTo(bright, -1, 4.0, 120.0);  // most pixels clip at 255
    QVERIFY(cv::imwrite(path(4), bright));
    cv::Mat soft;
    cv::GaussianBlur(cv::imread(path(6), cv::IMREAD_UNCHANGED), soft, cv::Size(0, 0), 4.0);
    QVERIFY(cv::imwrite(path(6), soft));
    // Frozen: frame 8 repeats 7 and 11 repeats 10; pairs decoded by one worker or by different ones.
    fs::copy_file(path(7), path(8), fs::copy_options::overwrite_existing);
    fs::copy_file(path(10), path(11), fs::copy_options::overwrite_existing);

    for (unsigned threads : {1u, 3u}) {
      const auto findings = run_qc(drive, "kitti-raw", threads);
      auto frames_of = [&](const char* check) {
        std::vector<std::vector<std::int64_t>> out;
        for (const auto& f : with_check(findings, check, "image_02")) out.push_back(frames_in(f));
        return out;
      };
      using Runs = std::vector<std::vector<std::int64_t>>;
      QVERIFY2(frames_of("image-black") == (Runs{{2}}), describe(findings).c_str());
      QVERIFY2(frames_of("image-overexposed") == (Runs{{4}}), describe(findings).c_str());
      QVERIFY2(frames_of("image-blurred") == (Runs{{6}}), describe(findings).c_str());
      QVERIFY2(frames_of("image-frozen") == (Runs{{8}, {11}}), describe(findings).c_str());
      for (const auto& f : problems(findings)) QCOMPARE(f.sensor, std::string("image_02"));
    }
  }

  void gnssJumps() {
    const fs::path drive = copy_drive("gnss");
    auto edit_field = [&](int frame, int field, double delta) {
      const fs::path file = drive / "oxts" / "data" / frame_name(frame, ".txt");
      std::istringstream in(dc::test::read_text(file));
      std::vector<std::string> fields;
      for (std::string f; in >> f;) fields.push_back(f);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.12f", std::stod(fields[static_cast<std::size_t>(field)]) + delta);
      fields[static_cast<std::size_t>(field)] = buf;
      std::string text;
      for (const auto& f : fields) text += (text.empty() ? "" : " ") + f;
      dc::test::write_text(file, text + "\n");
    };
    edit_field(4, 0, 0.001);  // latitude: one fix 111 m off
    edit_field(8, 5, 1.0);    // yaw: one fix turned by 57 deg

    const auto findings = run_qc(drive);
    const auto pos = with_check(findings, "gnss-position-jump", "oxts");
    QVERIFY2(pos.size() == 1, describe(findings).c_str());
    QCOMPARE(frames_in(pos[0]), (std::vector<std::int64_t>{4, 5}));  // there and back
    for (const auto& step : json::parse(pos[0].details_json).at("steps"))
      QVERIFY2(step.at("distance_m").get<double>() > 100, pos[0].details_json.c_str());
    const auto yaw = with_check(findings, "gnss-heading-jump", "oxts");
    QVERIFY2(yaw.size() == 1, describe(findings).c_str());
    QCOMPARE(frames_in(yaw[0]), (std::vector<std::int64_t>{8, 9}));
    for (const auto& f : problems(findings)) QCOMPARE(f.sensor, std::string("oxts"));
  }

  void gnssPositionStep() {
    // From fix 6 on, every position is 4 m further east (longitude + 4 m / (R cos lat)): a step that stays under any
    // speed limit at driving speed, but not under the limit on how fast the velocity may change.
    const fs::path drive = copy_drive("gnss_step");
    for (int frame = 6; frame < 12; ++frame) {
      const fs::path file = drive / "oxts" / "data" / frame_name(frame, ".txt");
      std::istringstream in(dc::test::read_text(file));
      std::vector<std::string> fields;
      for (std::string f; in >> f;) fields.push_back(f);
      const double lat = std::stod(fields[0]) * std::numbers::pi / 180;
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.12f",
                    std::stod(fields[1]) + 4.0 / (6378137.0 * std::cos(lat)) * 180 / std::numbers::pi);
      fields[1] = buf;
      std::string text;
      for (const auto& f : fields) text += (text.empty() ? "" : " ") + f;
      dc::test::write_text(file, text + "\n");
    }
    const auto findings = run_qc(drive);
    const auto pos = with_check(findings, "gnss-position-jump", "oxts");
    QVERIFY2(pos.size() == 1, describe(findings).c_str());
    QVERIFY2(frames_in(pos[0]).front() == 6, describe(findings).c_str());
  }

  void payloadIntegrity() {
    const fs::path drive = copy_drive("payload");
    fs::remove(drive / "velodyne_points" / "data" / frame_name(4, ".bin"));
    fs::resize_file(drive / "velodyne_points" / "data" / frame_name(6, ".bin"), 100);  // not a multiple of 16
    for (int i = 5; i <= 7; ++i) fs::remove(drive / "image_02" / "data" / frame_name(i, ".png"));
    dc::test::write_text(drive / "image_03" / "data" / frame_name(3, ".png"), "\x89PNG\r\n\x1a\n garbage");
    dc::test::write_text(drive / "oxts" / "data" / frame_name(2, ".txt"), "not an oxts record\n");

    const auto findings = run_qc(drive);
    auto one = [&](const char* check, const char* sensor) {
      const auto found = with_check(findings, check, sensor);
      if (found.size() != 1) qWarning("%s", describe(findings).c_str());
      return found;
    };
    const auto lidar_missing = one("payload-missing", "velodyne_points");
    QCOMPARE(lidar_missing.size(), std::size_t{1});
    QCOMPARE(frames_in(lidar_missing[0]), (std::vector<std::int64_t>{4}));
    QCOMPARE(lidar_missing[0].severity, Severity::Error);
    const auto lidar_bad = one("payload-unreadable", "velodyne_points");
    QCOMPARE(lidar_bad.size(), std::size_t{1});
    QCOMPARE(frames_in(lidar_bad[0]), (std::vector<std::int64_t>{6}));
    QVERIFY2(lidar_bad[0].message.find("multiple of 16") != std::string::npos, lidar_bad[0].message.c_str());
    const auto image_missing = one("payload-missing", "image_02");
    QCOMPARE(image_missing.size(), std::size_t{1});
    QCOMPARE(frames_in(image_missing[0]), (std::vector<std::int64_t>{5, 6, 7}));
    const auto image_bad = one("payload-unreadable", "image_03");
    QCOMPARE(image_bad.size(), std::size_t{1});
    QCOMPARE(frames_in(image_bad[0]), (std::vector<std::int64_t>{3}));
    const auto oxts_bad = one("payload-unreadable", "oxts");
    QCOMPARE(oxts_bad.size(), std::size_t{1});
    QCOMPARE(frames_in(oxts_bad[0]), (std::vector<std::int64_t>{2}));
    QVERIFY(with_check(findings, "payload-absent").empty());
  }

  void progressAndCancel() {
    DriveSession session(reader_for_format("kitti-raw")->read_single(pristine_date_dir_ / drive_name_), {});
    std::atomic<int> reports{0};
    std::atomic<double> last_total{0};
    Progress progress;
    progress.report = [&](double, double total, const std::string&) {
      ++reports;
      last_total = total;
    };
    run_qc(session, 3, {}, progress);
    QCOMPARE(reports.load(), 3 * kFrames);  // every lidar and camera frame once
    QCOMPARE(last_total.load(), 3.0 * kFrames);

    std::atomic<bool> cancel{false};
    Progress cancelling;
    cancelling.cancel = &cancel;
    cancelling.report = [&](double, double, const std::string&) { cancel = true; };
    QVERIFY_THROWS_EXCEPTION(Cancelled, run_qc(session, 2, {}, cancelling));
  }

  void realKittiObjectSplit() {
    const auto findings = run_qc(dc::test::shared_data_dir() / "kitti-object" / "training", "kitti-object");
    QVERIFY2(problems(findings).empty(), describe(findings).c_str());
    // Unrelated frames: no timing statements at all.
    QVERIFY2(with_check(findings, "frame-rate").empty(), describe(findings).c_str());
  }

  void realKittiRawTextOnly() {
    const auto findings =
        run_qc(dc::test::shared_data_dir() / "kitti-raw" / "2011_09_26" / "2011_09_26_drive_0001_sync");
    QVERIFY2(problems(findings).empty(), describe(findings).c_str());
    // The five payload folders are absent: one statement per sensor, not one per frame.
    std::set<std::string> absent;
    for (const auto& f : with_check(findings, "payload-absent")) QVERIFY(absent.insert(f.sensor).second);
    QCOMPARE(absent, (std::set<std::string>{"image_00", "image_01", "image_02", "image_03", "velodyne_points"}));
    QCOMPARE(with_check(findings, "frame-rate").size(), std::size_t{6});
  }
};

QTEST_GUILESS_MAIN(TestDataQc)
#include "tst_data_qc.moc"

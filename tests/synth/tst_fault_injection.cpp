#include "test_support.h"

#include "dc/core/io/reader_registry.h"
#include "dc/synth/drive_generator.h"
#include "dc/synth/fault_spec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <cstring>
#include <map>
#include <numbers>
#include <sstream>
#include <stdexcept>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

constexpr int kFrames = 8;
constexpr int kBeams = 16;

// A quick drive: 8 frames, small images, a 16-beam lidar (rings 1.79 deg apart, easy to tell apart).
GeneratorOptions small_options(const fs::path& out, int threads) {
  GeneratorOptions o;
  o.out = out;
  o.frames = kFrames;
  o.seed = 11;
  o.image_width = 192;
  o.image_height = 64;
  o.lidar_beams = kBeams;
  o.lidar_columns = 360;
  o.threads = threads;
  return o;
}

// Every fault that does not collide with another, on one drive.
const std::vector<std::string> kFaults{
    "drop:image_03:2-3",
    "time-jump:velodyne_points:5:+0.35s",
    "time-jitter:oxts:20ms",
    "duplicate-time:image_02:4",
    "dead-rings:velodyne_points:1-2:3,9",
    "nan-points:velodyne_points:3:50",
    "black:image_02:1",
    "overexposed:image_02:2",
    "blur:image_02:3",
    "frozen:image_03:5-6",
    "truncate:velodyne_points:6",
    "truncate:image_03:7",
    "truncate:oxts:1",
    "gnss-jump:4:4m",
    "heading-jump:6:30deg",
    "calib-drift:image_02:from=5:yaw=0.8deg:x=0.05m",
};

std::vector<std::string> lines_of(const fs::path& file) {
  std::istringstream in(dc::test::read_text(file));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// "2030-01-01 13:00:00.123456789" -> ns since midnight (all test drives stay within one day).
long long day_ns(const std::string& line) {
  const int h = std::stoi(line.substr(11, 2)), m = std::stoi(line.substr(14, 2)), s = std::stoi(line.substr(17, 2));
  return ((h * 60LL + m) * 60 + s) * 1'000'000'000LL + std::stoll(line.substr(20, 9));
}

std::vector<float> floats_of(const fs::path& file) {
  const std::string bytes = dc::test::read_text(file);
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), v.size() * 4);
  return v;
}

std::vector<double> oxts_values(const fs::path& file) {
  std::istringstream in(dc::test::read_text(file));
  std::vector<double> v;
  for (double x; in >> x;) v.push_back(x);
  return v;
}

cv::Mat image(const fs::path& file) {
  return cv::imread(file.string(), cv::IMREAD_UNCHANGED);
}

double mean_level(const cv::Mat& img) {
  const cv::Scalar m = cv::mean(img);
  return (m[0] + m[1] + m[2]) / 3;
}

// Mean absolute difference between horizontally neighbouring pixels: edges, which a blur removes.
double sharpness(const cv::Mat& img) {
  double sum = 0;
  for (int v = 0; v < img.rows; ++v)
    for (int u = 1; u < img.cols; ++u)
      for (int c = 0; c < 3; ++c) sum += std::abs(img.at<cv::Vec3b>(v, u)[c] - img.at<cv::Vec3b>(v, u - 1)[c]);
  return sum / (img.rows * (img.cols - 1) * 3.0);
}

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  const cv::Scalar m = cv::mean(cv::abs(a - b) + cv::abs(b - a));
  return (m[0] + m[1] + m[2]) / 3;
}

std::string file_name(int frame, const char* extension) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%010d.%s", frame, extension);
  return buf;
}

std::map<std::string, std::string> files_under(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files[fs::relative(e.path(), root).generic_string()] = dc::test::read_text(e.path());
  return files;
}

// The elevations the generator's 16-beam lidar uses: +2 deg down to -24.9 deg, evenly spaced.
double ring_elevation_deg(int ring) {
  return 2.0 - ring * (26.9 / (kBeams - 1));
}

int points_near_elevation(const std::vector<float>& xyzi, double elevation_deg) {
  int n = 0;
  for (std::size_t i = 0; i + 3 < xyzi.size(); i += 4) {
    const double el = std::atan2(xyzi[i + 2], std::hypot(xyzi[i], xyzi[i + 1])) * 180 / std::numbers::pi;
    n += std::abs(el - elevation_deg) < 0.3 ? 1 : 0;
  }
  return n;
}

QJsonObject fault_entry(const QJsonArray& faults, const std::string& spec) {
  for (const auto& f : faults)
    if (f.toObject()["spec"].toString().toStdString() == spec) return f.toObject();
  return {};
}

std::vector<int> ints(const QJsonValue& array) {
  std::vector<int> v;
  for (const auto& x : array.toArray()) v.push_back(x.toInt());
  return v;
}

}  // namespace

class TestFaultInjection : public QObject {
  Q_OBJECT

 private:
  GeneratorResult clean_, faulted_, faulted_again_, drops_;
  fs::path clean_dir_, dir_;  // drive folders of the clean twin and the faulted drive

  fs::path clean(const std::string& sensor, int frame, const char* ext) const {
    return clean_dir_ / sensor / "data" / file_name(frame, ext);
  }
  fs::path faulted(const std::string& sensor, int frame, const char* ext) const {
    return dir_ / sensor / "data" / file_name(frame, ext);
  }

 private slots:
  void initTestCase() {
    const fs::path work = dc::test::fresh_work_dir("fault_injection");
    clean_ = generate_drive(small_options(work / "clean", 2));
    GeneratorOptions o = small_options(work / "faulted", 2);
    o.inject = kFaults;
    faulted_ = generate_drive(o);
    o.out = work / "faulted_again";
    o.threads = 1;
    faulted_again_ = generate_drive(o);
    GeneratorOptions d = small_options(work / "drops", 2);
    d.inject = {"drop:velodyne_points:3-4", "drop:oxts:6"};
    drops_ = generate_drive(d);
    clean_dir_ = clean_.drive_dir;
    dir_ = faulted_.drive_dir;
  }

  void cleanDriveHasNoReport() { QVERIFY(!fs::exists(clean_dir_ / "injected.json")); }

  void sameSeedAndSpecsGiveIdenticalBytes() {
    const auto a = files_under(faulted_.date_dir), b = files_under(faulted_again_.date_dir);
    QCOMPARE(a.size(), b.size());
    for (const auto& [name, bytes] : a) {
      QVERIFY2(b.count(name), name.c_str());
      QVERIFY2(b.at(name) == bytes, ("differs: " + name).c_str());
    }
  }

  void dropRemovesLinesAndRenumbersFiles() {
    // image_03 frames 2 and 3 are gone: 6 lines (the clean ones without 2 and 3), 6 files.
    const auto c = lines_of(clean_dir_ / "image_03" / "timestamps.txt");
    const auto f = lines_of(dir_ / "image_03" / "timestamps.txt");
    QCOMPARE(f.size(), std::size_t{6});
    const std::vector<int> kept{0, 1, 4, 5, 6, 7};
    for (std::size_t i = 0; i < kept.size(); ++i) QCOMPARE(f[i], c[kept[i]]);
    // A timing gap of three periods between file 1 and file 2.
    QVERIFY(std::abs(day_ns(f[2]) - day_ns(f[1]) - 300'000'000) < 5'000'000);
    for (int k = 0; k < 6; ++k) QVERIFY(fs::exists(faulted("image_03", k, "png")));
    QVERIFY(!fs::exists(faulted("image_03", 6, "png")));
    QVERIFY(!fs::exists(faulted("image_03", 7, "png")));
    // Later frames moved down: file 2 is the clean frame 4.
    QCOMPARE(dc::test::read_text(faulted("image_03", 2, "png")), dc::test::read_text(clean("image_03", 4, "png")));
    QCOMPARE(dc::test::read_text(faulted("image_03", 1, "png")), dc::test::read_text(clean("image_03", 1, "png")));
  }

  void lidarDropKeepsTrackletsAndSweepTimesInStep() {
    const fs::path d = drops_.drive_dir;
    const auto c = lines_of(clean_dir_ / "velodyne_points" / "timestamps.txt");
    for (const char* name : {"timestamps.txt", "timestamps_start.txt", "timestamps_end.txt"}) {
      const auto cl = lines_of(clean_dir_ / "velodyne_points" / name);
      const auto f = lines_of(d / "velodyne_points" / name);
      QCOMPARE(f.size(), std::size_t{6});
      QCOMPARE(f[2], cl[2]);
      QCOMPARE(f[3], cl[5]);
    }
    QCOMPARE(dc::test::read_text(d / "velodyne_points" / "data" / file_name(3, "bin")),
             dc::test::read_text(clean("velodyne_points", 5, "bin")));
    QCOMPARE(lines_of(d / "oxts" / "timestamps.txt").size(), std::size_t{7});

    // The reader sees 6 sweeps with a 0.3 s gap, 7 OXTS records, and nothing wrong with the files.
    const Drive drive = reader_for_format("kitti-raw")->read_single(d);
    for (const auto& e : drive.errors) qWarning("ingest error: %s: %s", e.path.c_str(), e.message.c_str());
    QVERIFY(drive.errors.empty());
    std::vector<TimestampNs> lidar;
    int oxts = 0;
    for (const auto& fr : drive.frames) {
      if (fr.sensor == "velodyne_points") lidar.push_back(fr.timestamp_ns);
      oxts += fr.sensor == "oxts" ? 1 : 0;
    }
    QCOMPARE(lidar.size(), std::size_t{6});
    QCOMPARE(oxts, 7);
    QVERIFY(std::abs(lidar[3] - lidar[2] - 300'000'000) < 5'000'000);
    QCOMPARE(drive.poses.size(), std::size_t{7});
    for (const auto& label : drive.labels) QVERIFY(label.frame_index < 6);

    const auto report = QJsonDocument::fromJson(QByteArray::fromStdString(dc::test::read_text(d / "injected.json")));
    const QJsonObject drop = fault_entry(report.object()["faults"].toArray(), "drop:velodyne_points:3-4");
    QCOMPARE(ints(drop["frames"]), (std::vector<int>{3, 4}));
    QCOMPARE(ints(drop["details"].toObject()["gap_between_drive_frames"]), (std::vector<int>{2, 3}));
  }

  void timestampFaults() {
    // time-jump: lidar lines from 5 on (and the sweeps' start/end) are 0.35 s later, earlier lines unchanged.
    for (const char* name : {"timestamps.txt", "timestamps_start.txt", "timestamps_end.txt"}) {
      const auto c = lines_of(clean_dir_ / "velodyne_points" / name);
      const auto f = lines_of(dir_ / "velodyne_points" / name);
      QCOMPARE(f.size(), c.size());
      for (int k = 0; k < kFrames; ++k) {
        if (k < 5) QCOMPARE(f[k], c[k]);
        else QCOMPARE(day_ns(f[k]) - day_ns(c[k]), 350'000'000LL);
      }
    }
    // time-jitter: every OXTS stamp moved by at most 20 ms, most by more than 1 ms.
    const auto co = lines_of(clean_dir_ / "oxts" / "timestamps.txt");
    const auto fo = lines_of(dir_ / "oxts" / "timestamps.txt");
    QCOMPARE(fo.size(), co.size());
    int moved = 0;
    for (std::size_t k = 0; k < co.size(); ++k) {
      const long long d = day_ns(fo[k]) - day_ns(co[k]);
      QVERIFY(std::llabs(d) <= 20'000'000);
      moved += std::llabs(d) > 1'000'000 ? 1 : 0;
    }
    QVERIFY(moved >= 5);
    // duplicate-time: image_02 line 4 repeats line 3; the rest as clean.
    const auto c2 = lines_of(clean_dir_ / "image_02" / "timestamps.txt");
    const auto f2 = lines_of(dir_ / "image_02" / "timestamps.txt");
    QCOMPARE(f2[4], f2[3]);
    QVERIFY(f2[4] != c2[4]);
    for (int k : {0, 1, 2, 3, 5, 6, 7}) QCOMPARE(f2[k], c2[k]);
  }

  void lidarFaults() {
    // dead-rings: sweeps 1-2 have no point at rings 3 and 9; the other rings' points are exactly the clean ones.
    for (int k : {1, 2}) {
      const auto c = floats_of(clean("velodyne_points", k, "bin"));
      const auto f = floats_of(faulted("velodyne_points", k, "bin"));
      int on_dead = 0;
      for (int ring : {3, 9}) {
        const int clean_hits = points_near_elevation(c, ring_elevation_deg(ring));
        QVERIFY2(clean_hits > 100, std::to_string(clean_hits).c_str());
        QCOMPARE(points_near_elevation(f, ring_elevation_deg(ring)), 0);
        on_dead += clean_hits;
      }
      QCOMPARE(static_cast<int>(f.size() / 4), static_cast<int>(c.size() / 4) - on_dead);
      QCOMPARE(points_near_elevation(f, ring_elevation_deg(5)), points_near_elevation(c, ring_elevation_deg(5)));
    }
    QCOMPARE(dc::test::read_text(faulted("velodyne_points", 0, "bin")),
             dc::test::read_text(clean("velodyne_points", 0, "bin")));
    // nan-points: 50 points of sweep 3 have NaN x y z; everything else is as clean.
    const auto c3 = floats_of(clean("velodyne_points", 3, "bin"));
    const auto f3 = floats_of(faulted("velodyne_points", 3, "bin"));
    QCOMPARE(f3.size(), c3.size());
    int nan = 0, same = 0;
    for (std::size_t i = 0; i < f3.size(); i += 4) {
      if (std::isnan(f3[i]) && std::isnan(f3[i + 1]) && std::isnan(f3[i + 2])) ++nan;
      else if (f3[i] == c3[i] && f3[i + 1] == c3[i + 1] && f3[i + 2] == c3[i + 2]) ++same;
    }
    QCOMPARE(nan, 50);
    QCOMPARE(same, static_cast<int>(f3.size() / 4) - 50);
    // truncate: sweep 6 is cut, mid-point.
    const auto cut = fs::file_size(faulted("velodyne_points", 6, "bin"));
    QVERIFY(cut < fs::file_size(clean("velodyne_points", 6, "bin")));
    QVERIFY(cut % 16 != 0);
  }

  void cameraFaults() {
    QVERIFY(mean_level(image(faulted("image_02", 1, "png"))) < 5);
    QVERIFY(mean_level(image(clean("image_02", 1, "png"))) > 30);
    QVERIFY(mean_level(image(faulted("image_02", 2, "png"))) > 250);
    const double sharp_clean = sharpness(image(clean("image_02", 3, "png")));
    const double sharp_blur = sharpness(image(faulted("image_02", 3, "png")));
    QVERIFY2(sharp_blur < 0.3 * sharp_clean, (std::to_string(sharp_blur) + " vs " + std::to_string(sharp_clean)).c_str());
    QCOMPARE(dc::test::read_text(faulted("image_02", 0, "png")), dc::test::read_text(clean("image_02", 0, "png")));

    // frozen image_03 5-6 repeat frame 4's pixels; after the drop of 2-3 they are files 2 (source), 3 and 4.
    const cv::Mat source = image(faulted("image_03", 2, "png"));
    for (int k : {3, 4}) {
      const cv::Mat f = image(faulted("image_03", k, "png"));
      QCOMPARE(cv::norm(f, source, cv::NORM_INF), 0.0);
      QVERIFY(cv::norm(f, image(clean("image_03", k + 2, "png")), cv::NORM_INF) > 0);
    }
    // truncate image_03 7 (file 5 after the drop): cut short, no longer decodes completely.
    QVERIFY(fs::file_size(faulted("image_03", 5, "png")) < fs::file_size(clean("image_03", 7, "png")) * 3 / 4);
  }

  void calibDriftChangesImagesNotCalibration() {
    for (int k = 0; k < kFrames; ++k) {
      if (k >= 1 && k <= 3) continue;  // black, overexposed, blurred
      const cv::Mat c = image(clean("image_02", k, "png")), f = image(faulted("image_02", k, "png"));
      if (k < 5) {
        QCOMPARE(cv::norm(f, c, cv::NORM_INF), 0.0);
      } else {
        const double d = mean_abs_diff(f, c);
        QVERIFY2(d > 1.0, (std::to_string(k) + ": " + std::to_string(d)).c_str());
      }
    }
    // The other camera is not drifted, and the calibration files are the clean ones.
    QCOMPARE(dc::test::read_text(faulted("image_03", 0, "png")), dc::test::read_text(clean("image_03", 0, "png")));
    for (const char* name : {"calib_cam_to_cam.txt", "calib_velo_to_cam.txt", "calib_imu_to_velo.txt"})
      QCOMPARE(dc::test::read_text(faulted_.date_dir / name), dc::test::read_text(clean_.date_dir / name));
  }

  void oxtsFaults() {
    // gnss-jump: from record 4 on the position is 4 m to the left of the heading at record 4 (Mercator metres as
    // KITTI's devkit computes them); heading-jump: from record 6 on the yaw is 30 deg more.
    const double R = 6378137.0, pi = std::numbers::pi;
    const auto first = oxts_values(clean("oxts", 0, "txt"));
    const double scale = std::cos(first[0] * pi / 180);
    auto mercator = [&](const std::vector<double>& v) {
      return std::pair{scale * v[1] * pi * R / 180, scale * R * std::log(std::tan((90 + v[0]) * pi / 360))};
    };
    const double yaw4 = oxts_values(clean("oxts", 4, "txt"))[5];
    for (int k = 0; k < kFrames; ++k) {
      if (k == 1) {  // truncated
        QVERIFY(fs::file_size(faulted("oxts", 1, "txt")) < fs::file_size(clean("oxts", 1, "txt")));
        continue;
      }
      const auto c = oxts_values(clean("oxts", k, "txt")), f = oxts_values(faulted("oxts", k, "txt"));
      QCOMPARE(f.size(), std::size_t{30});
      const auto [cx, cy] = mercator(c);
      const auto [fx, fy] = mercator(f);
      const double dx = fx - cx, dy = fy - cy;
      if (k < 4) {
        QCOMPARE(f[0], c[0]);
        QCOMPARE(f[1], c[1]);
      } else {
        QVERIFY2(std::abs(std::hypot(dx, dy) - 4.0) < 0.01, std::to_string(std::hypot(dx, dy)).c_str());
        QVERIFY(std::abs(dx * std::cos(yaw4) + dy * std::sin(yaw4)) < 0.01);          // not along the heading
        QVERIFY(std::abs(-dx * std::sin(yaw4) + dy * std::cos(yaw4) - 4.0) < 0.01);  // to the left
      }
      const double dyaw = std::remainder(f[5] - c[5], 2 * pi);
      if (k < 6) QCOMPARE(f[5], c[5]);
      else QVERIFY2(std::abs(dyaw - 30 * pi / 180) < 1e-6, std::to_string(dyaw).c_str());
    }
  }

  void reportListsEveryFault() {
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(dc::test::read_text(dir_ / "injected.json")));
    QVERIFY(doc.isObject());
    const QJsonArray faults = doc.object()["faults"].toArray();
    QCOMPARE(faults.size(), static_cast<qsizetype>(kFaults.size()));
    for (std::size_t i = 0; i < kFaults.size(); ++i)
      QCOMPARE(faults[static_cast<qsizetype>(i)].toObject()["spec"].toString().toStdString(), kFaults[i]);

    const QJsonObject drop = fault_entry(faults, "drop:image_03:2-3");
    QCOMPARE(drop["kind"].toString(), QString("drop"));
    QCOMPARE(drop["sensor"].toString(), QString("image_03"));
    QCOMPARE(ints(drop["frames"]), (std::vector<int>{2, 3}));
    QCOMPARE(ints(drop["details"].toObject()["gap_between_drive_frames"]), (std::vector<int>{1, 2}));
    QVERIFY(drop["details"].toObject()["representation"].toString().startsWith("removed"));

    const QJsonObject frozen = fault_entry(faults, "frozen:image_03:5-6");
    QCOMPARE(ints(frozen["frames"]), (std::vector<int>{5, 6}));
    QCOMPARE(ints(frozen["details"].toObject()["drive_frames"]), (std::vector<int>{3, 4}));
    QCOMPARE(frozen["details"].toObject()["source_frame"].toInt(), 4);

    const QJsonObject jump = fault_entry(faults, "time-jump:velodyne_points:5:+0.35s");
    QCOMPARE(ints(jump["frames"]), (std::vector<int>{5}));
    QCOMPARE(jump["details"].toObject()["offset_s"].toDouble(), 0.35);
    QCOMPARE(ints(fault_entry(faults, "time-jitter:oxts:20ms")["frames"]), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));

    const QJsonObject drift = fault_entry(faults, "calib-drift:image_02:from=5:yaw=0.8deg:x=0.05m");
    QCOMPARE(drift["kind"].toString(), QString("calib-drift"));
    QCOMPARE(ints(drift["frames"]), (std::vector<int>{5, 6, 7}));
    QVERIFY(std::abs(drift["details"].toObject()["yaw_deg"].toDouble() - 0.8) < 1e-9);
    QCOMPARE(drift["details"].toObject()["x_m"].toDouble(), 0.05);

    const QJsonObject rings = fault_entry(faults, "dead-rings:velodyne_points:1-2:3,9");
    QCOMPARE(ints(rings["details"].toObject()["rings"]), (std::vector<int>{3, 9}));
    QCOMPARE(ints(rings["frames"]), (std::vector<int>{1, 2}));
    QCOMPARE(fault_entry(faults, "nan-points:velodyne_points:3:50")["details"].toObject()["points"].toInt(), 50);
    const QJsonObject gnss = fault_entry(faults, "gnss-jump:4:4m");
    QCOMPARE(gnss["sensor"].toString(), QString("oxts"));
    QCOMPARE(ints(gnss["frames"]), (std::vector<int>{4}));
    const QJsonObject cut = fault_entry(faults, "truncate:image_03:7");
    QCOMPARE(ints(cut["details"].toObject()["drive_frames"]), (std::vector<int>{5}));
    QVERIFY(cut["details"].toObject()["truncated_bytes"].toDouble() < cut["details"].toObject()["original_bytes"].toDouble());
  }

  void readerReportsTheDamage() {
    const Drive drive = reader_for_format("kitti-raw")->read_single(dir_);
    std::map<std::string, int> per_sensor;
    for (const auto& f : drive.frames) ++per_sensor[f.sensor];
    QCOMPARE(per_sensor["image_02"], kFrames);
    QCOMPARE(per_sensor["image_03"], kFrames - 2);
    QCOMPARE(per_sensor["velodyne_points"], kFrames);
    // Exactly the three truncated payloads are errors, each naming its file.
    for (const auto& e : drive.errors) qInfo("ingest error: %s: %s", e.path.c_str(), e.message.c_str());
    QCOMPARE(drive.errors.size(), std::size_t{3});
    auto has_error = [&](const std::string& path_end) {
      for (const auto& e : drive.errors)
        if (e.path.size() >= path_end.size() && e.path.compare(e.path.size() - path_end.size(), path_end.size(),
                                                               path_end) == 0)
          return true;
      return false;
    };
    QVERIFY(has_error("velodyne_points/data/0000000006.bin"));
    QVERIFY(has_error("image_03/data/0000000005.png"));
    QVERIFY(has_error("oxts/data/0000000001.txt"));
    QCOMPARE(drive.poses.size(), std::size_t{kFrames - 1});
  }

  void specsParse() {
    const DriveShape drive{kFrames, 2, 64};
    FaultSpec s = parse_fault_spec("time-jump:velodyne_points:5:-350ms", drive);
    QCOMPARE(s.kind, FaultKind::TimeJump);
    QCOMPARE(s.first, 5);
    QCOMPARE(s.value, -0.35);
    s = parse_fault_spec("drop:oxts:3", drive);
    QCOMPARE(s.first, 3);
    QCOMPARE(s.last, 3);
    QCOMPARE(parse_fault_spec("gnss-jump:3:40cm", drive).value, 0.4);
    QCOMPARE(parse_fault_spec("heading-jump:3:-0.5rad", drive).value, -0.5);
    QCOMPARE(parse_fault_spec("time-jitter:image_03:250us", drive).value, 250e-6);
    s = parse_fault_spec("calib-drift:image_03:from=2:roll=1deg:pitch=-2deg:yaw=0.5deg:x=1cm:y=-0.02m:z=0.1m", drive);
    QCOMPARE(s.sensor, std::string("image_03"));
    QCOMPARE(s.first, 2);
    QVERIFY(std::abs(s.pitch + 2 * std::numbers::pi / 180) < 1e-12);
    QCOMPARE(s.y, -0.02);
    QCOMPARE(parse_fault_spec("dead-rings:velodyne_points:0-7:17,3", drive).rings, (std::vector<int>{3, 17}));
  }

  void malformedSpecsAreRejected_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("message");
    QTest::newRow("kind") << "explode:image_02:3" << "unknown kind 'explode'";
    QTest::newRow("sensor") << "drop:image_04:1-2" << "unknown sensor 'image_04'";
    QTest::newRow("outside") << "drop:image_02:5-99" << "frame 99 is outside the drive (frames 0..7)";
    QTest::newRow("reversed") << "drop:image_02:5-3" << "ends before it starts";
    QTest::newRow("fields") << "drop:image_02" << "expected 3 ':'-separated fields";
    QTest::newRow("frame") << "black:image_02:x1" << "frame 'x1' is not a non-negative integer";
    QTest::newRow("unit") << "time-jump:velodyne_points:2:0.35" << "offset '0.35' is not a number with a unit";
    QTest::newRow("lidar only") << "dead-rings:image_02:1-2:3" << "applies to velodyne_points only";
    QTest::newRow("ring") << "dead-rings:velodyne_points:1-2:64" << "ring 64 does not exist";
    QTest::newRow("camera") << "black:velodyne_points:1" << "black needs a camera";
    QTest::newRow("from") << "calib-drift:image_02:yaw=1deg:x=1m" << "from=FRAME is missing";
    QTest::newRow("key") << "calib-drift:image_02:from=2:twist=1deg" << "unknown key 'twist'";
    QTest::newRow("no drift") << "calib-drift:image_02:from=2:yaw=0deg" << "no perturbation";
    QTest::newRow("frozen 0") << "frozen:image_02:0-2" << "frame 0 has no previous frame";
    QTest::newRow("count") << "nan-points:velodyne_points:1:many" << "point count 'many'";
    QTest::newRow("jitter") << "time-jitter:oxts:-5ms" << "jitter must be positive";
    QTest::newRow("nan") << "gnss-jump:2:nanm" << "jump 'nanm' is not a number";
  }

  void malformedSpecsAreRejected() {
    QFETCH(QString, spec);
    QFETCH(QString, message);
    try {
      parse_fault_spec(spec.toStdString(), DriveShape{kFrames, 2, 64});
      QFAIL("accepted");
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      QVERIFY2(what.find("'" + spec.toStdString() + "'") != std::string::npos, what.c_str());
      QVERIFY2(what.find(message.toStdString()) != std::string::npos, what.c_str());
    }
  }

  void generatorRejectsBadFaultsBeforeWriting() {
    const fs::path work = dc::test::fresh_work_dir("fault_injection_rejected");
    GeneratorOptions o = small_options(work, 1);
    o.cameras = 1;
    o.inject = {"drop:image_03:1-2"};  // no second camera on this drive
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, generate_drive(o));
    o.inject = {"drop:image_02:3-4", "frozen:image_02:5-6"};  // frozen's source frame 4 is dropped
    try {
      generate_drive(o);
      QFAIL("accepted");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find("frame 4 of image_02 is removed by 'drop:image_02:3-4'") !=
                   std::string::npos,
               e.what());
    }
    QVERIFY(fs::is_empty(work));
  }
};

QTEST_GUILESS_MAIN(TestFaultInjection)
#include "tst_fault_injection.moc"

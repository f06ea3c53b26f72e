#include "test_support.h"

#include "dc/synth/drive_generator.h"
#include "dc/core/io/kitti_box_conversion.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"

#include <QTest>

#include <Eigen/Geometry>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <sstream>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

// A quick drive: few frames, small images, a sparse lidar.
GeneratorOptions small_options(const fs::path& out, std::uint64_t seed, int threads) {
  GeneratorOptions o;
  o.out = out;
  o.frames = 5;
  o.seed = seed;
  o.image_width = 414;
  o.image_height = 125;
  o.lidar_columns = 500;
  o.threads = threads;
  return o;
}

// Relative path -> bytes of every file under root.
std::map<std::string, std::string> files_under(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files[fs::relative(e.path(), root).generic_string()] = dc::test::read_text(e.path());
  return files;
}

int count_files(const fs::path& dir, const std::string& extension) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == extension ? 1 : 0;
  return n;
}

int count_lines(const fs::path& file) {
  const std::string text = dc::test::read_text(file);
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// The generator paints each class in one saturated colour (RGB), shaded by light and haze.
Eigen::Vector3d class_colour(const std::string& category) {
  if (category == "Car") return {200, 30, 35};
  if (category == "Pedestrian") return {185, 40, 200};
  if (category == "Cyclist") return {235, 195, 20};
  return {0, 0, 0};
}

// True when rgb is a brightness-scaled copy of the class colour (grey road, sky, walls and trees are not).
bool shows_class(const Eigen::Vector3d& rgb, const std::string& category) {
  const Eigen::Vector3d k = class_colour(category);
  const double f = rgb.dot(k) / k.squaredNorm();
  return f > 0.25 && (rgb - f * k).norm() < 0.12 * rgb.norm() + 8.0;
}

const Frame* find_frame(const Drive& drive, const std::string& sensor, std::int64_t index) {
  for (const auto& f : drive.frames)
    if (f.sensor == sensor && f.index == index) return &f;
  return nullptr;
}

double horizontal_range(const BoxLabel& b) {
  return std::hypot(b.center.x(), b.center.y());
}

}  // namespace

class TestDriveGenerator : public QObject {
  Q_OBJECT

 private:
  GeneratorResult a_, b_, c_;  // small drives: seed 7 on 1 and 3 threads, seed 8
  GeneratorResult full_;       // default sensor options, 10 frames
  Drive drive_;                // full_ read back by the KITTI raw reader

 private slots:
  void initTestCase() {
    const fs::path work = dc::test::fresh_work_dir("drive_generator");
    a_ = generate_drive(small_options(work / "a", 7, 1));
    b_ = generate_drive(small_options(work / "b", 7, 3));
    c_ = generate_drive(small_options(work / "c", 8, 2));

    GeneratorOptions o;
    o.out = work / "full";
    o.frames = 10;
    o.seed = 3;
    o.threads = 2;
    full_ = generate_drive(o);
    const DriveReader* reader = reader_for_format("kitti-raw");
    QVERIFY(reader);
    drive_ = reader->read_single(full_.drive_dir);
    for (const auto& e : drive_.errors) qWarning("ingest error: %s: %s", e.path.c_str(), e.message.c_str());
    QVERIFY(drive_.errors.empty());
  }

  void sameSeedGivesIdenticalFilesOnAnyThreadCount() {
    const auto fa = files_under(a_.date_dir), fb = files_under(b_.date_dir);
    QVERIFY(fa.size() > 20);
    QCOMPARE(fa.size(), fb.size());
    for (const auto& [name, bytes] : fa) {
      const auto it = fb.find(name);
      QVERIFY2(it != fb.end(), name.c_str());
      QVERIFY2(it->second == bytes, ("differs: " + name).c_str());
    }
    QCOMPARE(a_.objects, b_.objects);
  }

  void differentSeedGivesDifferentDrive() {
    const auto fa = files_under(a_.date_dir), fc = files_under(c_.date_dir);
    QCOMPARE(fa.size(), fc.size());  // same layout
    for (const char* name :
         {"2030_01_01_drive_0001_sync/velodyne_points/data/0000000000.bin",
          "2030_01_01_drive_0001_sync/image_02/data/0000000000.png",
          "2030_01_01_drive_0001_sync/oxts/data/0000000000.txt", "2030_01_01_drive_0001_sync/tracklet_labels.xml"}) {
      QVERIFY2(fa.count(name) && fc.count(name), name);
      QVERIFY2(fa.at(name) != fc.at(name), name);
    }
    // Calibration is the rig's, not the scene's.
    QCOMPARE(fa.at("calib_cam_to_cam.txt"), fc.at("calib_cam_to_cam.txt"));
  }

  void layoutHasEveryFile() {
    const fs::path d = a_.drive_dir;
    QCOMPARE(d.filename().string(), std::string("2030_01_01_drive_0001_sync"));
    QCOMPARE(d.parent_path(), a_.date_dir);
    QCOMPARE(a_.frames, 5);
    QVERIFY(a_.objects > 0);
    for (const char* f : {"calib_cam_to_cam.txt", "calib_velo_to_cam.txt", "calib_imu_to_velo.txt"})
      QVERIFY2(fs::is_regular_file(a_.date_dir / f), f);
    QCOMPARE(count_files(d / "image_02" / "data", ".png"), 5);
    QCOMPARE(count_files(d / "image_03" / "data", ".png"), 5);
    QCOMPARE(count_files(d / "velodyne_points" / "data", ".bin"), 5);
    QCOMPARE(count_files(d / "oxts" / "data", ".txt"), 5);
    for (const char* f :
         {"image_02/timestamps.txt", "image_03/timestamps.txt", "velodyne_points/timestamps.txt",
          "velodyne_points/timestamps_start.txt", "velodyne_points/timestamps_end.txt", "oxts/timestamps.txt"})
      QCOMPARE(count_lines(d / f), 5);
    QVERIFY(fs::is_regular_file(d / "oxts" / "dataformat.txt"));
    QVERIFY(fs::is_regular_file(d / "tracklet_labels.xml"));
    QVERIFY(dc::test::read_text(d / "tracklet_labels.xml").find("<!DOCTYPE boost_serialization>") != std::string::npos);

    // KITTI formats: 30 numbers per OXTS record, float32 quadruples, PNGs of the configured size,
    // S_rect/P_rect scaled to it.
    std::istringstream record(dc::test::read_text(d / "oxts" / "data" / "0000000003.txt"));
    int values = 0;
    for (double v; record >> v;) ++values;
    QCOMPARE(values, 30);
    QCOMPARE(fs::file_size(d / "velodyne_points" / "data" / "0000000000.bin") % 16, std::uintmax_t{0});
    const cv::Mat img = cv::imread((d / "image_03" / "data" / "0000000004.png").string(), cv::IMREAD_UNCHANGED);
    QCOMPARE(img.cols, 414);
    QCOMPARE(img.rows, 125);
    QCOMPARE(img.channels(), 3);
    const std::string calib = dc::test::read_text(a_.date_dir / "calib_cam_to_cam.txt");
    QVERIFY(calib.find("S_rect_02: 4.140000e+02 1.250000e+02") != std::string::npos);
    QVERIFY(calib.find("P_rect_02: 2.405126e+02 0.000000e+00 2.031864e+02") != std::string::npos);

    // One camera: no image_03.
    GeneratorOptions one = small_options(dc::test::fresh_work_dir("drive_generator_one_camera"), 1, 2);
    one.frames = 2;
    one.cameras = 1;
    const GeneratorResult r = generate_drive(one);
    QVERIFY(fs::is_directory(r.drive_dir / "image_02"));
    QVERIFY(!fs::exists(r.drive_dir / "image_03"));
  }

  void timestampsAreKittiLike() {
    std::vector<TimestampNs> lidar, cam;
    for (const auto& f : drive_.frames) {
      if (f.sensor == "velodyne_points") lidar.push_back(f.timestamp_ns);
      if (f.sensor == "image_02") cam.push_back(f.timestamp_ns);
    }
    QCOMPARE(lidar.size(), std::size_t{10});
    QCOMPARE(cam.size(), lidar.size());
    for (std::size_t i = 0; i < lidar.size(); ++i) {
      if (i > 0) QVERIFY(std::abs(lidar[i] - lidar[i - 1] - 100'000'000) < 3'000'000);  // 10 Hz, jitter
      QVERIFY(cam[i] - lidar[i] > 2'000'000 && cam[i] - lidar[i] < 20'000'000);         // triggered after
    }
  }

  void framesAndPosesFollowTheDrive() {
    std::map<std::string, int> per_sensor;
    for (const auto& f : drive_.frames) {
      ++per_sensor[f.sensor];
      QVERIFY2(!f.file.empty(), f.sensor.c_str());
    }
    QCOMPARE(per_sensor["velodyne_points"], 10);
    QCOMPARE(per_sensor["image_02"], 10);
    QCOMPARE(per_sensor["image_03"], 10);
    QCOMPARE(per_sensor["oxts"], 10);
    QCOMPARE(drive_.poses.size(), std::size_t{10});

    // ~10 m/s along a gently curving road: the pose path is about speed x duration long.
    const Pose& first = drive_.poses.front();
    const Pose& last = drive_.poses.back();
    const double seconds = (last.timestamp_ns - first.timestamp_ns) * 1e-9;
    const double travelled = (last.T_world_from_imu.translation() - first.T_world_from_imu.translation()).norm();
    QVERIFY2(std::abs(travelled - 10.0 * seconds) < 0.15 * 10.0 * seconds, std::to_string(travelled).c_str());
    QVERIFY(first.T_world_from_imu.translation().norm() < 1e-6);  // relative to the first fix
    for (const Pose& p : drive_.poses) {
      QVERIFY(std::abs(p.forward_velocity_mps - 10.0) < 1.0);
      QVERIFY(std::abs(p.T_world_from_imu.translation().z()) < 1e-3);  // level road
    }

    // The lidar sits ~1.73 m above the road: nearby ground points lie at z ~ -1.73.
    const Calibration& calib = drive_.calibrations.front();
    QVERIFY(calib.transform("cam2", "velo").has_value());
    const PointCloud cloud = load_point_cloud(*find_frame(drive_, "velodyne_points", 0));
    QVERIFY2(cloud.size() > 100'000 && cloud.size() < 130'000, std::to_string(cloud.size()).c_str());
    std::vector<float> ground_z;
    for (std::size_t i = 0; i < cloud.size(); ++i) {
      const float* p = cloud.point(i);
      const double r = std::hypot(p[0], p[1]);
      if (r > 4 && r < 8 && std::abs(p[1]) < 1.0) ground_z.push_back(p[2]);
      QVERIFY(p[3] >= 0.0f && p[3] <= 1.0f);
      QVERIFY(std::hypot(r, p[2]) < 121.0);
    }
    QVERIFY(ground_z.size() > 50);
    std::nth_element(ground_z.begin(), ground_z.begin() + ground_z.size() / 2, ground_z.end());
    QVERIFY2(std::abs(ground_z[ground_z.size() / 2] + 1.73) < 0.05,
             std::to_string(ground_z[ground_z.size() / 2]).c_str());
  }

  void lidarPointsFillLabelBoxes() {
    QVERIFY(!drive_.labels.empty());
    int checked = 0;
    std::size_t inside_total = 0, shell_total = 0;
    std::map<std::int64_t, PointCloud> clouds;
    for (const BoxLabel& box : drive_.labels) {
      if (horizontal_range(box) > 40.0) continue;
      if (!clouds.count(box.frame_index))
        clouds[box.frame_index] = load_point_cloud(*find_frame(drive_, "velodyne_points", box.frame_index));
      const PointCloud& cloud = clouds[box.frame_index];
      // Ignore the road under the box; the shell reaches 0.3 m out and over the top.
      const double bottom = box.center.z() - box.height / 2;
      BoxLabel shell = box;
      shell.length += 0.6;
      shell.width += 0.6;
      shell.height = box.height + 0.1;
      shell.center.z() = bottom + 0.2 + shell.height / 2;
      std::size_t inside = 0, in_shell = 0;
      for (std::size_t i = 0; i < cloud.size(); ++i) {
        const float* p = cloud.point(i);
        const Eigen::Vector3d q(p[0], p[1], p[2]);
        if (q.z() < bottom + 0.2) continue;
        if (dc::test::box_contains(box, q))
          ++inside;
        else if (dc::test::box_contains(shell, q))
          ++in_shell;
      }
      inside_total += inside;
      shell_total += in_shell;
      if (box.occlusion == 0) {
        ++checked;
        QVERIFY2(inside > 0, (box.category + " track " + box.track_id + " frame " + std::to_string(box.frame_index) +
                              " has no points")
                                 .c_str());
      }
    }
    qInfo("%d unoccluded boxes within 40 m; %zu points inside boxes, %zu in the 0.3 m shell around them", checked,
          inside_total, shell_total);
    QVERIFY(checked >= 20);
    QVERIFY(shell_total * 20 < inside_total);
  }

  void boxCentersShowTheirClassColour_data() {
    QTest::addColumn<QString>("camera");
    QTest::addColumn<QString>("frame_id");
    QTest::newRow("image_02") << "image_02"
                              << "cam2";
    QTest::newRow("image_03") << "image_03"
                              << "cam3";
  }

  void boxCentersShowTheirClassColour() {
    QFETCH(QString, camera);
    QFETCH(QString, frame_id);
    const Calibration& calib = drive_.calibrations.front();
    const CameraIntrinsics& cam = calib.cameras.at(camera.toStdString());
    const Eigen::Isometry3d T_cam_from_velo = *calib.transform(frame_id.toStdString(), "velo");
    int checked = 0, matched = 0;
    std::map<std::int64_t, cv::Mat> images;
    for (const BoxLabel& box : drive_.labels) {
      if (horizontal_range(box) > 40.0 || box.occlusion != 0) continue;
      const Eigen::Vector3d p = T_cam_from_velo * box.center;
      if (p.z() < 2.0) continue;
      const Eigen::Vector3d uv = cam.K * p;
      const int u = static_cast<int>(std::lround(uv.x() / uv.z())), v = static_cast<int>(std::lround(uv.y() / uv.z()));
      if (u < 0 || v < 0 || u >= cam.width || v >= cam.height) continue;
      if (!images.count(box.frame_index))
        images[box.frame_index] = load_image(*find_frame(drive_, camera.toStdString(), box.frame_index));
      const cv::Vec3b bgr = images[box.frame_index].at<cv::Vec3b>(v, u);
      ++checked;
      if (shows_class({double(bgr[2]), double(bgr[1]), double(bgr[0])}, box.category))
        ++matched;
      else
        qWarning("%s track %s frame %lld: pixel (%d, %d) is RGB %d %d %d", box.category.c_str(), box.track_id.c_str(),
                 static_cast<long long>(box.frame_index), u, v, bgr[2], bgr[1], bgr[0]);
    }
    qInfo("%d of %d visible box centers show their class colour", matched, checked);
    QVERIFY(checked >= 10);
    // Occlusion is judged from the lidar and camera 2; camera 3 sits half a metre to the right.
    QVERIFY(matched * 100 >= checked * (camera == "image_02" ? 95 : 90));
    // And the road and sky are not mistaken for objects.
    const cv::Mat img = load_image(*find_frame(drive_, camera.toStdString(), 0));
    const cv::Vec3b sky = img.at<cv::Vec3b>(0, img.cols / 2), road = img.at<cv::Vec3b>(img.rows - 1, img.cols / 2);
    for (const char* c : {"Car", "Pedestrian", "Cyclist"}) {
      QVERIFY(!shows_class({double(sky[2]), double(sky[1]), double(sky[0])}, c));
      QVERIFY(!shows_class({double(road[2]), double(road[1]), double(road[0])}, c));
    }
  }

  void tracksSpanConsecutiveFrames() {
    std::map<std::string, std::vector<std::int64_t>> frames_of;
    for (const BoxLabel& b : drive_.labels) {
      frames_of[b.track_id].push_back(b.frame_index);
      QVERIFY(horizontal_range(b) < 60.0);
      QVERIFY(b.category == "Car" || b.category == "Pedestrian" || b.category == "Cyclist");
    }
    QCOMPARE(static_cast<int>(frames_of.size()), full_.objects);
    std::map<std::string, int> classes;
    for (const BoxLabel& b : drive_.labels) ++classes[b.category];
    QVERIFY(classes["Car"] > 0 && classes["Pedestrian"] > 0);
    for (const auto& [track, frames] : frames_of)
      for (std::size_t i = 1; i < frames.size(); ++i) QCOMPARE(frames[i], frames[i - 1] + 1);
  }

  // OXTS poses, the IMU-to-lidar calibration and the labels agree: parked cars stay put in the world.
  void labelsPosesAndCalibrationAgree() {
    const Eigen::Isometry3d T_imu_from_velo = *drive_.calibrations.front().transform("imu", "velo");
    std::map<std::int64_t, TimestampNs> lidar_time;
    for (const auto& f : drive_.frames)
      if (f.sensor == "velodyne_points") lidar_time[f.index] = f.timestamp_ns;
    // Poses come at OXTS times; interpolate (or extrapolate at the ends) to the sweep's time.
    auto world_from_velo = [&](TimestampNs t) {
      const auto& poses = drive_.poses;
      std::size_t i = 0;
      while (i + 2 < poses.size() && poses[i + 1].timestamp_ns < t) ++i;
      const Pose &p0 = poses[i], &p1 = poses[i + 1];
      const double a = double(t - p0.timestamp_ns) / double(p1.timestamp_ns - p0.timestamp_ns);
      Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
      T.translation() = (1 - a) * p0.T_world_from_imu.translation() + a * p1.T_world_from_imu.translation();
      const Eigen::Quaterniond q0(p0.T_world_from_imu.rotation()), q1(p1.T_world_from_imu.rotation());
      T.linear() = q0.slerp(a, q1).toRotationMatrix();
      return T * T_imu_from_velo;
    };
    std::map<std::string, std::vector<Eigen::Vector3d>> world_centers;
    for (const BoxLabel& b : drive_.labels)
      world_centers[b.track_id].push_back(world_from_velo(lidar_time.at(b.frame_index)) * b.center);
    int still = 0;
    for (const auto& [track, centers] : world_centers) {
      double spread = 0;
      for (std::size_t i = 1; i < centers.size(); ++i) {
        QVERIFY2((centers[i] - centers[i - 1]).norm() < 1.5, track.c_str());  // nothing moves faster than 15 m/s
        spread = std::max(spread, (centers[i] - centers.front()).norm());
      }
      QVERIFY2(std::abs(centers.front().z() - centers.back().z()) < 0.05, track.c_str());  // flat world
      if (centers.size() >= 5 && spread < 0.05) ++still;
    }
    QVERIFY2(still >= 3, std::to_string(still).c_str());
  }

  void cancelStopsGeneration() {
    std::atomic<bool> cancel{false};
    Progress progress;
    progress.cancel = &cancel;
    int reports = 0;
    progress.report = [&](double done, double, const std::string&) {
      ++reports;
      if (done >= 1) cancel = true;
    };
    GeneratorOptions o = small_options(dc::test::fresh_work_dir("drive_generator_cancel"), 1, 1);
    o.frames = 20;
    bool cancelled = false;
    try {
      generate_drive(o, progress);
    } catch (const Cancelled&) {
      cancelled = true;
    }
    QVERIFY(cancelled);
    QVERIFY(reports >= 2);
    QVERIFY(count_files(o.out / "2030_01_01" / "2030_01_01_drive_0001_sync" / "velodyne_points" / "data", ".bin") < 20);
  }

  void rejectsBadOptions() {
    GeneratorOptions o = small_options(dc::test::fresh_work_dir("drive_generator_bad"), 1, 1);
    o.cameras = 3;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, generate_drive(o));
    o.cameras = 1;
    o.date = "2030-01-01";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, generate_drive(o));
  }

  // A figure for the record, not an assertion: 100 frames, two cameras, default sensor options.
};

QTEST_GUILESS_MAIN(TestDriveGenerator)
#include "tst_drive_generator.moc"

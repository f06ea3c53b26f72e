#include "dc/core/data/sample_builder.h"
#include "dc/core/io/parse_error.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "io/readers/nuscenes/nuscenes_tables.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>

using namespace dc::core;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr std::int64_t kT0 = 1532402927647951;       // microseconds, as nuScenes stamps
constexpr std::int64_t kTB = kT0 + 10'000'000;       // scene B starts 10 s later
const char* kSceneA = "e7ef871f77f44331aefdebc24ec034b7";  // a real-looking hex token (packed by the reader)

json quaternion_yaw(double yaw) { return json::array({std::cos(yaw / 2), 0.0, 0.0, std::sin(yaw / 2)}); }

// Every table of a small hand-written v1.0 dataset: two scenes, LIDAR_TOP keyframes and sweeps, one camera, one
// radar (ignored), boxes of four categories.
struct Dataset {
  json scene, sample, sample_data, calibrated_sensor, sensor, ego_pose, sample_annotation, instance, category,
      attribute, visibility, log;

  json& record(json& table, const std::string& token) {
    for (auto& r : table)
      if (r["token"] == token) return r;
    throw std::logic_error("no record " + token);
  }

  void write(const fs::path& version) const {
    fs::create_directories(version);
    const std::pair<const char*, const json*> tables[] = {
        {"scene", &scene},         {"sample", &sample},
        {"sample_data", &sample_data}, {"calibrated_sensor", &calibrated_sensor},
        {"sensor", &sensor},       {"ego_pose", &ego_pose},
        {"sample_annotation", &sample_annotation}, {"instance", &instance},
        {"category", &category},   {"attribute", &attribute},
        {"visibility", &visibility}, {"log", &log}};
    for (const auto& [name, table] : tables) dc::test::write_text(version / (std::string(name) + ".json"), table->dump(0));
  }
};

Dataset make_dataset() {
  Dataset d;
  d.log = json::array({{{"token", "log-1"}, {"logfile", "n015-2018-07-24-11-22-45+0800"}, {"location", "singapore-onenorth"}}});
  d.sensor = json::array({{{"token", "sensor-lidar"}, {"channel", "LIDAR_TOP"}, {"modality", "lidar"}},
                          {{"token", "sensor-cam"}, {"channel", "CAM_FRONT"}, {"modality", "camera"}},
                          {{"token", "sensor-radar"}, {"channel", "RADAR_FRONT"}, {"modality", "radar"}}});
  d.calibrated_sensor = json::array(
      {{{"token", "cs-lidar"}, {"sensor_token", "sensor-lidar"}, {"translation", {0.9, 0.0, 1.8}},
        {"rotation", {1.0, 0.0, 0.0, 0.0}}, {"camera_intrinsic", json::array()}},
       {{"token", "cs-cam"}, {"sensor_token", "sensor-cam"}, {"translation", {1.7, 0.0, 1.5}},
        {"rotation", {0.5, -0.5, 0.5, -0.5}},
        {"camera_intrinsic", {{50.0, 0.0, 32.0}, {0.0, 50.0, 24.0}, {0.0, 0.0, 1.0}}}},
       {{"token", "cs-radar"}, {"sensor_token", "sensor-radar"}, {"translation", {3.4, 0.0, 0.5}},
        {"rotation", {1.0, 0.0, 0.0, 0.0}}, {"camera_intrinsic", json::array()}}});
  d.scene = json::array({{{"token", kSceneA}, {"log_token", "log-1"}, {"nbr_samples", 2}, {"first_sample_token", "sA1"},
                          {"last_sample_token", "sA2"}, {"name", "scene-0061"}, {"description", "Parked truck"}},
                         {{"token", "scene-b"}, {"log_token", "log-1"}, {"nbr_samples", 1}, {"first_sample_token", "sB1"},
                          {"last_sample_token", "sB1"}, {"name", "scene-0103"}, {"description", ""}}});
  d.sample = json::array({{{"token", "sA1"}, {"timestamp", kT0}, {"prev", ""}, {"next", "sA2"}, {"scene_token", kSceneA}},
                          {{"token", "sA2"}, {"timestamp", kT0 + 300000}, {"prev", "sA1"}, {"next", ""}, {"scene_token", kSceneA}},
                          {{"token", "sB1"}, {"timestamp", kTB}, {"prev", ""}, {"next", ""}, {"scene_token", "scene-b"}}});
  d.sample_data = json::array();
  d.ego_pose = json::array();
  auto add = [&](const std::string& token, const std::string& sample, const std::string& cs, std::int64_t t, bool key,
                 const std::string& file, const json& translation, const json& rotation, int w = 0, int h = 0) {
    d.sample_data.push_back({{"token", token}, {"sample_token", sample}, {"ego_pose_token", "ep-" + token},
                             {"calibrated_sensor_token", cs}, {"timestamp", t}, {"fileformat", "pcd"},
                             {"is_key_frame", key}, {"height", h}, {"width", w}, {"filename", file}, {"prev", ""},
                             {"next", ""}});
    d.ego_pose.push_back({{"token", "ep-" + token}, {"timestamp", t}, {"rotation", rotation}, {"translation", translation}});
  };
  const json id = {1.0, 0.0, 0.0, 0.0};
  add("lA0", "sA1", "cs-lidar", kT0, true, "samples/LIDAR_TOP/a0.pcd.bin", {100.0, 200.0, 0.0}, quaternion_yaw(kPi / 2));
  add("lA1", "sA1", "cs-lidar", kT0 + 100000, false, "sweeps/LIDAR_TOP/a1.pcd.bin", {101.0, 200.0, 0.0}, id);
  add("lA2", "sA2", "cs-lidar", kT0 + 200000, false, "sweeps/LIDAR_TOP/a2.pcd.bin", {102.0, 200.0, 0.0}, id);
  add("lA3", "sA2", "cs-lidar", kT0 + 300000, true, "samples/LIDAR_TOP/a3.pcd.bin", {50.0, 60.0, 0.0}, id);
  add("cA0", "sA1", "cs-cam", kT0 + 12000, true, "samples/CAM_FRONT/a0.jpg", {100.1, 200.0, 0.0}, id, 64, 48);
  add("cA1", "sA2", "cs-cam", kT0 + 312000, true, "samples/CAM_FRONT/a1.jpg", {50.1, 60.0, 0.0}, id, 64, 48);
  add("rA0", "sA1", "cs-radar", kT0 + 5000, true, "samples/RADAR_FRONT/a0.pcd", {0.0, 0.0, 0.0}, id);
  add("lB0", "sB1", "cs-lidar", kTB, true, "samples/LIDAR_TOP/b0.pcd.bin", {0.0, 0.0, 0.0}, id);
  add("lB1", "sB1", "cs-lidar", kTB + 50000, false, "sweeps/LIDAR_TOP/b1.pcd.bin", {1.0, 0.0, 0.0}, id);
  add("cB0", "sB1", "cs-cam", kTB + 20000, true, "samples/CAM_FRONT/b0.jpg", {0.5, 0.0, 0.0}, id, 64, 48);

  auto box = [&](const std::string& token, const std::string& sample, const std::string& instance, const char* visibility,
                 const json& attributes, const json& translation, const json& size, const json& rotation) {
    d.sample_annotation.push_back({{"token", token}, {"sample_token", sample}, {"instance_token", instance},
                                   {"visibility_token", visibility}, {"attribute_tokens", attributes},
                                   {"translation", translation}, {"size", size}, {"rotation", rotation},
                                   {"prev", ""}, {"next", ""}, {"num_lidar_pts", 10}, {"num_radar_pts", 0}});
  };
  box("an1", "sA1", "inst-car", "4", json::array(), {98.0, 210.9, 1.0}, {1.9, 4.5, 1.6}, quaternion_yaw(0.25 + kPi / 2));
  box("an2", "sA2", "inst-car", "3", json::array(), {62.9, 59.0, 0.9}, {1.9, 4.5, 1.6}, quaternion_yaw(-0.5));
  box("an3", "sA2", "inst-bike", "1", json::array({"attr-norider"}), {55.0, 65.0, 0.5}, {0.6, 1.8, 1.2}, id);
  box("an4", "sA2", "inst-bus", "2", json::array(), {70.0, 60.0, 1.5}, {2.9, 11.0, 3.2}, json::array({0.0, 0.0, 0.0, 1.0}));
  box("an5", "sB1", "inst-ped", "4", json::array({"attr-rider"}), {8.0, 1.0, 0.9}, {0.7, 0.8, 1.8}, id);
  d.instance = json::array({{{"token", "inst-car"}, {"category_token", "cat-car"}},
                            {{"token", "inst-bike"}, {"category_token", "cat-bicycle"}},
                            {{"token", "inst-bus"}, {"category_token", "cat-bus"}},
                            {{"token", "inst-ped"}, {"category_token", "cat-ped"}}});
  d.category = json::array({{{"token", "cat-car"}, {"name", "vehicle.car"}},
                            {{"token", "cat-bicycle"}, {"name", "vehicle.bicycle"}},
                            {{"token", "cat-bus"}, {"name", "vehicle.bus.rigid"}},
                            {{"token", "cat-ped"}, {"name", "human.pedestrian.adult"}}});
  d.attribute = json::array({{{"token", "attr-norider"}, {"name", "cycle.without_rider"}},
                             {{"token", "attr-rider"}, {"name", "cycle.with_rider"}}});
  d.visibility = json::array({{{"token", "1"}, {"level", "v0-40"}}, {{"token", "2"}, {"level", "v40-60"}},
                              {{"token", "3"}, {"level", "v60-80"}}, {{"token", "4"}, {"level", "v80-100"}}});
  return d;
}

// Payloads: lidar sweep i of a scene holds two points (1 + i, 2, 3, 0.5, ring 7) and (4, 5, 6, 0.25, ring 1).
void write_payloads(const fs::path& root, const Dataset& d) {
  int i = 0;
  for (const auto& sd : d.sample_data) {
    const std::string file = sd["filename"];
    if (file.find("RADAR") != std::string::npos || file.find("..") != std::string::npos) continue;
    const fs::path p = root / file;
    fs::create_directories(p.parent_path());
    if (file.find(".pcd.bin") != std::string::npos) {
      const float pts[10] = {1.0f + static_cast<float>(i++), 2, 3, 0.5f, 7, 4, 5, 6, 0.25f, 1};
      std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(pts), sizeof pts);
    } else {
      cv::imwrite(p.string(), cv::Mat(48, 64, CV_8UC3, cv::Scalar(10, 200, 30)));
    }
  }
}

fs::path make_root(const QTemporaryDir& tmp, const Dataset& d, const char* version = "v1.0-mini") {
  const fs::path root = fs::path(tmp.path().toStdString()) / "nuscenes";
  d.write(root / version);
  write_payloads(root, d);
  return root;
}

const Drive* drive_named(const std::vector<Drive>& drives, const std::string& name) {
  for (const auto& d : drives)
    if (d.name == name) return &d;
  return nullptr;
}

using dc::test::frames_of;

std::string all_errors(const Drive& d) {
  std::string s;
  for (const auto& e : d.errors) s += e.path + ":" + std::to_string(e.line) + ": " + e.message + "\n";
  return s;
}

// An error whose path ends with `file` and whose message holds every one of `words`.
bool has_error(const Drive& d, const std::string& file, std::initializer_list<std::string> words) {
  for (const auto& e : d.errors) {
    if (e.path.size() < file.size() || e.path.compare(e.path.size() - file.size(), file.size(), file) != 0) continue;
    bool all = true;
    for (const auto& w : words) all = all && e.message.find(w) != std::string::npos;
    if (all) return true;
  }
  return false;
}

const BoxLabel* label_of(const Drive& d, const std::string& track, std::int64_t frame) {
  for (const auto& l : d.labels)
    if (l.track_id == track && l.frame_index == frame) return &l;
  return nullptr;
}

void expect_box(const BoxLabel* b, const Eigen::Vector3d& center, double l, double w, double h, double yaw,
                const char* category, const char* source_category) {
  QVERIFY(b);
  QVERIFY2((b->center - center).norm() < 1e-9,
           qPrintable(QString("%1 %2 %3").arg(b->center.x()).arg(b->center.y()).arg(b->center.z())));
  QCOMPARE(b->length, l);
  QCOMPARE(b->width, w);
  QCOMPARE(b->height, h);
  QVERIFY2(std::abs(std::remainder(b->yaw - yaw, 2 * kPi)) < 1e-9, qPrintable(QString::number(b->yaw)));
  QCOMPARE(b->category, std::string(category));
  QCOMPARE(b->source_category, std::string(source_category));
  QCOMPARE(b->source, LabelSource::GroundTruth);
}

std::vector<Drive> read_root(const fs::path& root) {
  const DriveReader* reader = reader_for_format("nuscenes");
  if (!reader) throw std::logic_error("no nuscenes reader registered");
  return reader->read(root, {});
}

}  // namespace

class TestNuScenesReader : public QObject {
  Q_OBJECT

private slots:
  void detectsRootsAndVersionFolders() {
    QTemporaryDir tmp;
    const fs::path root = make_root(tmp, make_dataset());
    const DriveReader* r = detect_reader(root);
    QVERIFY(r);
    QCOMPARE(r->format(), std::string("nuscenes"));
    QVERIFY(detect_reader(root / "v1.0-mini") == r);
    QVERIFY(!r->detect(root / "samples"));
    QVERIFY(!r->detect(root / "v1.0-mini" / "scene.json"));
    QVERIFY_THROWS_EXCEPTION(ParseError, r->read(root / "samples", {}));
  }

  void readsScenesAsDrives() {
    QTemporaryDir tmp;
    const fs::path root = make_root(tmp, make_dataset());
    const std::vector<Drive> drives = read_root(root);
    QCOMPARE(drives.size(), std::size_t(2));
    const Drive* a = drive_named(drives, "scene-0061");
    const Drive* b = drive_named(drives, "scene-0103");
    QVERIFY(a && b);
    QVERIFY2(a->errors.empty(), all_errors(*a).c_str());
    QVERIFY2(b->errors.empty(), all_errors(*b).c_str());
    QCOMPARE(a->format, std::string("nuscenes"));
    QCOMPARE(a->root, fs::absolute(root).lexically_normal().string() + "#" + kSceneA);
    QCOMPARE(b->root, fs::absolute(root).lexically_normal().string() + "#scene-b");
    QCOMPARE(a->time_zone, std::string());

    // Sensors: the lidar, the camera, the ego poses; no radar.
    QCOMPARE(a->lidar_sensor(), std::string("LIDAR_TOP"));
    QCOMPARE(a->sensors.size(), std::size_t(3));
    QVERIFY(a->find_sensor("CAM_FRONT") && a->find_sensor("CAM_FRONT")->kind == SensorKind::Camera);
    QVERIFY(a->find_sensor("ego_pose") && a->find_sensor("ego_pose")->frame_id == "ego");
    QVERIFY(!a->find_sensor("RADAR_FRONT"));
    QCOMPARE(a->find_sensor("LIDAR_TOP")->rate_hz, 10.0);  // median period 100 ms

    // Frames: keyframes and sweeps in time order, microseconds -> nanoseconds, payload locations.
    const auto lidar = frames_of(*a, "LIDAR_TOP");
    QCOMPARE(lidar.size(), std::size_t(4));
    for (int i = 0; i < 4; ++i) QCOMPARE(lidar[static_cast<std::size_t>(i)]->timestamp_ns, (kT0 + 100000 * i) * 1000);
    QCOMPARE(lidar[1]->file, (fs::absolute(root) / "sweeps/LIDAR_TOP/a1.pcd.bin").lexically_normal().string());
    QCOMPARE(lidar[1]->offset, std::uint64_t(0));
    QCOMPARE(lidar[1]->size, std::uint64_t(40));
    const auto cams = frames_of(*a, "CAM_FRONT");
    QCOMPARE(cams.size(), std::size_t(2));
    QCOMPARE(cams[1]->timestamp_ns, (kT0 + 312000) * 1000);
    QCOMPARE(cams[1]->size, std::uint64_t(fs::file_size(root / "samples/CAM_FRONT/a1.jpg")));
    QCOMPARE(frames_of(*b, "LIDAR_TOP").size(), std::size_t(2));
    QCOMPARE(frames_of(*b, "CAM_FRONT").size(), std::size_t(1));
    QCOMPARE(build_samples(a->frames, a->lidar_sensor()).size(), std::size_t(4));  // every sweep is a sample

    // Points: .pcd.bin x y z intensity ring -> x y z intensity.
    const PointCloud cloud = load_point_cloud(*lidar[2]);
    QCOMPARE(cloud.size(), std::size_t(2));
    const std::vector<float> expected{3, 2, 3, 0.5f, 4, 5, 6, 0.25f};
    QCOMPARE(cloud.xyzi, expected);

    // Calibration: T_ego_from_<channel>; a lidar point 10 m ahead is 9.2 m in front of the camera and 0.3 m above
    // it: (10, 0, 0) -> ego (10.9, 0, 1.8) -> minus the camera's (1.7, 0, 1.5) = (9.2, 0, 0.3) -> camera axes
    // x = -y_ego, y = -z_ego, z = x_ego: (0, -0.3, 9.2).
    QCOMPARE(a->calibrations.size(), std::size_t(1));
    const Calibration& calib = a->calibrations.front();
    QCOMPARE(calib.valid_from_ns, INT64_MIN);
    QCOMPARE(calib.valid_to_ns, INT64_MAX);
    const auto T_ego_from_lidar = calib.transform("ego", "LIDAR_TOP");
    QVERIFY(T_ego_from_lidar);
    QVERIFY((T_ego_from_lidar->translation() - Eigen::Vector3d(0.9, 0, 1.8)).norm() < 1e-12);
    const auto T_cam_from_lidar = calib.transform("CAM_FRONT", "LIDAR_TOP");
    QVERIFY(T_cam_from_lidar);
    QVERIFY((*T_cam_from_lidar * Eigen::Vector3d(10, 0, 0) - Eigen::Vector3d(0, -0.3, 9.2)).norm() < 1e-12);
    QVERIFY(!calib.transform("RADAR_FRONT", "ego"));
    const CameraIntrinsics& K = calib.cameras.at("CAM_FRONT");
    QCOMPARE(K.width, 64);
    QCOMPARE(K.height, 48);
    QCOMPARE(K.K(0, 0), 50.0);
    QCOMPARE(K.K(0, 2), 32.0);
    QCOMPARE(K.K(1, 2), 24.0);

    // Poses: one per sample_data stamp (radar's not read); the ego pose in the global frame.
    QCOMPARE(a->poses.size(), std::size_t(6));
    const Pose& p0 = a->poses.front();
    QCOMPARE(p0.timestamp_ns, kT0 * 1000);
    QVERIFY((p0.T_world_from_imu.translation() - Eigen::Vector3d(100, 200, 0)).norm() < 1e-12);
    QVERIFY((p0.T_world_from_imu * Eigen::Vector3d(1, 0, 0) - Eigen::Vector3d(100, 201, 0)).norm() < 1e-12);
    QVERIFY(std::abs(p0.yaw - kPi / 2) < 1e-12);

    // Boxes in the LIDAR_TOP frame of their keyframe (frames 0 and 3 of scene A). an1: global (98, 210.9, 1.0) with
    // the ego at (100, 200) facing +y: ego (10.9, 2, 1.0), lidar (10, 2, -0.8); global yaw 0.25 + 90 deg -> 0.25.
    QCOMPARE(a->labels.size(), std::size_t(4));
    expect_box(label_of(*a, "inst-car", 0), {10, 2, -0.8}, 4.5, 1.9, 1.6, 0.25, "Car", "vehicle.car");
    QCOMPARE(label_of(*a, "inst-car", 0)->timestamp_ns, kT0 * 1000);
    QCOMPARE(label_of(*a, "inst-car", 0)->occlusion, 0);  // v80-100
    // Keyframe 3: ego at (50, 60, 0) unrotated, lidar 0.9 m ahead and 1.8 m up.
    expect_box(label_of(*a, "inst-car", 3), {12, -1, -0.9}, 4.5, 1.9, 1.6, -0.5, "Car", "vehicle.car");
    QCOMPARE(label_of(*a, "inst-car", 3)->occlusion, 1);  // v60-80
    expect_box(label_of(*a, "inst-bike", 3), {4.1, 5, -1.3}, 1.8, 0.6, 1.2, 0, "Misc", "vehicle.bicycle");  // no rider
    expect_box(label_of(*a, "inst-bus", 3), {19.1, 0, -0.3}, 11, 2.9, 3.2, kPi, "Truck", "vehicle.bus.rigid");
    QCOMPARE(b->labels.size(), std::size_t(1));
    expect_box(label_of(*b, "inst-ped", 0), {7.1, 1, -0.9}, 0.8, 0.7, 1.8, 0, "Pedestrian", "human.pedestrian.adult");
  }

  void versionFolderGivesTheSameDrives() {
    QTemporaryDir tmp;
    const fs::path root = make_root(tmp, make_dataset());
    const auto via_version = read_root(root / "v1.0-mini");
    QCOMPARE(via_version.size(), std::size_t(2));
    QCOMPARE(via_version.front().root, fs::absolute(root).lexically_normal().string() + "#" + kSceneA);
    QCOMPARE(frames_of(via_version.front(), "LIDAR_TOP").front()->file,
             (fs::absolute(root) / "samples/LIDAR_TOP/a0.pcd.bin").lexically_normal().string());
    // mini is a subset of trainval: a scene in two version folders is one drive.
    dc::test::copy_tree(root / "v1.0-mini", root / "v1.0-trainval");
    QCOMPARE(read_root(root).size(), std::size_t(2));
  }

  void danglingTokensAndMissingPayloads() {
    QTemporaryDir tmp;
    Dataset d = make_dataset();
    d.record(d.sample_data, "lA1")["ego_pose_token"] = "ghost-pose";
    d.record(d.sample_data, "cA1")["calibrated_sensor_token"] = "ghost-cs";
    d.record(d.sample_annotation, "an2")["instance_token"] = "ghost-instance";
    d.record(d.sample_annotation, "an5")["attribute_tokens"] = json::array({"ghost-attr"});
    d.record(d.instance, "inst-bus")["category_token"] = "ghost-category";
    json orphan = d.record(d.sample_data, "lA2");
    orphan["token"] = "orphan-sd";
    orphan["sample_token"] = "ghost-sample";
    d.sample_data.push_back(orphan);
    const fs::path root = make_root(tmp, d);
    fs::remove(root / "sweeps/LIDAR_TOP/b1.pcd.bin");

    const auto drives = read_root(root);
    QCOMPARE(drives.size(), std::size_t(2));
    const Drive& a = *drive_named(drives, "scene-0061");
    const Drive& b = *drive_named(drives, "scene-0103");
    const std::string errors = all_errors(a) + all_errors(b);
    QVERIFY2(has_error(a, "sample_data.json", {"lA1", "ghost-pose"}), errors.c_str());
    QVERIFY2(has_error(a, "sample_data.json", {"cA1", "ghost-cs"}), errors.c_str());
    QVERIFY2(has_error(a, "sample_data.json", {"orphan-sd", "ghost-sample"}), errors.c_str());
    QVERIFY2(has_error(a, "sample_annotation.json", {"an2", "ghost-instance"}), errors.c_str());
    QVERIFY2(has_error(a, "instance.json", {"inst-bus", "ghost-category"}), errors.c_str());
    QVERIFY2(has_error(b, "sample_annotation.json", {"an5", "ghost-attr"}), errors.c_str());
    QVERIFY2(has_error(b, "", {"sweeps/LIDAR_TOP/b1.pcd.bin", "lB1", "missing"}), errors.c_str());
    // What could be read still is.
    QCOMPARE(frames_of(a, "CAM_FRONT").size(), std::size_t(1));  // cA1 has no calibrated sensor
    QCOMPARE(frames_of(a, "LIDAR_TOP").size(), std::size_t(4));
    QCOMPARE(a.poses.size(), std::size_t(4));  // lA1 has none, cA1 is not read
    const BoxLabel* ghost = label_of(a, "ghost-instance", 3);
    QVERIFY(ghost);
    QCOMPARE(ghost->category, std::string("Misc"));
    QCOMPARE(label_of(a, "inst-bus", 3)->category, std::string("Misc"));
    const auto b_lidar = frames_of(b, "LIDAR_TOP");
    QCOMPARE(b_lidar.size(), std::size_t(2));
    QVERIFY(b_lidar[1]->file.empty());
    QCOMPARE(b_lidar[1]->size, std::uint64_t(0));
    QVERIFY_THROWS_EXCEPTION(ParseError, load_point_cloud(*b_lidar[1]));
  }

  // File names are taken apart on their text: "./" and doubled slashes name the file under the root; an absolute
  // name (even of a file under the root) or one with a ".." component is outside it, and its frame has no payload.
  void fileNameForms() {
    QTemporaryDir tmp;
    Dataset d = make_dataset();
    const fs::path root = make_root(tmp, d);  // payloads at the plain names
    d.record(d.sample_data, "lA1")["filename"] = "./sweeps/LIDAR_TOP/a1.pcd.bin";
    d.record(d.sample_data, "lA2")["filename"] = "sweeps//LIDAR_TOP/./a2.pcd.bin";
    d.record(d.sample_data, "cA1")["filename"] = fs::absolute(root / "samples/CAM_FRONT/a1.jpg").string();
    d.record(d.sample_data, "lB1")["filename"] = "sweeps/LIDAR_TOP/../LIDAR_TOP/b1.pcd.bin";
    d.write(root / "v1.0-mini");
    const auto drives = read_root(root);
    const Drive& a = *drive_named(drives, "scene-0061");
    const Drive& b = *drive_named(drives, "scene-0103");
    const std::string errors = all_errors(a) + all_errors(b);
    const auto lidar = frames_of(a, "LIDAR_TOP");
    QCOMPARE(lidar.size(), std::size_t(4));
    QCOMPARE(lidar[1]->file, (fs::absolute(root) / "sweeps/LIDAR_TOP/a1.pcd.bin").lexically_normal().string());
    QCOMPARE(lidar[2]->file, (fs::absolute(root) / "sweeps/LIDAR_TOP/a2.pcd.bin").lexically_normal().string());
    QCOMPARE(lidar[2]->size, std::uint64_t(40));
    const auto cameras = frames_of(a, "CAM_FRONT");
    QCOMPARE(cameras.size(), std::size_t(2));
    QVERIFY(cameras[1]->file.empty());
    QVERIFY2(has_error(a, "sample_data.json", {"cA1", "leave the dataset root"}), errors.c_str());
    const auto b_lidar = frames_of(b, "LIDAR_TOP");
    QCOMPARE(b_lidar.size(), std::size_t(2));
    QVERIFY(b_lidar[1]->file.empty());
    QVERIFY2(has_error(b, "sample_data.json", {"lB1", "leave the dataset root"}), errors.c_str());
  }

  void badValuesAreReported() {
    QTemporaryDir tmp;
    Dataset d = make_dataset();
    d.record(d.ego_pose, "ep-lA1")["rotation"] = json::array({0.0, 0.0, 0.0, 0.0});
    d.record(d.sample_annotation, "an4")["size"] = json::array({2.9, -11.0, 3.2});
    d.record(d.sample_data, "lB1")["filename"] = "../../etc/passwd";
    d.record(d.sample_data, "lA2")["timestamp"] = -5;
    json untokened = d.record(d.sample_data, "lA3");
    untokened["token"] = nullptr;
    d.sample_data.push_back(untokened);
    const fs::path root = make_root(tmp, d);
    fs::resize_file(root / "samples/LIDAR_TOP/b0.pcd.bin", 30);
    const auto drives = read_root(root);
    const Drive& a = *drive_named(drives, "scene-0061");
    const Drive& b = *drive_named(drives, "scene-0103");
    const std::string errors = all_errors(a) + all_errors(b);
    QVERIFY2(has_error(a, "sample_annotation.json", {"an4", "size"}), errors.c_str());
    QVERIFY2(has_error(a, "ego_pose.json", {"ep-lA1", "quaternion"}), errors.c_str());
    QVERIFY2(has_error(a, "sample_data.json", {"lA2", "timestamp"}), errors.c_str());
    QVERIFY2(has_error(b, "sample_data.json", {"lB1", "leave the dataset root"}), errors.c_str());
    QVERIFY2(has_error(b, "b0.pcd.bin", {"multiple of 20", "lB0"}), errors.c_str());
    QVERIFY2(has_error(a, "sample_data.json", {"1 records have an empty or null token"}), errors.c_str());
    QCOMPARE(frames_of(a, "LIDAR_TOP").size(), std::size_t(3));
    QCOMPARE(a.labels.size(), std::size_t(3));
  }

  void deepNestingCostsNothing() {
    QTemporaryDir tmp;
    const fs::path root = make_root(tmp, make_dataset());
    // A field of 200000 nested arrays inside a log record: skipped, not kept.
    const std::string junk = R"([{"token": "log-1", "location": "boston-seaport", "junk": )" + std::string(200000, '[') +
                             std::string(200000, ']') + "}]";
    fs::remove(root / "v1.0-mini" / "log.json");
    dc::test::write_text(root / "v1.0-mini" / "log.json", junk);
    const auto drives = read_root(root);
    QCOMPARE(drives.size(), std::size_t(2));
    QVERIFY2(drives.front().errors.empty(), all_errors(drives.front()).c_str());
  }

  void malformedTables_data() {
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("edit");  // "truncate" or a JSON text replacing the table
    QTest::addColumn<QString>("words");
    QTest::addColumn<bool>("fatal");
    QTest::newRow("truncated sample_data") << "sample_data" << "truncate" << "byte|malformed JSON" << true;
    QTest::newRow("timestamp a string")
        << "sample" << R"([{"token": "sA1", "timestamp": "soon", "scene_token": "x"}])" << "record 0|'timestamp'|string"
        << true;
    QTest::newRow("short translation")
        << "calibrated_sensor" << R"([{"token": "c", "sensor_token": "s", "translation": [1, 2], "rotation": [1, 0, 0, 0]}])"
        << "'translation'|3 numbers" << true;
    QTest::newRow("not an array") << "scene" << R"({"token": "x"})" << "array of records" << true;
    QTest::newRow("record not an object") << "sensor" << R"([[1, 2]])" << "record 0|not an object" << true;
    QTest::newRow("junk after the array") << "ego_pose" << "[] junk" << "byte 3" << true;
    QTest::newRow("truncated annotations") << "sample_annotation" << "truncate" << "byte|table not read" << false;
    QTest::newRow("instance token a number")
        << "instance" << R"([{"token": "inst-car", "category_token": 17}])" << "'category_token'|an integer" << false;
  }

  void malformedTables() {
    QFETCH(QString, table);
    QFETCH(QString, edit);
    QFETCH(QString, words);
    QFETCH(bool, fatal);
    QTemporaryDir tmp;
    const fs::path root = make_root(tmp, make_dataset());
    const fs::path file = root / "v1.0-mini" / (table.toStdString() + ".json");
    if (edit == "truncate") {
      fs::resize_file(file, fs::file_size(file) / 2);
    } else {
      fs::remove(file);
      dc::test::write_text(file, edit.toStdString());
    }
    auto expect_words = [&](const std::string& message) {
      for (const QString& w : words.split('|'))
        QVERIFY2(message.find(w.toStdString()) != std::string::npos, message.c_str());
    };
    if (fatal) {
      try {
        read_root(root);
        QFAIL("no ParseError");
      } catch (const ParseError& e) {
        QCOMPARE(e.file(), file);
        expect_words(e.message());
        QVERIFY(e.line() >= 1);
      }
    } else {
      const auto drives = read_root(root);
      QCOMPARE(drives.size(), std::size_t(2));
      for (const Drive& d : drives) {
        bool found = false;
        for (const auto& e : d.errors)
          if (e.path == file.string()) {
            expect_words(e.message);
            found = true;
          }
        QVERIFY2(found, all_errors(d).c_str());
      }
    }
  }

  // A trainval sample_data.json is about 500 MB: the rate the tables are read at (printed, not asserted).
  void parseRateOfALargeTable() {
    QTemporaryDir tmp;
    const fs::path version = fs::path(tmp.path().toStdString()) / "v1.0-big";
    Dataset small = make_dataset();
    small.write(version);
    const std::size_t target = 100u << 20;
    std::string text = "[\n";
    text.reserve(target + 4096);
    char buf[1024];
    std::size_t records = 0;
    for (std::uint64_t i = 0; text.size() < target; ++i, ++records) {
      const std::int64_t t = kT0 + static_cast<std::int64_t>(i) * 50000;
      std::snprintf(buf, sizeof buf,
                    "%s{\n\"token\": \"%016llx%016llx\",\n\"sample_token\": \"%016llx0000000000000000\",\n"
                    "\"ego_pose_token\": \"%016llx1111111111111111\",\n\"calibrated_sensor_token\": \"cs-lidar\",\n"
                    "\"timestamp\": %lld,\n\"fileformat\": \"pcd\",\n\"is_key_frame\": %s,\n\"height\": 0,\n"
                    "\"width\": 0,\n\"filename\": \"sweeps/LIDAR_TOP/n015-2018-07-24-11-22-45+0800__LIDAR_TOP__%lld.pcd.bin\",\n"
                    "\"prev\": \"%016llx%016llx\",\n\"next\": \"%016llx%016llx\"\n}",
                    i == 0 ? "" : ",\n", static_cast<unsigned long long>(i), static_cast<unsigned long long>(~i),
                    static_cast<unsigned long long>(i / 10), static_cast<unsigned long long>(i),
                    static_cast<long long>(t), i % 10 == 0 ? "true" : "false", static_cast<long long>(t),
                    static_cast<unsigned long long>(i - 1), static_cast<unsigned long long>(~(i - 1)),
                    static_cast<unsigned long long>(i + 1), static_cast<unsigned long long>(~(i + 1)));
      text += buf;
    }
    text += "\n]\n";
    dc::test::write_text(version / "sample_data.json", text);

    const auto start = std::chrono::steady_clock::now();
    const nuscenes::Tables tables = nuscenes::read_tables(version, {});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    QCOMPARE(tables.sample_data.rows.size(), records);
    QCOMPARE(tables.sample_data.rows[7].timestamp_us, kT0 + 7 * 50000);
    const double mb = static_cast<double>(tables.bytes_parsed) / (1 << 20);
    std::printf("nuScenes tables: %.1f MB (sample_data.json %zu records) parsed in %.2f s: %.1f MB/s\n", mb, records,
                seconds, mb / seconds);
  }
};

QTEST_APPLESS_MAIN(TestNuScenesReader)
#include "tst_nuscenes_reader.moc"

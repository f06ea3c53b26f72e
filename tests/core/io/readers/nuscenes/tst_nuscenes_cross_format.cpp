// The synthetic generator writes one scene as KITTI raw and as nuScenes: both readers must give the same drive
// (frames, timestamps, points, camera calibration, ground truth), and a nuScenes box projected with the nuScenes
// calibration must land on its object in the nuScenes image.
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "dc/synth/drive_generator.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numbers>
#include <set>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

struct Pair {
  const char* kitti;
  const char* nuscenes;
  const char* kitti_frame;
};
constexpr Pair kSensors[] = {{"velodyne_points", "LIDAR_TOP", "velo"},
                             {"image_02", "CAM_FRONT", "cam2"},
                             {"image_03", "CAM_FRONT_RIGHT", "cam3"}};

using dc::test::frames_of;

std::vector<const BoxLabel*> labels_at(const Drive& d, std::int64_t frame) {
  std::vector<const BoxLabel*> out;
  for (const auto& l : d.labels)
    if (l.frame_index == frame) out.push_back(&l);
  return out;
}

// The generator's class colours (synth/src/palette.h), RGB, and the grey of road and buildings: a pixel is
// classified by its chromaticity (shading scales all channels; haze and JPEG move it a little).
struct Reference {
  const char* category;
  double r, g, b;
};
constexpr Reference kColours[] = {
    {"Car", 200, 30, 35}, {"Pedestrian", 185, 40, 200}, {"Cyclist", 235, 195, 20}, {"grey", 128, 128, 128}};

std::string colour_class(const cv::Vec3b& bgr) {
  const double sum = bgr[0] + bgr[1] + bgr[2] + 1e-9;
  const double r = bgr[2] / sum, g = bgr[1] / sum;
  std::string best;
  double best_d = 1e9;
  for (const auto& c : kColours) {
    const double s = c.r + c.g + c.b;
    const double d = std::hypot(r - c.r / s, g - c.g / s);
    if (d < best_d) best_d = d, best = c.category;
  }
  return best;
}

cv::Vec3b median_patch(const cv::Mat& img, int u, int v) {
  std::vector<int> ch[3];
  for (int dv = -1; dv <= 1; ++dv)
    for (int du = -1; du <= 1; ++du) {
      const cv::Vec3b p = img.at<cv::Vec3b>(v + dv, u + du);
      for (int c = 0; c < 3; ++c) ch[c].push_back(p[c]);
    }
  cv::Vec3b out;
  for (int c = 0; c < 3; ++c) {
    std::nth_element(ch[c].begin(), ch[c].begin() + 4, ch[c].end());
    out[c] = static_cast<unsigned char>(ch[c][4]);
  }
  return out;
}

}  // namespace

class TestNuScenesCrossFormat : public QObject {
  Q_OBJECT

private:
  QTemporaryDir tmp_;
  Drive kitti_, nus_;

private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    GeneratorOptions g;
    g.frames = 11;  // nuScenes keyframes 0, 5, 10 at 10 Hz
    g.seed = 3;
    g.cameras = 2;
    g.image_width = 414;
    g.image_height = 125;
    g.lidar_beams = 32;
    g.lidar_columns = 720;
    g.threads = 2;
    g.out = fs::path(tmp_.path().toStdString()) / "kitti";
    const GeneratorResult k = generate_drive(g);
    g.format = "nuscenes";
    g.out = fs::path(tmp_.path().toStdString()) / "nuscenes";
    const GeneratorResult n = generate_drive(g);
    QCOMPARE(n.drive_dir, g.out);
    QCOMPARE(n.frames, 11);

    QCOMPARE(detect_reader(k.drive_dir)->format(), std::string("kitti-raw"));
    QCOMPARE(detect_reader(n.drive_dir)->format(), std::string("nuscenes"));
    kitti_ = detect_reader(k.drive_dir)->read_single(k.drive_dir);
    nus_ = detect_reader(n.drive_dir)->read_single(n.drive_dir);
    QVERIFY(kitti_.errors.empty());
    std::string errors;
    for (const auto& e : nus_.errors) errors += e.path + ": " + e.message + "\n";
    QVERIFY2(nus_.errors.empty(), errors.c_str());
    QCOMPARE(nus_.name, std::string("scene-0001"));
  }

  void sameFramesAndTimestamps() {
    for (const Pair& p : kSensors) {
      const auto a = frames_of(kitti_, p.kitti), b = frames_of(nus_, p.nuscenes);
      QCOMPARE(a.size(), std::size_t(11));
      QCOMPARE(b.size(), a.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(b[i]->index, a[i]->index);
        // nuScenes stores microseconds.
        QVERIFY2(std::abs(b[i]->timestamp_ns - a[i]->timestamp_ns) <= 1000,
                 qPrintable(QString("%1 frame %2: %3 vs %4").arg(p.nuscenes).arg(i).arg(b[i]->timestamp_ns).arg(a[i]->timestamp_ns)));
        QVERIFY(!b[i]->file.empty());
      }
    }
    QCOMPARE(nus_.find_sensor("LIDAR_TOP")->rate_hz, 10.0);
  }

  void samePoints() {
    const auto a = frames_of(kitti_, "velodyne_points"), b = frames_of(nus_, "LIDAR_TOP");
    std::size_t total = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const PointCloud pa = load_point_cloud(*a[i]), pb = load_point_cloud(*b[i]);
      QCOMPARE(pb.size(), pa.size());
      for (std::size_t k = 0; k < pa.xyzi.size(); ++k)
        QVERIFY(std::abs(pa.xyzi[k] - pb.xyzi[k]) <= 1e-6f * std::max(1.0f, std::abs(pa.xyzi[k])));
      total += pa.size();
    }
    QVERIFY(total > 1000);
    // The ring column is the beam: 32 rings, the point's elevation the beam's.
    std::ifstream in(b[0]->file, std::ios::binary);
    std::vector<float> raw(b[0]->size / 4);
    in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(b[0]->size));
    float max_ring = 0;
    for (std::size_t i = 4; i < raw.size(); i += 5) max_ring = std::max(max_ring, raw[i]);
    QVERIFY(max_ring > 20 && max_ring <= 31);
  }

  void sameCameraCalibration() {
    QCOMPARE(nus_.calibrations.size(), std::size_t(1));
    const Calibration& kc = kitti_.calibrations.front();
    const Calibration& nc = nus_.calibrations.front();
    for (const Pair& p : kSensors) {
      if (std::string(p.kitti) == "velodyne_points") continue;
      const auto a = kc.transform(p.kitti_frame, "velo");
      const auto b = nc.transform(p.nuscenes, "LIDAR_TOP");
      QVERIFY(a && b);
      const double diff = (a->matrix() - b->matrix()).cwiseAbs().maxCoeff();
      QVERIFY2(diff < 1e-6, qPrintable(QString("%1: T_cam_from_lidar differs by %2").arg(p.nuscenes).arg(diff)));
      qInfo("%s: T_cam_from_lidar differs from KITTI's by %.2g at most", p.nuscenes, diff);
      const CameraIntrinsics& ka = kc.cameras.at(p.kitti);
      const CameraIntrinsics& kb = nc.cameras.at(p.nuscenes);
      QVERIFY((ka.K - kb.K).cwiseAbs().maxCoeff() < 1e-9);
      QCOMPARE(kb.width, ka.width);
      QCOMPARE(kb.height, ka.height);
    }
    // The lidar sits 1.73 m above the road (KITTI's mount) in nuScenes' ground-level ego frame.
    QVERIFY(std::abs(nc.transform("ego", "LIDAR_TOP")->translation().z() - 1.73) < 1e-6);
  }

  void sameGroundTruth() {
    std::map<std::string, std::string> track_of;  // KITTI tracklet -> nuScenes instance
    std::set<std::int64_t> keyframes;
    for (const auto& l : nus_.labels) keyframes.insert(l.frame_index);
    QCOMPARE(keyframes, (std::set<std::int64_t>{0, 5, 10}));
    std::size_t compared = 0;
    for (std::int64_t k : keyframes) {
      const auto a = labels_at(kitti_, k), b = labels_at(nus_, k);
      QCOMPARE(b.size(), a.size());
      for (const BoxLabel* ka : a) {
        const BoxLabel* best = nullptr;
        for (const BoxLabel* nb : b)
          if (!best || (nb->center - ka->center).norm() < (best->center - ka->center).norm()) best = nb;
        QVERIFY(best);
        auto [it, inserted] = track_of.try_emplace(ka->track_id, best->track_id);
        QCOMPARE(it->second, best->track_id);  // the same object all along
        QVERIFY2((best->center - ka->center).norm() < 1e-5,
                 qPrintable(QString::number((best->center - ka->center).norm())));
        QVERIFY(std::abs(best->length - ka->length) < 1e-5);
        QVERIFY(std::abs(best->width - ka->width) < 1e-5);
        QVERIFY(std::abs(best->height - ka->height) < 1e-5);
        QVERIFY2(std::abs(std::remainder(best->yaw - ka->yaw, 2 * std::numbers::pi)) < 1e-5,
                 qPrintable(QString("%1 vs %2").arg(best->yaw).arg(ka->yaw)));
        QCOMPARE(best->category, ka->category);
        QVERIFY(!best->source_category.empty());
        ++compared;
      }
    }
    QVERIFY(compared >= 3);
    qInfo("%zu keyframe boxes equal to their KITTI tracklet boxes", compared);
  }

  void keyframeBoxProjectsOntoItsObject() {
    const Calibration& nc = nus_.calibrations.front();
    const auto T = nc.transform("CAM_FRONT", "LIDAR_TOP");
    const CameraIntrinsics& K = nc.cameras.at("CAM_FRONT");
    const auto cams = frames_of(nus_, "CAM_FRONT");
    int tested = 0;
    for (const BoxLabel& box : nus_.labels) {
      // Fully visible in image_02 = CAM_FRONT (the KITTI label of the same box says so: all lines of sight free).
      const BoxLabel* twin = nullptr;
      for (const BoxLabel* k : labels_at(kitti_, box.frame_index))
        if ((k->center - box.center).norm() < 1e-5) twin = k;
      QVERIFY(twin);
      if (twin->occlusion != 0 || twin->truncation_state != 0) continue;
      const Eigen::Vector3d p = *T * box.center;
      if (p.z() < 2) continue;
      const Eigen::Vector3d uv = K.K * p;
      const int u = static_cast<int>(std::lround(uv.x() / uv.z())), v = static_cast<int>(std::lround(uv.y() / uv.z()));
      // Big enough on screen that the 3 x 3 patch lies on the object.
      const double pixels = K.K(0, 0) * std::min(box.width, box.height) / p.z();
      if (u < 2 || v < 2 || u >= K.width - 2 || v >= K.height - 2 || pixels < 6) continue;
      const cv::Mat image = load_image(*cams[static_cast<std::size_t>(box.frame_index)]);
      const std::string seen = colour_class(median_patch(image, u, v));
      QVERIFY2(seen == box.category, qPrintable(QString("%1 box of frame %2 at pixel (%3, %4) shows %5")
                                                    .arg(QString::fromStdString(box.category))
                                                    .arg(box.frame_index).arg(u).arg(v)
                                                    .arg(QString::fromStdString(seen))));
      ++tested;
    }
    QVERIFY2(tested >= 1, "no fully visible keyframe box in front of CAM_FRONT");
    qInfo("%d keyframe boxes projected onto their objects", tested);
  }
};

QTEST_APPLESS_MAIN(TestNuScenesCrossFormat)
#include "tst_nuscenes_cross_format.moc"

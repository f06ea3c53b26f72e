// Headless sample access: DriveSession + SampleLoader on a real KITTI object split and on a generated drive, as a
// pass on a cluster node loads samples (no Qt Widgets, no display).
#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "dc/core/data/point_box_membership.h"
#include "dc/core/data/sample_loader.h"
#include "dc/core/io/ingester.h"
#include "test_support.h"

#include <QtTest>
#include <filesystem>

namespace fs = std::filesystem;
using dc::core::DriveSession;
using dc::core::SampleLoader;

class TstSampleLoader : public QObject {
  Q_OBJECT
  fs::path work_;
  std::shared_ptr<const DriveSession> kitti_, generated_;

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("tst_sample_loader");
    const fs::path catalog = work_ / "catalog.sqlite";
    {
      dc::core::Catalog c(catalog);
      dc::core::Ingester(c).ingest({dc::test::shared_data_dir() / "kitti-object" / "training"});
    }
    auto r = dc::test::run_cli({"--quiet", "generate", "--out", (work_ / "gen").string(), "--frames", "6", "--width",
                                "160", "--height", "64", "--columns", "300", "--seed", "3"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = dc::test::run_cli({"--quiet", "--catalog", catalog.string(), "ingest", (work_ / "gen").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    dc::core::Catalog c(catalog);
    kitti_ = DriveSession::open(c, "kitti-object/training");
    for (const auto& d : c.drives())
      if (d.format != "kitti-object") generated_ = DriveSession::open(c, d.name);
    QVERIFY(kitti_ && generated_);
  }

  void kitti_object_frame() {
    QCOMPARE(kitti_->sample_count(), 3);
    QVERIFY(!kitti_->timestamped());
    const SampleLoader loader(kitti_);
    const auto s = loader.load(1);
    QVERIFY2(s.ok(), s.error.c_str());
    QCOMPARE(s.info.key(), std::int64_t{1});
    const auto bin = dc::test::shared_data_dir() / "kitti-object/training/velodyne/000001.bin";
    QCOMPARE(s.cloud.size(), static_cast<std::size_t>(fs::file_size(bin) / 16));
    QCOMPARE(s.cameras.size(), std::size_t{1});
    const auto* cam = s.camera("image_2");
    QVERIFY(cam);
    QCOMPARE(cam->image.cols, 1242);
    QCOMPARE(cam->image.rows, 375);
    // The calibration picked is frame 000001's own: P2 of the 2011_09_26 rig (000000 has 707.0493).
    QVERIFY(cam->model.has_value());
    QCOMPARE(cam->model->intrinsics.K(0, 0), 721.5377);
    QCOMPARE(loader.load(0).camera("image_2")->model->intrinsics.K(0, 0), 707.0493);
    QVERIFY(cam->projection.points.valid_count > 5000);
    QCOMPARE(cam->projection.far_to_near.size(), cam->projection.points.valid_count);
    for (std::size_t k = 1; k < cam->projection.far_to_near.size(); ++k)
      QVERIFY(cam->projection.points.depth[cam->projection.far_to_near[k - 1]] >=
              cam->projection.points.depth[cam->projection.far_to_near[k]]);
    // Labels are boxes only; the DontCare rows of label_2/000001.txt are regions.
    QVERIFY(!s.labels.empty());
    for (const auto& b : s.labels) QVERIFY(b.category != "DontCare");
    QVERIFY(!s.dont_care.empty());
    QVERIFY(s.missing_sensors.empty());
    // Points inside the boxes: the car in front has lidar returns.
    QCOMPARE(s.point_box.size(), s.cloud.size());
    std::size_t labeled = 0;
    for (auto b : s.point_box) labeled += b >= 0;
    QVERIFY(labeled > 50);
  }

  void generated_drive() {
    const SampleLoader loader(generated_);
    QCOMPARE(generated_->sample_count(), 6);
    QCOMPARE(generated_->camera_sensors(), (std::vector<std::string>{"image_02", "image_03"}));
    const auto s = loader.load(2);
    QVERIFY2(s.ok(), s.error.c_str());
    QCOMPARE(s.cloud.size(), static_cast<std::size_t>(fs::file_size(generated_->lidar_frame(2)->file) / 16));
    for (const auto& cam : s.cameras) {
      QCOMPARE(cam.image.cols, 160);
      QCOMPARE(cam.image.rows, 64);
      QVERIFY(cam.model.has_value());
      QVERIFY(cam.projection.points.valid_count > 100);
    }
    QVERIFY(s.pose.has_value());
    QVERIFY(s.calibration.has_value());
    QCOMPARE(s.labels.size(), generated_->labels(2).size());
  }

  void sensor_without_frame_within_skew() {
    // A session whose camera frames are all far from the sweep: the sample has no camera member, and says so.
    dc::core::Drive drive = kitti_->drive();
    for (auto& f : drive.frames)
      if (f.sensor == "image_2") f.timestamp_ns += 5'000'000'000;  // 5 s away from every sweep
    auto session = std::make_shared<const DriveSession>(std::move(drive), std::vector<dc::core::Sample>{});
    const auto s = SampleLoader(session).load(0);
    QVERIFY(!s.info.member("image_2"));
    QVERIFY(s.missing_sensors.count("image_2"));
    QCOMPARE(QString::fromStdString(s.missing_sensors.at("image_2")), QString("no frame within 0.1 s"));
    QVERIFY(s.camera("image_2")->image.empty());
    QCOMPARE(s.camera("image_2")->problem, s.missing_sensors.at("image_2"));
    QVERIFY(s.ok());  // not an error: nothing was recorded near that sweep
  }

  void out_of_range_and_cancel() {
    const SampleLoader loader(generated_);
    QVERIFY(!loader.load(99).ok());
    std::atomic<bool> cancel{true};
    const auto s = loader.load(0, &cancel);
    QVERIFY(s.cameras.empty());  // stopped before decoding images
  }
};

QTEST_GUILESS_MAIN(TstSampleLoader)
#include "tst_sample_loader.moc"

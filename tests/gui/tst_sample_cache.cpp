#include "dc/core/catalog/catalog.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/data/drive_session.h"
#include "dc/widgets/inspector_panel.h"
#include "dc/widgets/sample_cache.h"
#include "test_support.h"

#include <QSignalSpy>
#include <QTreeWidget>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace dc::widgets;
namespace fs = std::filesystem;

namespace {
// Generates a small synthetic drive and ingests it; returns the drive folder.
fs::path make_drive(const fs::path& dir, const fs::path& catalog, const std::vector<std::string>& extra) {
  std::vector<std::string> args{"--quiet", "generate", "--out", dir.string(), "--threads", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto gen = dc::test::run_cli(args);
  if (gen.exit_code != 0) throw std::runtime_error("generate failed: " + gen.err);
  auto ingest = dc::test::run_cli({"--quiet", "--catalog", catalog.string(), "ingest", dir.string()});
  if (ingest.exit_code != 0) throw std::runtime_error("ingest failed: " + ingest.err);
  for (const auto& date : fs::directory_iterator(dir))
    for (const auto& drive : fs::directory_iterator(date.path()))
      if (drive.is_directory()) return drive.path();
  throw std::runtime_error("no drive folder under " + dir.string());
}

// Requests one sample and waits until the cache answers it.
std::shared_ptr<const SampleData> fetch(SampleCache& cache, int sample, int timeout_ms = 20000) {
  std::shared_ptr<const SampleData> got;
  auto c = QObject::connect(&cache, &SampleCache::sample_ready, [&](int s, std::shared_ptr<const SampleData> d) {
    if (s == sample) got = std::move(d);
  });
  cache.request(sample);
  QElapsedTimer timer;
  timer.start();
  while (!got && timer.elapsed() < timeout_ms) QTest::qWait(2);
  QObject::disconnect(c);
  return got;
}

void wait_idle(SampleCache& cache) {
  QElapsedTimer timer;
  timer.start();
  while (cache.loading_count() > 0 && timer.elapsed() < 20000) QTest::qWait(2);
}
}  // namespace

class TstSampleCache : public QObject {
  Q_OBJECT
  fs::path work_, catalog_, drive_dir_, long_dir_;
  std::shared_ptr<const dc::core::DriveSession> session_, long_session_;

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("tst_sample_cache");
    catalog_ = work_ / "catalog.sqlite";
    drive_dir_ = make_drive(work_ / "short", catalog_,
                            {"--frames", "30", "--width", "320", "--height", "96", "--columns", "500", "--seed", "5"});
    long_dir_ = make_drive(work_ / "long", catalog_,
                           {"--frames", "200", "--width", "64", "--height", "48", "--beams", "8", "--columns", "64",
                            "--seed", "7", "--date", "2030_03_03", "--drive", "3"});
    session_ = dc::core::DriveSession::open(catalog_, drive_dir_.filename().string());
    long_session_ = dc::core::DriveSession::open(catalog_, long_dir_.filename().string());
    QCOMPARE(session_->sample_count(), 30);
    QCOMPARE(long_session_->sample_count(), 200);
  }

  void loads_every_sample_with_its_payloads() {
    SampleCache cache;
    cache.set_session(session_);
    for (int i = 0; i < session_->sample_count(); ++i) {
      auto data = fetch(cache, i);
      QVERIFY2(data, qPrintable(QString("sample %1 never arrived").arg(i)));
      QCOMPARE(data->sample, i);
      QVERIFY2(data->ok(), data->error.c_str());
      const auto* lidar = session_->lidar_frame(i);
      QVERIFY(lidar);
      const auto expected_points = fs::file_size(lidar->file) / 16;
      QCOMPARE(data->cloud.size(), static_cast<std::size_t>(expected_points));
      QVERIFY(data->cloud.size() > 1000);
      QCOMPARE(data->cameras.size(), std::size_t{2});
      for (const char* camera : {"image_02", "image_03"}) {
        const auto* cam = data->camera(camera);
        QVERIFY(cam);
        QCOMPARE(cam->image.cols, 320);
        QCOMPARE(cam->image.rows, 96);
        QVERIFY(cam->projection.points.valid_count > 0);  // projected by the loader, off the GUI thread
      }
      QCOMPARE(data->labels.size(), session_->labels(i).size());
      QVERIFY(data->calibration.has_value());
      QVERIFY(data->pose.has_value());
      QCOMPARE(data->info.lidar_frame_index, session_->sample(i).lidar_frame_index);
    }
    // Same bytes as the loader called directly.
    auto direct = dc::core::load_point_cloud(*session_->lidar_frame(7));
    QCOMPARE(cache.get(7)->cloud.xyzi, direct.xyzi);
  }

  void cached_hit_answers_immediately() {
    SampleCache cache;
    cache.set_session(session_);
    cache.set_prefetch(0, 0);
    QVERIFY(fetch(cache, 3));
    QVERIFY(cache.contains(3));
    QSignalSpy spy(&cache, &SampleCache::sample_ready);
    cache.request(3);
    QCOMPARE(spy.count(), 1);  // before returning, no event loop needed
    QCOMPARE(spy.at(0).at(0).toInt(), 3);
    QCOMPARE(cache.loading_count(), 0);
  }

  void memory_stays_within_budget() {
    // A budget of about three samples over a 200-sample drive.
    const std::size_t one = dc::core::SampleLoader(long_session_).load(0).byte_size();
    QVERIFY(one > 0);
    const std::size_t budget = 3 * one + one / 2;
    SampleCache cache;
    cache.set_session(long_session_);
    cache.set_budget_bytes(budget);
    cache.set_prefetch(6, 2);
    int answered = 0;
    for (int i = 0; i < long_session_->sample_count(); ++i) {
      auto data = fetch(cache, i);
      QVERIFY2(data, qPrintable(QString("sample %1 never arrived").arg(i)));
      QVERIFY2(data->ok(), data->error.c_str());
      QVERIFY2(cache.bytes() <= budget, qPrintable(QString("%1 > %2 at %3").arg(cache.bytes()).arg(budget).arg(i)));
      QVERIFY(cache.cached_count() <= 4);
      ++answered;
    }
    wait_idle(cache);
    QCOMPARE(answered, 200);
    QVERIFY(cache.peak_bytes() <= budget);
    QVERIFY(cache.bytes() <= budget);
    QVERIFY(cache.contains(199));  // the last request is never the one evicted
    // Shrinking the budget evicts at once.
    cache.set_budget_bytes(one + one / 2);
    QVERIFY(cache.bytes() <= one + one / 2);
    QVERIFY(cache.cached_count() <= 1);
  }

  void sample_over_the_budget_is_shown_once_uncached() {
    const std::size_t one = dc::core::SampleLoader(session_).load(3).byte_size();
    SampleCache cache;
    cache.set_session(session_);
    cache.set_budget_bytes(one / 2);  // not even one sample fits
    cache.set_prefetch(2, 1);
    QSignalSpy spy(&cache, &SampleCache::sample_ready);
    cache.request(3);
    QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), 20000);
    wait_idle(cache);
    QTest::qWait(300);  // a reload loop would answer again (and keep loading) by now
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 3);
    QCOMPARE(cache.loading_count(), 0);
    QCOMPARE(cache.cached_count(), 0);
    QCOMPARE(cache.bytes(), std::size_t{0});
    // Asking again (the user steps back to it) loads it again, once.
    cache.request(4);
    cache.request(3);
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 2, 20000);
    wait_idle(cache);
    QTest::qWait(300);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).toInt(), 3);

    // The inspector shows such a sample's rows once, however often it is answered.
    InspectorPanel panel;
    panel.set_session(session_);
    auto data = qvariant_cast<std::shared_ptr<const SampleData>>(spy.at(1).at(1));
    panel.show_sample_data(data);
    const int rows = panel.tree()->topLevelItem(0)->childCount();
    panel.show_sample_data(data);
    panel.show_sample_data(data);
    QCOMPARE(panel.tree()->topLevelItem(0)->childCount(), rows);
  }

  void prefetch_fills_ahead_and_behind() {
    SampleCache cache;
    cache.set_session(session_);
    cache.set_prefetch(5, 2);
    QVERIFY(fetch(cache, 10));
    wait_idle(cache);
    for (int s = 8; s <= 15; ++s) QVERIFY2(cache.contains(s), qPrintable(QString("sample %1 not prefetched").arg(s)));
    QVERIFY(!cache.contains(7));
    QVERIFY(!cache.contains(16));
    // Stepping forward is now answered from the cache.
    QSignalSpy spy(&cache, &SampleCache::sample_ready);
    cache.request(11);
    QCOMPARE(spy.count(), 1);
    wait_idle(cache);
    QVERIFY(cache.contains(16));
  }

  void stale_requests_are_not_answered() {
    SampleCache cache;
    cache.set_session(session_);
    cache.set_prefetch(0, 0);
    cache.set_max_threads(1);
    QSignalSpy spy(&cache, &SampleCache::sample_ready);
    cache.request(0);
    cache.request(1);
    cache.request(25);
    QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), 20000);
    wait_idle(cache);
    QTest::qWait(20);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 25);
    QVERIFY(!cache.contains(1));  // queued behind the newer request, then dropped
  }

  void corrupt_payloads_give_an_error_entry() {
    // A damaged copy: a truncated lidar sweep and a missing image, found after ingest.
    const fs::path dir = work_ / "damaged";
    const fs::path catalog = work_ / "damaged.sqlite";
    const fs::path drive = make_drive(dir, catalog,
                                      {"--frames", "6", "--width", "96", "--height", "48", "--beams", "8", "--columns",
                                       "64", "--seed", "9", "--date", "2030_05_05", "--drive", "5"});
    auto session = dc::core::DriveSession::open(catalog, drive.filename().string());
    const fs::path bin = session->lidar_frame(2)->file;
    {
      std::ofstream out(bin, std::ios::binary | std::ios::trunc);
      out << "not a point cloud";  // 17 bytes: not a multiple of 16
    }
    const dc::core::Frame* image = nullptr;
    for (const auto& m : session->sample(4).members)
      if (m.sensor == "image_02") image = session->frame(m.sensor, m.frame_index);
    QVERIFY(image);
    fs::remove(image->file);

    SampleCache cache;
    cache.set_session(session);
    auto bad_cloud = fetch(cache, 2);
    QVERIFY(bad_cloud);
    QVERIFY(!bad_cloud->ok());
    QVERIFY(bad_cloud->cloud.size() == 0);
    QVERIFY2(bad_cloud->error.find(bin.filename().string()) != std::string::npos, bad_cloud->error.c_str());
    QVERIFY(bad_cloud->sensor_errors.count("velodyne_points"));
    for (const char* camera : {"image_02", "image_03"})  // the rest of the sample still loaded
      QVERIFY(!bad_cloud->camera(camera)->image.empty());

    auto no_image = fetch(cache, 4);
    QVERIFY(no_image);
    QVERIFY(!no_image->ok());
    QVERIFY(no_image->sensor_errors.count("image_02"));
    QVERIFY(no_image->camera("image_02")->image.empty());
    QVERIFY(!no_image->camera("image_02")->problem.empty());
    QVERIFY(!no_image->camera("image_03")->image.empty());
    QVERIFY(no_image->cloud.size() > 0);

    auto fine = fetch(cache, 0);
    QVERIFY(fine && fine->ok());
    // An index outside the drive is answered with an error too.
    auto outside = fetch(cache, 99);
    QVERIFY(outside && !outside->ok());
  }

  void inspector_shows_sample_and_box() {
    InspectorPanel panel;
    panel.set_session(session_);
    panel.show_sample(5);
    QCOMPARE(panel.value("Sample/Index"), QString("5"));
    // Hand-written expectations for the seed-5 generated drive (its rig scales KITTI's fx 721.54 to a 320 px wide
    // image: 185.90), not strings rebuilt with the code under test.
    QCOMPARE(panel.value("Sample/Lidar frame"), QString("velodyne_points #5"));
    QCOMPARE(panel.value("Sample/Time"), QString("2030-01-01T12:01:00.501Z"));
    QCOMPARE(panel.value("Sample/Skew"), QString("max 18.92 ms"));
    QCOMPARE(panel.value("Sample/Skew/image_02"), QString("10.35 ms  (frame 5)"));
    QCOMPARE(panel.value("Sample/Skew/image_03"), QString("9.76 ms  (frame 5)"));
    QCOMPARE(panel.value("Sample/Skew/oxts"), QString("18.92 ms  (frame 5)"));
    QCOMPARE(panel.value("Pose/Velocity"), QString("10.20 m/s  (36.7 km/h)"));
    QCOMPARE(panel.value("Calibration/image_02/fx fy"), QString("185.90, 184.71"));
    QCOMPARE(panel.value("Calibration/image_02/T_cam_from_lidar"), QString("t 0.0571, -0.0755, -0.2694 m"));
    QCOMPARE(panel.value("Calibration/image_03/Size"), QString("320 x 96"));

    auto data = std::make_shared<SampleData>(dc::core::SampleLoader(session_).load(5));
    panel.show_sample_data(data);
    QCOMPARE(panel.value("Sample/Points"), QString::number(data->cloud.size()));
    QVERIFY(panel.value("Sample/Errors").isEmpty());

    QVERIFY(!session_->labels(5).empty());
    const auto& box = session_->labels(5).front();
    panel.show_box(box);
    QCOMPARE(panel.value("Box/Class"), QString("Car"));
    QCOMPARE(panel.value("Box/Size l w h (m)"), QString("4.27, 1.87, 1.60"));
    QCOMPARE(panel.value("Box/Center (m)"), QString("-52.64, 0.30, -1.03"));
    QCOMPARE(panel.value("Box/Source"), QString("gt"));
    QCOMPARE(panel.value("Box/Review"), QString("unreviewed"));
    QCOMPARE(panel.value("Box/Revision"), QString("1"));
    panel.clear_box();
    QVERIFY(panel.value("Box/Class").isEmpty());

    // A sample that failed to load lists its errors.
    auto broken = std::make_shared<SampleData>(*data);
    broken->sensor_errors["image_03"] = "/x/0000000005.png: image file not found";
    broken->error = "image_03: /x/0000000005.png: image file not found";
    panel.show_sample_data(broken);
    QCOMPARE(panel.value("Sample/Errors/image_03"), QString("/x/0000000005.png: image file not found"));
  }

  void session_paths_and_poses() {
    const auto& s = *session_;
    QCOMPARE(s.sensor_names().front(), std::string("velodyne_points"));
    QCOMPARE(s.frames("image_02").size(), std::size_t{30});
    QVERIFY(s.calibration(0));
    QVERIFY(s.T_camera_from_lidar(0, "image_02").has_value());
    const auto pose = s.pose(5);
    QVERIFY(pose.has_value());
    // The ego path passes through the sensor rig at the sample's own time: its point nearest in time is the IMU
    // origin, which sits close to the lidar (within a couple of metres).
    const auto path = s.ego_path(5, 0.0, 0.0);
    QCOMPARE(path.size(), std::size_t{1});
    const Eigen::Vector3d imu_in_lidar = s.T_lidar_from_imu(5).translation();
    QVERIFY((path.front() - imu_in_lidar).norm() < 1e-6);
    QVERIFY(path.front().norm() < 3.0);
    const auto full = s.ego_path(5);
    QCOMPARE(full.size(), s.poses().size());
    // Moving forward: later poses lie ahead (+x) of the lidar.
    QVERIFY(full.back().x() > full.front().x());
  }
};

QTEST_MAIN(TstSampleCache)
#include "tst_sample_cache.moc"

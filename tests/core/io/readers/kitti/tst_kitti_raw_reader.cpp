#include "dc/core/io/parse_error.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "test_support.h"

#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

const char* kDriveName = "2011_09_26_drive_0001_sync";
const char* kSensorNames[] = {"image_00", "image_01", "image_02", "image_03", "velodyne_points", "oxts"};

fs::path date_dir() { return dc::test::shared_data_dir() / "kitti-raw" / "2011_09_26"; }
fs::path drive_dir() { return date_dir() / kDriveName; }

using dc::test::frames_of;

const IngestError* find_error(const Drive& d, const std::string& path_suffix) {
  for (const auto& e : d.errors)
    if (e.path.size() >= path_suffix.size() && e.path.compare(e.path.size() - path_suffix.size(), path_suffix.size(), path_suffix) == 0)
      return &e;
  return nullptr;
}

// KITTI's boost-serialization layout, two tracklets.
const char* kTrackletXml = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<!DOCTYPE boost_serialization>
<boost_serialization signature="serialization::archive" version="9">
<tracklets class_id="0" tracking_level="0" version="0">
	<count>2</count>
	<item_version>1</item_version>
	<item class_id="1" tracking_level="0" version="1">
		<objectType>Car</objectType>
		<h>1.5</h>
		<w>1.6</w>
		<l>4.2</l>
		<first_frame>2</first_frame>
		<poses class_id="2" tracking_level="0" version="0">
			<count>3</count>
			<item_version>2</item_version>
			<item class_id="3" tracking_level="0" version="2">
				<tx>10.5</tx><ty>-2.25</ty><tz>-1.75</tz><rx>0</rx><ry>0</ry><rz>0.1</rz>
				<state>1</state><occlusion>0</occlusion><occlusion_kf>0</occlusion_kf><truncation>0</truncation>
				<amt_occlusion>0.0</amt_occlusion><amt_occlusion_kf>-1</amt_occlusion_kf>
				<amt_border_l>0.0</amt_border_l><amt_border_r>0.0</amt_border_r><amt_border_kf>-1</amt_border_kf>
			</item>
			<item>
				<tx>11.5</tx><ty>-2.25</ty><tz>-1.75</tz><rx>0</rx><ry>0</ry><rz>0.2</rz>
				<state>2</state><occlusion>1</occlusion><occlusion_kf>0</occlusion_kf><truncation>1</truncation>
				<amt_occlusion>0.0</amt_occlusion><amt_occlusion_kf>-1</amt_occlusion_kf>
				<amt_border_l>0.0</amt_border_l><amt_border_r>0.0</amt_border_r><amt_border_kf>-1</amt_border_kf>
			</item>
			<item>
				<tx>12.5</tx><ty>-2.0</ty><tz>-1.7</tz><rx>0</rx><ry>0</ry><rz>-3.0</rz>
				<state>1</state><occlusion>2</occlusion><occlusion_kf>0</occlusion_kf><truncation>0</truncation>
				<amt_occlusion>0.0</amt_occlusion><amt_occlusion_kf>-1</amt_occlusion_kf>
				<amt_border_l>0.0</amt_border_l><amt_border_r>0.0</amt_border_r><amt_border_kf>-1</amt_border_kf>
			</item>
		</poses>
		<finished>1</finished>
	</item>
	<item>
		<objectType>Pedestrian</objectType>
		<h>1.8</h>
		<w>0.6</w>
		<l>0.8</l>
		<first_frame>0</first_frame>
		<poses>
			<count>1</count>
			<item_version>2</item_version>
			<item>
				<tx>-4</tx><ty>6</ty><tz>-1.6</tz><rx>0</rx><ry>0</ry><rz>1.5</rz>
				<state>1</state><occlusion>0</occlusion><occlusion_kf>0</occlusion_kf><truncation>2</truncation>
				<amt_occlusion>0.0</amt_occlusion><amt_occlusion_kf>-1</amt_occlusion_kf>
				<amt_border_l>0.0</amt_border_l><amt_border_r>0.0</amt_border_r><amt_border_kf>-1</amt_border_kf>
			</item>
		</poses>
		<finished>1</finished>
	</item>
</tracklets>
</boost_serialization>
)";

}  // namespace

class TestKittiRawReader : public QObject {
  Q_OBJECT

  Drive drive_;

private slots:
  void initTestCase() {
    const DriveReader* reader = detect_reader(drive_dir());
    QVERIFY(reader);
    QCOMPARE(reader->format(), std::string("kitti-raw"));
    QCOMPARE(reader, reader_for_format("kitti-raw"));
    drive_ = reader->read_single(drive_dir());
  }

  void driveMetadata() {
    QCOMPARE(drive_.name, std::string(kDriveName));
    QCOMPARE(drive_.format, std::string("kitti-raw"));
    QCOMPARE(drive_.time_zone, std::string("Europe/Berlin"));
    QVERIFY(drive_.timestamped);
    QCOMPARE(fs::path(drive_.root), fs::absolute(drive_dir()).lexically_normal());
    QCOMPARE(drive_.sensors.size(), std::size_t(6));
    const struct {
      const char* name;
      SensorKind kind;
      const char* frame_id;
    } expected[] = {{"image_00", SensorKind::Camera, "cam0"},      {"image_01", SensorKind::Camera, "cam1"},
                    {"image_02", SensorKind::Camera, "cam2"},      {"image_03", SensorKind::Camera, "cam3"},
                    {"velodyne_points", SensorKind::Lidar, "velo"}, {"oxts", SensorKind::GnssImu, "imu"}};
    for (const auto& e : expected) {
      const Sensor* s = drive_.find_sensor(e.name);
      QVERIFY2(s, e.name);
      QCOMPARE(s->kind, e.kind);
      QCOMPARE(s->frame_id, std::string(e.frame_id));
      QCOMPARE(s->rate_hz, 10.0);
    }
    QCOMPARE(drive_.find_sensor("velodyne_points")->model, std::string("HDL-64E"));
    QCOMPARE(drive_.find_sensor("oxts")->model, std::string("OXTS RT3003"));
    QCOMPARE(drive_.lidar_sensor(), std::string("velodyne_points"));
    QVERIFY(drive_.labels.empty());  // the sample has no tracklet_labels.xml
  }

  void framesPerSensor() {
    for (const char* name : kSensorNames) {
      const auto frames = frames_of(drive_, name);
      QCOMPARE(frames.size(), std::size_t(108));
      for (std::size_t k = 0; k < frames.size(); ++k) QCOMPARE(frames[k]->index, std::int64_t(k));
      for (std::size_t k = 1; k < frames.size(); ++k) {
        const std::int64_t dt = frames[k]->timestamp_ns - frames[k - 1]->timestamp_ns;
        QVERIFY2(dt > 80'000'000 && dt < 120'000'000, name);  // 10 Hz
      }
    }
    QCOMPARE(drive_.frames.size(), std::size_t(6 * 108));
  }

  void exactTimestamps() {
    // The files hold Karlsruhe wall-clock time: 2011-09-26 13:02:25 CEST (UTC+2) = 11:02:25 UTC
    // = 1317042145 - 7200 = 1317034945 s; the digits after the dot are the file's nanoseconds.
    const struct {
      const char* sensor;
      std::int64_t first, last;
    } expected[] = {
        {"image_00", 1317034945967790592LL, 1317034957004875264LL},
        {"image_01", 1317034945967791872LL, 1317034957004624640LL},
        {"image_02", 1317034945961661696LL, 1317034956998492672LL},
        {"image_03", 1317034945961178112LL, 1317034956998005504LL},
        {"velodyne_points", 1317034945951199337LL, 1317034956988034816LL},
        {"oxts", 1317034945964389445LL, 1317034957004854985LL},
    };
    for (const auto& e : expected) {
      const auto frames = frames_of(drive_, e.sensor);
      QCOMPARE(frames.front()->timestamp_ns, e.first);
      QCOMPARE(frames.back()->timestamp_ns, e.last);
    }
  }

  void missingPayloadFoldersAreReportedNotFatal() {
    // The sample ships no image or velodyne data/: one error per folder, frames kept without payload.
    for (const char* name : {"image_00", "image_01", "image_02", "image_03", "velodyne_points"}) {
      const std::string suffix = std::string(name) + "/data";
      const IngestError* e = find_error(drive_, suffix);
      QVERIFY2(e, name);
      QCOMPARE(e->line, 0);
      QCOMPARE(e->drive, std::string(kDriveName));
      QVERIFY2(e->message.find("folder missing") != std::string::npos, e->message.c_str());
      QVERIFY2(e->message.find("108 frames") != std::string::npos, e->message.c_str());
      for (const Frame* f : frames_of(drive_, name)) {
        QVERIFY(f->file.empty());
        QCOMPARE(f->size, std::uint64_t(0));
      }
    }
    QCOMPARE(drive_.errors.size(), std::size_t(5));
    // OXTS records are present.
    const auto oxts = frames_of(drive_, "oxts");
    QCOMPARE(fs::path(oxts[5]->file).filename().string(), std::string("0000000005.txt"));
    QVERIFY(fs::path(oxts[5]->file).is_absolute());
    QCOMPARE(oxts[5]->size, std::uint64_t(fs::file_size(oxts[5]->file)));
    // Loading a frame whose payload is missing says so.
    try {
      load_point_cloud(*frames_of(drive_, "velodyne_points")[0]);
      QFAIL("loaded a missing payload");
    } catch (const ParseError& e) {
      QVERIFY2(std::string(e.what()).find("payload missing") != std::string::npos, e.what());
    }
  }

  void poses() {
    QCOMPARE(drive_.poses.size(), std::size_t(108));
    const Pose& first = drive_.poses.front();
    QVERIFY(first.T_world_from_imu.matrix().isIdentity(1e-9));
    QCOMPARE(first.timestamp_ns, 1317034945964389445LL);
    QCOMPARE(first.latitude_deg, 49.015003823272);
    QCOMPARE(first.longitude_deg, 8.4342971002335);
    QCOMPARE(first.altitude_m, 116.43032836914);
    QCOMPARE(first.yaw, -2.6087069803847);
    QCOMPARE(first.forward_velocity_mps, 13.172716663769);

    double path = 0;
    for (std::size_t i = 1; i < drive_.poses.size(); ++i) {
      const Eigen::Vector3d step =
          drive_.poses[i].T_world_from_imu.translation() - drive_.poses[i - 1].T_world_from_imu.translation();
      QVERIFY(step.norm() < 3.0);  // < 30 m/s at 10 Hz
      path += step.norm();
      QVERIFY(drive_.poses[i].timestamp_ns > drive_.poses[i - 1].timestamp_ns);
    }
    QVERIFY2(path > 50 && path < 200, qPrintable(QString::number(path)));
    // Last pose in the first IMU frame, computed independently from the two OXTS records (devkit formulas).
    const Eigen::Vector3d last = drive_.poses.back().T_world_from_imu.translation();
    QVERIFY2((last - Eigen::Vector3d(106.35878535, -10.02958306, 1.33827393)).norm() < 1e-3,
             qPrintable(QString("%1 %2 %3").arg(last.x()).arg(last.y()).arg(last.z())));
    QCOMPARE(drive_.poses.back().timestamp_ns, 1317034957004854985LL);
  }

  void calibration() {
    QCOMPARE(drive_.calibrations.size(), std::size_t(1));
    const Calibration& c = drive_.calibrations.front();
    QCOMPARE(c.valid_from_ns, INT64_MIN);
    QCOMPARE(c.valid_to_ns, INT64_MAX);
    QCOMPARE(c.cameras.size(), std::size_t(4));
    for (const char* cam : {"image_00", "image_01", "image_02", "image_03"}) {
      const CameraIntrinsics& intr = c.cameras.at(cam);
      QCOMPARE(intr.K(0, 0), 721.5377);
      QCOMPARE(intr.K(1, 1), 721.5377);
      QCOMPARE(intr.K(0, 2), 609.5593);
      QCOMPARE(intr.K(1, 2), 172.854);
      QCOMPARE(intr.width, 1242);
      QCOMPARE(intr.height, 375);
      for (double d : intr.distortion) QCOMPARE(d, 0.0);
    }
    for (const char* frame : {"cam0", "cam1", "cam2", "cam3", "cam0_unrect"}) QVERIFY2(c.transform(frame, "velo"), frame);
    QVERIFY(c.transform("velo", "imu"));
    for (const auto& e : c.extrinsics) QCOMPARE(e.source, CalibrationSource::File);

    // calib_velo_to_cam.txt, straight.
    const Eigen::Isometry3d T_unrect = *c.transform("cam0_unrect", "velo");
    QCOMPARE(T_unrect.linear()(0, 0), 7.533745e-03);
    QCOMPARE(T_unrect.linear()(0, 1), -9.999714e-01);
    QCOMPARE(T_unrect.translation().z(), -2.717806e-01);
    const Eigen::Isometry3d T_imu = *c.transform("velo", "imu");
    QCOMPARE(T_imu.translation().x(), -8.086759e-01);
    QCOMPARE(T_imu.linear()(2, 1), 1.482454e-02);

    // K * (T_camI_from_velo * p) must equal P_rect_0I * R_rect_00 * T_cam0_from_velo * p (KITTI's projection).
    Eigen::Matrix4d R_rect = Eigen::Matrix4d::Identity();
    R_rect.topLeftCorner<3, 3>() << 9.999239e-01, 9.837760e-03, -7.445048e-03, -9.869795e-03, 9.999421e-01,
        -4.278459e-03, 7.402527e-03, 4.351614e-03, 9.999631e-01;
    Eigen::Matrix<double, 3, 4> P2, P3;
    P2 << 7.215377e+02, 0, 6.095593e+02, 4.485728e+01, 0, 7.215377e+02, 1.728540e+02, 2.163791e-01, 0, 0, 1, 2.745884e-03;
    P3 << 7.215377e+02, 0, 6.095593e+02, -3.395242e+02, 0, 7.215377e+02, 1.728540e+02, 2.199936e+00, 0, 0, 1, 2.729905e-03;
    const std::pair<const char*, Eigen::Matrix<double, 3, 4>> cams[] = {{"cam2", P2}, {"cam3", P3}};
    for (const auto& [frame, P] : cams) {
      const Eigen::Isometry3d T = *c.transform(frame, "velo");
      const Eigen::Matrix3d K = c.cameras.at(std::string("image_0") + frame[3]).K;
      for (const Eigen::Vector3d& p : {Eigen::Vector3d(15, 1, -1), Eigen::Vector3d(8, -4, 0.3)}) {
        const Eigen::Vector3d a = K * (T * p);
        const Eigen::Vector3d b = P * (R_rect * (T_unrect * p).homogeneous());
        QVERIFY((a.hnormalized() - b.hnormalized()).norm() < 1e-9);
      }
    }
    // Camera 3 sits about 0.47 m to the right of camera 0: the offset is K^-1 * P_rect_03[:, 3].
    const Eigen::Vector3d baseline = c.transform("cam3", "velo")->translation() - c.transform("cam0", "velo")->translation();
    QVERIFY(std::abs(baseline.x() - (-3.395242e+02 - 6.095593e+02 * 2.729905e-03) / 7.215377e+02) < 1e-9);
    QVERIFY(std::abs(baseline.z() - 2.729905e-03) < 1e-9);
  }

  void tracklets() {
    const fs::path work = dc::test::fresh_work_dir("kitti_raw_tracklets");
    dc::test::copy_tree(date_dir(), work / "2011_09_26");
    const fs::path drive = work / "2011_09_26" / kDriveName;
    dc::test::write_text(drive / "tracklet_labels.xml", kTrackletXml);
    // A few real payload files as well: a tiny PNG and a velodyne scan of two points.
    fs::create_directories(drive / "image_02" / "data");
    QVERIFY(cv::imwrite((drive / "image_02" / "data" / "0000000000.png").string(), cv::Mat(4, 6, CV_8UC3, cv::Scalar(1, 2, 3))));
    fs::create_directories(drive / "velodyne_points" / "data");
    {
      const float pts[8] = {1, 2, 3, 0.5f, 4, 5, 6, 0.25f};
      std::ofstream out(drive / "velodyne_points" / "data" / "0000000003.bin", std::ios::binary);
      out.write(reinterpret_cast<const char*>(pts), sizeof pts);
    }

    const Drive d = reader_for_format("kitti-raw")->read_single(drive);
    QCOMPARE(d.labels.size(), std::size_t(4));
    std::vector<const BoxLabel*> car, ped;
    for (const auto& l : d.labels) (l.category == "Car" ? car : ped).push_back(&l);
    QCOMPARE(car.size(), std::size_t(3));
    QCOMPARE(ped.size(), std::size_t(1));
    std::sort(car.begin(), car.end(), [](auto* a, auto* b) { return a->frame_index < b->frame_index; });

    const std::int64_t velo_time[] = {1317034945951199337LL, 1317034946054281661LL, 1317034946157358891LL,
                                      1317034946260450684LL, 1317034946363515608LL};
    const double tx[] = {10.5, 11.5, 12.5}, ty[] = {-2.25, -2.25, -2.0}, tz[] = {-1.75, -1.75, -1.7};
    const double rz[] = {0.1, 0.2, -3.0}, trunc[] = {0, 1, 0};
    const int occl[] = {0, 1, 2};
    for (std::size_t k = 0; k < 3; ++k) {
      const BoxLabel& b = *car[k];
      QCOMPARE(b.frame_index, std::int64_t(2 + k));
      QCOMPARE(b.timestamp_ns, velo_time[2 + k]);
      QCOMPARE(b.center.x(), tx[k]);
      QCOMPARE(b.center.y(), ty[k]);
      QVERIFY(std::abs(b.center.z() - (tz[k] + 0.75)) < 1e-12);  // tz is the bottom: center is h/2 higher
      QCOMPARE(b.length, 4.2);
      QCOMPARE(b.width, 1.6);
      QCOMPARE(b.height, 1.5);
      QCOMPARE(b.yaw, rz[k]);
      QCOMPARE(b.track_id, std::string("0"));
      QCOMPARE(double(b.truncation_state), trunc[k]);
      QCOMPARE(b.occlusion, occl[k]);
      QCOMPARE(b.source, LabelSource::GroundTruth);
    }
    QCOMPARE(ped[0]->track_id, std::string("1"));
    QCOMPARE(ped[0]->frame_index, std::int64_t(0));
    QCOMPARE(ped[0]->timestamp_ns, velo_time[0]);
    QVERIFY(std::abs(ped[0]->center.z() - (-1.6 + 0.9)) < 1e-12);
    QCOMPARE(ped[0]->truncation_state, 2);

    // Payloads that exist are located, the rest stay empty and are counted once per folder.
    const auto images = frames_of(d, "image_02");
    QCOMPARE(images[0]->file, (drive / "image_02" / "data" / "0000000000.png").string());
    QCOMPARE(images[0]->size, std::uint64_t(fs::file_size(images[0]->file)));
    QVERIFY(images[1]->file.empty());
    const cv::Mat img = load_image(*images[0]);
    QCOMPARE(img.cols, 6);
    QCOMPARE(img.rows, 4);
    const auto scans = frames_of(d, "velodyne_points");
    QCOMPARE(scans[3]->size, std::uint64_t(32));
    const PointCloud cloud = load_point_cloud(*scans[3]);
    QCOMPARE(cloud.size(), std::size_t(2));
    QCOMPARE(cloud.point(1)[2], 6.f);
    const IngestError* missing = find_error(d, "image_02/data");
    QVERIFY(missing);
    QVERIFY2(missing->message.find("107 of 108 payload files missing") != std::string::npos, missing->message.c_str());
    QVERIFY2(missing->message.find("0000000001.png") != std::string::npos, missing->message.c_str());
  }

  void detection() {
    const DriveReader* raw = reader_for_format("kitti-raw");
    QVERIFY(raw->detect(drive_dir()));
    QVERIFY(raw->detect(drive_dir().string() + "/"));
    QVERIFY(!raw->detect(date_dir()));
    QVERIFY(!raw->detect(drive_dir() / "oxts"));
    QVERIFY(detect_reader(date_dir()) == nullptr);
    QVERIFY(!reader_for_format("kitti-object")->detect(drive_dir()));
    QVERIFY(reader_for_format("no-such-format") == nullptr);
    QVERIFY(detect_reader(dc::test::shared_data_dir() / "does-not-exist") == nullptr);
  }
};

QTEST_APPLESS_MAIN(TestKittiRawReader)
#include "tst_kitti_raw_reader.moc"

#include "dc/core/io/parse_error.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/model/time_stamp.h"
#include "test_support.h"

#include "bad_input_helpers.h"

#include <QtTest>

#include <algorithm>
#include <fstream>

using namespace dc::core;
namespace fs = std::filesystem;
using dc::test::read_text;
using dc::test::write_text;
using dc::test::all_errors;
using dc::test::count_frames;
using dc::test::count_labels;
using dc::test::describe;
using dc::test::replace_line;

namespace {

const char* kDriveName = "2011_09_26_drive_0001_sync";

// The first error whose path ends with `suffix`.
const IngestError* error_for(const Drive& d, const std::string& suffix) {
  for (const auto& e : d.errors)
    if (e.path.size() >= suffix.size() && e.path.compare(e.path.size() - suffix.size(), suffix.size(), suffix) == 0)
      return &e;
  return nullptr;
}

void overwrite(const fs::path& file, const std::string& bytes) {
  fs::remove(file);
  write_text(file, bytes);
}

std::string line_of(const fs::path& file, int line) {
  std::ifstream in(file);
  std::string s;
  for (int k = 0; k < line; ++k) std::getline(in, s);
  return s;
}

fs::path object_copy(const std::string& name) {
  const fs::path work = dc::test::fresh_work_dir("bad_inputs_" + name);
  dc::test::copy_tree(dc::test::shared_data_dir() / "kitti-object", work / "kitti-object");
  for (auto& e : fs::recursive_directory_iterator(work))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  return work / "kitti-object" / "training";
}

fs::path raw_copy(const std::string& name) {
  const fs::path work = dc::test::fresh_work_dir("bad_inputs_" + name);
  dc::test::copy_tree(dc::test::shared_data_dir() / "kitti-raw" / "2011_09_26", work / "2011_09_26");
  for (auto& e : fs::recursive_directory_iterator(work))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  return work / "2011_09_26" / kDriveName;
}

Drive read(const fs::path& folder) {
  const DriveReader* reader = detect_reader(folder);
  if (!reader) throw std::runtime_error("no reader for " + folder.string());
  return reader->read_single(folder);
}

}  // namespace

#define VERIFY_CONTAINS(haystack, needle)                                                                      \
  QVERIFY2(std::string(haystack).find(needle) != std::string::npos,                                            \
           qPrintable(QString("'%1' does not contain '%2'").arg(QString::fromStdString(std::string(haystack))) \
                          .arg(QString::fromStdString(std::string(needle)))))

class TestReaderBadInputs : public QObject {
  Q_OBJECT

private slots:
  void truncatedVelodyneBin() {
    const fs::path split = object_copy("bin0");
    overwrite(split / "velodyne" / "000000.bin", "");
    const Drive d = read(split);
    const IngestError* e = error_for(d, "velodyne/000000.bin");
    QVERIFY2(e, all_errors(d).c_str());
    VERIFY_CONTAINS(describe(*e), "000000.bin: truncated: 0 bytes");
    QCOMPARE(d.errors.size(), std::size_t(1));
    // The rest is read: every frame, calibration and label.
    QCOMPARE(count_frames(d, "velodyne"), std::size_t(3));
    QCOMPARE(count_frames(d, "image_2"), std::size_t(3));
    QCOMPARE(d.calibrations.size(), std::size_t(3));
    QCOMPARE(d.labels.size(), std::size_t(6));
    try {
      load_velodyne_bin(split / "velodyne" / "000000.bin");
      QFAIL("loaded an empty scan");
    } catch (const ParseError& err) {
      VERIFY_CONTAINS(err.what(), "000000.bin: truncated: 0 bytes");
    }
    QCOMPARE(load_velodyne_bin(split / "velodyne" / "000001.bin").size(), std::size_t(120268));
  }

  void velodyneBinNotMultipleOf16() {
    const fs::path split = object_copy("bin1000");
    overwrite(split / "velodyne" / "000001.bin", std::string(1000, '\0'));
    const Drive d = read(split);
    const IngestError* e = error_for(d, "velodyne/000001.bin");
    QVERIFY2(e, all_errors(d).c_str());
    VERIFY_CONTAINS(describe(*e), "000001.bin: size 1000 is not a multiple of 16 bytes (x y z reflectance float32)");
    QCOMPARE(d.errors.size(), std::size_t(1));
    QCOMPARE(count_frames(d, "velodyne"), std::size_t(3));
    QCOMPARE(d.labels.size(), std::size_t(6));
    try {
      load_velodyne_bin(split / "velodyne" / "000001.bin");
      QFAIL("loaded a broken scan");
    } catch (const ParseError& err) {
      VERIFY_CONTAINS(err.what(), "000001.bin: size 1000 is not a multiple of 16");
    }
    try {
      load_velodyne_bin(split / "velodyne" / "000009.bin");
      QFAIL("loaded a missing scan");
    } catch (const ParseError& err) {
      VERIFY_CONTAINS(err.what(), "000009.bin");
    }
  }

  void malformedCalibLine() {
    const fs::path split = object_copy("calib_count");
    const fs::path calib = split / "calib" / "000001.txt";
    QVERIFY(line_of(calib, 5).rfind("R0_rect:", 0) == 0);
    replace_line(calib, 5, "R0_rect: 1 0 0 0 1 0 0 0");
    const Drive d = read(split);
    const IngestError* e = error_for(d, "calib/000001.txt");
    QVERIFY2(e, all_errors(d).c_str());
    QCOMPARE(e->line, 5);
    VERIFY_CONTAINS(describe(*e), "calib/000001.txt:5: R0_rect: expected 9 numbers, got 8");
    // Frame 1 keeps its frames but has no calibration and hence no labels; frames 0 and 2 are complete.
    QCOMPARE(count_frames(d, "velodyne"), std::size_t(3));
    QCOMPARE(count_frames(d, "image_2"), std::size_t(3));
    QCOMPARE(d.calibrations.size(), std::size_t(2));
    QVERIFY(d.calibration_at(150'000'000) == nullptr);
    QCOMPARE(count_labels(d, 0), std::size_t(1));
    QCOMPARE(count_labels(d, 1), std::size_t(0));
    QCOMPARE(count_labels(d, 2), std::size_t(2));
    QVERIFY2(error_for(d, "label_2/000001.txt"), all_errors(d).c_str());
  }

  void nonNumericCalibValueAndStrayLine() {
    const fs::path split = object_copy("calib_text");
    const fs::path calib = split / "calib" / "000002.txt";
    replace_line(calib, 3, "P2: 7.215377e+02 0 6.095593e+02 4.485728e+01 0 7.215377e+02 x 2.163791e-01 0 0 1 0");
    replace_line(calib, 8, "this line has no key");
    const Drive d = read(split);
    bool value_reported = false, stray_reported = false;
    for (const auto& e : d.errors) {
      const std::string s = describe(e);
      if (s.find("calib/000002.txt:3: P2: value 7 'x' is not a number") != std::string::npos) value_reported = true;
      if (s.find("calib/000002.txt:8: expected 'KEY: values'") != std::string::npos) stray_reported = true;
    }
    QVERIFY2(value_reported && stray_reported, all_errors(d).c_str());
    QCOMPARE(d.calibrations.size(), std::size_t(2));
    QCOMPARE(count_labels(d, 1), std::size_t(3));
  }

  void missingCalibKey() {
    const fs::path split = object_copy("calib_key");
    const fs::path calib = split / "calib" / "000002.txt";
    QVERIFY(line_of(calib, 6).rfind("Tr_velo_to_cam:", 0) == 0);
    replace_line(calib, 6, "");
    const Drive d = read(split);
    const IngestError* e = error_for(d, "calib/000002.txt");
    QVERIFY2(e, all_errors(d).c_str());
    VERIFY_CONTAINS(describe(*e), "calib/000002.txt: missing key Tr_velo_to_cam");
    QCOMPARE(d.calibrations.size(), std::size_t(2));
    QCOMPARE(count_labels(d, 1), std::size_t(3));
    QCOMPARE(count_labels(d, 2), std::size_t(0));
    QCOMPARE(count_frames(d, "image_2"), std::size_t(3));
  }

  void nonNumericLabelField() {
    const fs::path split = object_copy("label_text");
    const fs::path label = split / "label_2" / "000001.txt";
    replace_line(label, 3, "Cyclist 0.00 3 -1.65 676.60 163.95 688.98 193.93 abc 0.60 2.02 4.59 1.32 45.84 -1.55");
    const Drive d = read(split);
    const IngestError* e = error_for(d, "label_2/000001.txt");
    QVERIFY2(e, all_errors(d).c_str());
    QCOMPARE(e->line, 3);
    VERIFY_CONTAINS(describe(*e), "label_2/000001.txt:3: column 9 (h) 'abc' is not a number");
    QCOMPARE(d.errors.size(), std::size_t(1));
    QCOMPARE(count_labels(d, 1), std::size_t(2));  // the other boxes of the file (4 rows are DontCare regions)
    QCOMPARE(d.labels.size(), std::size_t(5));
  }

  void wrongLabelColumnCount() {
    const fs::path split = object_copy("label_columns");
    const fs::path label = split / "label_2" / "000002.txt";
    replace_line(label, 2, "Car 0.00 0 -1.67 657.39 190.13 700.07 223.39 1.41 1.58 4.36 3.18 2.27 34.38");
    const Drive d = read(split);
    const IngestError* e = error_for(d, "label_2/000002.txt");
    QVERIFY2(e, all_errors(d).c_str());
    QCOMPARE(e->line, 2);
    VERIFY_CONTAINS(describe(*e), "label_2/000002.txt:2: expected 15 or 16 columns, got 14");
    QCOMPARE(count_labels(d, 2), std::size_t(1));
    QCOMPARE(d.labels.size(), std::size_t(5));
  }

  void unreadablePng() {
    const fs::path split = object_copy("png");
    overwrite(split / "image_2" / "000002.png", "this is not an image at all, just some garbage bytes");
    const Drive d = read(split);
    const IngestError* e = error_for(d, "image_2/000002.png");
    QVERIFY2(e, all_errors(d).c_str());
    VERIFY_CONTAINS(describe(*e), "000002.png: not a readable PNG");
    QCOMPARE(d.errors.size(), std::size_t(1));
    QCOMPARE(count_frames(d, "image_2"), std::size_t(3));
    QCOMPARE(d.calibrations.size(), std::size_t(3));
    QCOMPARE(d.labels.size(), std::size_t(6));
    try {
      load_image(split / "image_2" / "000002.png");
      QFAIL("decoded garbage");
    } catch (const ParseError& err) {
      VERIFY_CONTAINS(err.what(), "000002.png: not a readable image");
    }
    QCOMPARE(load_image(split / "image_2" / "000001.png").cols, 1242);
  }

  void unparsableTimestamp() {
    const fs::path drive = raw_copy("timestamp_text");
    const fs::path stamps = drive / "image_02" / "timestamps.txt";
    replace_line(stamps, 5, "2011-09-26 13:02:26.xyz");
    const Drive d = read(drive);
    const IngestError* e = error_for(d, "image_02/timestamps.txt");
    QVERIFY2(e, all_errors(d).c_str());
    QCOMPARE(e->line, 5);
    VERIFY_CONTAINS(describe(*e), "image_02/timestamps.txt:5: invalid timestamp '2011-09-26 13:02:26.xyz'");
    QCOMPARE(count_frames(d, "image_02"), std::size_t(107));
    for (const auto& f : d.frames) QVERIFY(!(f.sensor == "image_02" && f.index == 4));
    QCOMPARE(count_frames(d, "image_03"), std::size_t(108));
    QCOMPARE(d.poses.size(), std::size_t(108));
  }

  void nonMonotonicTimestamps() {
    const fs::path drive = raw_copy("timestamp_order");
    const fs::path stamps = drive / "velodyne_points" / "timestamps.txt";
    const TimestampNs previous = parse_kitti_timestamp(line_of(stamps, 11));
    replace_line(stamps, 12, format_kitti_timestamp(previous - 300'000'000));
    const Drive d = read(drive);
    const IngestError* e = error_for(d, "velodyne_points/timestamps.txt");
    QVERIFY2(e, all_errors(d).c_str());
    QCOMPARE(e->line, 12);
    VERIFY_CONTAINS(describe(*e), "velodyne_points/timestamps.txt:12: timestamp goes backwards by 0.3 s");
    QCOMPARE(count_frames(d, "velodyne_points"), std::size_t(108));  // the frame is kept
  }

  void malformedOxtsRecord() {
    const fs::path drive = raw_copy("oxts");
    const fs::path record = drive / "oxts" / "data" / "0000000010.txt";
    overwrite(record, "49.0 8.4 116.4 0.03 0.01 -2.6\n");
    const Drive d = read(drive);
    const IngestError* e = error_for(d, "oxts/data/0000000010.txt");
    QVERIFY2(e, all_errors(d).c_str());
    QCOMPARE(e->line, 1);
    VERIFY_CONTAINS(describe(*e), "0000000010.txt:1: expected 30 OXTS values, got 6");
    QCOMPARE(d.poses.size(), std::size_t(107));
    QCOMPARE(count_frames(d, "oxts"), std::size_t(108));
  }

  void malformedRawCalibration() {
    const fs::path drive = raw_copy("raw_calib");
    const fs::path calib = drive.parent_path() / "calib_cam_to_cam.txt";
    QVERIFY(line_of(calib, 26).rfind("P_rect_02:", 0) == 0);
    replace_line(calib, 26, "P_rect_02: 7.215377e+02 0.000000e+00 6.095593e+02");
    const Drive d = read(drive);
    const IngestError* e = error_for(d, "calib_cam_to_cam.txt");
    QVERIFY2(e, all_errors(d).c_str());
    VERIFY_CONTAINS(describe(*e), "calib_cam_to_cam.txt:26: P_rect_02: expected 12 numbers, got 3");
    QCOMPARE(d.calibrations.size(), std::size_t(1));
    QVERIFY(!d.calibrations[0].cameras.count("image_02"));
    QVERIFY(d.calibrations[0].cameras.count("image_03"));
    QVERIFY(d.calibrations[0].transform("cam3", "velo"));
    QCOMPARE(count_frames(d, "image_02"), std::size_t(108));
  }

  void malformedTrackletXml() {
    const fs::path drive = raw_copy("tracklets");
    write_text(drive / "tracklet_labels.xml",
               "<?xml version=\"1.0\"?>\n<boost_serialization>\n<tracklets>\n<count>1</count>\n<item>\n"
               "<objectType>Car</objectType>\n<h>1.5</h>\n</tracklets>\n</boost_serialization>\n");
    const Drive d = read(drive);
    const IngestError* e = error_for(d, "tracklet_labels.xml");
    QVERIFY2(e, all_errors(d).c_str());
    QVERIFY(e->line > 0);
    VERIFY_CONTAINS(describe(*e), "tracklet_labels.xml:" + std::to_string(e->line) + ": malformed XML");
    QVERIFY(d.labels.empty());
    QCOMPARE(count_frames(d, "velodyne_points"), std::size_t(108));
    QCOMPARE(d.poses.size(), std::size_t(108));
  }

  void trackletWithBadNumber() {
    const fs::path drive = raw_copy("tracklet_value");
    write_text(drive / "tracklet_labels.xml",
               "<?xml version=\"1.0\"?>\n<boost_serialization>\n<tracklets>\n<count>2</count>\n"
               "<item><objectType>Car</objectType><h>1.5</h><w>1.6</w><l>4</l><first_frame>0</first_frame>\n"
               "<poses><count>1</count>\n<item><tx>oops</tx><ty>0</ty><tz>0</tz><rx>0</rx><ry>0</ry><rz>0</rz></item>\n"
               "</poses></item>\n"
               "<item><objectType>Van</objectType><h>2</h><w>1.8</w><l>5</l><first_frame>1</first_frame>\n"
               "<poses><count>1</count>\n<item><tx>5</tx><ty>1</ty><tz>-1.7</tz><rx>0</rx><ry>0</ry><rz>0.5</rz></item>\n"
               "</poses></item>\n</tracklets>\n</boost_serialization>\n");
    const Drive d = read(drive);
    const IngestError* e = error_for(d, "tracklet_labels.xml");
    QVERIFY2(e, all_errors(d).c_str());
    QCOMPARE(e->line, 7);
    VERIFY_CONTAINS(describe(*e), "tracklet_labels.xml:7: <tx> 'oops' is not a number");
    QCOMPARE(d.labels.size(), std::size_t(1));
    QCOMPARE(d.labels[0].category, std::string("Van"));
    QCOMPARE(d.labels[0].track_id, std::string("1"));
  }

  void emptyFolderIsNotADrive() {
    const fs::path work = dc::test::fresh_work_dir("bad_inputs_empty");
    QVERIFY(detect_reader(work) == nullptr);
    fs::create_directories(work / "2030_01_01_drive_0001_sync");  // the right name, nothing inside
    QVERIFY(detect_reader(work / "2030_01_01_drive_0001_sync") == nullptr);
    fs::create_directories(work / "training");
    QVERIFY(detect_reader(work / "training") == nullptr);
    // Reading it anyway is the one fatal case.
    try {
      reader_for_format("kitti-raw")->read_single(work / "2030_01_01_drive_0001_sync");
      QFAIL("read an empty folder");
    } catch (const ParseError& err) {
      VERIFY_CONTAINS(err.what(), "2030_01_01_drive_0001_sync");
    }
    try {
      reader_for_format("kitti-object")->read_single(work / "missing");
      QFAIL("read a missing folder");
    } catch (const ParseError& err) {
      VERIFY_CONTAINS(err.what(), "missing");
    }
  }

  void unknownLayoutIsNotADrive() {
    const fs::path work = dc::test::fresh_work_dir("bad_inputs_unknown");
    write_text(work / "recording" / "notes.txt", "hello\n");
    write_text(work / "recording" / "scan.pcd", "VERSION .7\n");
    fs::create_directories(work / "recording" / "images");
    QVERIFY(detect_reader(work / "recording") == nullptr);
    // A drive-like name without sensor folders, and a split-like name without calib/.
    fs::create_directories(work / "x_drive_y_sync" / "camera");
    QVERIFY(detect_reader(work / "x_drive_y_sync") == nullptr);
    fs::create_directories(work / "testing" / "velodyne");
    QVERIFY(detect_reader(work / "testing") == nullptr);
    QVERIFY(detect_reader(work / "recording" / "notes.txt") == nullptr);
  }

  void payloadMissingFrame() {
    Frame f;
    f.sensor = "image_02";
    f.index = 7;
    try {
      load_image(f);
      QFAIL("loaded a frame without a file");
    } catch (const ParseError& err) {
      VERIFY_CONTAINS(err.what(), "image_02 frame 7: payload missing");
    }
  }
};

QTEST_APPLESS_MAIN(TestReaderBadInputs)
#include "tst_reader_bad_inputs.moc"

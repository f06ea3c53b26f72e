// More bad inputs (FIFOs, non-rigid calibrations, silent omissions, absurd label values, hostile text, damaged
// PNGs, oversized point files). Each must end as an error naming the file while the rest is read.
#include "dc/core/io/parse_error.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/model/time_stamp.h"
#include "test_support.h"

#include "bad_input_helpers.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

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

// The first error whose description contains `needle`.
const IngestError* error_with(const Drive& d, const std::string& needle) {
  for (const auto& e : d.errors)
    if (describe(e).find(needle) != std::string::npos) return &e;
  return nullptr;
}

void overwrite(const fs::path& file, const std::string& bytes) {
  fs::remove(file);
  write_text(file, bytes);
}

void make_fifo(const fs::path& file) {
  fs::remove(file);
  if (::mkfifo(file.c_str(), 0644) != 0) throw std::runtime_error("mkfifo failed for " + file.string());
}

fs::path object_copy(const std::string& name) {
  const fs::path work = dc::test::fresh_work_dir("bad_more_" + name);
  dc::test::copy_tree(dc::test::shared_data_dir() / "kitti-object", work / "kitti-object");
  for (auto& e : fs::recursive_directory_iterator(work))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  return work / "kitti-object" / "training";
}

// The real raw drive (text parts) plus a 16-byte .bin for each of its 108 velodyne timestamps.
fs::path raw_copy(const std::string& name, bool with_bins = false) {
  const fs::path work = dc::test::fresh_work_dir("bad_more_" + name);
  dc::test::copy_tree(dc::test::shared_data_dir() / "kitti-raw" / "2011_09_26", work / "2011_09_26");
  for (auto& e : fs::recursive_directory_iterator(work))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  const fs::path drive = work / "2011_09_26" / kDriveName;
  if (with_bins) {
    fs::create_directories(drive / "velodyne_points" / "data");
    for (int i = 0; i < 108; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "%010d.bin", i);
      write_text(drive / "velodyne_points" / "data" / name, std::string(16, '\0'));
    }
  }
  return drive;
}

Drive read(const fs::path& folder) {
  const DriveReader* reader = detect_reader(folder);
  if (!reader) throw std::runtime_error("no reader for " + folder.string());
  return reader->read_single(folder);
}

const Frame* frame_of(const Drive& d, const std::string& sensor, std::int64_t index) {
  for (const auto& f : d.frames)
    if (f.sensor == sensor && f.index == index) return &f;
  return nullptr;
}

const char* kLabelRow1 = "Car 0.00 0 1.85 387.63 181.54 423.81 203.12 1.67 1.87 3.69 -16.53 2.39 58.49 1.57";

}  // namespace

#define VERIFY_ERROR(drive, needle)                                                                           \
  do {                                                                                                        \
    const IngestError* found_ = error_with(drive, needle);                                                    \
    QVERIFY2(found_, qPrintable(QString("no error contains '%1'; errors:\n%2")                                \
                                    .arg(QString::fromStdString(std::string(needle)))                         \
                                    .arg(QString::fromStdString(all_errors(drive)))));                        \
  } while (0)

class TestReaderBadInputsMore : public QObject {
  Q_OBJECT

  // A label row of frame 1 replaced by `row`: the row is rejected with its line, the other 2 boxes stay.
  void check_bad_label_row(const std::string& name, const std::string& row, const std::string& why) {
    const fs::path split = object_copy(name);
    replace_line(split / "label_2" / "000001.txt", 2, row);
    const Drive d = read(split);
    VERIFY_ERROR(d, "label_2/000001.txt:2: " + why);
    QCOMPARE(count_labels(d, 1), std::size_t(2));
    for (const auto& l : d.labels) {
      QVERIFY(std::isfinite(l.length) && l.length > 0 && l.length < 100);
      QVERIFY(std::isfinite(l.yaw) && std::abs(l.yaw) < 7);
      QVERIFY(l.center.cwiseAbs().maxCoeff() < 1100);
    }
  }

  // Calibration 000001.txt with `key` replaced: frame 1 gets no calibration, its labels are reported unplaced.
  void check_bad_calibration(const std::string& name, int line, const std::string& text, const std::string& why) {
    const fs::path split = object_copy(name);
    replace_line(split / "calib" / "000001.txt", line, text);
    const Drive d = read(split);
    VERIFY_ERROR(d, "calib/000001.txt:" + std::to_string(line) + ": " + why);
    VERIFY_ERROR(d, "label_2/000001.txt: labels not placed");
    QCOMPARE(count_labels(d, 1), std::size_t(0));
    QCOMPARE(count_labels(d, 2), std::size_t(2));
    QCOMPARE(d.calibrations.size(), std::size_t(2));
  }

private slots:
  // --- FIFOs and other non-regular files: never opened, reported, the rest read (nothing hangs) ---
  void fifoAsVelodyneBin() {
    const fs::path split = object_copy("fifo_bin");
    make_fifo(split / "velodyne" / "000001.bin");
    const Drive d = read(split);
    VERIFY_ERROR(d, "velodyne/000001.bin: not a regular file (fifo)");
    QVERIFY(!error_with(d, "Operation not supported"));
    QCOMPARE(count_frames(d, "velodyne"), std::size_t(3));
    QCOMPARE(frame_of(d, "velodyne", 1)->file, std::string());
    try {
      load_velodyne_bin(split / "velodyne" / "000001.bin");
      QFAIL("loaded a FIFO");
    } catch (const ParseError& e) {
      QVERIFY2(std::string(e.what()).find("not a regular file (fifo)") != std::string::npos, e.what());
    }
  }
  void fifoAsPng() {
    const fs::path split = object_copy("fifo_png");
    make_fifo(split / "image_2" / "000002.png");
    const Drive d = read(split);
    VERIFY_ERROR(d, "image_2/000002.png: not a regular file (fifo)");
    QCOMPARE(count_frames(d, "image_2"), std::size_t(3));
    QCOMPARE(count_labels(d, 2), std::size_t(2));
    try {
      load_image(split / "image_2" / "000002.png");
      QFAIL("decoded a FIFO");
    } catch (const ParseError& e) {
      QVERIFY2(std::string(e.what()).find("fifo") != std::string::npos, e.what());
    }
  }
  void fifoAsCalibration() {
    const fs::path split = object_copy("fifo_calib");
    make_fifo(split / "calib" / "000000.txt");
    const Drive d = read(split);
    VERIFY_ERROR(d, "calib/000000.txt: cannot open calibration file: not a regular file (fifo)");
    QCOMPARE(d.calibrations.size(), std::size_t(2));
  }
  void fifoAsLabelFile() {
    const fs::path split = object_copy("fifo_label");
    make_fifo(split / "label_2" / "000002.txt");
    const Drive d = read(split);
    VERIFY_ERROR(d, "label_2/000002.txt: cannot open label file: not a regular file (fifo)");
    QCOMPARE(count_labels(d, 2), std::size_t(0));
    QCOMPARE(count_labels(d, 0), std::size_t(1));
  }
  void directoryAsVelodyneBin() {
    const fs::path split = object_copy("dir_bin");
    fs::remove(split / "velodyne" / "000000.bin");
    fs::create_directories(split / "velodyne" / "000000.bin");
    const Drive d = read(split);
    VERIFY_ERROR(d, "velodyne/000000.bin: not a regular file (directory)");
    QCOMPARE(count_frames(d, "velodyne"), std::size_t(3));
  }
  void fifoAsTimestampsFile() {
    const fs::path drive = raw_copy("fifo_stamps");
    make_fifo(drive / "image_02" / "timestamps.txt");
    const Drive d = read(drive);
    VERIFY_ERROR(d, "image_02/timestamps.txt: cannot open timestamps file: not a regular file (fifo)");
    QCOMPARE(count_frames(d, "image_02"), std::size_t(0));
    QCOMPARE(count_frames(d, "image_03"), std::size_t(108));
  }
  void fifoAsTrackletFile() {
    const fs::path drive = raw_copy("fifo_tracklets");
    make_fifo(drive / "tracklet_labels.xml");
    const Drive d = read(drive);
    VERIFY_ERROR(d, "tracklet_labels.xml: cannot open tracklet file: not a regular file (fifo)");
    QCOMPARE(d.poses.size(), std::size_t(108));
  }
  void fifoAsOxtsRecord() {
    const fs::path drive = raw_copy("fifo_oxts");
    make_fifo(drive / "oxts" / "data" / "0000000005.txt");
    const Drive d = read(drive);
    VERIFY_ERROR(d, "oxts/data/0000000005.txt: not a regular file (fifo)");
    QCOMPARE(d.poses.size(), std::size_t(107));
  }
  void fifoAsRawCalibration() {
    const fs::path drive = raw_copy("fifo_raw_calib");
    make_fifo(drive.parent_path() / "calib_velo_to_cam.txt");
    const Drive d = read(drive);
    VERIFY_ERROR(d, "calib_velo_to_cam.txt: cannot open calibration file: not a regular file (fifo)");
    QCOMPARE(d.calibrations.size(), std::size_t(1));
    QVERIFY(!d.calibrations[0].transform("cam2", "velo"));
  }

  // --- calibrations that are not rigid transforms / not projections ---
  void trVeloToCamAllZeros() {
    check_bad_calibration("tr_zero", 6, "Tr_velo_to_cam: 0 0 0 0 0 0 0 0 0 0 0 0", "Tr_velo_to_cam: rotation part is singular");
  }
  void trVeloToCamScaled() {
    // KITTI's rotation of 000001 times 2: orthonormality fails.
    check_bad_calibration("tr_scaled", 6,
                          "Tr_velo_to_cam: 0.01 -2 0 0 0 0 -2 0 2 0 0.02 0", "Tr_velo_to_cam: rotation part is not a rotation");
  }
  void trVeloToCamMirrored() {
    check_bad_calibration("tr_mirror", 6, "Tr_velo_to_cam: 0 -1 0 0 0 0 -1 0 -1 0 0 0",
                          "Tr_velo_to_cam: rotation part is a mirroring (determinant -1)");
  }
  void r0RectSingular() {
    check_bad_calibration("r0_singular", 5, "R0_rect: 1 0 0 0 1 0 0 0 0", "R0_rect: is singular");
  }
  void p2ZeroFocalLength() {
    check_bad_calibration("p2_fx0", 3, "P2: 0 0 609.5 44.8 0 721.5 172.8 0.2 0 0 1 0.003",
                          "P2: focal lengths fx, fy must be positive");
  }
  void rawRotationNotRigid() {
    const fs::path drive = raw_copy("raw_rot");
    replace_line(drive.parent_path() / "calib_velo_to_cam.txt", 2, "R: 2 0 0 0 2 0 0 0 2");
    const Drive d = read(drive);
    VERIFY_ERROR(d, "calib_velo_to_cam.txt:2: R: is not a rotation");
    QVERIFY(!d.calibrations[0].transform("cam2", "velo"));
    QVERIFY(d.calibrations[0].transform("velo", "imu"));
  }

  // --- silent omissions that must be reported ---
  void filesBeyondShortTimestamps() {
    const fs::path drive = raw_copy("short_stamps", true);
    const fs::path stamps = drive / "velodyne_points" / "timestamps.txt";
    std::string all = read_text(stamps), kept;
    std::size_t pos = 0;
    for (int k = 0; k < 100; ++k) pos = all.find('\n', pos) + 1;
    overwrite(stamps, all.substr(0, pos));
    const Drive d = read(drive);
    VERIFY_ERROR(d, "8 files have no timestamp in velodyne_points/timestamps.txt and are not indexed (first: 0000000100.bin)");
    QCOMPARE(count_frames(d, "velodyne_points"), std::size_t(100));
  }
  void posesMissingWithShortOxtsTimestamps() {
    const fs::path drive = raw_copy("short_oxts");
    const fs::path stamps = drive / "oxts" / "timestamps.txt";
    std::string all = read_text(stamps);
    std::size_t pos = 0;
    for (int k = 0; k < 105; ++k) pos = all.find('\n', pos) + 1;
    overwrite(stamps, all.substr(0, pos));
    const Drive d = read(drive);
    VERIFY_ERROR(d, "3 files have no timestamp in oxts/timestamps.txt and are not indexed (first: 0000000105.txt); no pose");
    QCOMPARE(d.poses.size(), std::size_t(105));
  }
  void deletedObjectVelodyneBinKeepsFrame() {
    const fs::path split = object_copy("deleted_bin");
    fs::remove(split / "velodyne" / "000001.bin");
    const Drive d = read(split);
    VERIFY_ERROR(d, "velodyne: 1 payload files missing (first: 000001.bin)");
    const Frame* f = frame_of(d, "velodyne", 1);
    QVERIFY(f);
    QCOMPARE(f->file, std::string());
    QCOMPARE(count_labels(d, 1), std::size_t(3));
  }
  void deletedRawVelodyneBinKeepsFrame() {
    const fs::path drive = raw_copy("deleted_raw_bin", true);
    fs::remove(drive / "velodyne_points" / "data" / "0000000007.bin");
    const Drive d = read(drive);
    VERIFY_ERROR(d, "1 of 108 payload files missing (first: 0000000007.bin)");
    QCOMPARE(count_frames(d, "velodyne_points"), std::size_t(108));
    QCOMPARE(frame_of(d, "velodyne_points", 7)->file, std::string());
  }
  void unreadableVelodyneBin() {
    if (::geteuid() == 0) QSKIP("root reads files regardless of permissions");
    const fs::path split = object_copy("unreadable_bin");
    fs::permissions(split / "velodyne" / "000002.bin", fs::perms::none);
    const Drive d = read(split);
    VERIFY_ERROR(d, "velodyne/000002.bin: not readable: Permission denied");
  }
  void trackletBoxesWithoutLidarTimeAreDropped() {
    const fs::path drive = raw_copy("tracklet_late");
    write_text(drive / "tracklet_labels.xml",
               "<?xml version=\"1.0\"?>\n<boost_serialization>\n<tracklets>\n<count>1</count>\n"
               "<item><objectType>Car</objectType><h>1.5</h><w>1.6</w><l>4</l><first_frame>106</first_frame>\n"
               "<poses><count>4</count>\n"
               "<item><tx>5</tx><ty>1</ty><tz>-1.7</tz><rx>0</rx><ry>0</ry><rz>0.5</rz></item>\n"
               "<item><tx>5</tx><ty>1</ty><tz>-1.7</tz><rx>0</rx><ry>0</ry><rz>0.5</rz></item>\n"
               "<item><tx>5</tx><ty>1</ty><tz>-1.7</tz><rx>0</rx><ry>0</ry><rz>0.5</rz></item>\n"
               "<item><tx>5</tx><ty>1</ty><tz>-1.7</tz><rx>0</rx><ry>0</ry><rz>0.5</rz></item>\n"
               "</poses></item>\n</tracklets>\n</boost_serialization>\n");
    const Drive d = read(drive);
    // Frames 106 and 107 exist; 108 and 109 do not.
    VERIFY_ERROR(d, "tracklet_labels.xml: 2 boxes refer to frames without a lidar timestamp (first: frame 108); dropped");
    QCOMPARE(d.labels.size(), std::size_t(2));
    for (const auto& l : d.labels) QVERIFY(l.timestamp_ns > 0);
  }
  void blankLineInTimestampsShiftsNothing() {
    const fs::path drive = raw_copy("blank_stamp");
    const fs::path stamps = drive / "image_02" / "timestamps.txt";
    // Line 11 is frame 10: 2011-09-26 13:02:26.993 local ... read the original line 12 to compare frame 11.
    std::ifstream in(stamps);
    std::string line, line12;
    for (int k = 1; k <= 12 && std::getline(in, line); ++k)
      if (k == 12) line12 = line;
    in.close();
    replace_line(stamps, 11, "");
    const Drive d = read(drive);
    VERIFY_ERROR(d, "image_02/timestamps.txt:11: empty line is not a timestamp; frame 10 has no timestamp");
    QVERIFY(!frame_of(d, "image_02", 10));
    // Frame 11 keeps line 12's time (CEST, UTC+2).
    QCOMPARE(frame_of(d, "image_02", 11)->timestamp_ns, parse_kitti_timestamp(line12) - 7200LL * 1000000000LL);
    QCOMPARE(count_frames(d, "image_02"), std::size_t(107));
  }
  void year1900Timestamp() {
    const fs::path drive = raw_copy("year1900");
    replace_line(drive / "oxts" / "timestamps.txt", 1, "1900-09-26 13:02:25.964389445");
    const Drive d = read(drive);
    VERIFY_ERROR(d, "oxts/timestamps.txt:1: invalid timestamp '1900-09-26 13:02:25.964389445': year 1900 out of range");
    QCOMPARE(d.poses.size(), std::size_t(107));
  }

  // --- label values out of range ---
  void labelNegativeSize() { check_bad_label_row("neg", "Car 0.00 0 1.85 387.63 181.54 423.81 203.12 -1.67 1.87 3.69 -16.53 2.39 58.49 1.57", "column 9 (h) -1.67 out of range"); }
  void labelZeroSize() { check_bad_label_row("zero", "Car 0.00 0 1.85 387.63 181.54 423.81 203.12 1.67 0 3.69 -16.53 2.39 58.49 1.57", "column 10 (w) 0 out of range"); }
  void labelHugeSize() { check_bad_label_row("huge", "Car 0.00 0 1.85 387.63 181.54 423.81 203.12 1.67 1.87 1e300 -16.53 2.39 58.49 1.57", "column 11 (l) 1e+300 out of range"); }
  void labelHugeRotation() { check_bad_label_row("rot", "Car 0.00 0 1.85 387.63 181.54 423.81 203.12 1.67 1.87 3.69 -16.53 2.39 58.49 1e30", "column 15 (rotation_y) 1e+30 out of range"); }
  // Found by fuzzing: a DontCare row's occlusion was not range-checked and became an int (undefined behaviour).
  void labelDontCareHugeOcclusion() { check_bad_label_row("dcocc", "DontCare -1 -4.4e72 -10 503.89 169.71 590.61 190.13 -1 -1 -1 -1000 -1000 -1000 -10", "column 3 (occluded) -4.4e+72 out of range -1..3"); }
  void labelNan() { check_bad_label_row("nan", "Car 0.00 0 1.85 387.63 181.54 423.81 203.12 1.67 1.87 3.69 nan 2.39 58.49 1.57", "column 12 (x) 'nan' is not a number"); }
  void labelFarLocation() { check_bad_label_row("far", "Car 0.00 0 1.85 387.63 181.54 423.81 203.12 1.67 1.87 3.69 -16.53 2.39 5e6 1.57", "column 14 (z) 5e+06 out of range"); }
  void labelTruncationOutOfRange() { check_bad_label_row("trunc", "Car 1.5 0 1.85 387.63 181.54 423.81 203.12 1.67 1.87 3.69 -16.53 2.39 58.49 1.57", "column 2 (truncated) 1.5 out of range"); }
  void labelOutOfDoubleRange() { check_bad_label_row("e999", "Car 0.00 0 1.85 387.63 181.54 423.81 203.12 1e999 1.87 3.69 -16.53 2.39 58.49 1.57", "column 9 (h) '1e999' is out of range"); }
  void labelBadClassName() { check_bad_label_row("class", "Ca\x1br 0.00 0 1.85 387.63 181.54 423.81 203.12 1.67 1.87 3.69 -16.53 2.39 58.49 1.57", "column 1 (type) 'Ca\\x1br' is not a class name"); }
  void labelBomIsStripped() {
    const fs::path split = object_copy("bom");
    const fs::path label = split / "label_2" / "000001.txt";
    overwrite(label, "\xEF\xBB\xBF" + read_text(split / "label_2" / "000001.txt").insert(0, ""));
    const Drive d = read(split);
    QVERIFY2(d.errors.empty(), all_errors(d).c_str());
    QCOMPARE(count_labels(d, 1), std::size_t(3));
    bool truck = false;
    for (const auto& l : d.labels) truck = truck || l.category == "Truck";
    QVERIFY(truck);
  }

  // --- hostile text in messages: limited and escaped centrally ---
  void hugeJunkLineIsNotEchoed() {
    const fs::path split = object_copy("junk");
    replace_line(split / "label_2" / "000001.txt", 2, std::string(2'000'000, 'x'));
    const Drive d = read(split);
    VERIFY_ERROR(d, "label_2/000001.txt:2: expected 15 or 16 columns, got 1");
    replace_line(split / "label_2" / "000001.txt", 2, std::string(kLabelRow1) + " " + std::string(2'000'000, 'y'));
    replace_line(split / "calib" / "000002.txt", 8, std::string(2'000'000, 'z'));
    const Drive d2 = read(split);
    const IngestError* e = error_with(d2, "calib/000002.txt:8: expected 'KEY: values'");
    QVERIFY2(e, all_errors(d2).c_str());
    QVERIFY(e->message.size() < 300);
    QVERIFY(e->message.find("zzz...") != std::string::npos);
    for (const auto& err : d2.errors) QVERIFY(err.message.size() <= kMaxMessageChars + 3);
  }
  void controlCharactersAreEscaped() {
    const fs::path split = object_copy("ctrl");
    replace_line(split / "calib" / "000002.txt", 8, "junk \x1b[31mred\x07 \xff\xfe end");
    const Drive d = read(split);
    const IngestError* e = error_with(d, "calib/000002.txt:8:");
    QVERIFY2(e, all_errors(d).c_str());
    QVERIFY2(e->message.find("\\x1b[31mred\\x07 \\xff\\xfe end") != std::string::npos, e->message.c_str());
    for (unsigned char c : e->message) QVERIFY(c >= 0x20 && c != 0x7f);
  }
  void quoteInputKeepsValidUtf8() {
    QCOMPARE(quote_input("Straße"), std::string("Straße"));
    QCOMPARE(quote_input("a\tb"), std::string("a\\x09b"));
    QCOMPARE(quote_input(std::string(200, 'a')), std::string(120, 'a') + "...");
    QCOMPARE(quote_input("\xc3"), std::string("\\xc3"));  // cut UTF-8 sequence
  }

  // --- damaged PNGs: checked without decoding ---
  void truncatedPng() {
    const fs::path split = object_copy("png_cut");
    const fs::path png = split / "image_2" / "000001.png";
    const std::string bytes = read_text(png);
    overwrite(png, bytes.substr(0, bytes.size() / 2));
    const Drive d = read(split);
    VERIFY_ERROR(d, "image_2/000001.png: not a readable PNG: truncated (no IEND chunk at the end)");
    QCOMPARE(count_labels(d, 1), std::size_t(3));
  }
  void pngBadIhdrCrc() {
    const fs::path split = object_copy("png_crc");
    const fs::path png = split / "image_2" / "000000.png";
    std::string bytes = read_text(png);
    bytes[20] = static_cast<char>(bytes[20] ^ 0x01);  // one bit of the height
    overwrite(png, bytes);
    const Drive d = read(split);
    VERIFY_ERROR(d, "image_2/000000.png: not a readable PNG: IHDR CRC mismatch");
  }

  // --- numbers and sizes ---
  void calibValueOutOfRange() {
    const fs::path split = object_copy("calib_e999");
    replace_line(split / "calib" / "000002.txt", 3,
                 "P2: 1e999 0 6.095593e+02 4.485728e+01 0 7.215377e+02 1.728540e+02 2.163791e-01 0 0 1 2.745884e-03");
    const Drive d = read(split);
    VERIFY_ERROR(d, "calib/000002.txt:3: P2: value 1 '1e999' is out of range");
  }
  void oxtsValueOutOfRange() {
    const fs::path drive = raw_copy("oxts_e999");
    const fs::path record = drive / "oxts" / "data" / "0000000003.txt";
    std::string text = read_text(record);
    overwrite(record, "1e999" + text.substr(text.find(' ')));
    const Drive d = read(drive);
    VERIFY_ERROR(d, "0000000003.txt:1: value 1 '1e999' is out of range");
  }
  void hugeLidarFile() {
    const fs::path split = object_copy("huge_bin");
    const fs::path bin = split / "velodyne" / "000000.bin";
    fs::resize_file(bin, 2ull << 30);  // sparse: 2 GiB of zeros costs no disk
    const Drive d = read(split);
    VERIFY_ERROR(d, "velodyne/000000.bin: implausible size 2147483648 bytes for one lidar sweep");
    try {
      load_velodyne_bin(bin);
      QFAIL("loaded 2 GiB as one sweep");
    } catch (const ParseError& e) {
      QVERIFY2(std::string(e.what()).find("refusing to load 2147483648 bytes") != std::string::npos, e.what());
    }
    fs::remove(bin);
  }
  // An offset near 2^64 made offset + size wrap past the file-size check (the read then failed with a misleading
  // "read 0 of 20 bytes"); it must be reported as a frame beyond the end of the file.
  void pointFrameOffsetWraps() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "sweep.pcd.bin";
    write_text(file, std::string(40, '\0'));
    Frame frame;
    frame.sensor = "LIDAR_TOP";
    frame.file = file.string();
    frame.offset = ~std::uint64_t(0) - 19;  // offset + size == 0 after wrapping
    frame.size = 20;
    try {
      load_point_cloud(frame);
      QFAIL("loaded a frame beyond the end of the file");
    } catch (const ParseError& e) {
      QVERIFY2(std::string(e.what()).find("truncated: 40 bytes, message needs 20 bytes at offset 18446744073709551596") !=
                   std::string::npos,
               e.what());
    }
  }
  void trackletAbsurdPose() {
    const fs::path drive = raw_copy("tracklet_far");
    write_text(drive / "tracklet_labels.xml",
               "<?xml version=\"1.0\"?>\n<boost_serialization>\n<tracklets>\n<count>1</count>\n"
               "<item><objectType>Car</objectType><h>1.5</h><w>1.6</w><l>4</l><first_frame>0</first_frame>\n"
               "<poses><count>1</count>\n<item><tx>1e300</tx><ty>0</ty><tz>0</tz><rx>0</rx><ry>0</ry><rz>0</rz></item>\n"
               "</poses></item>\n</tracklets>\n</boost_serialization>\n");
    const Drive d = read(drive);
    VERIFY_ERROR(d, "tracklet_labels.xml:7: pose 0 out of range");
    QVERIFY(d.labels.empty());
  }
  // Found by fuzz_tracklets: a state code beyond int's range was converted to int (undefined behaviour).
  void trackletHugeStateCode() {
    const fs::path drive = raw_copy("tracklet_state");
    write_text(drive / "tracklet_labels.xml",
               "<?xml version=\"1.0\"?>\n<boost_serialization>\n<tracklets>\n<count>1</count>\n"
               "<item><objectType>Car</objectType><h>1.5</h><w>1.6</w><l>4</l><first_frame>0</first_frame>\n"
               "<poses><count>2</count>\n"
               "<item><tx>1</tx><ty>0</ty><tz>0</tz><rx>0</rx><ry>0</ry><rz>0</rz><truncation>2</truncation></item>\n"
               "<item><tx>1</tx><ty>0</ty><tz>0</tz><rx>0</rx><ry>0</ry><rz>0</rz>\n"
               "<occlusion>1</occlusion><truncation>5e102</truncation></item>\n"
               "</poses></item>\n</tracklets>\n</boost_serialization>\n");
    const Drive d = read(drive);
    VERIFY_ERROR(d, "tracklet_labels.xml:9: <truncation> must be an integer from -1 to 99; tracklet 0 skipped");
    QVERIFY(d.labels.empty());
  }

  // --- cancel between files ---
  void cancelStopsReading() {
    std::atomic<bool> cancel{true};
    Progress progress;
    progress.cancel = &cancel;
    QVERIFY_THROWS_EXCEPTION(Cancelled, reader_for_format("kitti-object")->read(object_copy("cancel"), progress));
    QVERIFY_THROWS_EXCEPTION(Cancelled, reader_for_format("kitti-raw")->read(raw_copy("cancel"), progress));
  }
};

QTEST_APPLESS_MAIN(TestReaderBadInputsMore)
#include "tst_reader_bad_inputs_more.moc"

// End to end through drivecurator-cli: generate -> ingest -> query, real KITTI data, bad inputs, exit codes.
#include "test_support.h"

#include "dc/core/catalog/catalog.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <fstream>

using nlohmann::json;
namespace fs = std::filesystem;
using dc::test::run_cli;

namespace {
json parse_json(const dc::test::CommandResult& r) {
  try {
    return json::parse(r.out);
  } catch (const std::exception& e) {
    qWarning("not JSON (%s): %s\nstderr: %s", e.what(), r.out.c_str(), r.err.c_str());
    throw;
  }
}

// Keeps the first `keep` lines of a text file.
void truncate_lines(const fs::path& file, int keep) {
  std::ifstream in(file);
  std::string line, out;
  for (int i = 0; i < keep && std::getline(in, line); ++i) out += line + "\n";
  in.close();
  dc::test::write_text(file, out);
}

const json* find_drive(const json& drives, const std::string& name) {
  for (const auto& d : drives)
    if (d["name"] == name) return &d;
  return nullptr;
}
}  // namespace

class TestCliIngest : public QObject {
  Q_OBJECT
  fs::path work_;
  fs::path generated_;  // a small generated drive shared by the tests

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("cli_ingest");
    auto r = run_cli({"generate", "--out", (work_ / "gen").string(), "--frames", "12", "--seed", "3", "--cameras",
                      "2", "--width", "320", "--height", "96", "--columns", "400", "--json", "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    generated_ = parse_json(r)["drive_dir"].get<std::string>();
    QVERIFY(fs::is_directory(generated_));
  }

  void generateIngestDrives() {
    auto catalog = (work_ / "gen.sqlite").string();
    auto r = run_cli({"--catalog", catalog, "--json", "ingest", (work_ / "gen").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    json report = parse_json(r);
    QCOMPARE(report["drives_added"].get<int>(), 1);
    QCOMPARE(report["frames_added"].get<int>(), 12 * 4);  // lidar, 2 cameras, oxts
    QCOMPARE(report["samples_added"].get<int>(), 12);
    QVERIFY(report["labels_added"].get<int>() > 0);

    r = run_cli({"--catalog", catalog, "--json", "drives"});
    QCOMPARE(r.exit_code, 0);
    json drives = parse_json(r);
    QCOMPARE(drives.size(), std::size_t(1));
    const json& d = drives[0];
    QCOMPARE(d["format"].get<std::string>(), std::string("kitti-raw"));
    QCOMPARE(d["frames"]["velodyne_points"].get<int>(), 12);
    QCOMPARE(d["frames"]["image_02"].get<int>(), 12);
    QCOMPARE(d["frames"]["image_03"].get<int>(), 12);
    QCOMPARE(d["frames"]["oxts"].get<int>(), 12);
    QCOMPARE(d["samples"].get<int>(), 12);
    QVERIFY(d["duration_s"].get<double>() > 1.0 && d["duration_s"].get<double>() < 1.3);

    // Idempotent: a second ingest adds nothing.
    r = run_cli({"--catalog", catalog, "--json", "ingest", (work_ / "gen").string()});
    QCOMPARE(r.exit_code, 0);
    report = parse_json(r);
    QCOMPARE(report["drives_added"].get<int>(), 0);
    QCOMPARE(report["frames_added"].get<int>(), 0);
    QCOMPARE(report["labels_added"].get<int>(), 0);

    // info / frames / samples
    const std::string name = d["name"];
    r = run_cli({"--catalog", catalog, "--json", "info", name});
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(parse_json(r)["sensors"].size(), std::size_t(4));
    r = run_cli({"--catalog", catalog, "--json", "frames", name, "--sensor", "image_02"});
    QCOMPARE(r.exit_code, 0);
    json frames = parse_json(r);
    QCOMPARE(frames.size(), std::size_t(12));
    // time range: frames 3..6 of image_02 (inclusive bounds)
    const auto from = frames[3]["timestamp_ns"].get<std::int64_t>();
    const auto to = frames[6]["timestamp_ns"].get<std::int64_t>();
    r = run_cli({"--catalog", catalog, "--json", "frames", name, "--sensor", "image_02", "--from",
                 std::to_string(from), "--to", std::to_string(to)});
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(parse_json(r).size(), std::size_t(4));
    r = run_cli({"--catalog", catalog, "--json", "samples", name});
    QCOMPARE(r.exit_code, 0);
    json samples = parse_json(r);
    QCOMPARE(samples.size(), std::size_t(12));
    QCOMPARE(samples[0]["members"].size(), std::size_t(3));
    for (const auto& m : samples[5]["members"]) QVERIFY(std::abs(m["skew_ns"].get<std::int64_t>()) < 50'000'000);
    // text output works too
    r = run_cli({"--catalog", catalog, "drives"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.out.find(name) != std::string::npos);
  }

  void incrementalIngest() {
    // A copy of the drive cut to 7 frames is ingested, then the later frames come back: only they are added.
    auto copy = work_ / "incr" / generated_.parent_path().filename();
    dc::test::copy_tree(generated_.parent_path(), copy);
    auto drive = copy / generated_.filename();
    auto later = work_ / "incr_later";
    for (const char* s : {"velodyne_points", "image_02", "image_03", "oxts"}) {
      fs::copy_file(drive / s / "timestamps.txt", drive / s / "timestamps.full");
      truncate_lines(drive / s / "timestamps.txt", 7);
      fs::create_directories(later / s);
      for (const auto& f : fs::directory_iterator(drive / s / "data"))
        if (std::stoi(f.path().stem().string()) >= 7) fs::rename(f.path(), later / s / f.path().filename());
    }
    // Ground truth for the later frames would refer to sweeps that are not there yet.
    fs::rename(drive / "tracklet_labels.xml", drive / "tracklet_labels.full");
    auto catalog = (work_ / "incr.sqlite").string();
    auto r = run_cli({"--catalog", catalog, "--json", "ingest", drive.string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QCOMPARE(parse_json(r)["frames_added"].get<int>(), 7 * 4);
    for (const char* s : {"velodyne_points", "image_02", "image_03", "oxts"}) {
      fs::copy_file(drive / s / "timestamps.full", drive / s / "timestamps.txt", fs::copy_options::overwrite_existing);
      for (const auto& f : fs::directory_iterator(later / s)) fs::rename(f.path(), drive / s / "data" / f.path().filename());
    }
    fs::rename(drive / "tracklet_labels.full", drive / "tracklet_labels.xml");
    r = run_cli({"--catalog", catalog, "--json", "ingest", drive.string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    json report = parse_json(r);
    QCOMPARE(report["frames_added"].get<int>(), 5 * 4);
    QCOMPARE(report["samples_added"].get<int>(), 5);
    QCOMPARE(report["drives_added"].get<int>(), 0);
    QVERIFY(report["labels_added"].get<int>() > 0);
    r = run_cli({"--catalog", catalog, "--json", "drives"});
    QCOMPARE(parse_json(r)[0]["samples"].get<int>(), 12);
  }

  void realKittiData() {
    auto catalog = (work_ / "kitti.sqlite").string();
    // The KITTI folders of ../shared/data (its mcap-conformance files hold no sensor data and are reported).
    auto r = run_cli({"--catalog", catalog, "--json", "ingest", (dc::test::shared_data_dir() / "kitti-raw").string(),
                      (dc::test::shared_data_dir() / "kitti-object").string()});
    // The raw drive ships without payload folders: reported (exit 1), everything else ingested.
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.find("image_02") != std::string::npos, r.err.c_str());
    r = run_cli({"--catalog", catalog, "--json", "drives"});
    QCOMPARE(r.exit_code, 0);
    json drives = parse_json(r);
    QCOMPARE(drives.size(), std::size_t(2));
    const json* raw = find_drive(drives, "2011_09_26_drive_0001_sync");
    QVERIFY(raw);
    for (const char* s : {"image_00", "image_01", "image_02", "image_03", "velodyne_points", "oxts"})
      QCOMPARE((*raw)["frames"][s].get<int>(), 108);
    QCOMPARE((*raw)["samples"].get<int>(), 108);
    const json* obj = find_drive(drives, "kitti-object/training");
    QVERIFY(obj);
    QCOMPARE((*obj)["frames"]["velodyne"].get<int>(), 3);
    QCOMPARE((*obj)["frames"]["image_2"].get<int>(), 3);

    // Labels as stored: frame 000000 holds one Pedestrian, matching label_2/000000.txt.
    dc::core::Catalog c(catalog);
    auto d = c.find_drive("kitti-object/training");
    QVERIFY(d.has_value());
    auto labels = c.labels(d->id, 0);
    QCOMPARE(labels.size(), std::size_t(1));
    QCOMPARE(labels[0].category, std::string("Pedestrian"));
    QCOMPARE(labels[0].height, 1.89);
    QCOMPARE(labels[0].bbox2d[0], 712.40);
    QCOMPARE(labels[0].bbox2d[3], 307.92);
    // Center in the lidar frame: camera z=8.41 ahead -> lidar x ~8.7; camera x=1.84 right -> lidar y ~-1.9.
    QVERIFY(labels[0].center.x() > 8.0 && labels[0].center.x() < 9.0);
    QVERIFY(labels[0].center.y() < -1.0 && labels[0].center.y() > -2.5);
    auto all = c.labels(d->id);
    QVERIFY(all.size() > 3);
    auto poses = c.poses(c.find_drive("2011_09_26_drive_0001_sync")->id);
    QCOMPARE(poses.size(), std::size_t(108));

    r = run_cli({"--catalog", catalog, "--json", "errors"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(parse_json(r).size() >= 4);  // one per missing payload folder
  }

  void badInputsKeepTheRest() {
    // One folder holding a good generated drive and damaged copies; the good parts must all be ingested.
    auto root = work_ / "bad";
    auto good = root / "good" / generated_.parent_path().filename();
    dc::test::copy_tree(generated_.parent_path(), good);
    auto damaged = root / "damaged" / generated_.parent_path().filename();
    dc::test::copy_tree(generated_.parent_path(), damaged);
    auto dd = damaged / generated_.filename();
    fs::resize_file(dd / "velodyne_points/data/0000000002.bin", 1000);  // not a multiple of 16
    fs::resize_file(dd / "velodyne_points/data/0000000003.bin", 0);     // truncated
    dc::test::write_text(dd / "image_02/data/0000000004.png", "not a png at all");
    {
      std::string ts = dc::test::read_text(dd / "image_03/timestamps.txt");
      ts.replace(0, ts.find('\n'), "yesterday at noon");
      dc::test::write_text(dd / "image_03/timestamps.txt", ts);
    }
    {
      std::string calib = dc::test::read_text(damaged / "calib_velo_to_cam.txt");
      auto pos = calib.find("T:");
      calib.replace(pos, calib.find('\n', pos) - pos, "T: 1.0 abc 3.0");
      dc::test::write_text(damaged / "calib_velo_to_cam.txt", calib);
    }
    fs::create_directories(root / "empty_folder");
    auto catalog = work_ / "bad.sqlite";
    // Something already in the catalog must survive.
    auto r = run_cli({"--catalog", catalog.string(), "ingest", dc::test::shared_data_dir().string() + "/kitti-object"});
    QCOMPARE(r.exit_code, 0);

    r = run_cli({"--catalog", catalog.string(), "--json", "ingest", root.string(), (root / "empty_folder").string(),
                 (root / "missing").string()});
    QCOMPARE(r.exit_code, 1);
    for (const char* expected : {"0000000002.bin", "0000000003.bin", "0000000004.png", "image_03/timestamps.txt:1",
                                 "calib_velo_to_cam.txt", "empty_folder", "missing"})
      QVERIFY2(r.err.find(expected) != std::string::npos, (std::string(expected) + " not in: " + r.err).c_str());

    r = run_cli({"--catalog", catalog.string(), "--json", "drives"});
    json drives = parse_json(r);
    QCOMPARE(drives.size(), std::size_t(3));  // kitti-object + good + damaged
    int full = 0;
    for (const auto& d : drives)
      if (d["format"] == "kitti-raw" && d["frames"]["velodyne_points"].get<int>() == 12) ++full;
    QCOMPARE(full, 2);  // damaged payloads are recorded, their frames are still indexed
    QVERIFY(find_drive(drives, "kitti-object/training"));
    r = run_cli({"--catalog", catalog.string(), "--json", "errors"});
    QVERIFY(parse_json(r).size() >= 6);
  }

  void catalogNotSqlite() {
    auto file = work_ / "notes.sqlite";
    dc::test::write_text(file, "my notes, definitely not SQLite\n");
    auto r = run_cli({"--catalog", file.string(), "ingest", (work_ / "gen").string()});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.find(file.string()) != std::string::npos, r.err.c_str());
    QCOMPARE(dc::test::read_text(file), std::string("my notes, definitely not SQLite\n"));
  }

  void usageErrors() {
    QCOMPARE(run_cli({}).exit_code, 2);
    QCOMPARE(run_cli({"no-such-command"}).exit_code, 2);
    QCOMPARE(run_cli({"generate"}).exit_code, 2);                                  // --out missing
    QCOMPARE(run_cli({"generate", "--out", "/tmp/x", "--frames", "zero"}).exit_code, 2);
    QCOMPARE(run_cli({"info"}).exit_code, 2);
    auto r = run_cli({"--catalog", (work_ / "gen.sqlite").string(), "info", "no_such_drive"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY(r.err.find("no_such_drive") != std::string::npos);
    r = run_cli({"--catalog", (work_ / "gen.sqlite").string(), "frames", "1", "--from", "not a time"});
    QCOMPARE(r.exit_code, 1);
    QCOMPARE(run_cli({"--help"}).exit_code, 0);
  }
};

QTEST_GUILESS_MAIN(TestCliIngest)
#include "tst_cli_ingest.moc"

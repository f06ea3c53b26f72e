// drivecurator-cli beyond ingest: the labels listing, a file given to ingest, names that are not UTF-8, links and
// loops, the same path given repeatedly, corrected files re-ingested, and Ctrl-C or kill -9 in the middle of an
// ingest with the catalog intact.
#include "test_support.h"

#include "dc/core/catalog/catalog.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTest>

#include <nlohmann/json.hpp>

#include <csignal>

using nlohmann::json;
namespace fs = std::filesystem;
using dc::test::run_cli;

class TestCliCommands : public QObject {
  Q_OBJECT
  fs::path work_;
  fs::path date_dir_;  // a small generated drive's date folder
  fs::path drive_dir_;

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("cli_commands");
    auto r = run_cli({"generate", "--out", (work_ / "gen").string(), "--frames", "6", "--seed", "5", "--cameras", "1",
                      "--width", "160", "--height", "64", "--columns", "200", "--json", "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    drive_dir_ = json::parse(r.out)["drive_dir"].get<std::string>();
    date_dir_ = drive_dir_.parent_path();
  }

  void labelsListsIdsRevisionsAndBoxes() {
    const auto catalog = (work_ / "labels.sqlite").string();
    auto r = run_cli({"--catalog", catalog, "ingest", (dc::test::shared_data_dir() / "kitti-object").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = run_cli({"--catalog", catalog, "--json", "labels", "kitti-object/training", "--sample", "1"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json labels = json::parse(r.out);
    // label_2/000001.txt: Truck, Car, Cyclist and four DontCare rows, which are not labels.
    QCOMPARE(labels.size(), std::size_t(3));
    QCOMPARE(labels[1]["class"].get<std::string>(), std::string("Car"));
    // "Car 0.00 0 1.85 387.63 181.54 423.81 203.12 1.67 1.87 3.69 ...": h w l in the file, l w h here.
    QCOMPARE(labels[1]["size"][0].get<double>(), 3.69);
    QCOMPARE(labels[1]["size"][1].get<double>(), 1.87);
    QCOMPARE(labels[1]["size"][2].get<double>(), 1.67);
    for (const auto& l : labels) {
      QCOMPARE(l["revision"].get<int>(), 1);
      QCOMPARE(l["source"].get<std::string>(), std::string("gt"));
      QCOMPARE(l["sample_key"].get<int>(), 1);
      QVERIFY(l["run_id"].is_null());
      QCOMPARE(l["review"].get<std::string>(), std::string("unreviewed"));
      QCOMPARE(l["center"].size(), std::size_t(3));
    }
    QVERIFY(labels[0]["id"] != labels[1]["id"]);
    r = run_cli({"--catalog", catalog, "labels", "kitti-object/training", "--source", "manual"});
    QCOMPARE(r.exit_code, 0);
    r = run_cli({"--catalog", catalog, "labels", "kitti-object/training", "--source", "bogus"});
    QCOMPARE(r.exit_code, 2);
    r = run_cli({"--catalog", catalog, "labels", "kitti-object/training"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.out.find("Cyclist") != std::string::npos);
  }

  void ingestAFileInsideADrive() {
    const auto catalog = (work_ / "file.sqlite").string();
    auto r = run_cli({"--catalog", catalog, "--json", "ingest", (drive_dir_ / "tracklet_labels.xml").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json report = json::parse(r.out);
    QCOMPARE(report["drives"].size(), std::size_t(1));
    QCOMPARE(report["frames_added"].get<int>(), 6 * 3);  // lidar, one camera, oxts
    r = run_cli({"--catalog", catalog, "ingest", (work_ / "not-a-drive.txt").string()});
    QCOMPARE(r.exit_code, 1);
    QVERIFY(r.err.find("no such file") != std::string::npos);
  }

  void samePathGivenFourTimesIsOneDrive() {
    const auto catalog = (work_ / "four.sqlite").string();
    const std::string p = drive_dir_.string();
    auto r = run_cli({"--catalog", catalog, "ingest", p, p, p, date_dir_.string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY2(r.out.find("ingested 1 drive(s)") != std::string::npos, r.out.c_str());
  }

  void linkLoopsAndLinkedDrives() {
    // root/drives/<date> is a link to the generated date folder, root/drives/loop points back at root.
    const fs::path root = work_ / "links";
    fs::create_directories(root / "drives");
    fs::create_directory_symlink(date_dir_, root / "drives" / "linked");
    fs::create_directory_symlink(root, root / "drives" / "loop");
    const auto catalog = (work_ / "links.sqlite").string();
    auto r = run_cli({"--catalog", catalog, "--json", "ingest", root.string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QCOMPARE(json::parse(r.out)["drives"].size(), std::size_t(1));
  }

  void namesThatAreNotUtf8() {
    // A folder name with the byte 0xFF and an escape character: JSON output still works, text shows them escaped.
    const fs::path odd = work_ / "odd" / std::string("bad\xff\x1b[31mname");
    dc::test::copy_tree(date_dir_, odd / date_dir_.filename());
    const auto catalog = (work_ / "odd.sqlite").string();
    auto r = run_cli({"--catalog", catalog, "ingest", (work_ / "odd").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = run_cli({"--catalog", catalog, "--json", "drives"});
    QCOMPARE(r.exit_code, 0);
    const json drives = json::parse(r.out);
    QCOMPARE(drives.size(), std::size_t(1));
    QVERIFY(drives[0]["root"].get<std::string>().find("bad\xEF\xBF\xBD") != std::string::npos);  // U+FFFD
    r = run_cli({"--catalog", catalog, "info", drives[0]["name"].get<std::string>()});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.find("\x1b") == std::string::npos, "a raw escape character reached the terminal");
    QVERIFY2(r.out.find("\\x1b[31mname") != std::string::npos, r.out.c_str());
  }

  void reingestOfCorrectedFilesUpdatesTheCatalog() {
    // A copy of the drive is ingested; then its third lidar timestamp is corrected by 4 ms and one tracklet pose
    // moves 0.25 m. Re-ingest updates exactly those, and the box keeps its id.
    const fs::path copy = work_ / "corrected" / date_dir_.filename();
    dc::test::copy_tree(date_dir_, copy);
    const fs::path drive = copy / drive_dir_.filename();
    const auto catalog = (work_ / "corrected.sqlite").string();
    auto r = run_cli({"--catalog", catalog, "ingest", drive.string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const std::string name = drive.filename().string();
    r = run_cli({"--catalog", catalog, "--json", "labels", name, "--sample", "0"});
    const json before = json::parse(r.out);
    QVERIFY(!before.empty());

    std::string ts = dc::test::read_text(drive / "velodyne_points" / "timestamps.txt");
    const std::size_t line3 = ts.find('\n', ts.find('\n') + 1) + 1;  // "2030-01-01 13:01:00.199842357"
    const std::string old_line = ts.substr(line3, ts.find('\n', line3) - line3);
    const std::string new_line = old_line.substr(0, 20) + "203842357";  // .199842357 -> .203842357
    ts.replace(line3, old_line.size(), new_line);
    dc::test::write_text(drive / "velodyne_points" / "timestamps.txt", ts);
    // The first pose of the first tracklet is frame 0's box of that object.
    std::string xml = dc::test::read_text(drive / "tracklet_labels.xml");
    const std::size_t tx = xml.find("<tx>") + 4;
    const double x = std::stod(xml.substr(tx, xml.find("</tx>") - tx));
    xml.replace(tx, xml.find("</tx>") - tx, std::to_string(x + 0.25));
    dc::test::write_text(drive / "tracklet_labels.xml", xml);

    r = run_cli({"--catalog", catalog, "--json", "ingest", drive.string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json report = json::parse(r.out);
    QCOMPARE(report["frames_updated"].get<int>(), 1);
    QCOMPARE(report["labels_updated"].get<int>(), 1);
    QCOMPARE(report["labels_added"].get<int>(), 0);
    QCOMPARE(report["labels_removed"].get<int>(), 0);
    r = run_cli({"--catalog", catalog, "--json", "samples", name});
    const json samples = json::parse(r.out);
    QCOMPARE(samples[2]["timestamp_ns"].get<std::int64_t>() - samples[1]["timestamp_ns"].get<std::int64_t>(),
             std::int64_t(203842357 - 99919630));
    r = run_cli({"--catalog", catalog, "--json", "labels", name, "--sample", "0"});
    const json after = json::parse(r.out);
    QCOMPARE(after.size(), before.size());
    int moved = 0;
    for (std::size_t k = 0; k < after.size(); ++k) {
      QVERIFY(after[k]["id"] == before[k]["id"]);
      if (after[k]["revision"].get<int>() == 2) {
        ++moved;
        // Tracklet poses are in the lidar frame: the box center moves by the same 0.25 m in x.
        QVERIFY(std::abs(after[k]["center"][0].get<double>() - before[k]["center"][0].get<double>() - 0.25) < 1e-5);
      }
    }
    QCOMPARE(moved, 1);
    // A date alone is a valid --from: midnight UTC.
    r = run_cli({"--catalog", catalog, "frames", name, "--from", "2030-01-01", "--limit", "2"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = run_cli({"--catalog", catalog, "frames", name, "--from", "2030-01-01 12:01:00"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
  }

  void killDuringIngestLeavesTheCatalogConsistent() {
    // SIGKILL gives no chance to clean up: the catalog must still open, pass SQLite's integrity check, and hold only
    // whole drives.
    const fs::path root = work_ / "killed";
    for (int k = 0; k < 600; ++k) {
      const fs::path copy = root / ("copy" + std::to_string(k)) / date_dir_.filename();
      fs::create_directories(copy.parent_path());
      fs::copy(date_dir_, copy, fs::copy_options::recursive | fs::copy_options::create_hard_links);
    }
    const fs::path file = work_ / "killed.sqlite";
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(DC_CLI_PATH, {"--catalog", QString::fromStdString(file.string()), "ingest",
                          QString::fromStdString(root.string())});
    QVERIFY(p.waitForStarted());
    QByteArray out;
    while (!out.contains("reading")) {
      QVERIFY2(p.waitForReadyRead(20000), out.constData());
      out += p.readAll();
    }
    QTest::qWait(400);
    ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);
    const auto check = dc::test::run_program("sqlite3", {file.string(), "PRAGMA integrity_check;"});
    QCOMPARE(check.exit_code, 0);
    QCOMPARE(check.out, std::string("ok\n"));
    dc::core::Catalog c(file);
    const auto drives = c.drives();
    QVERIFY(drives.size() < 600);
    for (const auto& d : drives) {
      QCOMPARE(d.frames_per_sensor.at("velodyne_points"), std::int64_t(6));
      QCOMPARE(d.samples, std::int64_t(6));
    }
  }

  void interruptStopsIngestAndKeepsTheCatalog() {
    // 600 copies of the drive (hard links, so it is quick to set up); Ctrl-C once ingest has been busy a moment.
    const fs::path root = work_ / "many";
    for (int k = 0; k < 600; ++k) {
      const fs::path copy = root / ("copy" + std::to_string(k)) / date_dir_.filename();
      fs::create_directories(copy.parent_path());
      fs::copy(date_dir_, copy, fs::copy_options::recursive | fs::copy_options::create_hard_links);
    }
    const QString catalog = QString::fromStdString((work_ / "many.sqlite").string());
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(DC_CLI_PATH, {"--catalog", catalog, "ingest", QString::fromStdString(root.string())});
    QVERIFY(p.waitForStarted());
    QByteArray err;
    while (!err.contains("reading")) {
      QVERIFY2(p.waitForReadyRead(20000), err.constData());
      err += p.readAll();
    }
    QTest::qWait(300);
    QElapsedTimer timer;
    timer.start();
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(10000));
    const qint64 ms = timer.elapsed();
    qInfo("ingest stopped %lld ms after SIGINT", static_cast<long long>(ms));
    QVERIFY2(ms < 5000, "ingest must stop promptly on SIGINT");
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);
    QVERIFY((err + p.readAll()).contains("cancelled"));
    // Whatever was stored is whole: every stored drive has all its frames.
    dc::core::Catalog c((work_ / "many.sqlite"));
    const auto drives = c.drives();
    QVERIFY(drives.size() < 600);
    for (const auto& d : drives) QCOMPARE(d.frames_per_sensor.at("velodyne_points"), std::int64_t(6));
  }
};

QTEST_GUILESS_MAIN(TestCliCommands)
#include "tst_cli_commands.moc"

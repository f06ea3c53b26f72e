// Export round trip on real KITTI object samples: ingest training/, collect all samples, export them as a KITTI
// object split, and check the payload bytes (and hard links), label lines, re-ingest counts, manifest checksums,
// cancel (nothing left behind) and the refusal of a non-empty target.
#include "dc/core/catalog/catalog.h"
#include "dc/core/export/kitti_object_exporter.h"
#include "test_support.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using nlohmann::json;
namespace fs = std::filesystem;
using dc::test::run_cli;

namespace {

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Row {
  std::string type;
  std::vector<double> numbers;  // 14 columns after the type
  std::string bbox_key;         // type + bbox as written: both files write it with KITTI's two decimals
};

std::vector<Row> read_rows(const fs::path& file) {
  std::vector<Row> rows;
  std::istringstream in(dc::test::read_text(file));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    std::istringstream ss(line);
    Row r;
    ss >> r.type;
    r.bbox_key = r.type;
    std::string word;
    for (int i = 0; i < 14 && ss >> word; ++i) {
      r.numbers.push_back(std::stod(word));
      if (i >= 3 && i <= 6) r.bbox_key += " " + word;
    }
    rows.push_back(r);
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.bbox_key < b.bbox_key; });
  return rows;
}

bool no_partial_folder(const fs::path& parent) {
  for (const auto& e : fs::directory_iterator(parent))
    if (e.path().filename().string().find(".partial-") != std::string::npos) return false;
  return true;
}

}  // namespace

class TestExportRoundTrip : public QObject {
  Q_OBJECT
  fs::path work_, source_, out_;
  std::string catalog_;
  json manifest_;

  dc::test::CommandResult cli(const std::vector<std::string>& args) { return dc::test::run_cli_on(catalog_, args); }

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("export_round_trip");
    source_ = dc::test::shared_data_dir() / "kitti-object" / "training";
    if (!fs::exists(source_)) QSKIP("real KITTI samples not present");
    catalog_ = (work_ / "catalog.sqlite").string();
    auto r = cli({"ingest", source_.string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = cli({"collection", "create", "all", "--query", "sample>=0"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    out_ = work_ / "exported" / "training";  // named training/ so the KITTI object reader takes it back
    const auto t0 = std::chrono::steady_clock::now();
    r = cli({"--json", "export", "all", "--format", "kitti-object", "--out", out_.string(), "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    qInfo("export took %.2f s",
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    const json summary = json::parse(r.out);
    QCOMPARE(summary["samples"].get<int>(), 3);
    manifest_ = json::parse(dc::test::read_text(out_ / "manifest.json"));
    QCOMPARE(manifest_["samples"].size(), std::size_t(3));
    QVERIFY(no_partial_folder(out_.parent_path()));
  }

  // (a) Payloads are the source bytes; hard-linked wherever this filesystem lets us link the source.
  void payloadsAreIdentical() {
    for (const auto& s : manifest_["samples"]) {
      const std::string name = s["name"].get<std::string>();
      char src[16];
      std::snprintf(src, sizeof src, "%06lld", static_cast<long long>(s["sample_key"].get<std::int64_t>()));
      for (auto [dir, ext] : {std::pair{"velodyne", ".bin"}, std::pair{"image_2", ".png"}}) {
        const fs::path in = source_ / dir / (std::string(src) + ext), out = out_ / dir / (name + ext);
        QVERIFY2(fs::exists(out), out.c_str());
        QVERIFY2(bytes_of(in) == bytes_of(out), out.c_str());
        // Can this user link the source at all (protected_hardlinks, other filesystem)? Then the export must have.
        const fs::path probe = work_ / "probe";
        std::error_code ec;
        fs::remove(probe, ec);
        fs::create_hard_link(in, probe, ec);
        const bool linkable = !ec;
        fs::remove(probe, ec);
        struct stat a {}, b {};
        QVERIFY(::stat(in.c_str(), &a) == 0 && ::stat(out.c_str(), &b) == 0);
        if (linkable) QVERIFY2(a.st_dev == b.st_dev && a.st_ino == b.st_ino, out.c_str());
        else QVERIFY(a.st_ino != b.st_ino || a.st_dev != b.st_dev);
      }
    }
  }

  // (b) label_2 rows give the source's fields at KITTI's text precision.
  void labelsMatchSource() {
    for (const auto& s : manifest_["samples"]) {
      char src[16];
      std::snprintf(src, sizeof src, "%06lld", static_cast<long long>(s["sample_key"].get<std::int64_t>()));
      const auto expected = read_rows(source_ / "label_2" / (std::string(src) + ".txt"));
      const auto actual = read_rows(out_ / "label_2" / (s["name"].get<std::string>() + ".txt"));
      QCOMPARE(actual.size(), expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(actual[i].bbox_key, expected[i].bbox_key);
        QCOMPARE(actual[i].numbers.size(), std::size_t(14));
        for (int c = 0; c < 14; ++c) {
          double d = std::abs(actual[i].numbers[c] - expected[i].numbers[c]);
          if (c == 2 || c == 13) d = std::abs(std::remainder(d, 2 * M_PI));  // alpha, rotation_y
          const std::string what = expected[i].bbox_key + " column " + std::to_string(c + 2);
          QVERIFY2(d <= 0.0051, what.c_str());
        }
      }
    }
  }

  // (c) The export reads back as a drive with as many samples and labels.
  void reingestGivesSameCounts() {
    auto r = cli({"ingest", out_.string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = cli({"--json", "drives"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    std::map<std::string, json> drives;
    for (const auto& d : json::parse(r.out)) drives[d["name"].get<std::string>()] = d;
    QVERIFY(drives.count("kitti-object/training") && drives.count("exported/training"));
    QCOMPARE(drives["exported/training"]["samples"].get<int>(), drives["kitti-object/training"]["samples"].get<int>());
    QCOMPARE(drives["exported/training"]["labels"].get<int>(), drives["kitti-object/training"]["labels"].get<int>());
    QCOMPARE(drives["exported/training"]["samples"].get<int>(), 3);
  }

  // (d) Manifest checksums equal sha256sum's; every file of the export is listed.
  void manifestChecksums() {
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(out_))
      if (e.is_regular_file() && e.path().filename() != "manifest.json") ++files;
    QCOMPARE(manifest_["files"].size(), files);
    std::vector<std::string> args;
    for (const auto& f : manifest_["files"]) args.push_back((out_ / f["path"].get<std::string>()).string());
    const auto r = dc::test::run_program("sha256sum", args);
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    std::map<std::string, std::string> sums;
    std::istringstream in(r.out);
    for (std::string sum, path; in >> sum >> path;) sums[path] = sum;
    for (const auto& f : manifest_["files"])
      QCOMPARE(f["sha256"].get<std::string>(), sums[(out_ / f["path"].get<std::string>()).string()]);
    // Provenance and split.
    for (const auto& s : manifest_["samples"]) {
      QCOMPARE(s["drive"].get<std::string>(), std::string("kitti-object/training"));
      QCOMPARE(s["split"].get<std::string>(), std::string("train"));  // one drive: never split, all train
      for (const auto& l : s["labels"]) QCOMPARE(l["source"].get<std::string>(), std::string("gt"));
    }
    QCOMPARE(dc::test::read_text(out_ / "ImageSets" / "train.txt"), std::string("000000\n000001\n000002\n"));
    QCOMPARE(dc::test::read_text(out_ / "ImageSets" / "val.txt"), std::string());
  }

  // (e) Cancelled after the first file: neither the target nor a staging folder remains.
  void cancelLeavesNothing() {
    dc::core::Catalog catalog(catalog_);
    const auto samples = catalog.tag_repository().collection("all");
    QCOMPARE(samples.size(), std::size_t(3));
    const fs::path target = work_ / "cancelled" / "training";
    std::atomic<bool> cancel{false};
    int reports = 0;
    dc::core::Progress progress;
    progress.cancel = &cancel;
    progress.report = [&](double done, double, const std::string&) {
      ++reports;
      if (done >= 1) cancel = true;
    };
    bool cancelled = false;
    try {
      dc::core::KittiObjectExporter(catalog).run(samples, target, {}, progress);
    } catch (const dc::core::Cancelled&) {
      cancelled = true;
    }
    QVERIFY(cancelled);
    QCOMPARE(reports, 2);  // the start, then the first file
    QVERIFY(!fs::exists(target));
    QVERIFY(no_partial_folder(target.parent_path()));
  }

  // A payload that disappeared after ingest: the export fails naming the file, and nothing is left under the target
  // name (payloads are placed by worker threads; their failure must still stop the export before it commits).
  void vanishedPayloadFailsNamingIt() {
    const fs::path copy = work_ / "vanish" / "training";
    fs::create_directories(copy);
    fs::copy(source_, copy, fs::copy_options::recursive);
    const std::string catalog = (work_ / "vanish" / "catalog.sqlite").string();
    auto r = dc::test::run_cli_on(catalog, {"--quiet", "ingest", copy.string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = dc::test::run_cli_on(catalog, {"--quiet", "collection", "create", "all", "--query", "sample>=0"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    fs::path gone;
    for (const auto& e : fs::directory_iterator(copy / "velodyne")) gone = std::max(gone, e.path());
    QVERIFY(fs::remove(gone));
    for (const char* mode : {"--copy", "--quiet"}) {
      const fs::path target = work_ / "vanish" / (std::string("out") + mode);
      r = dc::test::run_cli_on(catalog, {"--quiet", "export", "all", "--format", "kitti-object", "--out",
                                         target.string(), mode});
      QCOMPARE(r.exit_code, 1);
      QVERIFY2(r.err.find(gone.filename().string()) != std::string::npos, r.err.c_str());
      QVERIFY(!fs::exists(target));
      QVERIFY(no_partial_folder(target.parent_path()));
    }
  }

  // (f) An existing non-empty target is refused and left alone.
  void nonEmptyTargetRefused() {
    const std::string before = dc::test::read_text(out_ / "manifest.json");
    const auto r = cli({"export", "all", "--format", "kitti-object", "--out", out_.string(), "--quiet"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.find("not empty") != std::string::npos, r.err.c_str());
    QCOMPARE(dc::test::read_text(out_ / "manifest.json"), before);
    QVERIFY(no_partial_folder(out_.parent_path()));
    // An empty folder is fine: it is replaced.
    const fs::path empty = work_ / "empty" / "training";
    fs::create_directories(empty);
    const auto ok = cli({"export", "all", "--format", "kitti-object", "--out", empty.string(), "--quiet"});
    QVERIFY2(ok.exit_code == 0, ok.err.c_str());
    QVERIFY(fs::exists(empty / "manifest.json"));
  }

  // Split by drive: with the source and its re-ingested copy (3 samples each) and a train fraction of 0.5, one
  // whole drive is val; the same seed gives the same split. An unknown label source is refused.
  void splitNeverDividesADrive() {
    auto r = cli({"collection", "create", "both", "--query", "sample>=0"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    std::vector<std::map<std::string, std::string>> splits;
    for (const char* dir : {"split-a", "split-b"}) {
      const fs::path out = work_ / dir / "training";
      r = cli({"export", "both", "--format", "kitti-object", "--out", out.string(), "--split", "0.5",
               "--seed", "7", "--quiet"});
      QVERIFY2(r.exit_code == 0, r.err.c_str());
      const json m = json::parse(dc::test::read_text(out / "manifest.json"));
      QCOMPARE(m["samples"].size(), std::size_t(6));
      std::map<std::string, std::set<std::string>> sets_of_drive;
      std::map<std::string, std::string> split;
      int val = 0;
      for (const auto& s : m["samples"]) {
        sets_of_drive[s["drive"].get<std::string>()].insert(s["split"].get<std::string>());
        split[s["drive"].get<std::string>() + "#" + std::to_string(s["sample_key"].get<int>())] =
            s["split"].get<std::string>();
        val += s["split"] == "val";
      }
      QCOMPARE(val, 3);
      for (const auto& [drive, sets] : sets_of_drive) QCOMPARE(sets.size(), std::size_t(1));
      const std::string val_txt = dc::test::read_text(out / "ImageSets" / "val.txt");
      QCOMPARE(std::count(val_txt.begin(), val_txt.end(), '\n'), 3L);
      splits.push_back(split);
    }
    QVERIFY(splits[0] == splits[1]);
    r = cli({"export", "both", "--format", "kitti-object", "--out", (work_ / "bad").string(), "--sources",
             "gt,bogus"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.find("bogus") != std::string::npos, r.err.c_str());
    QVERIFY(!fs::exists(work_ / "bad"));
  }
};

QTEST_GUILESS_MAIN(TestExportRoundTrip)
#include "tst_export_round_trip.moc"

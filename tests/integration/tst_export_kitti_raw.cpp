// KITTI raw export: a generated drive exported and re-ingested gives the same frames, poses, calibration, labels and
// payload bytes; the real KITTI raw drive's calibration and timestamps come back to text precision; a generated
// drive's tracklets exported as KITTI object labels read back with the same fields; review-state filtering writes
// exactly the selected labels (checked against direct SQL); names from the catalog never lead outside the target;
// every export is recorded in the exports table; remembered checksums follow rewritten sources.
#include "dc/core/catalog/catalog.h"
#include "test_support.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using nlohmann::json;
namespace fs = std::filesystem;
using dc::test::run_cli;
using dc::test::run_program;

namespace {

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// KEY: numbers of a KITTI calibration text (non-numeric entries such as calib_time are skipped).
std::map<std::string, std::vector<double>> calib_numbers(const fs::path& file) {
  std::map<std::string, std::vector<double>> out;
  std::istringstream in(dc::test::read_text(file));
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream values(line.substr(colon + 1));
    std::vector<double> v;
    for (double x; values >> x;) v.push_back(x);
    if (!v.empty() && values.eof()) out[line.substr(0, colon)] = v;
  }
  return out;
}

std::set<fs::path> tree(const fs::path& root) {
  std::set<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) out.insert(fs::relative(e.path(), root));
  return out;
}

std::string sql(const std::string& catalog, const std::string& statement) {
  const auto r = run_program("sqlite3", {catalog, statement});
  if (r.exit_code != 0) qFatal("sqlite3 failed: %s", r.err.c_str());
  return r.out;
}

std::set<std::int64_t> ids_of(const std::string& text) {
  std::set<std::int64_t> out;
  std::istringstream in(text);
  for (std::int64_t id; in >> id;) out.insert(id);
  return out;
}

}  // namespace

class TestExportKittiRaw : public QObject {
  Q_OBJECT
  fs::path work_, gen_;
  std::string catalog_;
  int exports_ok_ = 0;

  dc::test::CommandResult cli(std::vector<std::string> args, const std::string& catalog = {}) {
    args.insert(args.begin(), {"--catalog", catalog.empty() ? catalog_ : catalog});
    auto r = run_cli(args);
    if (r.exit_code == 0 && args.size() > 2 && std::find(args.begin(), args.end(), "export") != args.end() &&
        std::find(args.begin(), args.end(), "--out") != args.end() && (catalog.empty() || catalog == catalog_))
      ++exports_ok_;
    return r;
  }

  std::int64_t drive_id(dc::core::Catalog& c, const std::string& name) {
    auto d = c.find_drive(name);
    if (!d) qFatal("no drive %s", name.c_str());
    return d->id;
  }

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("export_kitti_raw");
    catalog_ = (work_ / "catalog.sqlite").string();
    gen_ = work_ / "gen";
    auto r = run_cli({"generate", "--out", gen_.string(), "--frames", "12", "--seed", "4", "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = cli({"ingest", gen_.string(), "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = cli({"collection", "create", "gen", "--query", "drive:2030_01_01_drive_0001_sync"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
  }

  // Frames (count, timestamps), poses, calibration, labels and payload bytes survive export + re-ingest.
  void generatedDriveRoundTrip() {
    const fs::path out = work_ / "raw-round-trip";
    auto r = cli({"--json", "export", "gen", "--format", "kitti-raw", "--out", out.string(), "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const std::string catalog_b = (work_ / "reingested.sqlite").string();
    r = cli({"ingest", out.string(), "--quiet"}, catalog_b);
    QVERIFY2(r.exit_code == 0, (r.out + r.err).c_str());

    dc::core::Catalog a(catalog_), b(catalog_b);
    const std::string name = "2030_01_01_drive_0001_sync";
    const auto ia = drive_id(a, name), ib = drive_id(b, name);
    QVERIFY(b.find_drive(name)->root.find(out.string()) == 0);

    auto key = [](const dc::core::Frame& f) { return std::make_pair(f.sensor, f.index); };
    auto fa = a.frames(ia), fb = b.frames(ib);
    std::sort(fa.begin(), fa.end(), [&](auto& x, auto& y) { return key(x) < key(y); });
    std::sort(fb.begin(), fb.end(), [&](auto& x, auto& y) { return key(x) < key(y); });
    QCOMPARE(fb.size(), fa.size());
    QCOMPARE(fa.size(), std::size_t(12 * 4));  // velodyne, oxts, image_02, image_03
    for (std::size_t i = 0; i < fa.size(); ++i) {
      QCOMPARE(fb[i].sensor, fa[i].sensor);
      QCOMPARE(fb[i].index, fa[i].index);
      QCOMPARE(fb[i].timestamp_ns, fa[i].timestamp_ns);
      QVERIFY(fb[i].file != fa[i].file);
      QVERIFY2(bytes_of(fb[i].file) == bytes_of(fa[i].file), fb[i].file.c_str());
    }
    QCOMPARE(b.samples(ib).size(), a.samples(ia).size());

    const auto pa = a.poses(ia), pb = b.poses(ib);
    QCOMPARE(pb.size(), pa.size());
    for (std::size_t i = 0; i < pa.size(); ++i) {
      QCOMPARE(pb[i].timestamp_ns, pa[i].timestamp_ns);
      QVERIFY((pb[i].T_world_from_imu.matrix() - pa[i].T_world_from_imu.matrix()).cwiseAbs().maxCoeff() < 1e-9);
    }

    const auto ca = a.calibrations(ia), cb = b.calibrations(ib);
    QCOMPARE(cb.size(), std::size_t(1));
    QCOMPARE(ca.size(), std::size_t(1));
    QCOMPARE(cb[0].cameras.size(), ca[0].cameras.size());
    for (const auto& [camera, intr] : ca[0].cameras) {
      QVERIFY(cb[0].cameras.count(camera));
      QCOMPARE(cb[0].cameras.at(camera).width, intr.width);
      QCOMPARE(cb[0].cameras.at(camera).height, intr.height);
      QVERIFY((cb[0].cameras.at(camera).K - intr.K).cwiseAbs().maxCoeff() < 1e-9);
    }
    for (auto [to, from] : {std::pair{"cam0_unrect", "velo"}, std::pair{"cam2", "velo"}, std::pair{"cam3", "velo"},
                            std::pair{"velo", "imu"}}) {
      const auto Ta = ca[0].transform(to, from), Tb = cb[0].transform(to, from);
      QVERIFY2(Ta && Tb, to);
      // Text precision: the files carry 13 significant digits.
      QVERIFY2((Ta->matrix() - Tb->matrix()).cwiseAbs().maxCoeff() < 1e-10, to);
    }

    auto la = a.labels(ia), lb = b.labels(ib);
    auto label_key = [](const dc::core::BoxLabel& l) { return std::make_tuple(l.frame_index, std::stoi(l.track_id)); };
    std::sort(la.begin(), la.end(), [&](auto& x, auto& y) { return label_key(x) < label_key(y); });
    std::sort(lb.begin(), lb.end(), [&](auto& x, auto& y) { return label_key(x) < label_key(y); });
    QVERIFY(!la.empty());
    QCOMPARE(lb.size(), la.size());
    for (std::size_t i = 0; i < la.size(); ++i) {
      QCOMPARE(lb[i].frame_index, la[i].frame_index);
      QCOMPARE(lb[i].track_id, la[i].track_id);
      QCOMPARE(lb[i].category, la[i].category);
      QVERIFY((lb[i].center - la[i].center).norm() < 1e-9);
      QVERIFY(std::abs(lb[i].length - la[i].length) < 1e-12 && std::abs(lb[i].width - la[i].width) < 1e-12 &&
              std::abs(lb[i].height - la[i].height) < 1e-12);
      QVERIFY(std::abs(lb[i].yaw - la[i].yaw) < 1e-12);
      QCOMPARE(lb[i].occlusion, la[i].occlusion);
      QCOMPARE(lb[i].truncation_state, la[i].truncation_state);
    }

    // The manifest lists every file with its sha256, as sha256sum computes it.
    const json m = json::parse(dc::test::read_text(out / "manifest.json"));
    QCOMPARE(m["format"].get<std::string>(), std::string("kitti-raw"));
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(out))
      if (e.is_regular_file() && e.path().filename() != "manifest.json") ++files;
    QCOMPARE(m["files"].size(), files);
    const json& f0 = m["files"][5];
    const auto sum = run_program("sha256sum", {(out / f0["path"].get<std::string>()).string()});
    QCOMPARE(sum.out.substr(0, 64), f0["sha256"].get<std::string>());
    QCOMPARE(m["drives"][0]["labels"].size(), la.size());
  }

  // The real KITTI raw drive (text files only): calibration numbers and timestamps come back as they were.
  void realDriveCalibrationAndTimestamps() {
    const fs::path source = dc::test::shared_data_dir() / "kitti-raw" / "2011_09_26";
    if (!fs::exists(source)) QSKIP("real KITTI raw text files not present");
    auto r = cli({"ingest", source.string(), "--quiet"});
    QVERIFY(r.exit_code == 0 || r.exit_code == 1);  // the payload folders are absent by design: reported
    r = cli({"collection", "create", "real", "--query", "drive:2011_09_26_drive_0001_sync"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const fs::path out = work_ / "raw-real";
    r = cli({"export", "real", "--format", "kitti-raw", "--out", out.string(), "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    for (const char* file : {"calib_cam_to_cam.txt", "calib_velo_to_cam.txt", "calib_imu_to_velo.txt"}) {
      const auto expected = calib_numbers(source / file);
      const auto actual = calib_numbers(out / "2011_09_26" / file);
      QVERIFY(!actual.empty());
      for (const auto& [key, values] : actual) {
        QVERIFY2(expected.count(key), key.c_str());
        QCOMPARE(values.size(), expected.at(key).size());
        for (std::size_t i = 0; i < values.size(); ++i) {
          const double want = expected.at(key)[i];
          // The source's 7 significant digits; P_rect_00's zero offset comes back as rounding noise.
          QVERIFY2(std::abs(values[i] - want) <= 1e-9 * std::max(1.0, std::abs(want)), (key + " " + file).c_str());
        }
      }
      if (std::string(file) == "calib_cam_to_cam.txt")
        for (const char* key : {"R_rect_00", "P_rect_00", "P_rect_01", "P_rect_02", "P_rect_03", "S_rect_02"})
          QVERIFY2(actual.count(key), key);
    }
    const fs::path drive = source / "2011_09_26_drive_0001_sync",
                   exported = out / "2011_09_26" / "2011_09_26_drive_0001_sync";
    for (const char* file : {"image_00/timestamps.txt", "image_02/timestamps.txt", "velodyne_points/timestamps.txt",
                             "velodyne_points/timestamps_start.txt", "velodyne_points/timestamps_end.txt",
                             "oxts/timestamps.txt", "oxts/dataformat.txt", "oxts/data/0000000107.txt"})
      QVERIFY2(bytes_of(drive / file) == bytes_of(exported / file), file);
  }

  // Tracklets of a generated drive written as label_2 rows read back (KITTI object reader) with the same fields to
  // KITTI's two decimals in the camera frame.
  void trackletsAsObjectLabels() {
    const fs::path out = work_ / "object" / "training";
    auto r = cli({"export", "gen", "--format", "kitti-object", "--out", out.string(), "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const std::string catalog_b = (work_ / "object.sqlite").string();
    r = cli({"ingest", out.string(), "--quiet"}, catalog_b);
    QVERIFY2(r.exit_code == 0, (r.out + r.err).c_str());
    dc::core::Catalog a(catalog_), b(catalog_b);
    const auto ia = drive_id(a, "2030_01_01_drive_0001_sync"), ib = drive_id(b, "object/training");
    const json m = json::parse(dc::test::read_text(out / "manifest.json"));
    int compared = 0;
    for (const auto& s : m["samples"]) {
      const std::int64_t source_key = s["sample_key"].get<std::int64_t>();
      const std::int64_t exported_key = std::stoll(s["name"].get<std::string>());
      const auto expected = a.labels(ia, source_key);
      auto actual = b.labels(ib, exported_key);
      QCOMPARE(actual.size(), expected.size());
      for (const auto& e : expected) {
        // The nearest re-read box of the same class: rounding moves it by at most ~0.01 m.
        const dc::core::BoxLabel* best = nullptr;
        for (const auto& x : actual)
          if (x.category == e.category && (!best || (x.center - e.center).norm() < (best->center - e.center).norm()))
            best = &x;
        QVERIFY2(best, e.category.c_str());
        QVERIFY2((best->center - e.center).norm() < 0.02, e.category.c_str());
        QVERIFY(std::abs(best->length - e.length) <= 0.0051 && std::abs(best->width - e.width) <= 0.0051 &&
                std::abs(best->height - e.height) <= 0.0051);
        QVERIFY(std::abs(std::remainder(best->yaw - e.yaw, 2 * M_PI)) <= 0.0051);
        QCOMPARE(best->occlusion, e.occlusion);
        ++compared;
      }
    }
    QVERIFY(compared > 20);
  }

  // --review picks exactly the labels in those states (direct SQL gives the expected ids); rejected is out by
  // default; the manifest carries each label's review state and reviewer.
  void reviewStateFiltering() {
    const std::string id = std::to_string([&] {
      dc::core::Catalog c(catalog_);
      return drive_id(c, "2030_01_01_drive_0001_sync");
    }());
    sql(catalog_, "UPDATE labels SET review = CASE id % 4 WHEN 1 THEN 'accepted' WHEN 2 THEN 'rejected' "
                  "WHEN 3 THEN 'fixed' ELSE 'unreviewed' END WHERE drive_id = " + id);
    const bool has_reviewer =
        sql(catalog_, "SELECT count(*) FROM pragma_table_info('labels') WHERE name = 'reviewer'").substr(0, 1) == "1";
    if (has_reviewer) sql(catalog_, "UPDATE labels SET reviewer = 'ana' WHERE review != 'unreviewed'");
    const auto select = [&](const std::string& states) {
      return ids_of(sql(catalog_, "SELECT id FROM labels WHERE drive_id = " + id +
                                      " AND deleted = 0 AND source = 'gt' AND review IN (" + states + ")"));
    };
    struct Case {
      std::vector<std::string> args;
      std::string states;
    };
    const std::vector<Case> cases = {{{"--review", "accepted,fixed"}, "'accepted','fixed'"},
                                     {{}, "'unreviewed','accepted','fixed'"},
                                     {{"--review", "rejected"}, "'rejected'"}};
    int n = 0;
    for (const auto& c : cases)
      for (const char* format : {"kitti-raw", "kitti-object"}) {
        const fs::path out = work_ / ("review-" + std::to_string(n++)) / "training";
        std::vector<std::string> args = {"--json", "export", "gen", "--format", format, "--out", out.string(), "-q"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        const auto r = cli(args);
        QVERIFY2(r.exit_code == 0, r.err.c_str());
        const json m = json::parse(dc::test::read_text(out / "manifest.json"));
        std::set<std::int64_t> written;
        std::size_t rows = 0;
        const json& groups = std::string(format) == "kitti-raw" ? m["drives"] : m["samples"];
        for (const auto& g : groups)
          for (const auto& l : g["labels"]) {
            written.insert(l["label_id"].get<std::int64_t>());
            const std::string review = l["review"].get<std::string>();
            QVERIFY(c.states.find("'" + review + "'") != std::string::npos);
            if (has_reviewer) QCOMPARE(l.contains("reviewer"), review != "unreviewed");
          }
        if (std::string(format) == "kitti-object") {
          for (const auto& e : fs::directory_iterator(out / "label_2")) {
            std::istringstream in(dc::test::read_text(e.path()));
            for (std::string line; std::getline(in, line);) rows += !line.empty();
          }
        } else {
          const std::string xml = dc::test::read_text(out / "2030_01_01" / "2030_01_01_drive_0001_sync" /
                                                      "tracklet_labels.xml");
          for (std::size_t p = 0; (p = xml.find("<tx>", p)) != std::string::npos; ++p) ++rows;
        }
        QVERIFY(written == select(c.states));
        QCOMPARE(rows, written.size());  // no DontCare in generated drives: one row or pose per label
        QCOMPARE(json::parse(r.out)["labels"].get<std::size_t>(), written.size());
      }
    const auto bad = cli({"export", "gen", "--format", "kitti-raw", "--out", (work_ / "bad-review").string(),
                          "--review", "accepted,maybe"});
    QCOMPARE(bad.exit_code, 1);
    QVERIFY2(bad.err.find("maybe") != std::string::npos, bad.err.c_str());
    QVERIFY(!fs::exists(work_ / "bad-review"));
  }

  // Drive, sensor, tag and collection names with ../, /, absolute paths and odd bytes: every file lands inside the
  // target, under names made of dates and numbers.
  void pathTraversalStaysInside() {
    const fs::path sandbox = work_ / "sandbox";
    fs::create_directories(sandbox);
    const std::string catalog = (sandbox / "evil.sqlite").string();
    for (int d = 1; d <= 2; ++d) {
      const auto r = run_cli({"generate", "--out", (sandbox / "gen").string(), "--frames", "4", "--seed",
                              std::to_string(d), "--drive", std::to_string(d), "--quiet"});
      QVERIFY2(r.exit_code == 0, r.err.c_str());
    }
    auto r = cli({"ingest", (sandbox / "gen").string(), "--quiet"}, catalog);
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const std::string escape = (sandbox / "escaped").string();
    sql(catalog, "UPDATE drives SET name = '../../escape_drive_0001_sync' WHERE name = '2030_01_01_drive_0001_sync'");
    sql(catalog, "UPDATE drives SET name = '" + escape + "/2030_01_01_drive_0002_sync' WHERE name = "
                 "'2030_01_01_drive_0002_sync'");
    sql(catalog, "UPDATE sensors SET name = '../../../sensor_escape' WHERE name = 'image_03'");
    sql(catalog, "UPDATE sensors SET name = CAST(X'2e2e2f01fe2f6c69646172' AS TEXT) WHERE name = 'velodyne_points'");
    r = cli({"tag", "add", "../../tag/..", "--drive", "../../escape_drive_0001_sync"}, catalog);
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    for (const std::string& name : {std::string("../../collection"), escape + "/collection", std::string("odd\x01\xfe")}) {
      r = cli({"collection", "create", name, "--query", "tag:\"../../tag/..\" or drive~escape"}, catalog);
      QVERIFY2(r.exit_code == 0, r.err.c_str());
    }
    const auto before = tree(sandbox);
    static const std::regex allowed(
        R"((manifest\.json|\d{4}_\d{2}_\d{2}(/calib_\w+\.txt|/\d{4}_\d{2}_\d{2}_drive_\d{4}_sync(/tracklet_labels\.xml|)"
        R"(/(image_0[0-3]|velodyne_points|oxts)(/data(/\d{10}\.(png|bin|txt))?|/timestamps(_start|_end)?\.txt|)"
        R"(/dataformat\.txt)?)?)?|(image_2|velodyne|calib|label_2|ImageSets)(/\d{6}\.(png|bin|txt)|/(train|val)\.txt)?))");
    int n = 0;
    for (const std::string& collection : {std::string("../../collection"), escape + "/collection",
                                          std::string("odd\x01\xfe")})
      for (const char* format : {"kitti-raw", "kitti-object"}) {
        const fs::path out = sandbox / "exports" / std::to_string(n++);
        // The renamed camera counts as a color camera: name the exported one.
        r = cli({"export", collection, "--format", format, "--out", out.string(), "--camera", "image_02", "--quiet"},
                catalog);
        QVERIFY2(r.exit_code == 0, r.err.c_str());
        for (const auto& p : tree(out)) QVERIFY2(std::regex_match(p.string(), allowed), p.c_str());
        const json m = json::parse(dc::test::read_text(out / "manifest.json"));
        for (const auto& f : m["files"]) QVERIFY(std::regex_match(f["path"].get<std::string>(), allowed));
      }
    // Nothing appeared anywhere else in the sandbox (or above it).
    std::set<fs::path> after = tree(sandbox);
    for (auto it = after.begin(); it != after.end();)
      it = it->string().rfind("exports", 0) == 0 || before.count(*it) ? after.erase(it) : std::next(it);
    for (const auto& p : after) QVERIFY2(p.filename().string().find("evil.sqlite") == 0, p.c_str());
    QVERIFY(!fs::exists(sandbox / "escaped"));
    QVERIFY(!fs::exists(work_.parent_path() / "escape_drive_0001_sync"));
    QVERIFY(!fs::exists(work_.parent_path().parent_path() / "sensor_escape"));
    // The raw export kept the odd lidar name's frames as velodyne_points, skipped the renamed camera.
    const json m = json::parse(dc::test::read_text(sandbox / "exports" / "0" / "manifest.json"));
    QCOMPARE(m["drives"].size(), std::size_t(2));
    for (const auto& d : m["drives"]) {
      QVERIFY(d["sensors"].contains("velodyne_points"));
      QCOMPARE(d["sensors"]["velodyne_points"]["frames"].get<int>(), 4);
      QCOMPARE(d["skipped_sensors"].size(), std::size_t(1));
    }
  }

  // Checksums of source files are remembered beside the catalog between exports; a source rewritten since (same
  // size, new bytes) is hashed again: the manifest always matches sha256sum of what was written.
  void checksumsFollowChangedSources() {
    QVERIFY(fs::exists(catalog_ + ".checksums"));
    dc::core::Catalog c(catalog_);
    const auto frames = c.frames(drive_id(c, "2030_01_01_drive_0001_sync"));
    const auto lidar = std::find_if(frames.begin(), frames.end(),
                                    [](const dc::core::Frame& f) { return f.sensor == "velodyne_points"; });
    QVERIFY(lidar != frames.end());
    std::string bytes = bytes_of(lidar->file);
    bytes[0] = static_cast<char>(bytes[0] ^ 0x5a);
    dc::test::write_text(lidar->file, bytes);  // rewritten in place: same inode and size, new time
    const fs::path out = work_ / "raw-rewritten";
    const auto r = cli({"export", "gen", "--format", "kitti-raw", "--out", out.string(), "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json m = json::parse(dc::test::read_text(out / "manifest.json"));
    int checked = 0;
    for (const auto& f : m["files"]) {
      if (f["source"] != lidar->file && checked > 0) continue;
      const auto sum = run_program("sha256sum", {(out / f["path"].get<std::string>()).string()});
      QCOMPARE(f["sha256"].get<std::string>(), sum.out.substr(0, 64));
      ++checked;
    }
    QVERIFY(checked >= 2);  // the first file and the rewritten sweep
  }

  // Every successful export of this catalog is a row of the exports table and a line of `export list`.
  void exportsAreRecorded() {
    const auto rows = sql(catalog_, "SELECT count(*) FROM exports");
    QCOMPARE(std::stoi(rows), exports_ok_);
    const auto r = cli({"--json", "export", "list"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json list = json::parse(r.out);
    QCOMPARE(static_cast<int>(list.size()), exports_ok_);
    const auto newest = list[0];
    QCOMPARE(newest["collection"].get<std::string>(), std::string("gen"));
    QVERIFY(newest["summary"]["samples"].get<int>() > 0);
    QCOMPARE(sql(catalog_, "SELECT path FROM exports ORDER BY id DESC LIMIT 1"),
             newest["path"].get<std::string>() + "\n");
    const auto text = cli({"export", "list"});
    QVERIFY(text.out.find("kitti-raw") != std::string::npos && text.out.find("kitti-object") != std::string::npos);
  }
};

QTEST_GUILESS_MAIN(TestExportKittiRaw)
#include "tst_export_kitti_raw.moc"

// Export options on a generated drive with an injected image_02 drift: --calibration refined writes the newest
// calib-check refinement (and falls back to the file's where none covers a sample), --calibration file the file's;
// --dontcare-outside-view turns boxes behind the camera into DontCare rows and keeps the class of boxes in view.
#include "dc/core/catalog/catalog.h"
#include "test_support.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <Eigen/Geometry>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <sstream>
#include <tuple>

using nlohmann::json;
namespace fs = std::filesystem;
using dc::test::run_cli;

namespace {

using Matrix34 = Eigen::Matrix<double, 3, 4>;

// One "KEY: 12 numbers" row of a calib/*.txt.
Matrix34 calib_row(const fs::path& file, const std::string& key) {
  std::istringstream in(dc::test::read_text(file));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) != 0) continue;
    std::istringstream ss(line.substr(key.size() + 1));
    Matrix34 m;
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 4; ++c) ss >> m(r, c);
    return m;
  }
  return Matrix34::Constant(std::nan(""));
}

// The CLI prints a rotation as Eigen's eulerAngles(0, 1, 2): R = Rx(a) Ry(b) Rz(c).
Matrix34 extrinsic_of(const json& e) {
  const auto r = e["rotation_xyz_deg"];
  const auto t = e["translation_m"];
  const double k = M_PI / 180.0;
  const Eigen::Matrix3d R = (Eigen::AngleAxisd(r[0].get<double>() * k, Eigen::Vector3d::UnitX()) *
                             Eigen::AngleAxisd(r[1].get<double>() * k, Eigen::Vector3d::UnitY()) *
                             Eigen::AngleAxisd(r[2].get<double>() * k, Eigen::Vector3d::UnitZ()))
                                .toRotationMatrix();
  Matrix34 m;
  m.leftCols<3>() = R;
  m.col(3) = Eigen::Vector3d(t[0].get<double>(), t[1].get<double>(), t[2].get<double>());
  return m;
}

bool holds_camera(const json& calibration, const std::string& camera) {
  for (const auto& c : calibration["cameras"])
    if (c["sensor"] == camera) return true;
  return false;
}

const json* extrinsic(const json& calibration, const std::string& to) {
  for (const auto& e : calibration["extrinsics"])
    if (e["to"] == to && e["from"] == "velo") return &e;
  return nullptr;
}

std::vector<std::vector<std::string>> label_rows(const fs::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(dc::test::read_text(file));
  for (std::string line; std::getline(in, line);) {
    std::istringstream ss(line);
    std::vector<std::string> words;
    for (std::string w; ss >> w;) words.push_back(w);
    if (!words.empty()) rows.push_back(words);
  }
  return rows;
}

}  // namespace

class TestExportOptions : public QObject {
  Q_OBJECT
  fs::path work_;
  std::string catalog_, drive_;
  json calibrations_, file_calibration_;
  std::map<std::string, fs::path> out_;  // export variant -> folder

  dc::test::CommandResult cli(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--quiet"};
    full.insert(full.end(), args.begin(), args.end());
    return dc::test::run_cli_on(catalog_, full);
  }

  void export_as(const std::string& variant, std::vector<std::string> extra) {
    out_[variant] = work_ / variant;
    std::vector<std::string> args = {"--json", "export", "all", "--out", out_[variant].string()};
    args.insert(args.end(), extra.begin(), extra.end());
    if (std::find(extra.begin(), extra.end(), "--format") == extra.end())
      args.insert(args.end(), {"--format", "kitti-object"});
    const auto r = cli(args);
    QVERIFY2(r.exit_code == 0, r.err.c_str());
  }

  json manifest(const std::string& variant) {
    return json::parse(dc::test::read_text(out_[variant] / "manifest.json"));
  }

private slots:
  void initTestCase() {
    const auto t0 = std::chrono::steady_clock::now();
    work_ = dc::test::fresh_work_dir("export_options");
    catalog_ = (work_ / "catalog.sqlite").string();
    auto r = run_cli({"--quiet", "--json", "generate", "--out", (work_ / "gen").string(), "--frames", "12", "--seed",
                      "13", "--width", "480", "--height", "144", "--columns", "800", "--inject",
                      "calib-drift:image_02:from=0:yaw=0.8deg"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = cli({"ingest", (work_ / "gen").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = cli({"--json", "drives"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    drive_ = json::parse(r.out)[0]["name"].get<std::string>();
    r = cli({"collection", "create", "all", "--query", "sample>=0"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());

    export_as("refined_before_check", {"--calibration", "refined"});  // nothing refined yet: all fall back
    r = cli({"pass", "run", "calib-check", "--drive", drive_});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    export_as("file", {});
    export_as("refined", {"--calibration", "refined"});
    export_as("dontcare", {"--dontcare-outside-view"});
    export_as("raw_refined", {"--format", "kitti-raw", "--calibration", "refined"});

    r = cli({"--json", "calibrations", drive_});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    calibrations_ = json::parse(r.out);
    for (const auto& c : calibrations_)
      if (c["source"] == "file") file_calibration_ = c;
    QVERIFY(extrinsic(file_calibration_, "cam2"));
    qInfo("setup took %.2f s", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }

  // --calibration file: Tr_velo_to_cam is the file's image_02 extrinsic (the generated drive has no cam0).
  void fileCalibration() {
    const Matrix34 expected = extrinsic_of(*extrinsic(file_calibration_, "cam2"));
    const json m = manifest("file");
    QCOMPARE(m["calibration"]["choice"].get<std::string>(), std::string("file"));
    for (const auto& s : m["samples"]) {
      QCOMPARE(s["calibration"]["source"].get<std::string>(), std::string("file"));
      const Matrix34 tr = calib_row(out_["file"] / "calib" / (s["name"].get<std::string>() + ".txt"), "Tr_velo_to_cam");
      QVERIFY2((tr - expected).cwiseAbs().maxCoeff() < 1e-6, s["name"].get<std::string>().c_str());
    }
  }

  // --calibration refined: the newest refined calibration covering the sample, equal to the catalog's to 1e-6.
  void refinedCalibration() {
    const Matrix34 file = extrinsic_of(*extrinsic(file_calibration_, "cam2"));
    const json m = manifest("refined");
    int refined = 0, differing = 0, fallbacks = 0;
    for (const auto& s : m["samples"]) {
      const auto t = s["timestamp_ns"].get<std::int64_t>();
      const json* best = nullptr;
      for (const auto& c : calibrations_)
        if (c["source"] == "refined" && holds_camera(c, "image_02") && c["valid_from_ns"].get<std::int64_t>() <= t &&
            t < c["valid_to_ns"].get<std::int64_t>() && (!best || c["run_id"] >= (*best)["run_id"]))
          best = &c;
      const std::string name = s["name"].get<std::string>();
      const Matrix34 tr = calib_row(out_["refined"] / "calib" / (name + ".txt"), "Tr_velo_to_cam");
      if (!best) {  // no refinement covers the sample: the file's, and said so
        QCOMPARE(s["calibration"]["source"].get<std::string>(), std::string("file"));
        QVERIFY(s["calibration"].contains("fallback"));
        QVERIFY2((tr - file).cwiseAbs().maxCoeff() < 1e-6, name.c_str());
        ++fallbacks;
        continue;
      }
      QCOMPARE(s["calibration"]["source"].get<std::string>(), std::string("refined"));
      QCOMPARE(s["calibration"]["run_id"].get<std::int64_t>(), (*best)["run_id"].get<std::int64_t>());
      const Matrix34 expected = extrinsic_of(*extrinsic(*best, "cam2"));
      QVERIFY2((tr - expected).cwiseAbs().maxCoeff() < 1e-6, name.c_str());
      ++refined;
      if ((tr - file).cwiseAbs().maxCoeff() > 1e-4) ++differing;
    }
    QVERIFY(refined > 0);
    QVERIFY(differing > 0);  // the drift was found and corrected
    QCOMPARE(m["calibration"]["refined"].get<int>(), refined);
    QCOMPARE(m["calibration"]["fallbacks"].get<int>(), fallbacks);
  }

  // kitti-raw --calibration refined: the date folder gets the refinement that covers most samples (found here from
  // the catalog's calibrations and the samples' times), carried into calib_velo_to_cam.txt so that re-ingesting the
  // export gives that refined lidar -> image_02 extrinsic.
  void rawRefinedCalibration() {
    std::map<const json*, int> votes;  // refined calibration -> samples it is the newest for
    const json object_export = manifest("refined");
    for (const auto& s : object_export["samples"]) {
      const auto t = s["timestamp_ns"].get<std::int64_t>();
      const json* best = nullptr;
      for (const auto& c : calibrations_)
        if (c["source"] == "refined" && holds_camera(c, "image_02") && c["valid_from_ns"].get<std::int64_t>() <= t &&
            t < c["valid_to_ns"].get<std::int64_t>() && (!best || c["run_id"] >= (*best)["run_id"]))
          best = &c;
      if (best) ++votes[best];
    }
    QVERIFY(!votes.empty());
    const json* chosen = nullptr;
    int most = 0;
    auto rank = [](const json* c, int n) {
      return std::tuple(n, (*c)["run_id"].get<std::int64_t>(), -(*c)["valid_from_ns"].get<std::int64_t>());
    };
    for (const auto& [calibration, n] : votes)  // most samples; on a tie the newer run, then the earlier validity
      if (!chosen || rank(calibration, n) > rank(chosen, most)) most = n, chosen = calibration;
    const json m = manifest("raw_refined");
    QCOMPARE(m["calibration"]["choice"].get<std::string>(), std::string("refined"));
    const json& source = m["calibration"]["dates"][0]["sources"][0];
    QCOMPARE(source["source"].get<std::string>(), std::string("refined"));
    QCOMPARE(source["run_id"].get<std::int64_t>(), (*chosen)["run_id"].get<std::int64_t>());
    QCOMPARE(source["samples_covered"].get<int>(), most);
    QCOMPARE(m["calibration"]["refined_samples"].get<int>(), most);

    const std::string reread = (work_ / "raw_refined.sqlite").string();
    auto r = dc::test::run_cli_on(reread, {"--quiet", "ingest", out_["raw_refined"].string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = dc::test::run_cli_on(reread, {"--json", "drives"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const std::string drive = json::parse(r.out)[0]["name"].get<std::string>();
    r = dc::test::run_cli_on(reread, {"--json", "calibrations", drive});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json read_back = json::parse(r.out);
    QCOMPARE(read_back.size(), std::size_t(1));
    const Matrix34 got = extrinsic_of(*extrinsic(read_back[0], "cam2"));
    const Matrix34 expected = extrinsic_of(*extrinsic(*chosen, "cam2"));
    const Matrix34 file = extrinsic_of(*extrinsic(file_calibration_, "cam2"));
    QVERIFY2((got - expected).cwiseAbs().maxCoeff() < 1e-6, "re-ingested image_02 extrinsic is not the refinement");
    QVERIFY((expected - file).cwiseAbs().maxCoeff() > 1e-4);  // the refinement differs from the file's
  }

  // Before any calib-check run every sample falls back to the file's calibration, byte for byte.
  void refinedFallsBackToFile() {
    const json m = manifest("refined_before_check");
    QCOMPARE(m["calibration"]["fallbacks"].get<int>(), int(m["samples"].size()));
    for (const auto& s : m["samples"]) {
      QVERIFY(s["calibration"].contains("fallback"));
      const std::string file = "calib/" + s["name"].get<std::string>() + ".txt";
      QCOMPARE(dc::test::read_text(out_["refined_before_check"] / file), dc::test::read_text(out_["file"] / file));
    }
  }

  // --dontcare-outside-view: boxes centred behind the lidar (x < 0) are DontCare rows; boxes whose centre projects
  // well inside the image keep their class; without the option every box keeps its class.
  void dontCareOutsideView() {
    dc::core::Catalog catalog(catalog_);
    const json cam = [&] {
      for (const auto& c : file_calibration_["cameras"])
        if (c["sensor"] == "image_02") return c;
      return json();
    }();
    const double w = cam["width"].get<double>(), h = cam["height"].get<double>();
    int behind = 0, in_view = 0, written_as_dont_care = 0;
    for (const auto& [variant, option] : {std::pair{"dontcare", true}, std::pair{"file", false}}) {
      const json m = manifest(variant);
      for (const auto& s : m["samples"]) {
        const std::string name = s["name"].get<std::string>();
        const auto rows = label_rows(out_[variant] / "label_2" / (name + ".txt"));
        const Matrix34 tr = calib_row(out_[variant] / "calib" / (name + ".txt"), "Tr_velo_to_cam");
        const Matrix34 p2 = calib_row(out_[variant] / "calib" / (name + ".txt"), "P2");
        std::map<std::int64_t, dc::core::BoxLabel> boxes;
        for (const auto& b : catalog.labels(s["drive_id"].get<std::int64_t>(), s["sample_key"].get<std::int64_t>()))
          boxes[b.id] = b;
        for (const auto& p : s["labels"]) {
          if (!p.contains("label_id")) continue;
          const auto& box = boxes.at(p["label_id"].get<std::int64_t>());
          const auto& row = rows.at(p["line"].get<std::size_t>() - 1);
          QCOMPARE(row.size(), std::size_t(15));
          if (!option) {
            QCOMPARE(row[0], box.category);
            continue;
          }
          // By hand: the centre in the camera, then in the image.
          const Eigen::Vector3d c = tr.leftCols<3>() * box.center + tr.col(3);
          const Eigen::Vector3d uv = p2.leftCols<3>() * c + p2.col(3);
          const double u = uv.x() / uv.z(), v = uv.y() / uv.z();
          if (box.center.x() < 0) {
            ++behind;
            QVERIFY2(row[0] == "DontCare", (name + " line " + p["line"].dump()).c_str());
            QCOMPARE(row[11], std::string("-1000"));  // no 3D box, as KITTI writes DontCare
            QCOMPARE(p["written_as"].get<std::string>(), std::string("DontCare"));
          } else if (c.z() > 3 && u > 0.1 * w && u < 0.9 * w && v > 0.1 * h && v < 0.9 * h) {
            ++in_view;
            QCOMPARE(row[0], box.category);
          }
          if (row[0] == "DontCare") ++written_as_dont_care;
        }
      }
    }
    QVERIFY(behind > 0);
    QVERIFY(in_view > 0);
    QCOMPARE(manifest("dontcare")["dont_care_outside_view"]["boxes"].get<int>(), written_as_dont_care);
    qInfo("%d boxes behind, %d in view, %d written as DontCare", behind, in_view, written_as_dont_care);
  }
};

QTEST_GUILESS_MAIN(TestExportOptions)
#include "tst_export_options.moc"

// label-qa pass: real KITTI object labels and a generated drive's tracklets come out clean; hand-made mistakes
// on top of them (a box in empty space, a 20 m car, a duplicate box, boxes below and above the ground, a teleporting
// track, a heading flip, an id switch, a length change) are each found on the right box.
#include "dc/core/data/drive_session.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/passes/pass_registry.h"
#include "dc/synth/drive_generator.h"
#include "test_support.h"

#include <QtTest>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <set>

namespace fs = std::filesystem;
using dc::core::BoxLabel;
using dc::core::Drive;
using dc::core::Finding;
using dc::core::Severity;
using nlohmann::json;

namespace {

std::vector<Finding> run_label_qa(Drive drive, const std::map<std::string, std::string>& given = {}) {
  const dc::core::Pass* pass = dc::core::find_pass("label-qa");
  if (!pass) throw std::runtime_error("label-qa is not registered");
  const dc::core::DriveSession session(std::move(drive), {});
  const dc::core::PassParameters parameters(pass->parameters(), given);
  const dc::core::Progress progress;
  return pass->run({session, parameters, progress, 2}).findings;
}

// Stored labels have ids; a freshly read drive does not, so number them as the catalog would.
void number_labels(Drive& drive) {
  std::int64_t id = 1;
  for (auto& b : drive.labels) b.id = id++;
}

std::int64_t id_of(const json& details, const char* key) {
  const auto it = details.find(key);
  return it == details.end() || it->is_null() ? -1 : it->get<std::int64_t>();
}

const Finding* find(const std::vector<Finding>& findings, const std::string& check, std::int64_t label_id) {
  for (const auto& f : findings)
    if (f.check == check && id_of(json::parse(f.details_json), "label_id") == label_id) return &f;
  return nullptr;
}

std::string dump(const std::vector<Finding>& findings) {
  std::string text;
  for (const auto& f : findings)
    text +=
        std::string(dc::core::to_string(f.severity)) + " " + f.check + " " + f.message + " " + f.details_json + "\n";
  return text;
}

// Warnings and errors that involve none of the touched labels (as the box, the other box or the previous box).
std::vector<Finding> about_untouched(const std::vector<Finding>& findings, const std::set<std::int64_t>& touched) {
  std::vector<Finding> out;
  for (const auto& f : findings) {
    if (f.severity == Severity::Info) continue;
    const json d = json::parse(f.details_json);
    if (touched.count(id_of(d, "label_id")) || touched.count(id_of(d, "other_label_id")) ||
        touched.count(id_of(d, "previous_label_id")))
      continue;
    out.push_back(f);
  }
  return out;
}

BoxLabel* label_at(Drive& drive, const std::string& track, std::int64_t frame) {
  for (auto& b : drive.labels)
    if (b.track_id == track && b.frame_index == frame) return &b;
  return nullptr;
}

}  // namespace

class TstLabelQa : public QObject {
  Q_OBJECT
  Drive kitti_, generated_;
  int frames_ = 10;

 private slots:
  void initTestCase() {
    kitti_ = dc::core::reader_for_format("kitti-object")
                 ->read_single(dc::test::shared_data_dir() / "kitti-object" / "training");
    number_labels(kitti_);
    QCOMPARE(kitti_.labels.size(), std::size_t{6});

    dc::core::GeneratorOptions options;
    options.out = dc::test::fresh_work_dir("tst_label_qa");
    options.frames = frames_;
    options.seed = 3;
    options.cameras = 1;
    options.image_width = 160;
    options.image_height = 64;
    options.lidar_columns = 2000;  // the HDL-64E's azimuth resolution: sparser sweeps empty far pedestrians
    const auto generated = dc::core::generate_drive(options);
    generated_ = dc::core::reader_for_format("kitti-raw")->read_single(generated.drive_dir);
    number_labels(generated_);
    QVERIFY(!generated_.labels.empty());
    QVERIFY(!generated_.poses.empty());
  }

  void registered() {
    const dc::core::Pass* pass = dc::core::find_pass("label-qa");
    QVERIFY(pass);
    QCOMPARE(pass->version(), std::string("1"));
    for (const auto& p : pass->parameters()) QVERIFY2(!p.doc.empty(), p.name.c_str());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, run_label_qa(kitti_, {{"source", "robots"}}));
  }

  void real_kitti_labels_are_clean() {
    const auto findings = run_label_qa(kitti_);
    QVERIFY2(about_untouched(findings, {}).empty(), dump(about_untouched(findings, {})).c_str());
    // Three unrelated frames: no track check may compare them.
    for (const auto& f : findings) QVERIFY2(f.check.rfind("track-", 0) != 0, f.message.c_str());
  }

  void generated_tracklets_are_clean() {
    const auto findings = run_label_qa(generated_);
    QVERIFY2(about_untouched(findings, {}).empty(), dump(about_untouched(findings, {})).c_str());
  }

  void box_mistakes_on_real_frames() {
    Drive d = kitti_;
    std::set<std::int64_t> touched;
    const auto labels_of = [&](std::int64_t frame, const std::string& category) {
      for (const auto& b : d.labels)
        if (b.frame_index == frame && b.category == category) return b;
      throw std::runtime_error("no " + category + " in frame " + std::to_string(frame));
    };
    auto add = [&](BoxLabel b) {
      b.id = static_cast<std::int64_t>(d.labels.size()) + 100;
      touched.insert(b.id);
      d.labels.push_back(b);
      return b.id;
    };

    // A car-sized box in empty space in frame 1, its bottom 0.3 m above the road (the HDL-64E sits 1.73 m above
    // it): the first grid spot, away from every label, where the brute-force reference counts no point.
    const auto cloud =
        dc::core::load_velodyne_bin(dc::test::shared_data_dir() / "kitti-object/training/velodyne/000001.bin");
    BoxLabel empty = labels_of(1, "Car");
    empty.length = 4.0, empty.width = 1.8, empty.height = 1.5, empty.yaw = 0;
    empty.occlusion = 0;
    bool placed = false;
    for (double x = 8; x <= 30 && !placed; x += 1)
      for (double y = -12; y <= 12 && !placed; y += 1) {
        empty.center = {x, y, -1.73 + 0.3 + empty.height / 2};
        bool clear = true;
        for (const auto& b : d.labels)
          if (b.frame_index == 1 && (b.center.head<2>() - empty.center.head<2>()).norm() < 8) clear = false;
        for (std::size_t i = 0; i < cloud.size() && clear; ++i) {
          const float* p = cloud.point(i);
          if (dc::test::box_contains(empty, Eigen::Vector3d(p[0], p[1], p[2]))) clear = false;
        }
        placed = clear;
      }
    QVERIFY(placed);
    const auto empty_id = add(empty);

    // The car of frame 2 stretched to 20 m (Car prior: at most 6.5 m).
    BoxLabel* car2 = nullptr;
    for (auto& b : d.labels)
      if (b.frame_index == 2 && b.category == "Car") car2 = &b;
    QVERIFY(car2);
    car2->length = 20;
    touched.insert(car2->id);
    const auto long_id = car2->id;

    // A copy of frame 1's car shifted 0.5 m along its heading: same footprint size, so the bird's-eye IoU is
    // (l - 0.5) / (l + 0.5).
    const BoxLabel car1 = labels_of(1, "Car");
    BoxLabel copy = car1;
    copy.center += 0.5 * Eigen::Vector3d(std::cos(car1.yaw), std::sin(car1.yaw), 0);
    const auto copy_id = add(copy);
    const double expected_iou = (car1.length - 0.5) / (car1.length + 0.5);

    // Copies of frame 0's pedestrian (standing on the ground, 1.89 m tall) 2 m lower and 2 m higher: no vertical
    // overlap with it, bottoms 2 m below and above the ground.
    const BoxLabel ped = labels_of(0, "Pedestrian");
    BoxLabel sunk = ped, lifted = ped;
    sunk.center.z() -= 2;
    lifted.center.z() += 2;
    const auto sunk_id = add(sunk);
    const auto lifted_id = add(lifted);

    const auto findings = run_label_qa(d);
    const std::string all = dump(findings);

    const Finding* few = find(findings, "box-few-points", empty_id);
    QVERIFY2(few, all.c_str());
    QCOMPARE(few->severity, Severity::Warning);
    QCOMPARE(few->sample_key, std::int64_t{1});
    QCOMPARE(json::parse(few->details_json)["points"].get<int>(), 0);

    const Finding* size = find(findings, "box-size-prior", long_id);
    QVERIFY2(size, all.c_str());
    QCOMPARE(size->severity, Severity::Error);  // 20 m is over 1.5 x the 6.5 m maximum
    QCOMPARE(size->sample_key, std::int64_t{2});
    QCOMPARE(json::parse(size->details_json)["class"].get<std::string>(), std::string("Car"));

    const Finding* overlap = find(findings, "box-overlap", copy_id);
    QVERIFY2(overlap, all.c_str());
    const json od = json::parse(overlap->details_json);
    QCOMPARE(od["other_label_id"].get<std::int64_t>(), car1.id);
    QVERIFY2(std::abs(od["bev_iou"].get<double>() - expected_iou) < 1e-6, overlap->details_json.c_str());
    QCOMPARE(overlap->severity, Severity::Error);  // IoU ~0.79: a duplicate

    const Finding* below = find(findings, "box-below-ground", sunk_id);
    QVERIFY2(below, all.c_str());
    const double below_gap = json::parse(below->details_json)["bottom_minus_ground_m"].get<double>();
    QVERIFY2(below_gap < -1.7 && below_gap > -2.3, below->details_json.c_str());
    QCOMPARE(below->sample_key, std::int64_t{0});

    const Finding* floating = find(findings, "box-floating", lifted_id);
    QVERIFY2(floating, all.c_str());
    const double float_gap = json::parse(floating->details_json)["bottom_minus_ground_m"].get<double>();
    QVERIFY2(float_gap > 1.7 && float_gap < 2.3, floating->details_json.c_str());

    QVERIFY2(about_untouched(findings, touched).empty(), dump(about_untouched(findings, touched)).c_str());

    // Only the chosen source is checked: there are no manual labels.
    QVERIFY(run_label_qa(d, {{"source", "manual"}}).empty());
  }

  void track_mistakes_on_a_generated_drive() {
    Drive d = generated_;
    // Tracks seen in every frame, by class.
    std::map<std::string, std::vector<std::string>> full;
    {
      std::map<std::string, std::set<std::int64_t>> frames_of;
      std::map<std::string, std::string> class_of;
      for (const auto& b : d.labels) {
        frames_of[b.track_id].insert(b.frame_index);
        class_of[b.track_id] = b.category;
      }
      for (const auto& [track, frames] : frames_of)
        if (static_cast<int>(frames.size()) == frames_) full[class_of[track]].push_back(track);
    }
    const int k = 6;  // the frame the mistakes start at: later than the middle, so the originals are the majority
    std::set<std::int64_t> touched;

    // Two cars at least 8 m apart at frame k (a 10 Hz jump of 8 m is 80 m/s, twice the speed limit) swap ids.
    std::string a, b;
    auto& cars = full["Car"];
    for (std::size_t i = 0; i < cars.size() && a.empty(); ++i)
      for (std::size_t j = i + 1; j < cars.size() && a.empty(); ++j)
        if ((label_at(d, cars[i], k)->center - label_at(d, cars[j], k)->center).head<2>().norm() > 8) {
          a = cars[i];
          b = cars[j];
        }
    QVERIFY2(!a.empty(), "no two cars far enough apart");
    std::erase(cars, a);
    std::erase(cars, b);
    QVERIFY2(cars.size() >= 3, "too few full car tracks");
    const std::string teleport = cars[0], flip = cars[1], grow = cars[2];

    const std::int64_t a_at_k = label_at(d, a, k)->id;  // A's own box at frame k (it becomes track B)
    for (std::int64_t f = k; f < frames_; ++f) {
      BoxLabel* la = label_at(d, a, f);
      BoxLabel* lb = label_at(d, b, f);
      std::swap(la->track_id, lb->track_id);
      touched.insert(la->id);
      touched.insert(lb->id);
    }
    const std::int64_t b_box_now_a = label_at(d, a, k)->id;  // B's box carrying track A from frame k

    // The teleporting track: 20 m sideways from frame k on (a rigid move of the lidar frame keeps the distance).
    for (std::int64_t f = k; f < frames_; ++f) {
      BoxLabel* l = label_at(d, teleport, f);
      l->center.y() += 20;
      touched.insert(l->id);
    }
    // The flipping track: heading + 180 degrees from frame k on.
    for (std::int64_t f = k; f < frames_; ++f) {
      BoxLabel* l = label_at(d, flip, f);
      l->yaw = std::remainder(l->yaw + std::numbers::pi, 2 * std::numbers::pi);
      touched.insert(l->id);
    }
    // The growing track: 1 m longer from frame k on.
    for (std::int64_t f = k; f < frames_; ++f) {
      BoxLabel* l = label_at(d, grow, f);
      l->length += 1;
      touched.insert(l->id);
    }

    const auto findings = run_label_qa(d);
    const std::string all = dump(findings);

    const Finding* tp = find(findings, "track-velocity", label_at(d, teleport, k)->id);
    QVERIFY2(tp, all.c_str());
    const json tpd = json::parse(tp->details_json);
    QVERIFY2(tpd["jump_m"].get<double>() > 18.5 && tpd["jump_m"].get<double>() < 21.5, tp->details_json.c_str());
    QCOMPARE(tp->sample_key, std::int64_t{k});
    QCOMPARE(tpd["previous_label_id"].get<std::int64_t>(), label_at(d, teleport, k - 1)->id);
    QCOMPARE(tpd["track_id"].get<std::string>(), teleport);

    const Finding* fl = find(findings, "track-heading-flip", label_at(d, flip, k)->id);
    QVERIFY2(fl, all.c_str());
    QVERIFY2(std::abs(json::parse(fl->details_json)["yaw_change_deg"].get<double>()) > 170, fl->details_json.c_str());

    const Finding* sw = find(findings, "track-id-switch", b_box_now_a);
    QVERIFY2(sw, all.c_str());
    const json swd = json::parse(sw->details_json);
    QCOMPARE(swd["track_id"].get<std::string>(), a);
    QCOMPARE(swd["other_track_id"].get<std::string>(), b);
    QCOMPARE(swd["other_label_id"].get<std::int64_t>(), a_at_k);  // A's object, now called B, is where A should be
    QVERIFY(find(findings, "track-id-switch", a_at_k));           // and the same seen from track B
    QVERIFY2(!find(findings, "track-velocity", b_box_now_a), all.c_str());  // explained, not a plain jump

    const Finding* sc = find(findings, "track-size-change", label_at(d, grow, k)->id);
    QVERIFY2(sc, all.c_str());
    const json scd = json::parse(sc->details_json);
    QCOMPARE(scd["dimension"].get<std::string>(), std::string("length"));
    QVERIFY2(std::abs(scd["max_m"].get<double>() - scd["min_m"].get<double>() - 1.0) < 0.05, sc->details_json.c_str());
    QCOMPARE(scd["deviating"].size(), std::size_t(frames_ - k));

    // Nothing reported about the untouched tracks (the flip and the growth alone do not move a box).
    QVERIFY2(about_untouched(findings, touched).empty(), dump(about_untouched(findings, touched)).c_str());
    for (const auto& f : findings) {
      if (f.severity == Severity::Info) continue;
      const json fd = json::parse(f.details_json);
      const bool tracked = fd["track_id"].is_string();
      if (tracked && fd["track_id"] == flip) QVERIFY2(f.check == "track-heading-flip", all.c_str());
      if (tracked && fd["track_id"] == grow) QVERIFY2(f.check == "track-size-change", all.c_str());
    }
  }

  void cancel() {
    const dc::core::Pass* pass = dc::core::find_pass("label-qa");
    const dc::core::DriveSession session(generated_, {});
    const dc::core::PassParameters parameters(pass->parameters(), {});
    std::atomic<bool> stop{true};
    dc::core::Progress progress;
    progress.cancel = &stop;
    QVERIFY_THROWS_EXCEPTION(dc::core::Cancelled, pass->run({session, parameters, progress, 1}));

    // Progress is reported per sample, ending at the total.
    int reports = 0;
    double last = -1, total = 0;
    dc::core::Progress counting;
    counting.report = [&](double done, double all, const std::string&) {
      ++reports;
      last = done;
      total = all;
    };
    pass->run({session, parameters, counting, 1});
    QVERIFY(reports >= session.sample_count());
    QCOMPARE(last, total);
  }
};

QTEST_GUILESS_MAIN(TstLabelQa)
#include "tst_label_qa.moc"

// drivecurator-cli: headless access to the catalog; also what cluster jobs run.
// Exit codes: 0 success, 1 bad input (files, catalog, unknown drive), 2 usage.
#include "cli_common.h"
#include "curation_commands.h"
#include "review_commands.h"
#include "export_commands.h"
#include "job_commands.h"
#include "progress_printer.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/catalog/catalog_error.h"
#include "dc/synth/drive_generator.h"
#include "dc/core/exec/pass_runner.h"
#include "dc/core/exec/slurm_options.h"
#include "dc/core/io/ingester.h"
#include "dc/core/io/prediction_reader.h"
#include "dc/core/passes/pass_registry.h"
#include "dc/core/model/time_stamp.h"
#include "dc/core/util/logging.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <cstdio>
#include <iostream>
#include <optional>

using namespace dc::app::cli;

namespace {

json drive_json(const core::DriveSummary& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"format", d.format},
          {"root", d.root},
          {"start_ns", d.start_ns},
          {"end_ns", d.end_ns},
          {"start", d.timestamped ? json(core::format_iso8601(d.start_ns)) : json()},
          {"timestamped", d.timestamped},
          {"time_zone", d.time_zone},
          {"duration_s", d.duration_s()},
          {"frames", d.frames_per_sensor},
          {"samples", d.samples},
          {"labels", d.labels}};
}

json error_json(const core::IngestError& e) {
  return {{"path", e.path}, {"line", e.line}, {"message", e.message}, {"drive", e.drive}};
}

std::string error_text(const core::IngestError& e) {
  return printable(e.path + (e.line > 0 ? ":" + std::to_string(e.line) : "") + ": " + e.message);
}

int cmd_generate(const Options& o, core::GeneratorOptions g) {
  dc::app::ProgressPrinter printer("generate", o.quiet);
  auto result = core::generate_drive(g, printer.progress());
  printer.finish();
  if (o.json)
    print_json(json{{"drive_dir", result.drive_dir.string()},
                      {"date_dir", result.date_dir.string()},
                      {"frames", result.frames},
                      {"objects", result.objects}});
  else
    std::cout << "generated " << result.frames << " frames, " << result.objects << " objects in "
              << result.drive_dir.string() << "\n";
  return kOk;
}

int cmd_ingest(const Options& o, const std::vector<std::string>& paths) {
  core::Catalog catalog(catalog_path(o));
  dc::app::ProgressPrinter printer("ingest", o.quiet);
  std::vector<std::filesystem::path> p(paths.begin(), paths.end());
  auto report = core::Ingester(catalog).ingest(p, printer.progress());
  printer.finish();
  const auto& s = report.stats;
  if (o.json) {
    json errors = json::array();
    for (const auto& e : report.errors) errors.push_back(error_json(e));
    print_json(json{{"catalog", catalog.path().string()},
                      {"drives", report.drives},
                      {"drives_added", s.drives_added},
                      {"frames_added", s.frames_added},
                      {"frames_updated", s.frames_updated},
                      {"frames_removed", s.frames_removed},
                      {"samples_added", s.samples_added},
                      {"samples_updated", s.samples_updated},
                      {"samples_removed", s.samples_removed},
                      {"labels_added", s.labels_added},
                      {"labels_updated", s.labels_updated},
                      {"labels_removed", s.labels_removed},
                      {"poses_added", s.poses_added},
                      {"errors", errors}});
  } else {
    std::cout << "ingested " << report.drives.size() << " drive(s) into " << catalog.path().string() << ": "
              << s.drives_added << " new drives, " << s.frames_added << " new / " << s.frames_updated << " updated / "
              << s.frames_removed << " removed frames, " << s.samples_added << " new / " << s.samples_updated
              << " updated / " << s.samples_removed << " removed samples, " << s.labels_added << " new / "
              << s.labels_updated << " updated / " << s.labels_removed << " removed labels, " << s.poses_added
              << " new poses\n";
  }
  for (const auto& e : report.errors) std::cerr << "error: " << error_text(e) << "\n";
  return report.errors.empty() ? kOk : kBadInput;
}

int cmd_drives(const Options& o) {
  core::Catalog catalog(catalog_path(o));
  auto drives = catalog.drives();
  if (o.json) {
    json arr = json::array();
    for (const auto& d : drives) arr.push_back(drive_json(d));
    print_json(arr);
    return kOk;
  }
  std::printf("%-40s %-13s %-24s %9s %8s  %s\n", "NAME", "FORMAT", "START", "DURATION", "SAMPLES", "FRAMES");
  for (const auto& d : drives) {
    std::string frames;
    for (const auto& [sensor, n] : d.frames_per_sensor) frames += sensor + "=" + std::to_string(n) + " ";
    std::printf("%-40s %-13s %-24s %8.1fs %8lld  %s\n", printable(d.name).c_str(), d.format.c_str(),
                d.timestamped ? core::format_iso8601(d.start_ns).c_str() : "no timestamps",
                d.timestamped ? d.duration_s() : 0.0,
                static_cast<long long>(d.samples),
                frames.c_str());
  }
  return kOk;
}

int cmd_info(const Options& o, const std::string& name) {
  core::Catalog catalog(catalog_path(o));
  auto d = require_drive(catalog, name);
  auto sensors = catalog.sensors(d.id);
  auto calibrations = catalog.calibrations(d.id);
  auto poses = catalog.poses(d.id);
  if (o.json) {
    json j = drive_json(d);
    json s = json::array();
    for (const auto& x : sensors)
      s.push_back({{"name", x.name}, {"kind", core::to_string(x.kind)}, {"rate_hz", x.rate_hz},
                   {"frame_id", x.frame_id}, {"model", x.model}, {"frames", d.frames_per_sensor[x.name]}});
    j["sensors"] = s;
    j["calibrations"] = calibrations.size();
    j["poses"] = poses.size();
    print_json(j);
    return kOk;
  }
  std::cout << "drive     " << printable(d.name) << " (id " << d.id << ")\nformat    " << d.format << "\nroot      "
            << printable(d.root) << "\nstart     "
            << (d.timestamped ? core::format_iso8601(d.start_ns) + (d.time_zone.empty() ? "" : " (recorded in " + d.time_zone + ")")
                              : std::string("no timestamps (an ordered set of frames)"))
            << "\nduration  " << d.duration_s()
            << " s\nsamples   " << d.samples << "\nlabels    " << d.labels << "\nposes     " << poses.size()
            << "\ncalibrations " << calibrations.size() << "\nsensors\n";
  for (const auto& x : sensors)
    std::printf("  %-18s %-9s %5.1f Hz  frame %-6s %6lld frames  %s\n", x.name.c_str(), core::to_string(x.kind),
                x.rate_hz, x.frame_id.c_str(), static_cast<long long>(d.frames_per_sensor[x.name]), x.model.c_str());
  return kOk;
}

int cmd_frames(const Options& o, const std::string& name, const std::string& sensor, const std::string& from,
               const std::string& to, std::int64_t limit) {
  core::Catalog catalog(catalog_path(o));
  auto d = require_drive(catalog, name);
  core::FrameQuery q;
  if (!sensor.empty()) q.sensor = sensor;
  if (!from.empty()) q.from_ns = core::parse_user_time(from);
  if (!to.empty()) q.to_ns = core::parse_user_time(to);
  if (limit > 0) q.limit = limit;
  auto frames = catalog.frames(d.id, q);
  if (o.json) {
    json arr = json::array();
    for (const auto& f : frames)
      arr.push_back({{"sensor", f.sensor}, {"index", f.index}, {"timestamp_ns", f.timestamp_ns},
                     {"file", f.file}, {"offset", f.offset}, {"size", f.size}});
    print_json(arr);
    return kOk;
  }
  for (const auto& f : frames)
    std::printf("%-16s %6lld  %s  %10llu  %s\n", f.sensor.c_str(), static_cast<long long>(f.index),
                core::format_kitti_timestamp(f.timestamp_ns).c_str(), static_cast<unsigned long long>(f.size),
                f.file.empty() ? "(payload missing)" : f.file.c_str());
  return kOk;
}

int cmd_samples(const Options& o, const std::string& name) {
  core::Catalog catalog(catalog_path(o));
  auto d = require_drive(catalog, name);
  auto samples = catalog.samples(d.id);
  if (o.json) {
    json arr = json::array();
    for (const auto& s : samples) {
      json members = json::array();
      for (const auto& m : s.members)
        members.push_back({{"sensor", m.sensor}, {"frame_index", m.frame_index}, {"skew_ns", m.skew_ns}});
      arr.push_back({{"key", s.key()}, {"index", s.index}, {"timestamp_ns", s.timestamp_ns}, {"lidar_sensor", s.lidar_sensor},
                     {"lidar_frame_index", s.lidar_frame_index}, {"members", members}});
    }
    print_json(arr);
    return kOk;
  }
  for (const auto& s : samples) {
    std::printf("%6lld  key %-6lld %s  %s#%lld", static_cast<long long>(s.index), static_cast<long long>(s.key()),
                core::format_kitti_timestamp(s.timestamp_ns).c_str(), s.lidar_sensor.c_str(),
                static_cast<long long>(s.lidar_frame_index));
    for (const auto& m : s.members)
      std::printf("  %s#%lld(%+.1fms)", m.sensor.c_str(), static_cast<long long>(m.frame_index),
                  static_cast<double>(m.skew_ns) * 1e-6);
    std::printf("\n");
  }
  return kOk;
}

int cmd_labels(const Options& o, const std::string& name, std::optional<std::int64_t> sample_key,
               const std::string& source, const std::string& model_name) {
  if (name.empty()) throw std::invalid_argument("labels: name a drive (see 'drivecurator-cli drives')");
  core::Catalog catalog(catalog_path(o));
  auto d = require_drive(catalog, name);
  core::LabelQuery q;
  q.frame_index = sample_key;
  if (!source.empty()) q.source = core::label_source_from_string(source);
  if (!model_name.empty()) q.source_name = model_name;
  const auto labels = catalog.label_repository().list(d.id, q);
  if (o.json) {
    json arr = json::array();
    for (const auto& l : labels)
      arr.push_back({{"id", l.id}, {"revision", l.revision}, {"source", core::to_string(l.source)},
                     {"name", l.source_name}, {"run_id", l.run_id ? json(*l.run_id) : json()}, {"class", l.category},
                     {"source_class", l.source_category.empty() ? json() : json(l.source_category)},
                     {"track_id", l.track_id}, {"sample_key", l.frame_index},
                     {"center", {l.center.x(), l.center.y(), l.center.z()}},
                     {"size", {l.length, l.width, l.height}}, {"yaw", l.yaw},
                     {"review", core::to_string(l.review)}, {"score", l.score}});
    print_json(arr);
    return kOk;
  }
  std::printf("%8s %4s %-7s %6s %-12s %-8s %7s %24s %20s %7s  %-10s %s\n", "ID", "REV", "SOURCE", "RUN", "CLASS",
              "TRACK", "SAMPLE", "CENTER x y z (m)", "SIZE l w h (m)", "YAW", "REVIEW", "DATASET CLASS");
  for (const auto& l : labels)
    std::printf("%8lld %4d %-7s %6s %-12s %-8s %7lld %8.2f %7.2f %7.2f %6.2f %6.2f %6.2f %7.3f  %-10s %s\n",
                static_cast<long long>(l.id), l.revision, core::to_string(l.source),
                l.run_id ? std::to_string(*l.run_id).c_str() : "-", printable(l.category).c_str(),
                l.track_id.empty() ? "-" : printable(l.track_id).c_str(), static_cast<long long>(l.frame_index),
                l.center.x(), l.center.y(), l.center.z(), l.length, l.width, l.height, l.yaw,
                core::to_string(l.review), l.source_category.empty() ? "-" : printable(l.source_category).c_str());
  return kOk;
}

// Model predictions from a folder become the labels of one named model run (replacing an earlier import of the
// same name); bad rows are reported with file and line and skipped.
int cmd_labels_import(const Options& o, const std::string& dir, const std::string& drive_name,
                      const std::string& source, const std::string& model_name) {
  if (source != "model") throw std::invalid_argument("labels import: only --source model can be imported");
  if (model_name.empty()) throw std::invalid_argument("labels import: --name is empty");
  core::Catalog catalog(catalog_path(o));
  const auto d = require_drive(catalog, drive_name);
  const core::Drive drive = catalog.load_drive(d.name);
  const core::PredictionImport read = core::read_predictions(dir, drive, model_name);
  for (const auto& e : read.errors) std::cerr << "error: " << error_text(e) << "\n";
  if (read.files == 0) throw std::invalid_argument(dir + ": no prediction files (NNNNNN.txt or *.jsonl)");
  const std::int64_t replaced = catalog.label_repository().replace_model_run(d.id, model_name, read.labels);
  if (o.json) {
    print_json({{"drive", d.name}, {"name", model_name}, {"files", read.files}, {"rows", read.rows},
                {"imported", read.labels.size()}, {"errors", read.errors.size()}, {"replaced", replaced}});
  } else {
    std::printf("imported %zu boxes of model run '%s' into %s from %d files (%d rows, %zu bad rows skipped, %lld "
                "earlier boxes of that run replaced)\n",
                read.labels.size(), printable(model_name).c_str(), d.name.c_str(), read.files, read.rows,
                read.errors.size(), static_cast<long long>(replaced));
  }
  return read.errors.empty() ? kOk : kBadInput;
}

// Every number in an evaluation summary by its path ("bands/Car/0-30m/bev_ap"), for listing and comparing.
void flatten(const json& j, const std::string& path, std::map<std::string, double>& out) {
  if (j.is_number()) {
    out[path] = j.get<double>();
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, path.empty() ? k : path + "/" + k, out);
  }
}

core::Evaluation require_evaluation(core::Catalog& catalog, std::int64_t run) {
  auto e = catalog.run_results().evaluation_of_run(run);
  if (!e) throw std::invalid_argument("run " + std::to_string(run) + " has no evaluation (see 'drivecurator-cli eval list')");
  return *e;
}

int cmd_eval_list(const Options& o, const std::string& drive_name) {
  core::Catalog catalog(catalog_path(o));
  std::optional<std::int64_t> drive_id;
  if (!drive_name.empty()) drive_id = require_drive(catalog, drive_name).id;
  const auto evaluations = catalog.run_results().evaluations(drive_id);
  std::map<std::int64_t, std::string> names;
  for (const auto& d : catalog.drives()) names[d.id] = d.name;
  if (o.json) {
    json arr = json::array();
    for (const auto& e : evaluations)
      arr.push_back({{"run", e.run_id ? json(*e.run_id) : json()}, {"drive", names[e.drive_id]},
                     {"created_ns", e.created_ns}, {"predicted", e.predicted}, {"reference", e.reference},
                     {"summary", json::parse(e.summary_json)}});
    print_json(arr);
    return kOk;
  }
  std::printf("%6s  %-34s %-20s %-10s %s\n", "RUN", "DRIVE", "PREDICTED", "REFERENCE", "BEV AP (all ranges) per class");
  for (const auto& e : evaluations) {
    std::string aps;
    const json s = json::parse(e.summary_json);
    if (s.contains("bands"))
      for (const auto& [cls, bands] : s["bands"].items())
        if (bands.contains("all")) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%s %.1f  ", cls.c_str(), bands["all"]["bev_ap"].get<double>());
          aps += buf;
        }
    std::printf("%6lld  %-34s %-20s %-10s %s\n", e.run_id ? static_cast<long long>(*e.run_id) : -1LL,
                printable(names[e.drive_id]).c_str(), printable(e.predicted).c_str(), printable(e.reference).c_str(),
                aps.c_str());
  }
  return kOk;
}

int cmd_eval_show(const Options& o, std::int64_t run) {
  core::Catalog catalog(catalog_path(o));
  const core::Evaluation e = require_evaluation(catalog, run);
  // Worst samples: most false positives plus misses.
  std::map<std::int64_t, double> errors;
  for (const auto& m : catalog.run_results().metrics_of_run(run))
    if (m.name == "eval-fp" || m.name == "eval-fn") errors[m.sample_key] += m.value;
  std::vector<std::pair<double, std::int64_t>> worst;
  for (const auto& [key, n] : errors)
    if (n > 0) worst.emplace_back(-n, key);
  std::sort(worst.begin(), worst.end());
  if (worst.size() > 10) worst.resize(10);
  const json s = json::parse(e.summary_json);
  if (o.json) {
    json w = json::array();
    for (const auto& [n, key] : worst) w.push_back({{"sample_key", key}, {"errors", -n}});
    print_json({{"run", run}, {"predicted", e.predicted}, {"reference", e.reference},
                {"parameters", json::parse(e.parameters_json)}, {"summary", s}, {"worst_samples", w},
                {"curves", json::parse(e.curves_json)}});
    return kOk;
  }
  std::printf("evaluation of run %lld: %s against %s\nparameters %s\n", static_cast<long long>(run),
              printable(e.predicted).c_str(), printable(e.reference).c_str(), e.parameters_json.c_str());
  std::printf("%d samples", s.value("samples", 0));
  if (s.contains("samples_unannotated"))
    std::printf(" (%d more between the reference's keyframes, not annotated, left out)",
                s["samples_unannotated"].get<int>());
  std::printf("\n");
  if (s.contains("kitti")) {
    std::printf("\nKITTI benchmark (AP with 40 recall positions; 11-point in brackets), %d frames\n",
                s["kitti"].value("frames", 0));
    std::printf("%-12s %-4s %16s %16s %16s\n", "CLASS", "", "EASY", "MODERATE", "HARD");
    for (const auto& [cls, metrics] : s["kitti"].items()) {
      if (!metrics.is_object()) continue;
      for (const auto& [metric, d] : metrics.items()) {
        std::printf("%-12s %-4s", cls.c_str(), metric.c_str());
        for (const char* difficulty : {"easy", "moderate", "hard"})
          if (d.contains(difficulty))
            std::printf(" %7.2f (%6.2f)", d[difficulty]["ap40"].get<double>(), d[difficulty]["ap11"].get<double>());
          else
            std::printf(" %16s", "-");
        std::printf("\n");
      }
    }
  }
  std::printf("\n%-12s %-9s %7s %7s %7s %9s %7s %6s %6s %6s\n", "CLASS", "RANGE", "REF", "BEV AP", "3D AP",
              "PRECISION", "RECALL", "TP", "FP", "FN");
  for (const auto& [cls, bands] : s["bands"].items())
    for (const auto& [band, v] : bands.items())
      std::printf("%-12s %-9s %7d %7.2f %7.2f %9.3f %7.3f %6d %6d %6d\n", cls.c_str(), band.c_str(),
                  v["reference"].get<int>(), v["bev_ap"].get<double>(), v["3d_ap"].get<double>(),
                  v["precision"].get<double>(), v["recall"].get<double>(), v["tp"].get<int>(), v["fp"].get<int>(),
                  v["fn"].get<int>());
  if (s.contains("tracking")) {
    std::printf("\n%-12s %7s %7s %7s %7s %7s %9s\n", "CLASS", "MOTA", "MOTP", "IDF1", "ID SW", "FRAG", "TRACKS");
    for (const auto& [cls, t] : s["tracking"].items())
      std::printf("%-12s %7.3f %7.3f %7.3f %7d %7d %4d/%-4d\n", cls.c_str(), t["mota"].get<double>(),
                  t["motp"].get<double>(), t["idf1"].get<double>(), t["id_switches"].get<int>(),
                  t["fragmentations"].get<int>(), t["predicted_tracks"].get<int>(), t["reference_tracks"].get<int>());
  }
  if (!worst.empty()) {
    std::printf("\nworst samples (false positives + misses at min_score):");
    for (const auto& [n, key] : worst) std::printf(" %lld (%g)", static_cast<long long>(key), -n);
    std::printf("\n");
  }
  return kOk;
}

int cmd_eval_compare(const Options& o, std::int64_t a, std::int64_t b) {
  core::Catalog catalog(catalog_path(o));
  const core::Evaluation ea = require_evaluation(catalog, a), eb = require_evaluation(catalog, b);
  std::map<std::string, double> na, nb;
  flatten(json::parse(ea.summary_json), "", na);
  flatten(json::parse(eb.summary_json), "", nb);
  std::set<std::string> keys;
  for (const auto& [k, v] : na) keys.insert(k);
  for (const auto& [k, v] : nb) keys.insert(k);
  if (o.json) {
    json arr = json::array();
    for (const auto& k : keys) {
      const auto ia = na.find(k), ib = nb.find(k);
      arr.push_back({{"key", k}, {"a", ia == na.end() ? json() : json(ia->second)},
                     {"b", ib == nb.end() ? json() : json(ib->second)},
                     {"delta", ia == na.end() || ib == nb.end() ? json() : json(ib->second - ia->second)}});
    }
    print_json({{"a", {{"run", a}, {"predicted", ea.predicted}, {"reference", ea.reference}}},
                {"b", {{"run", b}, {"predicted", eb.predicted}, {"reference", eb.reference}}}, {"numbers", arr}});
    return kOk;
  }
  std::printf("A: run %lld, %s against %s\nB: run %lld, %s against %s\n\n%-48s %12s %12s %12s\n",
              static_cast<long long>(a), printable(ea.predicted).c_str(), printable(ea.reference).c_str(),
              static_cast<long long>(b), printable(eb.predicted).c_str(), printable(eb.reference).c_str(), "NUMBER",
              "A", "B", "B - A");
  for (const auto& k : keys) {
    const auto ia = na.find(k), ib = nb.find(k);
    const std::string va = ia == na.end() ? "-" : std::to_string(ia->second);
    const std::string vb = ib == nb.end() ? "-" : std::to_string(ib->second);
    std::string delta = "-";
    if (ia != na.end() && ib != nb.end()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%+.4f", ib->second - ia->second);
      delta = buf;
    }
    std::printf("%-48s %12s %12s %12s\n", printable(k).c_str(), va.c_str(), vb.c_str(), delta.c_str());
  }
  return kOk;
}

// "Car/moderate/3d>=70" (KITTI benchmark, AP_R40), "Car/0-30m/bev>=50" or "Car/all/recall>=0.9" (range bands:
// bev, 3d, precision, recall), "Car/tracking/mota>=0.5" (any tracking number): the value it names in a summary.
struct Requirement {
  std::string text;
  std::vector<std::string> path;  // into the summary
  std::string op;
  double bound = 0;
};

Requirement parse_requirement(const std::string& text) {
  Requirement r{text, {}, {}, 0};
  const auto at = text.find_first_of("<>");
  if (at == std::string::npos) throw std::invalid_argument("--require '" + text + "': no comparison (>=, <=, >, <)");
  r.op = text.substr(at, text.compare(at + 1, 1, "=") == 0 ? 2 : 1);
  try {
    std::size_t used = 0;
    const std::string number = text.substr(at + r.op.size());
    r.bound = std::stod(number, &used);
    if (used != number.size()) throw std::invalid_argument(number);
  } catch (const std::exception&) {
    throw std::invalid_argument("--require '" + text + "': the bound after " + r.op + " is not a number");
  }
  std::vector<std::string> parts;
  std::istringstream in(text.substr(0, at));
  for (std::string part; std::getline(in, part, '/');) parts.push_back(part);
  if (parts.size() != 3)
    throw std::invalid_argument("--require '" + text + "': expected CLASS/DIFFICULTY|BAND|tracking/METRIC");
  const std::string& cls = parts[0];
  const std::string& where = parts[1];
  const std::string& metric = parts[2];
  if (where == "easy" || where == "moderate" || where == "hard")
    r.path = {"kitti", cls, metric, where, "ap40"};
  else if (where == "tracking")
    r.path = {"tracking", cls, metric};
  else
    r.path = {"bands", cls, where, metric == "bev" || metric == "3d" ? metric + "_ap" : metric};
  return r;
}

// Checks every requirement against the evaluation summary; prints each; true when all hold.
bool requirements_hold(const std::vector<Requirement>& requirements, const json& summary) {
  bool ok = true;
  for (const auto& r : requirements) {
    const json* v = &summary;
    for (const auto& key : r.path) {
      if (!v || !v->is_object() || !v->contains(key)) {
        v = nullptr;
        break;
      }
      v = &(*v)[key];
    }
    if (!v || !v->is_number()) {
      std::cerr << "requirement " << r.text << ": FAILED (the evaluation has no such number)\n";
      ok = false;
      continue;
    }
    const double x = v->get<double>();
    const bool holds = r.op == ">=" ? x >= r.bound : r.op == "<=" ? x <= r.bound : r.op == ">" ? x > r.bound : x < r.bound;
    std::cerr << "requirement " << r.text << ": " << (holds ? "ok" : "FAILED") << " (" << x << ")\n";
    ok = ok && holds;
  }
  return ok;
}


int cmd_pass_list(const Options& o) {
  if (o.json) {
    json arr = json::array();
    for (const auto& p : core::pass_registry())
      arr.push_back({{"name", p->name()}, {"version", p->version()}, {"summary", p->summary()}});
    print_json(arr);
    return kOk;
  }
  for (const auto& p : core::pass_registry())
    std::printf("%-12s %-4s %s\n", p->name().c_str(), p->version().c_str(), p->summary().c_str());
  return kOk;
}

const core::Pass& require_pass(const std::string& name) {
  const core::Pass* pass = core::find_pass(name);
  if (!pass) throw std::invalid_argument("unknown pass '" + name + "' (see 'drivecurator-cli pass list')");
  return *pass;
}

int cmd_pass_show(const Options& o, const std::string& name) {
  const core::Pass& pass = require_pass(name);
  if (o.json) {
    json params = json::array();
    for (const auto& p : pass.parameters())
      params.push_back({{"name", p.name}, {"type", core::to_string(p.type)}, {"default", p.default_value},
                        {"min", p.min ? json(*p.min) : json()}, {"max", p.max ? json(*p.max) : json()},
                        {"doc", p.doc}});
    print_json({{"name", pass.name()}, {"version", pass.version()}, {"summary", pass.summary()}, {"parameters", params}});
    return kOk;
  }
  std::printf("%s %s: %s\nparameters (--param name=value):\n", pass.name().c_str(), pass.version().c_str(),
              pass.summary().c_str());
  for (const auto& p : pass.parameters()) {
    std::string range;
    if (p.min || p.max)
      range = " [" + (p.min ? json(*p.min).dump() : std::string("")) + ".." + (p.max ? json(*p.max).dump() : std::string("")) + "]";
    std::printf("  %-26s %-7s default %-10s %s%s\n", p.name.c_str(), core::to_string(p.type), p.default_value.c_str(),
                p.doc.c_str(), range.c_str());
  }
  return kOk;
}

// Queues a run of the pass and runs it here, progress on stderr.
core::Job run_pass_here(const Options& o, const std::string& name, const std::string& drive,
                        const std::vector<std::string>& params) {
  const auto path = catalog_path(o);
  std::int64_t run = 0;
  {
    core::Catalog catalog(path);
    run = core::queue_pass_run(catalog, {name, drive, core::parse_param_items(params)});
  }
  dc::app::ProgressPrinter printer(name, o.quiet);
  const core::Job ended = core::execute_pass_run(path, run, printer.progress());
  printer.finish();
  return ended;
}

int cmd_pass_run(const Options& o, const std::string& name, const std::string& drive,
                 const std::vector<std::string>& params) {
  const core::Job ended = run_pass_here(o, name, drive, params);
  if (o.json) {
    print_json(job_json(ended));
  } else {
    std::cout << "run " << ended.id << " " << core::to_string(ended.state) << " on " << ended.device << ": "
              << ended.counts_json << "\n";
    if (!ended.error.empty()) std::cerr << "error: " << printable(ended.error) << "\n";
  }
  if (ended.state == core::JobState::Cancelled) {
    std::cerr << "cancelled\n";
    return kBadInput;
  }
  return ended.state == core::JobState::Done ? kOk : kBadInput;
}

int cmd_eval_show(const Options& o, std::int64_t run);

// "0-4,7,9-10" from sorted keys: a collection's samples on one drive as the eval pass's `samples` parameter.
std::string key_ranges(std::vector<std::int64_t> keys) {
  std::sort(keys.begin(), keys.end());
  std::string out;
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    while (j + 1 < keys.size() && keys[j + 1] <= keys[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + std::to_string(keys[i]) + (j > i ? "-" + std::to_string(keys[j]) : "");
    i = j + 1;
  }
  return out;
}

// Runs the eval pass and gates on requirements: exit code 3 when one fails (for a training pipeline's CI). With a
// collection, each of its drives is evaluated on the collection's samples there, and every evaluation is gated.
int cmd_eval_run(const Options& o, const std::string& predicted, const std::string& reference,
                 const std::string& drive, const std::string& collection, std::vector<std::string> params,
                 const std::vector<std::string>& requirement_texts) {
  std::vector<Requirement> requirements;
  for (const auto& t : requirement_texts) requirements.push_back(parse_requirement(t));  // bad ones fail first
  params.push_back("predicted=" + predicted);
  params.push_back("reference=" + reference);
  std::vector<std::pair<std::string, std::vector<std::string>>> runs;  // drive, parameters
  if (collection.empty()) {
    if (drive.empty()) throw std::invalid_argument("eval run needs --drive or --collection");
    runs.push_back({drive, params});
  } else {
    core::Catalog catalog(catalog_path(o));
    const auto refs = catalog.tag_repository().collection(collection);
    if (refs.empty()) throw std::invalid_argument("no collection '" + collection + "' (or it has no samples)");
    std::map<std::int64_t, std::vector<std::int64_t>> keys_by_drive;
    for (const auto& r : refs) keys_by_drive[r.drive_id].push_back(r.key);
    const std::optional<std::int64_t> only =
        drive.empty() ? std::nullopt : std::optional(require_drive(catalog, drive).id);
    for (const auto& [drive_id, keys] : keys_by_drive) {
      if (only && *only != drive_id) continue;
      auto with_samples = params;
      with_samples.push_back("samples=" + key_ranges(keys));
      runs.push_back({std::to_string(drive_id), with_samples});
    }
    if (runs.empty()) throw std::invalid_argument("collection '" + collection + "' has no samples on " + drive);
  }
  bool all_hold = true;
  for (const auto& [run_drive, run_params] : runs) {
    const core::Job ended = run_pass_here(o, "eval", run_drive, run_params);
    if (ended.state != core::JobState::Done) {
      std::cerr << "error: run " << ended.id << " " << core::to_string(ended.state) << ": " << printable(ended.error)
                << "\n";
      return kBadInput;
    }
    cmd_eval_show(o, ended.id);
    core::Catalog catalog(catalog_path(o));
    const auto e = catalog.run_results().evaluation_of_run(ended.id);
    all_hold = requirements_hold(requirements, json::parse(e->summary_json)) && all_hold;
  }
  return all_hold ? kOk : kRequirementFailed;
}

int cmd_findings(const Options& o, const std::string& drive, const std::string& check, const std::string& severity) {
  core::Catalog catalog(catalog_path(o));
  std::vector<core::DriveSummary> drives;
  if (drive.empty())
    drives = catalog.drives();
  else
    drives.push_back(require_drive(catalog, drive));
  const std::optional<core::Severity> min_severity =
      severity.empty() ? std::nullopt : std::optional(core::severity_from_string(severity));
  json arr = json::array();
  for (const auto& d : drives)
    for (const auto& f : catalog.finding_repository().list(d.id)) {
      if (!check.empty() && f.check != check) continue;
      if (min_severity && f.severity != *min_severity) continue;
      if (o.json) {
        arr.push_back({{"id", f.id}, {"drive", d.name}, {"check", f.check}, {"severity", core::to_string(f.severity)},
                       {"start_ns", f.start_ns}, {"end_ns", f.end_ns},
                       {"sample_key", f.sample_key >= 0 ? json(f.sample_key) : json()}, {"sensor", f.sensor},
                       {"message", f.message}, {"details", json::parse(f.details_json, nullptr, false)},
                       {"review", core::to_string(f.review)}});
      } else {
        std::printf("%6lld %-8s %-22s %-16s %s\n", static_cast<long long>(f.id), core::to_string(f.severity),
                    f.check.c_str(), f.sensor.c_str(), printable(f.message).c_str());
      }
    }
  if (o.json) print_json(arr);
  return kOk;
}

int cmd_calibrations(const Options& o, const std::string& name) {
  core::Catalog catalog(catalog_path(o));
  const auto d = require_drive(catalog, name);
  const auto calibrations = catalog.drive_repository().calibrations(d.id, true);
  json arr = json::array();
  for (const auto& c : calibrations) {
    json extrinsics = json::array();
    for (const auto& e : c.extrinsics) {
      const Eigen::Vector3d t = e.T_to_from.translation();
      const Eigen::Vector3d rpy = e.T_to_from.rotation().eulerAngles(0, 1, 2) * 180.0 / M_PI;
      extrinsics.push_back({{"to", e.to_frame}, {"from", e.from_frame}, {"translation_m", {t.x(), t.y(), t.z()}},
                            {"rotation_xyz_deg", {rpy.x(), rpy.y(), rpy.z()}}, {"source", core::to_string(e.source)}});
    }
    json cameras = json::array();
    for (const auto& [sensor, k] : c.cameras)
      cameras.push_back({{"sensor", sensor}, {"fx", k.K(0, 0)}, {"fy", k.K(1, 1)}, {"cx", k.K(0, 2)}, {"cy", k.K(1, 2)},
                         {"width", k.width}, {"height", k.height}});
    arr.push_back({{"source", core::to_string(c.source)}, {"run_id", c.run_id ? json(*c.run_id) : json()},
                   {"valid_from_ns", c.valid_from_ns}, {"valid_to_ns", c.valid_to_ns}, {"cameras", cameras},
                   {"extrinsics", extrinsics}});
  }
  if (o.json) {
    print_json(arr);
    return kOk;
  }
  for (const auto& c : arr) {
    std::cout << c["source"].get<std::string>() << (c["run_id"].is_null() ? "" : " (run " + c["run_id"].dump() + ")")
              << ", valid " << c["valid_from_ns"].dump() << " .. " << c["valid_to_ns"].dump() << "\n";
    for (const auto& e : c["extrinsics"])
      std::cout << "  T_" << e["to"].get<std::string>() << "_from_" << e["from"].get<std::string>() << ": t "
                << e["translation_m"].dump() << " m, rotation " << e["rotation_xyz_deg"].dump() << " deg\n";
  }
  return kOk;
}

int cmd_errors(const Options& o) {
  core::Catalog catalog(catalog_path(o));
  auto errors = catalog.ingest_errors();
  if (o.json) {
    json arr = json::array();
    for (const auto& e : errors) arr.push_back(error_json(e));
    print_json(arr);
    return kOk;
  }
  for (const auto& e : errors) std::cout << error_text(e) << "\n";
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"DriveCurator command line: generate, ingest and query drives in the catalog"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand too
  Options o;
  app.add_option("--catalog", o.catalog, "catalog file (default $XDG_DATA_HOME/drivecurator/catalog.sqlite)");
  app.add_flag("--json", o.json, "machine-readable output");
  app.add_flag("-q,--quiet", o.quiet, "no progress on stderr, only errors in the log on stderr");
  app.add_flag("-v,--verbose", o.verbose, "log everything (debug) on stderr");

  core::GeneratorOptions g;
  std::string out;
  auto* generate = app.add_subcommand("generate", "write a synthetic KITTI raw drive");
  generate->add_option("--out", out, "output folder")->required();
  generate->add_option("--format", g.format,
                       "layout written: kitti-raw, nuscenes (<out> is the dataset root) or mcap (a ROS 2 recording)")
      ->check(CLI::IsMember({"kitti-raw", "nuscenes", "mcap"}));
  generate->add_flag("--ros1", g.ros1, "with --format mcap: a ROS 1 recording instead of ROS 2");
  generate->add_option("--mcap-compression", g.mcap_compression, "with --format mcap: chunk compression")
      ->check(CLI::IsMember({"zstd", "lz4", "none"}));
  generate->add_option("--frames", g.frames, "number of lidar sweeps")->check(CLI::Range(1, 1000000));
  generate->add_option("--seed", g.seed, "random seed (same seed, same bytes)");
  generate->add_option("--cameras", g.cameras, "color cameras (1 or 2)")->check(CLI::Range(1, 2));
  generate->add_option("--width", g.image_width, "image width")->check(CLI::Range(64, 8192));
  generate->add_option("--height", g.image_height, "image height")->check(CLI::Range(48, 8192));
  generate->add_option("--beams", g.lidar_beams, "lidar beams")->check(CLI::Range(1, 256));
  generate->add_option("--columns", g.lidar_columns, "lidar azimuth steps per sweep")->check(CLI::Range(16, 100000));
  generate->add_option("--date", g.date, "date folder name, YYYY_MM_DD");
  generate->add_option("--drive", g.drive_number, "drive number")->check(CLI::Range(0, 9999));
  generate->add_option("--threads", g.threads, "worker threads (0: all cores)")->check(CLI::Range(0, 1024));
  generate->add_option("--inject", g.inject,
                       "fault to write into the drive (repeatable), e.g. drop:image_02:40-45, "
                       "time-jump:velodyne_points:60:+0.35s, black:image_02:70, calib-drift:image_02:from=50:yaw=0.8deg");

  std::vector<std::string> ingest_paths;
  auto* ingest = app.add_subcommand("ingest", "index drive folders into the catalog");
  ingest->add_option("paths", ingest_paths, "drive folders or files, or folders containing drives")->required();

  auto* drives = app.add_subcommand("drives", "list the catalog's drives");

  std::string drive_name, sensor, from, to;
  std::int64_t limit = 0;
  auto* info = app.add_subcommand("info", "details of one drive");
  info->add_option("drive", drive_name, "drive name or id")->required();
  auto* frames = app.add_subcommand("frames", "frames of one drive");
  frames->add_option("drive", drive_name, "drive name or id")->required();
  frames->add_option("--sensor", sensor, "only this sensor");
  frames->add_option("--from", from, "start time, UTC: 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS[.fff]' or ns since the epoch");
  frames->add_option("--to", to, "end time, inclusive");
  frames->add_option("--limit", limit, "at most this many frames");
  auto* samples = app.add_subcommand("samples", "lidar-keyed samples of one drive");
  samples->add_option("drive", drive_name, "drive name or id")->required();
  std::optional<std::int64_t> sample_key;
  std::string source;
  auto* labels = app.add_subcommand("labels", "labels of one drive (current revisions)");
  labels->add_option("drive", drive_name, "drive name or id");
  labels->add_option("--sample", sample_key, "only this sample (its key: the lidar frame index)");
  labels->add_option("--source", source, "only this source")->check(CLI::IsMember({"gt", "auto", "model", "manual"}));
  std::string model_name, import_dir;
  labels->add_option("--name", model_name, "only this model run");
  auto* labels_import = labels->add_subcommand("import", "model predictions from a folder (KITTI result files "
                                                         "NNNNNN.txt or lidar-frame JSON lines *.jsonl)");
  labels_import->add_option("dir", import_dir, "folder of prediction files")->required();
  labels_import->add_option("--drive", drive_name, "drive name or id")->required();
  labels_import->add_option("--source", source, "label source of the predictions")
      ->check(CLI::IsMember({"model"}))->required();
  labels_import->add_option("--name", model_name, "name of the model run (importing it again replaces it)")
      ->required();
  auto* errors = app.add_subcommand("errors", "problems recorded while ingesting");

  auto* pass = app.add_subcommand("pass", "validation and labeling passes");
  pass->require_subcommand(1);
  auto* pass_list = pass->add_subcommand("list", "the passes this program has");
  std::string pass_name;
  std::vector<std::string> pass_params;
  auto* pass_show = pass->add_subcommand("show", "a pass's parameters, defaults and docs");
  pass_show->add_option("pass", pass_name, "pass name")->required();
  auto* pass_run = pass->add_subcommand("run", "run a pass over drives here (progress on stderr, Ctrl-C cancels) "
                                                "or submit it to a Slurm cluster");
  pass_run->add_option("pass", pass_name, "pass name")->required();
  std::vector<std::string> pass_drives;
  pass_run->add_option("--drive", pass_drives, "drive name or id (repeatable)")->required();
  pass_run->add_option("--param", pass_params, "name=value (repeatable; see 'pass show')");
  std::string executor = "local", results_file, samples_range;
  std::int64_t task_run_id = 0;
  bool wait = false;
  core::SlurmOptions slurm;
  pass_run->add_option("--executor", executor, "local (here) or slurm (an sbatch array job)")
      ->check(CLI::IsMember({"local", "slurm"}));
  pass_run->add_option("--results", results_file,
                       "cluster task: write the results to this file instead of the catalog (needs --run-id)");
  pass_run->add_option("--run-id", task_run_id, "cluster task: the run the results are for");
  pass_run->add_option("--samples", samples_range, "cluster task: only samples FIRST:END (END -1: to the end)");
  pass_run->add_option("--partition", slurm.partition, "slurm: partition");
  pass_run->add_option("--account", slurm.account, "slurm: account");
  pass_run->add_option("--time", slurm.time_limit, "slurm: time limit per task, e.g. 30:00");
  pass_run->add_option("--gres", slurm.gres, "slurm: generic resources per task, e.g. gpu:1");
  pass_run->add_option("--cpus-per-task", slurm.cpus_per_task, "slurm: CPUs per task")->check(CLI::Range(0, 4096));
  pass_run->add_option("--mem", slurm.memory, "slurm: memory per task, e.g. 16G");
  pass_run->add_option("--sbatch-line", slurm.extra_lines, "slurm: one more #SBATCH line, e.g. --qos=high (repeatable)");
  pass_run->add_option("--ssh", slurm.ssh_host, "slurm: submit through this login node (ssh -o BatchMode=yes HOST)");
  pass_run->add_option("--ssh-config", slurm.ssh_config, "slurm: ssh configuration file for --ssh");
  pass_run->add_option("--shard-size", slurm.shard_size, "slurm: samples per task (0: one task per drive)")
      ->check(CLI::Range(0, 100000000));
  pass_run->add_option("--job-root", slurm.job_root, "slurm: folder for job folders, on the filesystem the nodes "
                                                     "share (default: 'jobs' beside the catalog)");
  pass_run->add_option("--node-cli", slurm.cli_path, "slurm: drivecurator-cli as the nodes see it (default: this one)");
  pass_run->add_flag("--wait", wait, "slurm: wait until every task ended, importing as they complete");
  auto* jobs = app.add_subcommand("jobs", "pass runs and cluster jobs with their tasks, newest first (polls "
                                          "unfinished cluster jobs and imports what completed)");
  std::int64_t job_id = 0;
  std::optional<int> job_task;
  auto* job = app.add_subcommand("job", "one pass run or cluster job");
  job->require_subcommand(1);
  auto* job_show = job->add_subcommand("show", "state, parameters, counts, log of a run; a cluster job's tasks");
  job_show->add_option("id", job_id, "run or cluster job id")->required();
  auto* job_cancel = job->add_subcommand("cancel", "stop a queued or running run, or a cluster job (scancel)");
  job_cancel->add_option("id", job_id, "run or cluster job id")->required();
  job_cancel->add_option("--task", job_task, "cluster job: only this array task");
  auto* job_import = job->add_subcommand("import", "poll a cluster job and import its completed tasks (once)");
  job_import->add_option("id", job_id, "cluster job id")->required();
  std::string check, severity;
  auto* findings = app.add_subcommand("findings", "what validation passes found");
  findings->add_option("--drive", drive_name, "only this drive");
  findings->add_option("--check", check, "only this check");
  findings->add_option("--severity", severity, "only this severity")->check(CLI::IsMember({"info", "warning", "error"}));
  auto* eval = app.add_subcommand("eval", "stored evaluations (run them with 'pass run eval')");
  eval->require_subcommand(1);
  std::string predicted, reference = "gt";
  std::vector<std::string> requirements;
  auto* eval_run = eval->add_subcommand("run", "evaluate a label source on a drive (the eval pass) and show it");
  eval_run->add_option("--pred", predicted, "labels to evaluate: auto, auto:RUN, manual, model, model:NAME")
      ->required();
  eval_run->add_option("--gt", reference, "reference labels (default gt)");
  std::string eval_collection;
  eval_run->add_option("--drive", drive_name, "drive name or id");
  eval_run->add_option("--collection", eval_collection, "a collection: each of its drives on the collection's samples");
  eval_run->add_option("--param", pass_params, "name=value (see 'pass show eval')");
  eval_run->add_option("--require", requirements,
                       "CLASS/moderate/3d>=70, CLASS/0-30m/bev>=50, CLASS/tracking/mota>=0.5 ...: exit code 3 when "
                       "one fails (repeatable)");
  auto* eval_list = eval->add_subcommand("list", "evaluations, oldest first");
  eval_list->add_option("--drive", drive_name, "only this drive");
  auto* eval_show = eval->add_subcommand("show", "one evaluation's numbers and worst samples");
  eval_show->add_option("run", job_id, "run id of the eval pass")->required();
  std::vector<std::int64_t> compared;
  auto* eval_compare = eval->add_subcommand("compare", "the differences between two evaluations");
  eval_compare->add_option("runs", compared, "two run ids")->required()->expected(2);
  auto* calibrations = app.add_subcommand("calibrations", "a drive's calibrations, refined ones after the file's");
  calibrations->add_option("drive", drive_name, "drive name or id")->required();
  CurationCommands curation(app);  // tag, query, collection
  ExportCommands exporting(app);   // export COLLECTION, export list
  ReviewCommands reviewing(app);   // review, label set|delete

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }

  core::LogOptions log_options;
  log_options.to_stderr = true;
  log_options.stderr_level = o.verbose ? core::LogLevel::Debug : o.quiet ? core::LogLevel::Error : core::LogLevel::Warning;
  // The ingest report prints its own problems; the log on stderr adds the rest (and all of it with --verbose).
  if (!o.verbose && *ingest) log_options.stderr_level = core::LogLevel::Error;
  core::init_logging(log_options);
  // Ctrl-C / SIGTERM cancel the commands that can be cancelled; the quick queries keep the default (terminate).
  if (*generate || *ingest || *pass_run || *eval_run) dc::app::install_interrupt_handler();
  try {
    if (*generate) {
      g.out = out;
      return cmd_generate(o, g);
    }
    if (*ingest) return cmd_ingest(o, ingest_paths);
    if (*drives) return cmd_drives(o);
    if (*info) return cmd_info(o, drive_name);
    if (*frames) return cmd_frames(o, drive_name, sensor, from, to, limit);
    if (*samples) return cmd_samples(o, drive_name);
    if (*labels_import) return cmd_labels_import(o, import_dir, drive_name, source, model_name);
    if (*labels) return cmd_labels(o, drive_name, sample_key, source, model_name);
    if (*errors) return cmd_errors(o);
    if (*pass_list) return cmd_pass_list(o);
    if (*pass_show) return cmd_pass_show(o, pass_name);
    if (*pass_run) {
      if (executor == "slurm") return cmd_pass_submit(o, pass_name, pass_drives, pass_params, slurm, wait);
      if (!results_file.empty()) {
        if (pass_drives.size() != 1 || task_run_id <= 0)
          throw std::invalid_argument("--results runs one cluster task: give one --drive and --run-id");
        return cmd_pass_task(o, pass_name, pass_drives[0], pass_params, results_file, task_run_id, samples_range);
      }
      int worst = kOk;
      for (const auto& d : pass_drives) worst = std::max(worst, cmd_pass_run(o, pass_name, d, pass_params));
      return worst;
    }
    if (*jobs) return cmd_jobs(o);
    if (*job_show) return cmd_job_show(o, job_id);
    if (*job_cancel) return cmd_job_cancel(o, job_id, job_task);
    if (*job_import) return cmd_job_import(o, job_id);
    if (*findings) return cmd_findings(o, drive_name, check, severity);
    if (*calibrations) return cmd_calibrations(o, drive_name);
    if (*eval_run) return cmd_eval_run(o, predicted, reference, drive_name, eval_collection, pass_params, requirements);
    if (*eval_list) return cmd_eval_list(o, drive_name);
    if (*eval_show) return cmd_eval_show(o, job_id);
    if (*eval_compare) return cmd_eval_compare(o, compared[0], compared[1]);
    if (auto rc = curation.dispatch(o)) return *rc;
    if (auto rc = exporting.dispatch(o)) return *rc;
    if (auto rc = reviewing.dispatch(o)) return *rc;
  } catch (const core::Cancelled&) {
    std::cerr << "cancelled\n";
    return kBadInput;
  } catch (const core::CatalogError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kBadInput;
  }
  return kUsage;
}

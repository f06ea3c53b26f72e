#include "dc/core/export/kitti_object_exporter.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "export/camera_view.h"
#include "export/drive_split.h"
#include "export/kitti_export_text.h"
#include "export/sha256.h"
#include "export/staging_folder.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>

namespace dc::core {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct SourceFilter {
  LabelSource source;
  std::optional<std::string> name;  // model:NAME
  bool matches(const BoxLabel& b) const { return b.source == source && (!name || b.source_name == *name); }
};

std::vector<SourceFilter> parse_sources(const std::vector<std::string>& specs) {
  if (specs.empty()) throw std::invalid_argument("no label sources given (use gt, auto, model, model:NAME, manual)");
  std::vector<SourceFilter> out;
  for (const auto& s : specs) {
    const auto colon = s.find(':');
    SourceFilter f{label_source_from_string(s.substr(0, colon)), std::nullopt};
    if (colon != std::string::npos) f.name = s.substr(colon + 1);
    out.push_back(f);
  }
  return out;
}

std::string frame_name(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06d", n);
  return buf;
}

std::string lower_extension(const std::string& file) {
  std::string e = fs::path(file).extension().string();
  for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

void write_file(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// True when the frame is its whole file, so the file's bytes are the payload's.
bool whole_file(const Frame& f) {
  if (f.offset != 0) return false;
  std::error_code ec;
  const auto size = fs::file_size(f.file, ec);
  return !ec && (f.size == 0 || f.size == size);
}

std::string read_range(const Frame& f) {
  std::ifstream in(f.file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(f.offset));
  std::string bytes(f.size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in) throw std::runtime_error(f.file + ": cannot read " + std::to_string(f.size) + " bytes at offset " +
                                    std::to_string(f.offset));
  return bytes;
}

// The refined calibration for one camera at time t: covering t and holding the camera, the newest run's; null when
// none. The same rule as SampleLoader's camera overrides, so the export matches what the viewer's toggle shows.
const Calibration* newest_refined(const std::vector<Calibration>& refined, const DriveSession& session,
                                  const std::string& camera, TimestampNs t) {
  const Calibration* best = nullptr;
  for (const auto& c : refined) {
    if (c.source != CalibrationSource::Refined || t < c.valid_from_ns || t >= c.valid_to_ns ||
        !session.camera_model(c, camera))
      continue;
    if (!best || c.run_id.value_or(-1) >= best->run_id.value_or(-1)) best = &c;
  }
  return best;
}

class ExportRun {
public:
  ExportRun(const fs::path& root, const Progress& progress, double total)
      : root_(root), progress_(progress), total_(total) {}

  // Same bytes: a hard link costs no space; across filesystems (or where links are refused) a copy.
  void place(const fs::path& source, const std::string& rel) {
    std::error_code ec;
    fs::create_hard_link(source, root_ / rel, ec);
    if (ec) {
      fs::copy_file(source, root_ / rel, ec);
      if (ec) throw std::runtime_error("cannot copy " + source.string() + " to " + rel + ": " + ec.message());
      ++result.copied;
    } else {
      ++result.linked;
    }
  }

  // Records a finished output file in the manifest, then reports progress and honours cancel.
  void done(const std::string& rel, const json& source, const json& drive, const json& timestamp_ns) {
    files.push_back({{"path", rel},
                     {"sha256", Sha256::of_file(root_ / rel)},
                     {"source", source},
                     {"drive", drive},
                     {"timestamp_ns", timestamp_ns}});
    progress_(++done_, total_, rel);
    if (progress_.cancelled()) throw Cancelled();
  }

  KittiExportResult result;
  json files = json::array();

private:
  fs::path root_;
  const Progress& progress_;
  double total_;
  double done_ = 0;
};

}  // namespace

KittiExportResult KittiObjectExporter::run(const std::vector<SampleRef>& samples, const fs::path& target,
                                           const KittiExportOptions& options, const Progress& progress) const {
  const auto sources = parse_sources(options.sources);
  if (!(options.val_fraction >= 0 && options.val_fraction <= 1))
    throw std::invalid_argument("val fraction must be within 0..1");
  if (samples.empty()) throw std::invalid_argument("nothing to export: no samples");

  // Keep the given order, drop repeats; numbers NNNNNN follow that order.
  std::vector<SampleRef> order;
  std::set<std::pair<std::int64_t, std::int64_t>> seen;
  std::map<std::int64_t, int> per_drive;
  for (const auto& s : samples)
    if (seen.insert({s.drive_id, s.key}).second) {
      order.push_back(s);
      ++per_drive[s.drive_id];
    }

  std::map<std::int64_t, std::string> drive_names;
  for (const auto& d : catalog_.drives()) drive_names[d.id] = d.name;
  std::map<std::int64_t, std::shared_ptr<const DriveSession>> sessions;
  for (const auto& [id, n] : per_drive) {
    auto it = drive_names.find(id);
    if (it == drive_names.end()) throw std::invalid_argument("no drive with id " + std::to_string(id));
    sessions[id] = DriveSession::open(catalog_, it->second);
  }
  // Refined calibrations of finished runs, read once per drive (Catalog offers its drive repository only non-const;
  // calibrations() only reads).
  std::map<std::int64_t, std::vector<Calibration>> refined;
  if (options.calibration == KittiCalibrationChoice::Refined)
    for (const auto& [id, n] : per_drive)
      refined[id] = const_cast<Catalog&>(catalog_).drive_repository().calibrations(id, true);
  const std::set<std::int64_t> val_drives = choose_val_drives(per_drive, options.val_fraction, options.seed);

  StagingFolder staging(target);
  const fs::path root = staging.path();
  for (const char* dir : {"image_2", "velodyne", "calib", "label_2", "ImageSets"}) fs::create_directory(root / dir);

  ExportRun run(root, progress, 4.0 * static_cast<double>(order.size()) + 2);
  progress(0, 4.0 * static_cast<double>(order.size()) + 2, "exporting");
  if (progress.cancelled()) throw Cancelled();
  std::vector<std::string> train, val;
  json sample_entries = json::array();
  std::map<std::int64_t, std::map<std::int64_t, int>> position;  // drive -> key -> sample position
  for (const auto& [id, session] : sessions)
    for (int i = 0; i < session->sample_count(); ++i) position[id][session->sample(i).key()] = i;

  for (std::size_t n = 0; n < order.size(); ++n) {
    const SampleRef ref = order[n];
    const DriveSession& session = *sessions.at(ref.drive_id);
    const std::string drive = session.name();
    auto pos = position[ref.drive_id].find(ref.key);
    if (pos == position[ref.drive_id].end())
      throw std::invalid_argument("drive " + drive + " has no sample " + std::to_string(ref.key));
    const int i = pos->second;
    const Sample& sample = session.sample(i);
    const std::string name = frame_name(static_cast<int>(n));
    const json ts = sample.timestamp_ns;

    // Velodyne: KITTI's float32 x y z reflectance, the same bytes as a KITTI .bin source.
    const Frame* lidar = session.lidar_frame(i);
    if (!lidar || lidar->file.empty())
      throw std::invalid_argument(drive + " sample " + std::to_string(ref.key) + ": lidar payload missing");
    const std::string velo_rel = "velodyne/" + name + ".bin";
    if (lower_extension(lidar->file) != ".bin")
      throw std::invalid_argument(lidar->file + ": only KITTI .bin point clouds can be exported");
    if (whole_file(*lidar)) run.place(lidar->file, velo_rel);
    else {
      write_file(root / velo_rel, read_range(*lidar));
      ++run.result.written;
    }
    run.done(velo_rel, lidar->file, drive, ts);

    // Image: a PNG source is linked as is; anything else is decoded and written as PNG.
    const std::string camera = !options.camera.empty() ? options.camera
                               : session.camera_sensors().empty() ? std::string() : session.camera_sensors().front();
    const Sample::Member* member = camera.empty() ? nullptr : sample.member(camera);
    const Frame* image = member ? session.frame(camera, member->frame_index) : nullptr;
    if (!image || image->file.empty())
      throw std::invalid_argument(drive + " sample " + std::to_string(ref.key) + ": no image of camera '" + camera +
                                  "'");
    const std::string image_rel = "image_2/" + name + ".png";
    if (lower_extension(image->file) == ".png" && whole_file(*image)) run.place(image->file, image_rel);
    else {
      cv::Mat pixels;
      if (whole_file(*image)) pixels = cv::imread(image->file, cv::IMREAD_UNCHANGED);
      else {
        const std::string bytes = read_range(*image);
        pixels = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data())),
                              cv::IMREAD_UNCHANGED);
      }
      if (pixels.empty() || !cv::imwrite((root / image_rel).string(), pixels))
        throw std::runtime_error(image->file + ": cannot convert the image to PNG");
      ++run.result.written;
    }
    run.done(image_rel, image->file, drive, member ? json(sample.timestamp_ns + member->skew_ns) : ts);

    // Calibration: the one valid at the sample (the file's; refined ones are stored after it), or on request the
    // newest refined one, falling back to the file's where no refinement covers the sample.
    const Calibration* calib = session.calibration(i);
    json calib_entry = {{"source", "file"}};
    if (options.calibration == KittiCalibrationChoice::Refined) {
      if (const Calibration* r = newest_refined(refined[ref.drive_id], session, camera, sample.timestamp_ns)) {
        calib = r;
        calib_entry = {{"source", "refined"}, {"run_id", r->run_id ? json(*r->run_id) : json()}};
        ++run.result.refined;
      } else {
        calib_entry["fallback"] = "no refined calibration covers the sample";
        ++run.result.calibration_fallbacks;
      }
    }
    const auto model = calib ? session.camera_model(*calib, camera) : std::nullopt;
    if (!model)
      throw std::invalid_argument(drive + " sample " + std::to_string(ref.key) + ": no calibration for camera '" +
                                  camera + "'");
    const Sensor* lidar_sensor = session.sensor(session.lidar_sensor());
    const std::string lidar_frame = lidar_sensor && !lidar_sensor->frame_id.empty() ? lidar_sensor->frame_id : "velo";
    KittiCalibText calib_text;
    calib_text.K = model->intrinsics.K;
    // Rectified camera 0 is KITTI's reference; without it the exported camera becomes the reference. A refined
    // calibration holds only its camera's extrinsic, so then the exported camera is the reference: P_i carries no
    // rotation, and a refined rotation survives only in Tr_velo_to_cam. Other cameras' offsets stay the file's.
    const auto T_rect0 = calib->transform("cam0", lidar_frame);
    calib_text.T_rect0_from_lidar = T_rect0 ? *T_rect0 : model->T_cam_from_lidar;
    const Eigen::Isometry3d T_lidar_from_rect0 = calib_text.T_rect0_from_lidar.inverse();
    const Calibration* file_calib = session.calibration(i);
    for (int c = 1; c < 4; ++c)  // camera 0 is the reference: offset zero by definition
      if (auto T = file_calib ? file_calib->transform("cam" + std::to_string(c), lidar_frame) : std::nullopt)
        calib_text.t_cam_from_rect0[c] = (*T * T_lidar_from_rect0).translation();
    calib_text.t_cam_from_rect0[2] = (model->T_cam_from_lidar * T_lidar_from_rect0).translation();
    calib_text.T_lidar_from_imu = session.T_lidar_from_imu(i);
    const std::string calib_rel = "calib/" + name + ".txt";
    write_file(root / calib_rel, calib_text.text());
    ++run.result.written;
    run.done(calib_rel, nullptr, drive, ts);

    // Labels of the chosen sources in the camera frame; DontCare regions with ground truth, as KITTI ships them.
    std::string label_text;
    json provenance = json::array();
    const bool want_gt = std::any_of(sources.begin(), sources.end(),
                                     [](const SourceFilter& f) { return f.source == LabelSource::GroundTruth; });
    int line = 0;
    for (const auto& b : session.labels(i)) {
      if (b.deleted || std::none_of(sources.begin(), sources.end(), [&](const SourceFilter& f) { return f.matches(b); }))
        continue;
      const bool outside = options.dont_care_outside_view && box_outside_view(b, *model);
      if (outside) {
        double bbox[4];
        dont_care_bbox(b, *model, bbox);
        label_text += kitti_dont_care_line(bbox);
      } else {
        label_text += kitti_label_line(b, calib_text.T_rect0_from_lidar, b.source != LabelSource::GroundTruth);
      }
      provenance.push_back({{"line", ++line},
                            {"written_as", outside ? "DontCare" : b.category},
                            {"label_id", b.id},
                            {"category", b.category},
                            {"source", to_string(b.source)},
                            {"source_name", b.source_name},
                            {"run_id", b.run_id ? json(*b.run_id) : json()},
                            {"revision", b.revision},
                            {"review", to_string(b.review)}});
      ++(outside ? run.result.outside_view : run.result.labels);
    }
    if (want_gt)
      for (const auto& r : session.dont_care(i)) {
        label_text += kitti_dont_care_line(r.bbox2d);
        provenance.push_back({{"line", ++line}, {"category", "DontCare"}, {"source", "gt"}});
      }
    const std::string label_rel = "label_2/" + name + ".txt";
    write_file(root / label_rel, label_text);
    ++run.result.written;
    run.done(label_rel, nullptr, drive, ts);

    const bool is_val = val_drives.count(ref.drive_id) > 0;
    (is_val ? val : train).push_back(name);
    sample_entries.push_back({{"name", name},
                              {"drive", drive},
                              {"drive_id", ref.drive_id},
                              {"sample_key", ref.key},
                              {"timestamp_ns", sample.timestamp_ns},
                              {"split", is_val ? "val" : "train"},
                              {"calibration", calib_entry},
                              {"labels", provenance}});
  }

  for (const auto& [set_name, names] : {std::pair{"train", &train}, std::pair{"val", &val}}) {
    std::string text;
    for (const auto& n : *names) text += n + "\n";
    const std::string rel = std::string("ImageSets/") + set_name + ".txt";
    write_file(root / rel, text);
    ++run.result.written;
    run.done(rel, nullptr, nullptr, nullptr);
  }

  json source_names = json::array();
  for (const auto& s : options.sources) source_names.push_back(s);
  const json manifest = {
      {"format", "kitti-object"},
      {"created_ns", std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()},
      {"catalog", catalog_.path().string()},
      {"sources", source_names},
      {"calibration", {{"choice", options.calibration == KittiCalibrationChoice::Refined ? "refined" : "file"},
                       {"refined", run.result.refined},
                       {"fallbacks", run.result.calibration_fallbacks}}},
      {"dont_care_outside_view", {{"enabled", options.dont_care_outside_view},
                                  {"boxes", run.result.outside_view}}},
      {"split", {{"val_fraction", options.val_fraction}, {"seed", options.seed}, {"group_by", "drive"},
                 {"train", train.size()}, {"val", val.size()}}},
      {"samples", sample_entries},
      {"files", run.files}};
  write_file(root / "manifest.json", manifest.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  ++run.result.written;

  staging.commit();
  KittiExportResult result = run.result;
  result.target = fs::absolute(target).lexically_normal();
  result.samples = static_cast<int>(order.size());
  result.train = static_cast<int>(train.size());
  result.val = static_cast<int>(val.size());
  return result;
}

}  // namespace dc::core

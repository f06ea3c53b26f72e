#include "dc/core/export/kitti_object_exporter.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "export/camera_view.h"
#include "export/checksum_cache.h"
#include "export/refined_calibration.h"
#include "export/drive_split.h"
#include "export/export_file_writer.h"
#include "export/frame_payload.h"
#include "export/kitti_export_text.h"
#include "export/label_selection.h"
#include "export/staging_folder.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>

namespace dc::core {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string frame_name(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06d", n);
  return buf;
}

}  // namespace

ExportResult KittiObjectExporter::run(const std::vector<SampleRef>& samples, const fs::path& target,
                                      const ExportOptions& options, const Progress& progress) const {
  const LabelSelection selection = checked_export_request(samples, options);

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
  std::map<std::int64_t, std::map<std::int64_t, std::string>> reviewers;
  for (const auto& [id, n] : per_drive) {
    auto it = drive_names.find(id);
    if (it == drive_names.end()) throw std::invalid_argument("no drive with id " + std::to_string(id));
    sessions[id] = DriveSession::open(catalog_, it->second);
    reviewers[id] = catalog_.export_repository().label_reviewers(id);
  }
  // Refined calibrations of finished runs, read once per drive.
  std::map<std::int64_t, std::vector<Calibration>> refined;
  if (options.calibration == KittiCalibrationChoice::Refined)
    for (const auto& [id, n] : per_drive)
      refined[id] = catalog_.drive_repository().calibrations(id, true);
  const std::set<std::int64_t> val_drives = choose_val_drives(per_drive, 1.0 - options.train_fraction, options.seed);

  StagingFolder staging(target);
  const double total = 4.0 * static_cast<double>(order.size()) + 2;
  ChecksumCache checksums(catalog_.path().string() + ".checksums");
  ExportFileWriter out(staging.path(), options.copy_payloads ? PayloadPlacement::Copy : PayloadPlacement::LinkOrCopy,
                       progress, total, &checksums);
  for (const char* dir : {"image_2", "velodyne", "calib", "label_2", "ImageSets"}) out.make_folders(dir);
  ExportResult result;
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
    if (frame_is_kitti_bin(*lidar)) out.place(lidar->file);
    else out.write(kitti_point_bytes(*lidar));
    out.done(velo_rel, lidar->file, drive, ts);

    // Image: a PNG source is placed as is; anything else is decoded and written as PNG.
    const std::string camera = !options.camera.empty() ? options.camera
                               : session.camera_sensors().empty() ? std::string() : session.camera_sensors().front();
    const Sample::Member* member = camera.empty() ? nullptr : sample.member(camera);
    const Frame* image = member ? session.frame(camera, member->frame_index) : nullptr;
    if (!image || image->file.empty())
      throw std::invalid_argument(drive + " sample " + std::to_string(ref.key) + ": no image of camera '" + camera +
                                  "'");
    const std::string image_rel = "image_2/" + name + ".png";
    if (lower_extension(image->file) == ".png" && frame_is_whole_file(*image)) out.place(image->file);
    else out.write(frame_as_png(*image));
    out.done(image_rel, image->file, drive, member ? json(sample.timestamp_ns + member->skew_ns) : ts);

    // Calibration: the one valid at the sample (the file's; refined ones are stored after it), or on request the
    // newest refined one, falling back to the file's where no refinement covers the sample.
    const Calibration* calib = session.calibration(i);
    json calib_entry = {{"source", "file"}};
    if (options.calibration == KittiCalibrationChoice::Refined) {
      if (const Calibration* r = newest_refined(refined[ref.drive_id], session, camera, sample.timestamp_ns)) {
        calib = r;
        calib_entry = {{"source", "refined"}, {"run_id", r->run_id ? json(*r->run_id) : json()}};
        ++result.refined;
      } else {
        calib_entry["fallback"] = "no refined calibration covers the sample";
        ++result.calibration_fallbacks;
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
    out.write(calib_text.text());
    out.done(calib_rel, nullptr, drive, ts);

    // Labels of the chosen sources and review states in the camera frame; DontCare regions with ground truth, as
    // KITTI ships them.
    std::string label_text;
    json provenance = json::array();
    int line = 0;
    for (const auto& b : session.labels(i)) {
      if (b.deleted || !selection.source_matches(b)) continue;
      if (!selection.review_matches(b)) {
        ++result.excluded_by_review;
        continue;
      }
      const bool outside = options.dont_care_outside_view && box_outside_view(b, *model);
      if (outside) {
        double bbox[4];
        dont_care_bbox(b, *model, bbox);
        label_text += kitti_dont_care_line(bbox);
      } else {
        label_text += kitti_label_line(b, calib_text.T_rect0_from_lidar, b.source != LabelSource::GroundTruth);
      }
      json entry = LabelSelection::provenance(b, reviewers[ref.drive_id]);
      entry["line"] = ++line;
      entry["written_as"] = outside ? "DontCare" : b.category;
      provenance.push_back(std::move(entry));
      ++(outside ? result.outside_view : result.labels);
    }
    if (selection.includes_ground_truth())
      for (const auto& r : session.dont_care(i)) {
        label_text += kitti_dont_care_line(r.bbox2d);
        provenance.push_back({{"line", ++line}, {"category", "DontCare"}, {"source", "gt"}});
      }
    const std::string label_rel = "label_2/" + name + ".txt";
    out.write(label_text);
    out.done(label_rel, nullptr, drive, ts);

    const bool is_val = val_drives.count(ref.drive_id) > 0;
    (is_val ? val : train).push_back(name);
    sample_entries.push_back({{"name", name},
                              {"drive", drive},
                              {"drive_id", ref.drive_id},
                              {"sample_key", ref.key},
                              {"timestamp_ns", sample.timestamp_ns},
                              {"split", is_val ? "val" : "train"},
                              {"calibration", calib_entry}});
    sample_entries.back()["labels"] = std::move(provenance);
  }

  for (const auto& [set_name, names] : {std::pair{"train", &train}, std::pair{"val", &val}}) {
    std::string text;
    for (const auto& n : *names) text += n + "\n";
    const std::string rel = std::string("ImageSets/") + set_name + ".txt";
    out.write(text);
    out.done(rel, nullptr, nullptr, nullptr);
  }

  json manifest = {
      {"format", "kitti-object"},
      {"created_ns", std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()},
      {"catalog", catalog_.path().string()},
      {"sources", options.sources},
      {"review", options.review},
      {"excluded_by_review", result.excluded_by_review},
      {"calibration", {{"choice", options.calibration == KittiCalibrationChoice::Refined ? "refined" : "file"},
                       {"refined", result.refined},
                       {"fallbacks", result.calibration_fallbacks}}},
      {"dont_care_outside_view", {{"enabled", options.dont_care_outside_view},
                                  {"boxes", result.outside_view}}},
      {"split", {{"train_fraction", options.train_fraction}, {"seed", options.seed}, {"group_by", "drive"},
                 {"train", train.size()}, {"val", val.size()}}},
  };
  // Moved in, not copied: a long export's lists are large.
  manifest["samples"] = std::move(sample_entries);
  manifest["files"] = out.take_files();
  out.write_unlisted("manifest.json", manifest.dump(2, ' ', false, json::error_handler_t::replace) + "\n");

  staging.commit();
  checksums.save();
  result.target = fs::absolute(target).lexically_normal();
  result.drives = static_cast<int>(per_drive.size());
  result.samples = static_cast<int>(order.size());
  result.train = static_cast<int>(train.size());
  result.val = static_cast<int>(val.size());
  result.linked = out.linked;
  result.copied = out.copied;
  result.written = out.written;
  result.payload_bytes = out.payload_bytes;
  return result;
}

}  // namespace dc::core

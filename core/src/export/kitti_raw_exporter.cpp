#include "dc/core/export/kitti_raw_exporter.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "export/checksum_cache.h"
#include "export/refined_calibration.h"
#include "export/drive_split.h"
#include "export/export_file_writer.h"
#include "export/frame_payload.h"
#include "export/kitti_export_text.h"
#include "export/kitti_tracklet_text.h"
#include "export/label_selection.h"
#include "export/staging_folder.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <tuple>
#include <stdexcept>
#include <system_error>

namespace dc::core {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The largest frame number a KITTI file name (10 digits) can carry.
constexpr std::int64_t kMaxFrameNumber = 9999999999LL;

std::string frame_file(std::int64_t index, const char* extension) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%010lld%s", static_cast<long long>(index), extension);
  return buf;
}

std::string drive_folder_name(const std::string& date, int number) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", number);
  return date + "_drive_" + buf + "_sync";
}

// YYYY_MM_DD of a time in the drive's zone (KITTI's date folders are local dates).
std::string local_date(TimestampNs t, const std::string& zone) {
  const std::string text = format_kitti_timestamp(utc_to_local(t, zone));  // "YYYY-MM-DD HH:..."
  std::string date = text.substr(0, 10);
  for (char& c : date)
    if (c == '-') c = '_';
  return date;
}

bool regular_file_at(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(fs::status(p, ec));  // a FIFO of that name would block the export
}

// One exported drive: where it comes from and where it goes.
struct DrivePlan {
  std::int64_t id = 0;
  std::shared_ptr<const DriveSession> session;
  std::string date;    // DATE
  int number = 0;      // NNNN
  std::string folder;  // DATE/DATE_drive_NNNN_sync
  int collection_samples = 0;
  std::vector<std::int64_t> sample_keys;
  KittiRawCalibText calib;
  json calibration;  // manifest: which calibration the date folder got from this drive
};

// KITTI raw sensor folders the exported drive gets, and the catalog sensor each is read from.
struct SensorMapping {
  std::string folder;  // image_0X, velodyne_points, oxts
  std::string sensor;  // the drive's sensor
  SensorKind kind = SensorKind::Camera;
};

// KITTI's oxts folder holds OXTS text records; GNSS from other formats (an MCAP NavSatFix topic) has none to place
// and is left out (listed as skipped); its poses are the catalog's, not the layout's.
bool oxts_text_frames(const DriveSession& session, const std::string& sensor) {
  for (const Frame& f : session.frames(sensor))
    if (!f.file.empty()) return lower_extension(f.file) == ".txt" && frame_is_whole_file(f);
  return true;  // no payloads at all: the timestamps are still written
}

std::vector<SensorMapping> map_sensors(const DriveSession& session, json& skipped) {
  static const std::regex kCamera("image_0[0-3]");
  std::vector<SensorMapping> out;
  bool have_lidar = false, have_gnss = false;
  for (const auto& name : session.sensor_names()) {
    const Sensor* s = session.sensor(name);
    if (!s) continue;
    if (s->kind == SensorKind::Camera && std::regex_match(name, kCamera)) {
      out.push_back({name, name, s->kind});
    } else if (s->kind == SensorKind::Lidar && !have_lidar) {
      out.push_back({"velodyne_points", name, s->kind});
      have_lidar = true;
    } else if (s->kind == SensorKind::GnssImu && !have_gnss && oxts_text_frames(session, name)) {
      out.push_back({"oxts", name, s->kind});
      have_gnss = true;
    } else {
      skipped.push_back(name);
    }
  }
  return out;
}

std::string frame_id_of(const DriveSession& session, const std::string& sensor, const std::string& fallback) {
  const Sensor* s = session.sensor(sensor);
  return s && !s->frame_id.empty() ? s->frame_id : fallback;
}

// The date folder's calibration texts from the drive's file calibration. The catalog keeps lidar -> rectified
// camera i (= T_i_from_rect0 * R_rect_00 * T_cam0unrect_from_velo) and lidar -> unrectified camera 0, so R_rect_00
// and each camera's offset t_i come back as T_i * T_cam0unrect^-1.
// `refined` (may be null): a refined calibration of `camera` that replaces the file's lidar -> camera extrinsic. The
// layout keeps the cameras' offsets to each other and stores only lidar -> camera 0, so the refinement is carried
// into that one: T_cam0unrect_from_velo' = M^-1 * T_camera_from_velo' with M = T_camera * T_cam0unrect^-1 (the
// file's rectification and offset), and every camera moves with it, as when the lidar shifts against the rig.
KittiRawCalibText raw_calibration(const DriveSession& session, const Calibration* refined = nullptr,
                                  const std::string& camera = {}) {
  const Calibration* calib = nullptr;
  for (const auto& c : session.drive().calibrations)
    if (c.source == CalibrationSource::File) {
      calib = &c;
      break;
    }
  if (!calib) throw std::invalid_argument("drive " + session.name() + " has no calibration to write");
  const std::string lidar = session.lidar_sensor().empty() ? std::string("velo")
                                                           : frame_id_of(session, session.lidar_sensor(), "velo");
  const auto T0u = calib->transform("cam0_unrect", lidar);
  if (!T0u)
    throw std::invalid_argument("drive " + session.name() +
                                ": its calibration has no lidar -> camera 0 extrinsic (calib_velo_to_cam.txt)");
  KittiRawCalibText text;
  text.T_cam0unrect_from_velo = *T0u;
  bool have_rect = false;
  for (int c = 0; c < 4; ++c) {
    const std::string name = "image_0" + std::to_string(c);
    auto it = calib->cameras.find(name);
    if (it == calib->cameras.end()) continue;
    auto& cam = text.cameras[c];
    cam.present = true;
    cam.K = it->second.K;
    cam.width = it->second.width;
    cam.height = it->second.height;
    if (auto T = calib->transform(frame_id_of(session, name, "cam" + std::to_string(c)), lidar)) {
      // A general inverse: KITTI's 6-digit rotations are not exactly orthonormal, and Isometry3d::inverse() would
      // take the transpose, shifting the recovered numbers in their 7th digit.
      const Eigen::Matrix4d M = T->matrix() * T0u->matrix().inverse();
      cam.t_from_rect0 = M.block<3, 1>(0, 3);
      if (!have_rect) text.R_rect_00 = M.block<3, 3>(0, 0);
      have_rect = true;
    }
  }
  const std::string imu = session.sensor("oxts") ? frame_id_of(session, "oxts", "imu") : std::string("imu");
  if (auto T = calib->transform(lidar, imu)) text.T_velo_from_imu = *T;
  if (refined) {
    const std::string frame = frame_id_of(session, camera, camera);
    const auto T_file = calib->transform(frame, lidar);
    const auto T_refined = refined->transform(frame, lidar);
    if (!T_file || !T_refined)
      throw std::invalid_argument("drive " + session.name() + ": no lidar -> " + camera + " extrinsic to refine");
    const Eigen::Matrix4d M = T_file->matrix() * T0u->matrix().inverse();
    text.T_cam0unrect_from_velo.matrix() = M.inverse() * T_refined->matrix();
  }
  return text;
}

// The refined calibration the drive's date folder gets: of those kitti-object would use for the drive's samples
// (newest run covering the sample), the one used for most samples; on a tie the newer run, then the earlier
// validity. Null when none covers any sample; `covered` counts the samples it is used for.
const Calibration* drive_refinement(const std::vector<Calibration>& calibrations, const DriveSession& session,
                                   const std::string& camera, int& covered) {
  std::map<const Calibration*, int> votes;
  for (int i = 0; i < session.sample_count(); ++i)
    if (const Calibration* c = newest_refined(calibrations, session, camera, session.sample(i).timestamp_ns))
      ++votes[c];
  const Calibration* best = nullptr;
  covered = 0;
  auto rank = [](const Calibration* c, int n) { return std::tuple(n, c->run_id.value_or(-1), -c->valid_from_ns); };
  for (const auto& [c, n] : votes)
    if (!best || rank(c, n) > rank(best, covered)) {
      best = c;
      covered = n;
    }
  return best;
}

}  // namespace

ExportResult KittiRawExporter::run(const std::vector<SampleRef>& samples, const fs::path& target,
                                   const ExportOptions& options, const Progress& progress) const {
  const LabelSelection selection = checked_export_request(samples, options);

  ExportResult result;
  // The drives of the samples, whole; the collection's samples are recorded per drive.
  std::map<std::int64_t, std::string> drive_names;
  for (const auto& d : catalog_.drives()) drive_names[d.id] = d.name;
  std::map<std::int64_t, DrivePlan> plans;
  std::set<std::pair<std::int64_t, std::int64_t>> seen;
  for (const auto& s : samples) {
    if (!seen.insert({s.drive_id, s.key}).second) continue;
    auto [it, added] = plans.try_emplace(s.drive_id);
    DrivePlan& plan = it->second;
    if (added) {
      auto name = drive_names.find(s.drive_id);
      if (name == drive_names.end()) throw std::invalid_argument("no drive with id " + std::to_string(s.drive_id));
      plan.id = s.drive_id;
      plan.session = DriveSession::open(catalog_, name->second);
      if (!plan.session->timestamped())
        throw std::invalid_argument("drive " + name->second +
                                    " has no timestamps (a KITTI object split); only recorded drives can be "
                                    "exported as kitti-raw");
      const DriveSession& session = *plan.session;
      plan.calibration = {{"drive", session.name()}, {"source", "file"}};
      if (options.calibration == KittiCalibrationChoice::Refined) {
        const std::string camera = !options.camera.empty()             ? options.camera
                                   : session.camera_sensors().empty() ? std::string()
                                                                      : session.camera_sensors().front();
        const auto calibrations = catalog_.drive_repository().calibrations(plan.id, true);
        int covered = 0;
        const Calibration* refined = drive_refinement(calibrations, session, camera, covered);
        plan.calib = raw_calibration(session, refined, camera);
        const int uncovered = session.sample_count() - covered;
        if (refined) {
          plan.calibration = {{"drive", session.name()},
                              {"source", "refined"},
                              {"camera", camera},
                              {"run_id", refined->run_id ? json(*refined->run_id) : json()},
                              {"valid_from_ns", refined->valid_from_ns},
                              {"valid_to_ns", refined->valid_to_ns},
                              {"samples_covered", covered},
                              {"samples_not_covered", uncovered}};
          result.refined += covered;
          result.calibration_fallbacks += uncovered;
        } else {
          plan.calibration["fallback"] = "no refined calibration of " + camera + " covers a sample of the drive";
          result.calibration_fallbacks += session.sample_count();
        }
      } else {
        plan.calib = raw_calibration(session);
      }
    }
    ++plan.collection_samples;
    plan.sample_keys.push_back(s.key);
  }

  // Folder names from dates and numbers only. KITTI-named drives keep their names; others get their first frame's
  // local date and the lowest free number of that date.
  static const std::regex kKittiName(R"((\d{4}_\d{2}_\d{2})_drive_(\d{4})_sync)");
  std::set<std::pair<std::string, int>> taken;
  std::vector<DrivePlan*> unnamed;
  for (auto& [id, plan] : plans) {
    std::smatch m;
    const std::string& name = plan.session->name();
    if (std::regex_match(name, m, kKittiName) && taken.insert({m[1].str(), std::stoi(m[2].str())}).second) {
      plan.date = m[1].str();
      plan.number = std::stoi(m[2].str());
    } else {
      unnamed.push_back(&plan);
    }
  }
  for (DrivePlan* plan : unnamed) {
    plan->date = local_date(plan->session->start_ns(), plan->session->drive().time_zone);
    int n = 1;
    while (taken.count({plan->date, n})) ++n;
    if (n > 9999) throw std::invalid_argument("more than 9999 drives of " + plan->date);
    taken.insert({plan->date, n});
    plan->number = n;
  }
  // One calibration per date folder: drives of a date must agree on it.
  std::map<std::string, const DrivePlan*> date_calibration;
  for (auto& [id, plan] : plans) {
    plan.folder = plan.date + "/" + drive_folder_name(plan.date, plan.number);
    auto [it, added] = date_calibration.try_emplace(plan.date, &plan);
    const KittiRawCalibText& a = it->second->calib;
    if (!added && (a.cam_to_cam() != plan.calib.cam_to_cam() || a.velo_to_cam() != plan.calib.velo_to_cam() ||
                   a.imu_to_velo() != plan.calib.imu_to_velo()))
      throw std::invalid_argument("drives " + it->second->session->name() + " and " + plan.session->name() +
                                  " share the date folder " + plan.date +
                                  " but have different calibrations; export them separately");
  }

  std::map<std::int64_t, int> per_drive;  // whole drives' sample counts: the split is by drive
  double total = 0;
  for (const auto& [id, plan] : plans) {
    per_drive[id] = std::max(plan.session->sample_count(), 1);
    total += 1;  // tracklet_labels.xml
    json ignored = json::array();
    for (const SensorMapping& m : map_sensors(*plan.session, ignored)) {
      total += m.kind == SensorKind::Lidar ? 3 : m.kind == SensorKind::GnssImu ? 2 : 1;  // timestamps, dataformat
      for (const Frame& f : plan.session->frames(m.sensor))
        total += !f.file.empty() && f.index >= 0 && f.index <= kMaxFrameNumber;
    }
  }
  total += 3.0 * date_calibration.size();
  const std::set<std::int64_t> val_drives = choose_val_drives(per_drive, 1.0 - options.train_fraction, options.seed);

  StagingFolder staging(target);
  ChecksumCache checksums(catalog_.path().string() + ".checksums");
  ExportFileWriter out(staging.path(), options.copy_payloads ? PayloadPlacement::Copy : PayloadPlacement::LinkOrCopy,
                       progress, total, &checksums);
  if (progress.cancelled()) throw Cancelled();

  json calibrations = json::array();
  for (const auto& [date, plan] : date_calibration) {
    out.make_folders(date);
    json drives = json::array();
    json sources = json::array();
    for (const auto& [id, p] : plans)
      if (p.date == date) {
        drives.push_back(p.session->name());
        sources.push_back(p.calibration);
      }
    for (const auto& [file, text] : {std::pair{"calib_cam_to_cam.txt", plan->calib.cam_to_cam()},
                                     std::pair{"calib_velo_to_cam.txt", plan->calib.velo_to_cam()},
                                     std::pair{"calib_imu_to_velo.txt", plan->calib.imu_to_velo()}}) {
      const std::string rel = date + "/" + file;
      out.write(text);
      out.done(rel, nullptr, drives, nullptr);
    }
    calibrations.push_back({{"date", date}, {"drives", drives}, {"sources", sources}});
  }

  json drive_entries = json::array();
  std::vector<std::string> train_folders, val_folders;
  for (const auto& [id, plan] : plans) {
    const DriveSession& session = *plan.session;
    const std::string drive = session.name();
    const std::string& zone = session.drive().time_zone;
    const fs::path source_root = session.drive().root;
    const bool from_kitti_raw = session.drive().format == "kitti-raw";
    json skipped = json::array(), sensors = json::object();
    for (const SensorMapping& m : map_sensors(session, skipped)) {
      const std::string dir = plan.folder + "/" + m.folder;
      out.make_folders(dir + "/data");
      const char* extension = m.kind == SensorKind::Camera ? ".png" : m.kind == SensorKind::Lidar ? ".bin" : ".txt";
      std::map<std::int64_t, std::int64_t> times;
      int frames = 0, missing = 0;
      for (const Frame& f : session.frames(m.sensor)) {
        if (f.index < 0 || f.index > kMaxFrameNumber) {
          ++missing;
          continue;
        }
        times[f.index] = f.timestamp_ns;
        ++frames;
        if (f.file.empty()) {
          ++missing;  // the source had no payload either: the timestamp stays, the file is absent as it was
          continue;
        }
        const std::string rel = dir + "/data/" + frame_file(f.index, extension);
        const bool same_format = lower_extension(f.file) == extension;
        if (m.kind == SensorKind::Camera && !(same_format && frame_is_whole_file(f))) {
          out.write(frame_as_png(f));
        } else if (m.kind == SensorKind::Lidar) {
          if (frame_is_kitti_bin(f)) out.place(f.file);
          else out.write(kitti_point_bytes(f));
        } else {
          if (!same_format)
            throw std::invalid_argument(f.file + ": a " + m.folder + " payload must be a KITTI " + extension +
                                        " file to be exported as kitti-raw");
          if (frame_is_whole_file(f)) out.place(f.file);
          else out.write(read_frame_bytes(f));
        }
        out.done(rel, f.file, drive, f.timestamp_ns);
      }
      const std::string stamps = kitti_timestamps_text(times, zone);
      out.write(stamps);
      out.done(dir + "/timestamps.txt", nullptr, drive, nullptr);
      // The sweep's start and end times are not in the catalog: a KITTI raw source's files are kept, otherwise the
      // sweep time stands for both.
      if (m.kind == SensorKind::Lidar)
        for (const char* file : {"timestamps_start.txt", "timestamps_end.txt"}) {
          const fs::path source = source_root / m.sensor / file;
          const std::string rel = dir + "/" + file;
          if (from_kitti_raw && m.sensor == "velodyne_points" && regular_file_at(source)) {
            out.place(source);
            out.done(rel, source.string(), drive, nullptr);
          } else {
            out.write(stamps);
            out.done(rel, nullptr, drive, nullptr);
          }
        }
      if (m.kind == SensorKind::GnssImu) {
        const fs::path source = source_root / m.sensor / "dataformat.txt";
        const std::string rel = dir + "/dataformat.txt";
        if (from_kitti_raw && regular_file_at(source)) {
          out.place(source);
          out.done(rel, source.string(), drive, nullptr);
        } else {
          out.write(kitti_oxts_dataformat_text());
          out.done(rel, nullptr, drive, nullptr);
        }
      }
      sensors[m.folder] = {{"sensor", m.sensor}, {"frames", frames}, {"missing_payloads", missing}};
    }

    // Tracklets of the chosen labels, with each box's provenance by tracklet and pose.
    std::vector<BoxLabel> chosen;
    for (const auto& b : session.drive().labels) {
      if (b.deleted || !selection.source_matches(b)) continue;
      if (!selection.review_matches(b)) {
        ++result.excluded_by_review;
        continue;
      }
      chosen.push_back(b);
    }
    const auto tracklets = group_into_tracklets(std::move(chosen));
    const auto reviewers = catalog_.export_repository().label_reviewers(id);
    json labels = json::array();
    for (std::size_t t = 0; t < tracklets.size(); ++t)
      for (std::size_t k = 0; k < tracklets[t].boxes.size(); ++k) {
        const BoxLabel& b = tracklets[t].boxes[k];
        json entry = LabelSelection::provenance(b, reviewers);
        entry["tracklet"] = t;
        entry["pose"] = k;
        entry["frame"] = b.frame_index;
        labels.push_back(std::move(entry));
        ++result.labels;
      }
    const std::string tracklet_rel = plan.folder + "/tracklet_labels.xml";
    out.write(kitti_tracklet_xml(tracklets));
    out.done(tracklet_rel, nullptr, drive, nullptr);

    const bool is_val = val_drives.count(id) > 0;
    (is_val ? val_folders : train_folders).push_back(plan.folder);
    (is_val ? result.val : result.train) += session.sample_count();
    result.samples += session.sample_count();
    drive_entries.push_back({{"drive", drive},
                             {"drive_id", id},
                             {"folder", plan.folder},
                             {"time_zone", zone},
                             {"split", is_val ? "val" : "train"},
                             {"samples", session.sample_count()},
                             {"collection_samples", plan.sample_keys},
                             {"sensors", sensors},
                             {"skipped_sensors", skipped},
                             {"tracklets", tracklets.size()}});
    drive_entries.back()["labels"] = std::move(labels);
  }

  json manifest = {
      {"format", "kitti-raw"},
      {"created_ns", std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()},
      {"catalog", catalog_.path().string()},
      {"sources", options.sources},
      {"review", options.review},
      {"excluded_by_review", result.excluded_by_review},
      {"calibration", {{"choice", options.calibration == KittiCalibrationChoice::Refined ? "refined" : "file"},
                       {"refined_samples", result.refined},
                       {"fallback_samples", result.calibration_fallbacks},
                       {"dates", calibrations}}},
      {"split", {{"train_fraction", options.train_fraction}, {"seed", options.seed}, {"group_by", "drive"},
                 {"train", train_folders}, {"val", val_folders}}},
  };
  // Moved in, not copied: a long export's lists are large.
  manifest["drives"] = std::move(drive_entries);
  manifest["files"] = out.take_files();
  out.write_unlisted("manifest.json", manifest.dump(2, ' ', false, json::error_handler_t::replace) + "\n");

  staging.commit();
  checksums.save();
  result.target = fs::absolute(target).lexically_normal();
  result.drives = static_cast<int>(plans.size());
  result.linked = out.linked;
  result.copied = out.copied;
  result.written = out.written;
  result.payload_bytes = out.payload_bytes;
  return result;
}

}  // namespace dc::core

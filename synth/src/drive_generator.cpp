#include "dc/synth/drive_generator.h"

#include "dc/core/model/time_stamp.h"
#include "camera_renderer.h"
#include "drive_timing.h"
#include "fault_file_editor.h"
#include "fault_plan.h"
#include "frame_labeler.h"
#include "kitti_raw_writer.h"
#include "lidar_ray_caster.h"
#include "mcap_scene_writer.h"
#include "nuscenes_writer.h"
#include "oxts_writer.h"
#include "rng.h"
#include "sensor_rig.h"
#include "synthetic_scene.h"
#include "tracklet_xml_writer.h"

#include <Eigen/Geometry>
#include <Eigen/LU>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace dc::core {

namespace {
using namespace generator;

constexpr double kSceneRadius = 300.0;  // geometry handed to the sensors (the lidar reaches 120 m, cameras further)
constexpr double kLabelRange = 60.0;    // objects labelled within this distance of the lidar
constexpr double kLatitude0 = 49.011221, kLongitude0 = 8.423702, kGroundAltitude = 115.6;  // Karlsruhe

void validate(const GeneratorOptions& o) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("generate_drive: " + what); };
  if (o.out.empty()) fail("no output folder");
  if (o.frames < 1) fail("frames must be at least 1");
  if (o.cameras < 1 || o.cameras > 2) fail("cameras must be 1 or 2");
  if (o.image_width < 16 || o.image_height < 16) fail("image size must be at least 16 x 16");
  if (o.lidar_beams < 1 || o.lidar_beams > 256) fail("lidar_beams must be 1..256");
  if (o.lidar_columns < 16) fail("lidar_columns must be at least 16");
  if (!(o.lidar_rate_hz > 0.5 && o.lidar_rate_hz <= 100)) fail("lidar_rate_hz must be in (0.5, 100]");
  if (o.format != "kitti-raw" && o.format != "nuscenes" && o.format != "mcap")
    fail("format must be kitti-raw, nuscenes or mcap, got '" + o.format + "'");
  if (o.mcap_compression != "zstd" && o.mcap_compression != "lz4" && o.mcap_compression != "none")
    fail("mcap_compression must be zstd, lz4 or none, got '" + o.mcap_compression + "'");
  if (o.format != "kitti-raw" && !o.inject.empty()) fail("faults are written into kitti-raw drives only");
}

Eigen::Matrix4d world_from_imu(const EgoTrajectory::State& st, double imu_height) {
  Eigen::Matrix4d T = Eigen::Matrix4d::Identity();
  const double c = std::cos(st.heading), s = std::sin(st.heading);
  T(0, 0) = c;
  T(0, 1) = -s;
  T(1, 0) = s;
  T(1, 1) = c;
  T(0, 3) = st.xy.x();
  T(1, 3) = st.xy.y();
  T(2, 3) = imu_height;
  return T;
}

// Consecutive frames in which an object is in range become one tracklet.
std::vector<TrackletXmlWriter::Tracklet> tracklets(const SyntheticScene& scene,
                                                   const std::vector<std::vector<FrameLabel>>& frames) {
  struct Open {
    int index = -1;  // into `done`
    int last_frame = -2;
  };
  std::vector<Open> open(scene.objects().size());
  std::vector<TrackletXmlWriter::Tracklet> done;
  for (int f = 0; f < static_cast<int>(frames.size()); ++f) {
    for (const FrameLabel& label : frames[f]) {
      Open& o = open[label.object];
      if (o.last_frame != f - 1) {
        const SceneObject& obj = scene.objects()[label.object];
        TrackletXmlWriter::Tracklet t;
        t.object_type = kitti_object_type(obj.cls);
        t.h = obj.height;
        t.w = obj.width;
        t.l = obj.length;
        t.first_frame = f;
        o.index = static_cast<int>(done.size());
        done.push_back(t);
      }
      o.last_frame = f;
      TrackletXmlWriter::Pose p;
      p.tx = label.tx;
      p.ty = label.ty;
      p.tz = label.tz;
      p.rz = label.rz;
      p.occlusion = label.occlusion;
      p.occlusion_kf = done[o.index].poses.empty() ? 1 : 0;
      p.truncation = label.truncation;
      p.amt_occlusion = label.occluded_fraction;
      done[o.index].poses.push_back(p);
    }
  }
  return done;
}
}  // namespace

GeneratorResult generate_drive(const GeneratorOptions& options, const Progress& progress) {
  validate(options);
  // Faults are checked before anything is written: a bad spec leaves the output folder alone.
  FaultPlan plan(options.inject, DriveShape{options.frames, options.cameras, options.lidar_beams}, options.seed);
  // One writer per output format.
  std::optional<KittiRawWriter> kitti;
  if (options.format == "kitti-raw") kitti.emplace(options.out, options.date, options.drive_number, options.cameras);
  const SensorRig rig(options.image_width, options.image_height, options.cameras);
  std::string day = options.date;
  std::replace(day.begin(), day.end(), '_', '-');
  const TimestampNs start = parse_kitti_timestamp(day + " 12:00:00.000000000") +
                            static_cast<TimestampNs>(options.drive_number % 60) * 60'000'000'000;
  const DriveTiming timing(options.seed, options.frames, options.lidar_rate_hz, start, options.cameras);
  const double duration = timing.seconds(std::max(timing.oxts.back(), timing.lidar_end.back())) + 1.0;
  const SyntheticScene scene(options.seed, duration);

  std::optional<NuScenesWriter> nuscenes;
  if (options.format == "nuscenes")
    nuscenes.emplace(options.out, options.date, options.drive_number, options.seed, rig, timing, options.lidar_beams,
                     options.lidar_rate_hz);
  std::optional<McapSceneWriter> mcap;
  if (options.format == "mcap")
    mcap.emplace(options.out, options.date, options.drive_number, options.seed,
                 options.ros1 ? RosFlavor::Ros1 : RosFlavor::Ros2, rig, timing, options.lidar_beams,
                 options.mcap_compression == "lz4"    ? McapWriterCompression::lz4
                 : options.mcap_compression == "none" ? McapWriterCompression::none
                                                      : McapWriterCompression::zstd);
  if (kitti) {
    kitti->write_text(kitti->date_dir() / "calib_cam_to_cam.txt", rig.cam_to_cam_text());
    kitti->write_text(kitti->date_dir() / "calib_velo_to_cam.txt", rig.velo_to_cam_text());
    kitti->write_text(kitti->date_dir() / "calib_imu_to_velo.txt", rig.imu_to_velo_text());
    kitti->write_text(kitti->drive_dir() / "oxts" / "dataformat.txt", OxtsWriter::dataformat());
  }

  const OxtsWriter oxts(kLatitude0, kLongitude0, kGroundAltitude, rig.imu_height(),
                        scene.ego().state_at(timing.seconds(timing.oxts.front())).xy);
  plan.resolve_oxts([&](int k) { return scene.ego().state_at(timing.seconds(timing.oxts[k])); });
  const LidarRayCaster lidar(options.lidar_beams, options.lidar_columns);
  const CameraRenderer renderer;
  const FrameLabeler labeler(kLabelRange);
  std::vector<Eigen::Matrix4d> T_velo_from_cam;
  for (const auto& cam : rig.cameras()) T_velo_from_cam.push_back(cam.T_cam_from_velo.inverse());

  const int frames = options.frames;
  std::vector<std::vector<FrameLabel>> labels(frames);

  // Every random stream is keyed by frame, so the bytes do not depend on which worker makes which frame.
  auto make_frame = [&](int k, std::vector<Primitive>& pieces) {
    // The cameras expose when the spinning lidar faces forward, so both show the scene at the lidar timestamp.
    const double t = timing.seconds(timing.lidar[k]);
    const EgoTrajectory::State ego = scene.ego().state_at(t);
    const Eigen::Matrix4d T_world_from_velo = world_from_imu(ego, rig.imu_height()) * rig.T_imu_from_velo();
    pieces.clear();
    scene.gather(t, T_world_from_velo.topRightCorner<2, 1>(), kSceneRadius, pieces);

    Rng lidar_rng(options.seed, Purpose::Lidar, static_cast<std::uint64_t>(k));
    std::vector<float> points = lidar.sweep(pieces, scene.ground(), ego.s, T_world_from_velo, lidar_rng,
                                            plan.dead_beams(k));
    plan.damage_points(k, points);
    if (kitti) kitti->write_velodyne(k, points);
    else if (nuscenes) nuscenes->write_lidar(k, points);
    else mcap->write_lidar(k, points);

    Eigen::Matrix4d T_world_from_cam2;
    for (std::size_t c = 0; c < rig.cameras().size(); ++c) {
      const auto& cam = rig.cameras()[c];
      const Eigen::Matrix4d T_world_from_cam = T_world_from_velo * T_velo_from_cam[c];
      if (c == 0) T_world_from_cam2 = T_world_from_cam;
      // A drifted camera sees the scene from where the perturbed extrinsic puts it (labels keep the true one).
      const Eigen::Matrix4d drift = plan.camera_drift(cam.name, k);
      const Eigen::Matrix4d T_world_from_seen = drift == Eigen::Matrix4d::Identity()
                                                    ? T_world_from_cam
                                                    : Eigen::Matrix4d(T_world_from_velo *
                                                                      (drift * cam.T_cam_from_velo).inverse());
      Rng camera_rng(options.seed, Purpose::Camera, static_cast<std::uint64_t>(k) * 4 + c);
      cv::Mat image =
          renderer.render(pieces, scene.ground(), ego.s, cam.K, cam.width, cam.height, T_world_from_seen, camera_rng);
      plan.damage_image(cam.name, k, image);
      if (kitti) kitti->write_image(cam.name, k, image);
      else if (nuscenes) nuscenes->write_image(static_cast<int>(c), k, image);
      else mcap->write_image(static_cast<int>(c), k, image);
    }
    labels[k] = labeler.label(scene, t, pieces, T_world_from_velo, rig.cameras().front(), T_world_from_cam2);
    if (kitti)
      kitti->write_oxts(k, oxts.record(plan.oxts_state(k, scene.ego().state_at(timing.seconds(timing.oxts[k])))));
    if (mcap) {
      const EgoTrajectory::State at_fix = scene.ego().state_at(timing.seconds(timing.oxts[k]));
      mcap->write_oxts(k, oxts.record(at_fix), at_fix);
      mcap->finish_frame(k);
    }
  };

  int workers = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  workers = std::clamp(workers, 1, frames);
  std::atomic<int> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    std::vector<Primitive> pieces;
    try {
      for (int k = next++; k < frames && !stop; k = next++) {
        if (progress.cancelled()) {
          stop = true;
          break;
        }
        make_frame(k, pieces);
        const int finished = ++done;
        progress(finished, frames, "frame " + std::to_string(k + 1) + " of " + std::to_string(frames));
      }
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      stop = true;
    }
  };
  progress(0, frames, "generating " + (kitti      ? kitti->drive_dir().filename().string()
                                       : nuscenes ? nuscenes->scene_name()
                                                  : mcap->file().filename().string()));
  if (workers == 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (int i = 0; i < workers; ++i) pool.emplace_back(work);
    for (auto& th : pool) th.join();
  }
  if (failure) std::rethrow_exception(failure);
  if (progress.cancelled() || done < frames) throw Cancelled();

  GeneratorResult result;
  result.frames = frames;
  if (nuscenes) {
    result.objects = nuscenes->write_tables(scene, labels);  // instances
    result.drive_dir = result.date_dir = nuscenes->root();
    return result;
  }
  if (mcap) {
    mcap->close();
    result.drive_dir = mcap->file();
    result.date_dir = options.out;
    return result;
  }
  KittiRawWriter& writer = *kitti;
  if (!plan.empty()) FaultFileEditor(writer, plan, frames).apply();
  // The content was made at the true times; only the written stamps carry the timing faults.
  DriveTiming stamps = timing;
  plan.damage_timing(stamps);
  auto write_stamps = [&](const std::string& sensor, const char* file, const std::vector<TimestampNs>& values) {
    writer.write_timestamps(sensor, file, plan.without_dropped(sensor, values));
  };
  write_stamps("velodyne_points", "timestamps.txt", stamps.lidar);
  write_stamps("velodyne_points", "timestamps_start.txt", stamps.lidar_start);
  write_stamps("velodyne_points", "timestamps_end.txt", stamps.lidar_end);
  write_stamps("oxts", "timestamps.txt", stamps.oxts);
  for (std::size_t c = 0; c < rig.cameras().size(); ++c)
    write_stamps(rig.cameras()[c].name, "timestamps.txt", stamps.cameras[c]);
  // Tracklets count lidar frames: dropped sweeps take their poses with them, like the renumbered files.
  std::vector<std::vector<FrameLabel>> kept_labels;
  for (int k = 0; k < frames; ++k)
    if (!plan.dropped("velodyne_points", k)) kept_labels.push_back(std::move(labels[k]));
  const auto tracks = tracklets(scene, kept_labels);
  writer.write_text(writer.drive_dir() / "tracklet_labels.xml", TrackletXmlWriter::write(tracks));
  if (!plan.empty()) writer.write_text(writer.drive_dir() / "injected.json", plan.report_json());

  result.drive_dir = writer.drive_dir();
  result.date_dir = writer.date_dir();
  result.objects = static_cast<int>(tracks.size());
  return result;
}

}  // namespace dc::core

#include "passes/data_qc/pose_checks.h"

#include "dc/core/data/drive_session.h"
#include "passes/data_qc/frame_runs.h"

#include <cmath>
#include <map>
#include <numbers>

namespace dc::core::data_qc {

namespace {

double yaw_of(const Pose& p) {
  const auto& R = p.T_world_from_imu.linear();
  return std::atan2(R(1, 0), R(0, 0));
}

double wrapped(double angle) {
  return std::remainder(angle, 2 * std::numbers::pi);
}

std::string gnss_sensor(const DriveSession& session) {
  for (const auto& name : session.sensor_names())
    if (const Sensor* s = session.sensor(name); s && s->kind == SensorKind::GnssImu) return name;
  return "gnss_imu";
}

void report(const char* check, const std::string& sensor, const std::vector<Frame>& pose_frames,
            std::vector<Flag> flags, const std::string& what, const std::string& unit, double limit,
            FindingWriter& out) {
  for (const auto& run : consecutive_runs(std::move(flags))) {
    const auto frames = frames_of(run);
    double worst = 0;
    for (const auto& f : run) worst = std::max(worst, f.value["rate"].get<double>());
    const Frame& before = pose_frames[run.front().position - 1];
    std::string message = sensor + ": " + what + " jumps at " + out.frames_label(frames) + " (" + fixed(worst, 1) +
                          " " + unit + ", limit " + fixed(limit, 1) + " " + unit + ")";
    if (run.size() == 2) message += "; one bad fix and back";
    nlohmann::json frames_json = nlohmann::json::array();
    for (const Frame* f : frames) frames_json.push_back(f->index);
    out.add(check, Severity::Error, sensor, before.timestamp_ns, run.back().frame->timestamp_ns,
            run.size() == 1 ? out.sample_key_of(*frames.front()) : -1, message,
            {{"frames", frames_json}, {"previous_frame", before.index}, {"steps", values_of(run)}, {"limit", limit}});
  }
}

}  // namespace

void check_poses(const DriveSession& session, const QcSettings& settings, FindingWriter& out) {
  const auto& poses = session.poses();
  if (!session.timestamped() || poses.size() < 2) return;
  const std::string sensor = gnss_sensor(session);

  // Poses carry only their time: find the GNSS/IMU frame of each for the message.
  std::map<TimestampNs, std::int64_t> index_at;
  for (const auto& f : session.frames(sensor)) index_at.emplace(f.timestamp_ns, f.index);
  std::vector<Frame> pose_frames;
  for (std::size_t i = 0; i < poses.size(); ++i) {
    Frame f;
    f.sensor = sensor;
    f.timestamp_ns = poses[i].timestamp_ns;
    auto it = index_at.find(f.timestamp_ns);
    f.index = it == index_at.end() ? static_cast<std::int64_t>(i) : it->second;
    pose_frames.push_back(f);
  }

  std::vector<Flag> position_jumps, velocity_jumps, heading_jumps;
  Eigen::Vector3d previous_velocity = Eigen::Vector3d::Zero();
  bool have_velocity = false;
  for (std::size_t i = 1; i < poses.size(); ++i) {
    const double dt = static_cast<double>(poses[i].timestamp_ns - poses[i - 1].timestamp_ns) * 1e-9;
    if (dt <= 0) continue;  // duplicate times are a timestamp finding
    const double distance =
        (poses[i].T_world_from_imu.translation() - poses[i - 1].T_world_from_imu.translation()).norm();
    const double speed = distance / dt;
    if (speed > settings.max_speed_mps)
      position_jumps.push_back({i, &pose_frames[i], {{"rate", speed}, {"distance_m", distance}, {"dt_s", dt}}});
    // A step of a few metres at driving speed stays under any speed limit but not under a limit on how fast the
    // velocity may change.
    const Eigen::Vector3d velocity =
        (poses[i].T_world_from_imu.translation() - poses[i - 1].T_world_from_imu.translation()) / dt;
    const double acceleration = have_velocity ? (velocity - previous_velocity).norm() / dt : 0.0;
    if (have_velocity && acceleration > settings.max_acceleration_mps2 && speed <= settings.max_speed_mps)
      velocity_jumps.push_back({i, &pose_frames[i], {{"rate", acceleration}, {"distance_m", distance}, {"dt_s", dt}}});
    // The step after a speed jump compares against a velocity that was itself the error: not reported again.
    previous_velocity = velocity;
    have_velocity = speed <= settings.max_speed_mps;
    const double turn_deg = std::abs(wrapped(yaw_of(poses[i]) - yaw_of(poses[i - 1]))) * 180 / std::numbers::pi;
    if (turn_deg / dt > settings.max_yaw_rate_deg_s)
      heading_jumps.push_back({i, &pose_frames[i], {{"rate", turn_deg / dt}, {"turn_deg", turn_deg}, {"dt_s", dt}}});
  }
  report("gnss-position-jump", sensor, pose_frames, std::move(position_jumps), "position", "m/s",
         settings.max_speed_mps, out);
  report("gnss-position-jump", sensor, pose_frames, std::move(velocity_jumps), "velocity", "m/s^2",
         settings.max_acceleration_mps2, out);
  report("gnss-heading-jump", sensor, pose_frames, std::move(heading_jumps), "heading", "deg/s",
         settings.max_yaw_rate_deg_s, out);
}

}  // namespace dc::core::data_qc

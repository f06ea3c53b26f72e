#include "passes/label_qa/track_checker.h"

#include "passes/label_qa/label_finding.h"
#include "passes/label_qa/size_prior.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dc::core::label_qa {
namespace {

constexpr double kRadToDeg = 180.0 / std::numbers::pi;

double wrap_angle(double a) {
  return std::remainder(a, 2 * std::numbers::pi);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

void TrackChecker::add_sample(const std::vector<const BoxLabel*>& boxes, std::int64_t sample_key, TimestampNs time_ns,
                              const Eigen::Isometry3d& T_fixed_from_lidar) {
  const int sample = static_cast<int>(by_sample_.size());
  by_sample_.emplace_back();
  for (const BoxLabel* box : boxes) {
    Observation o;
    o.box = box;
    o.sample = sample;
    o.sample_key = sample_key;
    o.time_ns = time_ns;
    o.position = T_fixed_from_lidar * box->center;
    const Eigen::Vector3d heading =
        T_fixed_from_lidar.linear() * Eigen::Vector3d(std::cos(box->yaw), std::sin(box->yaw), 0);
    o.yaw = std::atan2(heading.y(), heading.x());
    const int index = static_cast<int>(observations_.size());
    observations_.push_back(o);
    by_sample_.back().push_back(index);
    if (!box->track_id.empty()) tracks_[{static_cast<int>(box->source), box->track_id}].push_back(index);
  }
}

void TrackChecker::check(const Progress& progress, std::vector<Finding>& out) const {
  for (const auto& [key, track] : tracks_) {
    if (progress.cancelled()) throw Cancelled();
    if (track.size() < 2) continue;
    check_motion(track, out);
    check_size(track, out);
  }
}

const TrackChecker::Observation* TrackChecker::neighbour_near(const Observation& self, int sample,
                                                              const Eigen::Vector3d& where) const {
  const Observation* best = nullptr;
  double best_distance = settings_.id_switch_radius;
  for (int index : by_sample_[static_cast<std::size_t>(sample)]) {
    const Observation& o = observations_[static_cast<std::size_t>(index)];
    if (o.box == self.box || o.box->source != self.box->source || o.box->category != self.box->category ||
        o.box->track_id == self.box->track_id)
      continue;
    const double distance = (o.position - where).head<2>().norm();
    if (distance <= best_distance) {
      best_distance = distance;
      best = &o;
    }
  }
  return best;
}

void TrackChecker::check_motion(const std::vector<int>& track, std::vector<Finding>& out) const {
  const std::size_t n = track.size();
  // Step k goes from observation k - 1 to k. Horizontal motion only: altitude from GNSS is the noisiest axis.
  std::vector<Eigen::Vector2d> velocity(n, Eigen::Vector2d::Zero());
  std::vector<double> dt(n, 0);
  std::vector<bool> usable(n, false);  // a step whose velocity can feed the acceleration check
  const auto obs = [&](std::size_t k) -> const Observation& {
    return observations_[static_cast<std::size_t>(track[k])];
  };

  for (std::size_t k = 1; k < n; ++k) {
    const Observation& a = obs(k - 1);
    const Observation& b = obs(k);
    dt[k] = static_cast<double>(b.time_ns - a.time_ns) * 1e-9;
    if (dt[k] <= 0) continue;  // duplicate or unordered times: no rate can be measured
    const Eigen::Vector2d move = (b.position - a.position).head<2>();
    velocity[k] = move / dt[k];
    const double speed = velocity[k].norm();
    const nlohmann::json span = {
        {"previous_label_id", a.box->id}, {"previous_frame", a.box->frame_index}, {"dt_s", dt[k]}};
    const auto finding = [&](const std::string& check, Severity severity, const std::string& message,
                             nlohmann::json extra) {
      extra.update(span);
      Finding f = label_finding(check, severity, *b.box, b.sample_key, sensor_, message, extra);
      f.start_ns = a.time_ns;
      f.end_ns = b.time_ns;
      out.push_back(std::move(f));
    };

    if (speed > settings_.max_speed) {
      // A jump: either the label teleports, or the track id moved to another object while a box of the same
      // class now sits where this track should be.
      const Eigen::Vector2d previous_velocity = k >= 2 && usable[k - 1] ? velocity[k - 1] : Eigen::Vector2d::Zero();
      Eigen::Vector3d predicted = a.position;
      predicted.head<2>() += previous_velocity * dt[k];
      if (const Observation* other = neighbour_near(b, b.sample, predicted)) {
        finding(
            "track-id-switch", Severity::Error,
            "track " + b.box->track_id + " (" + b.box->category + ") jumps " + fmt(move.norm(), 1) + " m in " +
                fmt(dt[k], 2) + " s at frame " + std::to_string(b.box->frame_index) + " while " +
                describe(*other->box) + " continues its path: the track id probably switched objects",
            {{"jump_m", move.norm()},
             {"speed_mps", speed},
             {"other_label_id", other->box->id},
             {"other_track_id", other->box->track_id.empty() ? nlohmann::json() : nlohmann::json(other->box->track_id)},
             {"other_distance_m", (other->position - predicted).head<2>().norm()}});
      } else {
        finding("track-velocity", Severity::Error,
                describe(*b.box) + " moves " + fmt(move.norm(), 1) + " m in " + fmt(dt[k], 2) + " s (" + fmt(speed, 1) +
                    " m/s, limit " + fmt(settings_.max_speed, 1) + " m/s)",
                {{"jump_m", move.norm()}, {"speed_mps", speed}, {"max_speed_mps", settings_.max_speed}});
      }
      continue;  // the heading and acceleration of a jump mean nothing
    }

    const double turn = wrap_angle(b.yaw - a.yaw);
    if (std::abs(turn) * kRadToDeg > settings_.heading_flip_deg) {
      finding("track-heading-flip", Severity::Error,
              describe(*b.box) + " turns " + fmt(std::abs(turn) * kRadToDeg, 0) + " degrees in " + fmt(dt[k], 2) +
                  " s: the heading is probably flipped",
              {{"yaw_change_deg", turn * kRadToDeg}});
      usable[k] = true;  // the position is fine; only the heading is wrong
      continue;
    }
    // Pedestrians turn on the spot and their labelled heading is noisy: yaw rate only for vehicles and cyclists.
    if (is_rigid_class(b.box->category) && std::abs(turn) / dt[k] > settings_.max_yaw_rate) {
      finding("track-yaw-rate", Severity::Warning,
              describe(*b.box) + " turns at " + fmt(std::abs(turn) / dt[k], 2) + " rad/s (limit " +
                  fmt(settings_.max_yaw_rate, 2) + " rad/s)",
              {{"yaw_rate_radps", turn / dt[k]}, {"max_yaw_rate_radps", settings_.max_yaw_rate}});
    }
    usable[k] = true;
  }

  for (std::size_t k = 2; k < n; ++k) {
    if (!usable[k] || !usable[k - 1]) continue;
    const double accel = (velocity[k] - velocity[k - 1]).norm() / ((dt[k] + dt[k - 1]) / 2);
    if (accel <= settings_.max_acceleration) continue;
    const Observation& a = obs(k - 2);
    const Observation& b = obs(k);
    Finding f = label_finding("track-acceleration", Severity::Warning, *obs(k - 1).box, obs(k - 1).sample_key, sensor_,
                              describe(*obs(k - 1).box) + " changes speed " + fmt(velocity[k - 1].norm(), 1) + " -> " +
                                  fmt(velocity[k].norm(), 1) + " m/s: " + fmt(accel, 1) + " m/s^2 (limit " +
                                  fmt(settings_.max_acceleration, 1) + ")",
                              {{"acceleration_mps2", accel}, {"max_acceleration_mps2", settings_.max_acceleration}});
    f.start_ns = a.time_ns;
    f.end_ns = b.time_ns;
    out.push_back(std::move(f));
  }
}

void TrackChecker::check_size(const std::vector<int>& track, std::vector<Finding>& out) const {
  const BoxLabel& first = *observations_[static_cast<std::size_t>(track.front())].box;
  if (!is_rigid_class(first.category)) return;  // a walking person's box legitimately changes length
  struct Dim {
    const char* name;
    double BoxLabel::*member;
  };
  for (const Dim dim :
       {Dim{"length", &BoxLabel::length}, Dim{"width", &BoxLabel::width}, Dim{"height", &BoxLabel::height}}) {
    std::vector<double> values;
    for (int index : track) values.push_back(observations_[static_cast<std::size_t>(index)].box->*dim.member);
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    if (*hi - *lo <= settings_.size_change_tolerance) continue;
    // The median is the track's size; the boxes far from it are the ones to fix, the first of them is reported.
    const double typical = median(values);
    nlohmann::json odd = nlohmann::json::array();
    const Observation* first_odd = nullptr;
    for (std::size_t k = 0; k < values.size(); ++k) {
      if (std::abs(values[k] - typical) <= settings_.size_change_tolerance / 2) continue;
      const Observation& o = observations_[static_cast<std::size_t>(track[k])];
      odd.push_back({{"label_id", o.box->id}, {"frame", o.box->frame_index}, {"value", values[k]}});
      if (!first_odd) first_odd = &o;
    }
    if (!first_odd) continue;
    Finding f = label_finding(
        "track-size-change", Severity::Warning, *first_odd->box, first_odd->sample_key, sensor_,
        "track " + first.track_id + " (" + first.category + ") " + dim.name + " varies " + fmt(*lo) + "-" + fmt(*hi) +
            " m (tolerance " + fmt(settings_.size_change_tolerance) + " m); typical " + fmt(typical) + " m",
        {{"dimension", dim.name}, {"min_m", *lo}, {"max_m", *hi}, {"median_m", typical}, {"deviating", odd}});
    f.start_ns = observations_[static_cast<std::size_t>(track.front())].time_ns;
    f.end_ns = observations_[static_cast<std::size_t>(track.back())].time_ns;
    out.push_back(std::move(f));
  }
}

}  // namespace dc::core::label_qa

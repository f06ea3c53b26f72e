#include "passes/autolabel/multi_object_tracker.h"

#include "util/hungarian_assignment.h"
#include "passes/autolabel/object_classifier.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dc::core::autolabel {

namespace {

constexpr double kForbidden = 1e9;
constexpr double kOtherKindPenalty_m = 1.0;  // a person matched to a vehicle costs this much extra distance
constexpr int kHeadingWindow = 2;            // samples on each side for the heading from motion
constexpr double kBridgedScore = 0.8;        // interpolated boxes are less certain than detected ones
constexpr double kMaxWalkingSpeed = 3.0;     // m/s: a "pedestrian" track faster than this is a cyclist seen from behind

bool is_person(const std::string& c) { return c == "Pedestrian" || c == "Cyclist"; }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

double wrap(double a) { return std::remainder(a, 2 * std::numbers::pi); }

}  // namespace

void MultiObjectTracker::add_sample(int sample, double time_s, const std::vector<Detection>& detections) {
  const int step = static_cast<int>(steps_.size());
  steps_.push_back({sample, time_s});

  for (auto& t : live_) t.filter.predict(time_s - t.last_time_s), t.last_time_s = time_s;
  std::vector<std::vector<double>> cost(live_.size(), std::vector<double>(detections.size(), kForbidden));
  for (std::size_t i = 0; i < live_.size(); ++i) {
    const Eigen::Vector2d predicted = live_[i].filter.position();
    const std::string& kind = live_[i].observations.back().box.category;
    for (std::size_t j = 0; j < detections.size(); ++j) {
      const double d = (detections[j].center.head<2>() - predicted).norm() +
                       (is_person(kind) != is_person(detections[j].category) ? kOtherKindPenalty_m : 0.0);
      if (d <= settings_.gate_m) cost[i][j] = d;
    }
  }
  const std::vector<int> match = hungarian_assignment(cost, kForbidden);

  std::vector<char> used(detections.size(), 0);
  for (std::size_t i = 0; i < live_.size(); ++i) {
    Track& t = live_[i];
    if (match[i] < 0) {
      ++t.misses;
      continue;
    }
    const Detection& d = detections[static_cast<std::size_t>(match[i])];
    used[static_cast<std::size_t>(match[i])] = 1;
    t.filter.update(d.center.head<2>());
    t.misses = 0;
    t.observations.push_back({step, d});
  }
  for (auto& t : live_)
    if (t.misses > settings_.max_misses) end_track(t);
  std::erase_if(live_, [](const Track& t) { return t.observations.empty(); });

  for (std::size_t j = 0; j < detections.size(); ++j) {
    if (used[j]) continue;
    Track t{next_id_++,
            ConstantVelocityFilter(detections[j].center.head<2>(), settings_.acceleration_sigma,
                                   settings_.position_sigma_m),
            time_s, 0, {{step, detections[j]}}};
    live_.push_back(std::move(t));
  }
}

void MultiObjectTracker::end_track(Track& track) {
  ended_.push_back(std::move(track));
  track.observations.clear();  // marks the moved-from entry for removal
}

std::vector<TrackedBox> MultiObjectTracker::finish() {
  for (auto& t : live_) end_track(t);
  live_.clear();
  std::sort(ended_.begin(), ended_.end(), [](const Track& a, const Track& b) { return a.id < b.id; });
  std::vector<TrackedBox> out;
  int confirmed = 0;
  for (const Track& t : ended_) {
    if (static_cast<int>(t.observations.size()) < settings_.min_hits) continue;
    Track renumbered = t;
    renumbered.id = ++confirmed;
    emit(renumbered, out);
  }
  ended_.clear();
  return out;
}

void MultiObjectTracker::emit(const Track& track, std::vector<TrackedBox>& out) const {
  const auto& obs = track.observations;
  // One class: the score-weighted vote.
  std::map<std::string, double> votes;
  for (const auto& o : obs) votes[o.box.category] += o.box.score;
  std::string category =
      std::max_element(votes.begin(), votes.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
  // One size: the median over the detections of that class (a rigid object does not change size).
  std::vector<double> l, w, h, score;
  for (const auto& o : obs) {
    score.push_back(o.box.score);
    if (o.box.category != category) continue;
    l.push_back(o.box.length), w.push_back(o.box.width), h.push_back(o.box.height);
  }
  double length = median(l), width = median(w);
  const double height = median(h);
  double mean_score = 0;
  for (double s : score) mean_score += s;
  mean_score /= static_cast<double>(score.size());

  // Moving or standing: the distance between the first and last detections over the time between them.
  const auto time_of = [&](const Observation& o) { return steps_[static_cast<std::size_t>(o.step)].time_s; };
  const double span_s = time_of(obs.back()) - time_of(obs.front());
  const double travelled = (obs.back().box.center.head<2>() - obs.front().box.center.head<2>()).norm();
  const double speed = span_s > 0 ? travelled / span_s : 0.0;
  const bool moving = speed > settings_.moving_speed_mps;
  if (category == "Pedestrian" && speed > kMaxWalkingSpeed) {
    category = "Cyclist";
    const Eigen::Vector2d size = ObjectClassifier::typical_size(category);
    length = std::max(length, size.x());
    width = std::max(width, size.y());
  }
  // A standing object's L-shape heading is known up to 180 degrees (and the length axis may flip by 90): one
  // heading for the whole track, the circular mean of the doubled angles of its detections.
  double standing_yaw = 0;
  if (!moving) {
    double s = 0, c = 0;
    for (const auto& o : obs) s += std::sin(2 * o.box.yaw), c += std::cos(2 * o.box.yaw);
    standing_yaw = 0.5 * std::atan2(s, c);
  }

  const auto make = [&](const Detection& from, int step, bool bridged) {
    TrackedBox b;
    b.sample = steps_[static_cast<std::size_t>(step)].sample;
    b.track = track.id;
    b.bridged = bridged;
    b.moving = moving;
    b.box = from;
    b.box.category = category;
    b.box.length = length, b.box.width = width, b.box.height = height;
    b.box.score = bridged ? kBridgedScore * mean_score : mean_score;
    return b;
  };
  for (std::size_t k = 0; k < obs.size(); ++k) {
    TrackedBox b = make(obs[k].box, obs[k].step, false);
    if (moving) {
      const auto& a = obs[k >= kHeadingWindow ? k - kHeadingWindow : 0];
      const auto& z = obs[std::min(obs.size() - 1, k + kHeadingWindow)];
      const Eigen::Vector2d v = z.box.center.head<2>() - a.box.center.head<2>();
      b.box.yaw = v.norm() > 1e-6 ? std::atan2(v.y(), v.x()) : obs[k].box.yaw;
    } else {
      b.box.yaw = standing_yaw;
    }
    b.box.yaw = wrap(b.box.yaw);
    // Bridge the gap to the next detection with boxes interpolated in position and heading.
    if (k + 1 < obs.size()) {
      const int gap_from = obs[k].step, gap_to = obs[k + 1].step;
      for (int s = gap_from + 1; s < gap_to; ++s) {
        const double u = (time_of({s, {}}) - time_of(obs[k])) / (time_of(obs[k + 1]) - time_of(obs[k]));
        Detection mid = obs[k].box;
        mid.center = (1 - u) * obs[k].box.center + u * obs[k + 1].box.center;
        TrackedBox g = make(mid, s, true);
        g.box.yaw = b.box.yaw;
        out.push_back(g);
      }
    }
    out.push_back(b);
  }
}

}  // namespace dc::core::autolabel

#include "passes/autolabel/multi_object_tracker.h"

#include "util/hungarian_assignment.h"
#include "passes/autolabel/object_classifier.h"
#include "passes/autolabel/outline_projection.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>

namespace dc::core::autolabel {

namespace {

constexpr double kForbidden = 1e9;
constexpr double kOtherKindPenalty_m = 2.0;  // a person matched to a vehicle costs this much extra distance
constexpr std::size_t kHeadingWindow = 2;           // samples on each side for the heading from motion
constexpr double kBridgedScore = 0.8;        // interpolated boxes are less certain than detected ones
constexpr int kCoastSamples = 10;             // a parked vehicle's box carried on this far beyond its detections ...
constexpr std::size_t kCoastMinHits = 10;     // ... once it was detected this often
constexpr double kMaxWalkingSpeed = 3.0;     // m/s: a "pedestrian" track faster than this is a cyclist seen from behind
// Side views: a detection within this range, with this many points, seen within 45 degrees of its side.
constexpr double kSideViewRange_m = 25.0;
constexpr int kSideViewPoints = 30;
constexpr double kSideViewCos = 0.7;
constexpr double kMaxPersonLength_m = 2.5;  // a cyclist with its bicycle at most
constexpr double kMaxPersonWidth_m = 1.0;   // ... and across (a vehicle's front or back is wider than this)
constexpr double kMinBicycleDepth_m = 1.2;  // a bicycle seen end-on still shows this much of its length
constexpr std::size_t kNarrowViews = 3;     // well-seen detections needed to call a "vehicle" a bicycle
// A track that goes from faster than walking to standing (or back) between two windows of this many observations,
// each a steady motion (centers within this RMS of a straight line), followed two objects: a cyclist passing a
// parked car, say. Nothing brakes from 3 m/s to a standstill within a second.
constexpr std::size_t kBreakWindow = 8;
constexpr double kBreakSteadiness_m = 0.3;
constexpr double kStandingSpeed = 0.8;
// Hindsight stitching: a track that ends and one that begins at most this many samples later, of the same kind,
// whose motions carried across the gap meet within this distance (plus a margin per second of gap) and whose
// velocities differ by less than this, are one object lost for a moment.
constexpr int kStitchMaxGap = 10;
constexpr std::size_t kStitchFitWindow = 5;  // observations the end motions are fitted on
constexpr double kStitchDistance_m = 1.0;
constexpr double kStitchDistancePerSecond_m = 1.0;
constexpr double kStitchSpeedChange = 2.0;
// m/s: a vehicle slower than this takes its heading from its shape (as a standing one), only the direction from its
// motion: the centers of a parked car seen from changing angles wander by a metre or two, sideways as often as not.
constexpr double kSlowVehicleSpeed = 2.0;
constexpr std::size_t kSmoothWindow = 3;            // samples on each side for a moving track's smoothed centers
constexpr double kSizePercentile = 0.8;      // of a track's visible extents: its size, merged frames left out
constexpr double kMostlySeen = 0.8;          // a visible extent under this share of the class's size says nothing
constexpr double kMergedMargin_m = 0.3;      // a detection more than this beyond the class's largest size is merged
constexpr double kSmallEnd = 0.92;           // ... above it, the object is at least this share of the typical size
// A "person" track whose boxes mostly lie within a parked vehicle's footprint (grown by this) is a piece of that
// vehicle seen from afar (its roof over a nearer car): its boxes become the vehicle's, under the vehicle's id.
constexpr double kPieceMargin_m = 0.2;

bool is_person(const std::string& c) { return c == "Pedestrian" || c == "Cyclist"; }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// The q-quantile (0..1) of the values.
double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  const auto k = v.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), k, v.end());
  return *k;
}

double wrap(double a) { return std::remainder(a, 2 * std::numbers::pi); }

// The least-squares line through points over time, p(t) = at + velocity * (t - t0), and the points' RMS distance
// from it. Without two distinct times there is no line: `fitted` false, `at` the points' mean.
struct LineFit {
  bool fitted = false;
  Eigen::Vector2d at = Eigen::Vector2d::Zero(), velocity = Eigen::Vector2d::Zero();
  double rms = 0;
};

// Points `from` .. `to` - 1, each given by point_at(i) as (time, position).
template <class PointAt>
LineFit fit_line(std::size_t from, std::size_t to, double t0, const PointAt& point_at) {
  double st = 0, stt = 0, m = 0;
  Eigen::Vector2d sp = Eigen::Vector2d::Zero(), stp = Eigen::Vector2d::Zero();
  for (std::size_t i = from; i < to; ++i) {
    const auto [time, p] = point_at(i);
    const double t = time - t0;
    st += t, stt += t * t, m += 1, sp += p, stp += t * p;
  }
  LineFit f;
  if (m == 0) return f;
  const double det = m * stt - st * st;
  f.fitted = det >= 1e-9;
  if (f.fitted) f.velocity = (m * stp - st * sp) / det;
  f.at = (sp - f.velocity * st) / m;
  double ss = 0;
  for (std::size_t i = from; i < to; ++i) {
    const auto [time, p] = point_at(i);
    ss += (p - f.at - f.velocity * (time - t0)).squaredNorm();
  }
  f.rms = std::sqrt(ss / m);
  return f;
}

// Removes the boxes marked in `drop`, keeping the others in order.
void erase_dropped(std::vector<TrackedBox>& out, const std::vector<char>& drop) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (drop[i]) continue;
    if (kept != i) out[kept] = std::move(out[i]);  // never onto itself: a self-move empties the box
    ++kept;
  }
  out.resize(kept);
}

bool inside_footprint(const Detection& box, const Eigen::Vector2d& p, double margin) {
  const Eigen::Vector2d d = p - box.center.head<2>();
  const double u = d.x() * std::cos(box.yaw) + d.y() * std::sin(box.yaw);
  const double v = -d.x() * std::sin(box.yaw) + d.y() * std::cos(box.yaw);
  return std::abs(u) <= 0.5 * box.length + margin && std::abs(v) <= 0.5 * box.width + margin;
}

}  // namespace

void MultiObjectTracker::add_sample(int sample, double time_s, const std::vector<Detection>& detections) {
  const int step = static_cast<int>(steps_.size());
  steps_.push_back({sample, time_s,
                    !detections.empty() ? detections.front().sensor
                    : steps_.empty()    ? Eigen::Vector2d::Zero()
                                        : steps_.back().sensor});

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

std::vector<MultiObjectTracker::Track> MultiObjectTracker::split_at_motion_breaks(Track track) const {
  const auto& obs = track.observations;
  const auto motion = [&](std::size_t from, std::size_t to) {
    return fit_line(from, to, 0.0, [&](std::size_t i) {
      return std::pair{steps_[static_cast<std::size_t>(obs[i].step)].time_s, Eigen::Vector2d(obs[i].box.center.head<2>())};
    });
  };
  const std::size_t n = track.observations.size();
  std::size_t best = 0;
  double best_jump = 0;
  for (std::size_t k = kBreakWindow; k + kBreakWindow <= n; ++k) {
    const LineFit before = motion(k - kBreakWindow, k), after = motion(k, k + kBreakWindow);
    if (!before.fitted || !after.fitted || before.rms > kBreakSteadiness_m || after.rms > kBreakSteadiness_m) continue;
    const double slow = std::min(before.velocity.norm(), after.velocity.norm());
    const double fast = std::max(before.velocity.norm(), after.velocity.norm());
    if (slow < kStandingSpeed && fast > kMaxWalkingSpeed && fast - slow > best_jump) best = k, best_jump = fast - slow;
  }
  if (best == 0) return {std::move(track)};
  Track rest = track;  // the same id until confirmed tracks are numbered
  rest.observations.erase(rest.observations.begin(), rest.observations.begin() + static_cast<std::ptrdiff_t>(best));
  track.observations.resize(best);
  std::vector<Track> out = split_at_motion_breaks(std::move(track));
  for (auto& t : split_at_motion_breaks(std::move(rest))) out.push_back(std::move(t));
  return out;
}

void MultiObjectTracker::stitch_tracks() {
  struct Ends {
    int first = 0, last = 0;  // steps
    bool persons = false;
    Eigen::Vector2d start, end, start_velocity, end_velocity;
  };
  const auto time_of = [&](int step) { return steps_[static_cast<std::size_t>(step)].time_s; };
  // Position and velocity (least squares) of a few observations at one end of a track, at that end.
  const auto fit = [&](const std::vector<Observation>& obs, std::size_t from, std::size_t to, int at_step) {
    const LineFit f = fit_line(from, to, time_of(at_step), [&](std::size_t i) {
      return std::pair{time_of(obs[i].step), Eigen::Vector2d(obs[i].box.center.head<2>())};
    });
    return std::pair{f.at, f.velocity};
  };
  std::vector<Ends> ends(ended_.size());
  for (std::size_t i = 0; i < ended_.size(); ++i) {
    const auto& obs = ended_[i].observations;
    const std::size_t n = obs.size(), w = std::min(n, kStitchFitWindow);
    Ends& e = ends[i];
    e.first = obs.front().step, e.last = obs.back().step;
    std::size_t persons = 0;
    for (const auto& o : obs) persons += is_person(o.box.category);
    e.persons = 2 * persons > n;
    std::tie(e.start, e.start_velocity) = fit(obs, 0, w, e.first);
    std::tie(e.end, e.end_velocity) = fit(obs, n - w, n, e.last);
  }
  // Every plausible (ended, begun) pair with its mismatch: each track's motion carried across the gap should land
  // on the other's end; the best pairs are joined first, each track joined at most once at each end.
  std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;
  for (std::size_t a = 0; a < ended_.size(); ++a)
    for (std::size_t b = 0; b < ended_.size(); ++b) {
      const Ends &ea = ends[a], &eb = ends[b];
      if (eb.first <= ea.last || eb.first - ea.last > kStitchMaxGap || ea.persons != eb.persons) continue;
      const double dt = time_of(eb.first) - time_of(ea.last);
      const double forward = (ea.end + ea.end_velocity * dt - eb.start).norm();
      const double backward = (eb.start - eb.start_velocity * dt - ea.end).norm();
      const double mismatch = 0.5 * (forward + backward);
      if (mismatch > kStitchDistance_m + kStitchDistancePerSecond_m * dt ||
          (ea.end_velocity - eb.start_velocity).norm() > kStitchSpeedChange)
        continue;
      pairs.emplace_back(mismatch, a, b);
    }
  std::sort(pairs.begin(), pairs.end());
  std::vector<std::ptrdiff_t> next(ended_.size(), -1);
  std::vector<char> has_previous(ended_.size(), 0);
  for (const auto& [mismatch, a, b] : pairs) {
    if (next[a] >= 0 || has_previous[b]) continue;
    next[a] = static_cast<std::ptrdiff_t>(b);
    has_previous[b] = 1;
  }
  for (std::size_t a = 0; a < ended_.size(); ++a) {
    if (has_previous[a]) continue;  // joined onto the track it continues
    for (std::ptrdiff_t b = next[a]; b >= 0; b = next[static_cast<std::size_t>(b)]) {
      auto& from = ended_[static_cast<std::size_t>(b)].observations;
      ended_[a].observations.insert(ended_[a].observations.end(), from.begin(), from.end());
      from.clear();
    }
  }
  std::erase_if(ended_, [](const Track& t) { return t.observations.empty(); });
}

std::vector<TrackedBox> MultiObjectTracker::finish() {
  for (auto& t : live_) end_track(t);
  live_.clear();
  std::vector<Track> pieces;
  for (auto& t : ended_)
    for (auto& piece : split_at_motion_breaks(std::move(t))) pieces.push_back(std::move(piece));
  ended_ = std::move(pieces);
  stitch_tracks();
  std::sort(ended_.begin(), ended_.end(), [](const Track& a, const Track& b) {
    return std::pair(a.id, a.observations.front().step) < std::pair(b.id, b.observations.front().step);
  });
  std::vector<TrackedBox> out;
  int confirmed = 0;
  for (const Track& t : ended_) {
    if (static_cast<int>(t.observations.size()) < settings_.min_hits) continue;
    Track renumbered = t;
    renumbered.id = ++confirmed;
    emit_boxes(renumbered, out);
  }
  ended_.clear();
  absorb_vehicle_pieces(out);
  drop_covered_carries(out);
  return out;
}

void MultiObjectTracker::drop_covered_carries(std::vector<TrackedBox>& out) {
  std::map<int, std::vector<std::size_t>> in_sample;
  for (std::size_t i = 0; i < out.size(); ++i) in_sample[out[i].sample].push_back(i);
  const auto overlap = [](const TrackedBox& a, const TrackedBox& b) {
    return inside_footprint(a.box, b.box.center.head<2>(), 0) || inside_footprint(b.box, a.box.center.head<2>(), 0);
  };
  // A carried-on box gives way to another track's detected or interpolated box, and to one carried on first (two
  // tracks of one parked car, each carried into the other's gap).
  std::vector<char> drop(out.size(), 0);
  for (const auto& [sample, boxes] : in_sample)
    for (std::size_t i : boxes) {
      if (!out[i].carried) continue;
      for (std::size_t j : boxes)
        if (j != i && out[j].track != out[i].track && !drop[j] && (!out[j].carried || j < i) &&
            overlap(out[i], out[j])) {
          drop[i] = 1;
          break;
        }
    }
  erase_dropped(out, drop);
}

void MultiObjectTracker::absorb_vehicle_pieces(std::vector<TrackedBox>& out) {
  std::map<int, std::vector<std::size_t>> boxes_of;
  for (std::size_t i = 0; i < out.size(); ++i) boxes_of[out[i].track].push_back(i);
  std::vector<char> drop(out.size(), 0);
  for (const auto& [vehicle, v_boxes] : boxes_of) {
    const TrackedBox& parked = out[v_boxes.front()];
    if (parked.moving || is_person(parked.box.category)) continue;
    std::map<int, char> present;  // samples the vehicle's track already has a box in
    for (std::size_t i : v_boxes) present[out[i].sample] = 1;
    for (const auto& [person, p_boxes] : boxes_of) {
      if (!is_person(out[p_boxes.front()].box.category) || drop[p_boxes.front()] ||
          out[p_boxes.front()].track != person)
        continue;
      std::size_t within = 0;
      for (std::size_t i : p_boxes)
        within += inside_footprint(parked.box, out[i].box.center.head<2>(), kPieceMargin_m);
      if (2 * within <= p_boxes.size()) continue;
      for (std::size_t i : p_boxes) {
        if (present.count(out[i].sample)) {
          drop[i] = 1;
          continue;
        }
        present[out[i].sample] = 1;
        const int sample = out[i].sample;
        const bool bridged = out[i].bridged;
        out[i] = parked;
        out[i].sample = sample;
        out[i].bridged = bridged;
        out[i].carried = false;  // a piece seen there
      }
    }
  }
  erase_dropped(out, drop);
}

void MultiObjectTracker::emit_boxes(const Track& track, std::vector<TrackedBox>& out) const {
  const auto& obs = track.observations;
  const std::size_t n = obs.size();
  // One class: the score-weighted vote.
  std::map<std::string, double> votes;
  for (const auto& o : obs) votes[o.box.category] += o.box.score;
  std::string category =
      std::max_element(votes.begin(), votes.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
  std::vector<double> h, score;
  for (const auto& o : obs) {
    score.push_back(o.box.score);
    if (o.box.category == category) h.push_back(o.box.height);
  }
  const double height = median(h);
  double mean_score = 0;
  for (double s : score) mean_score += s;
  mean_score /= static_cast<double>(score.size());

  // Moving or standing: the distance between the median centers of the track's first and last thirds over the
  // time between them. Medians, as one detection merged with a neighbour shifts a center by metres.
  const auto time_of = [&](const Observation& o) { return steps_[static_cast<std::size_t>(o.step)].time_s; };
  const auto speed_of = [&](const std::vector<Eigen::Vector2d>& at) {
    const std::size_t third = std::max<std::size_t>(1, n / 3);
    const auto median_of = [&](std::size_t from, std::size_t to) {
      std::vector<double> xs, ys, ts;
      for (std::size_t k = from; k < to; ++k)
        xs.push_back(at[k].x()), ys.push_back(at[k].y()), ts.push_back(time_of(obs[k]));
      return std::pair{Eigen::Vector2d(median(xs), median(ys)), median(ts)};
    };
    const auto [first_center, first_time] = median_of(0, third);
    const auto [last_center, last_time] = median_of(n - third, n);
    return last_time > first_time ? (last_center - first_center).norm() / (last_time - first_time) : 0.0;
  };
  std::vector<Eigen::Vector2d> centers(n);
  for (std::size_t k = 0; k < n; ++k) centers[k] = obs[k].box.center.head<2>();
  const double speed = speed_of(centers);

  // A standing object's L-shape gives its orientation up to 90 degrees: one for the whole track (circular mean of
  // the quadrupled angles, weighted by points), its length axis the one along which the outlines reach farther.
  double s4 = 0, c4 = 0;
  for (const auto& o : obs)
    s4 += o.box.points * std::sin(4 * o.box.yaw), c4 += o.box.points * std::cos(4 * o.box.yaw);
  const double base = 0.25 * std::atan2(s4, c4);
  std::vector<double> on_base, across_base;
  for (const auto& o : obs) {
    const Eigen::Vector2d e = OutlineProjection(o.box, base).extents();
    on_base.push_back(e.x()), across_base.push_back(e.y());
  }
  const double seen_on = percentile(on_base, kSizePercentile), seen_across = percentile(across_base, kSizePercentile);
  bool base_is_length = seen_on >= seen_across;
  // A vehicle never seen longer than its class is wide was seen from the front or back only: that face is its width.
  const double widest = ObjectClassifier::max_size(category).y();
  if (!is_person(category) && widest > 0 && std::max(seen_on, seen_across) <= widest) base_is_length = !base_is_length;
  const double standing_yaw = base_is_length ? base : base + std::numbers::pi / 2;

  // Detection centers of a parked car wander as the ego passes it (a front view grows away from the sensor, a side
  // view does not); boxes of one size refitted at the standing heading do not. A track moves only if those move too.
  bool moving = speed > settings_.moving_speed_mps;
  double refitted_speed = speed;
  if (moving) {
    const Eigen::Vector2d typical = ObjectClassifier::typical_size(category);
    const auto& l = base_is_length ? on_base : across_base;
    const auto& w = base_is_length ? across_base : on_base;
    const double sl = std::max(typical.x(), percentile(l, kSizePercentile));
    const double sw = std::max(typical.y(), percentile(w, kSizePercentile));
    std::vector<Eigen::Vector2d> refitted(n);
    for (std::size_t k = 0; k < n; ++k) refitted[k] = OutlineProjection(obs[k].box, standing_yaw).box_center(sl, sw);
    refitted_speed = speed_of(refitted);
    moving = refitted_speed > settings_.moving_speed_mps;
  }
  const bool slow_vehicle = moving && !is_person(category) && std::min(speed, refitted_speed) < kSlowVehicleSpeed;

  // Heading per detection. Moving: the direction of motion. Standing: the one orientation above.
  std::vector<double> yaw(n);
  // A detection merged with a neighbour shows more than an object of the class can be (its outline's own rectangle,
  // as a heading may be tilted by the merged centers): it says nothing of the object's size, and its center (the
  // pair's) nothing of where the object went.
  const auto merged_views = [&](const std::string& c) {
    std::vector<char> m(n, 0);
    const Eigen::Vector2d largest = ObjectClassifier::max_size(c);
    for (std::size_t k = 0; k < n && largest.x() > 0; ++k) {
      const Eigen::Vector2d own = OutlineProjection(obs[k].box, obs[k].box.yaw).extents();
      m[k] = own.maxCoeff() > largest.x() + kMergedMargin_m || own.minCoeff() > largest.y() + kMergedMargin_m;
    }
    if (std::all_of(m.begin(), m.end(), [](char v) { return v; })) std::fill(m.begin(), m.end(), 0);
    return m;
  };
  std::vector<char> merged = merged_views(category);
  // Detection k and up to `window` detections on each side of it, merged ones passed over.
  const auto neighbours = [&](std::size_t k, std::size_t window) {
    std::vector<std::size_t> used;
    for (std::size_t i = k, m = 0; i-- > 0 && m < window;)
      if (!merged[i]) used.insert(used.begin(), i), ++m;
    if (!merged[k]) used.push_back(k);
    for (std::size_t i = k + 1, m = 0; i < n && m < window; ++i)
      if (!merged[i]) used.push_back(i), ++m;
    return used;
  };
  // The least-squares line through the positions of those neighbours, at detection k's time.
  const auto local_fit = [&](std::size_t k, std::size_t window, const std::vector<Eigen::Vector2d>& at) {
    const std::vector<std::size_t> used = neighbours(k, window);
    return fit_line(0, used.size(), time_of(obs[k]), [&](std::size_t i) {
      return std::pair{time_of(obs[used[i]]), at[used[i]]};
    });
  };
  // The motion gives the direction, the L-shape of a well-seen vehicle the exact axis: the one of its four
  // directions nearest the motion's (centers of partial views wander and tilt the motion by tens of degrees).
  const auto snap_to_shape = [&](std::size_t k) {
    if (is_person(category) || obs[k].box.points < kSideViewPoints) return;
    const double quarter = std::numbers::pi / 2;
    yaw[k] += std::remainder(obs[k].box.yaw - yaw[k], quarter);
  };
  const auto headings_from_motion = [&] {
    for (std::size_t k = 0; k < n; ++k) {
      const std::vector<std::size_t> ends = neighbours(k, kHeadingWindow);
      const Eigen::Vector2d v =
          ends.empty() ? Eigen::Vector2d::Zero() : Eigen::Vector2d(centers[ends.back()] - centers[ends.front()]);
      yaw[k] = v.norm() > 1e-6 ? std::atan2(v.y(), v.x()) : obs[k].box.yaw;
      snap_to_shape(k);
    }
  };
  if (slow_vehicle) {
    // The standing orientation, facing the way the track went from its first detections to its last.
    const Eigen::Vector2d went = centers[n - 1] - centers[0];
    const Eigen::Vector2d facing(std::cos(standing_yaw), std::sin(standing_yaw));
    std::fill(yaw.begin(), yaw.end(), went.dot(facing) < 0 ? standing_yaw + std::numbers::pi : standing_yaw);
  } else if (moving) {
    headings_from_motion();
    // A vehicle seen from the side shows its whole length; a "vehicle" never seen longer than a bicycle from the
    // side is a person (a cyclist seen from behind looks as wide as a small car's rear).
    if (!is_person(category)) {
      std::vector<double> side_lengths;
      for (std::size_t k = 0; k < n; ++k) {
        const Eigen::Vector2d sight = obs[k].box.center.head<2>() - obs[k].box.sensor;
        const Eigen::Vector2d along(std::cos(yaw[k]), std::sin(yaw[k]));
        if (sight.norm() > kSideViewRange_m || obs[k].box.points < kSideViewPoints ||
            std::abs(sight.normalized().dot(along)) > kSideViewCos)
          continue;
        side_lengths.push_back(OutlineProjection(obs[k].box, yaw[k]).extents().x());
      }
      if (side_lengths.size() >= 2 && percentile(side_lengths, kSizePercentile) < kMaxPersonLength_m)
        category = "Pedestrian";
    }
    // Seen from ahead or behind, a vehicle shows its width across its motion; a bicycle shows a narrow outline that
    // reaches back along its length (wheels, frame and rider at different depths). A "vehicle" that, whenever seen
    // well, is narrow across its motion and a bicycle's length along it, is a person.
    if (!is_person(category)) {
      std::vector<double> along, across;
      for (std::size_t k = 0; k < n; ++k) {
        const Eigen::Vector2d sight = obs[k].box.center.head<2>() - obs[k].box.sensor;
        if (sight.norm() > kSideViewRange_m || obs[k].box.points < kSideViewPoints) continue;
        const Eigen::Vector2d e = OutlineProjection(obs[k].box, yaw[k]).extents();
        along.push_back(e.x()), across.push_back(e.y());
      }
      if (along.size() >= kNarrowViews && percentile(across, kSizePercentile) < kMaxPersonWidth_m &&
          percentile(along, kSizePercentile) < kMaxPersonLength_m && percentile(along, 1 - kSizePercentile) > kMinBicycleDepth_m)
        category = "Pedestrian";
    }
  } else {
    std::fill(yaw.begin(), yaw.end(), standing_yaw);
  }

  if (category == "Pedestrian" && speed > kMaxWalkingSpeed) category = "Cyclist";
  const Eigen::Vector2d typical = ObjectClassifier::typical_size(category);
  const Eigen::Vector2d largest = ObjectClassifier::max_size(category);
  // With the class known: its merged views, then those that the heading of the clean ones shows too wide or long.
  merged = merged_views(category);
  if (moving && !slow_vehicle) {
    headings_from_motion();
    bool more = false;
    for (std::size_t k = 0; k < n && largest.x() > 0; ++k) {
      const Eigen::Vector2d e = OutlineProjection(obs[k].box, yaw[k]).extents();
      if (!merged[k] && (e.x() > largest.x() + kMergedMargin_m || e.y() > largest.y() + kMergedMargin_m))
        merged[k] = 1, more = true;
    }
    if (more && std::count(merged.begin(), merged.end(), 0) > 0) headings_from_motion();
    else if (more) std::fill(merged.begin(), merged.end(), 0);
  }

  // One size (objects are rigid): what the track saw of it at its best (a high percentile of the visible extents,
  // so a frame merged with a neighbour does not count), or the class's typical size where it never saw most of it.
  std::vector<double> seen_length, seen_width;
  for (std::size_t k = 0; k < n; ++k) {
    const Eigen::Vector2d e = OutlineProjection(obs[k].box, yaw[k]).extents();
    seen_length.push_back(e.x()), seen_width.push_back(e.y());
  }
  const auto size_from = [](double seen, double typical_size, double largest_size) {
    if (typical_size <= 0) return seen;
    return seen < kMostlySeen * typical_size ? typical_size
                                             : std::clamp(seen, kSmallEnd * typical_size, largest_size);
  };
  std::vector<double> clean_length, clean_width;
  for (std::size_t k = 0; k < n; ++k)
    if (!merged[k]) clean_length.push_back(seen_length[k]), clean_width.push_back(seen_width[k]);
  const double length = size_from(percentile(clean_length, kSizePercentile), typical.x(), largest.x());
  const double width = size_from(percentile(clean_width, kSizePercentile), typical.y(), largest.y());

  // The box of that size placed on each detection's outline, facing the sensor; then, for moving tracks, centers
  // and headings smoothed by a local constant-velocity fit (twice, as the refit depends on the heading).
  const auto refit = [&] {
    for (std::size_t k = 0; k < n; ++k) centers[k] = OutlineProjection(obs[k].box, yaw[k]).box_center(length, width);
  };
  refit();
  if (moving) {
    for (int pass = 0; pass < 2; ++pass) {
      std::vector<Eigen::Vector2d> smoothed(n);
      for (std::size_t k = 0; k < n; ++k) {
        const LineFit f = local_fit(k, kSmoothWindow, centers);
        if (!f.fitted) {
          smoothed[k] = centers[k];
          continue;
        }
        const Eigen::Vector2d v = f.velocity;
        smoothed[k] = f.at;
        if (!slow_vehicle && v.norm() > settings_.moving_speed_mps) yaw[k] = std::atan2(v.y(), v.x()), snap_to_shape(k);
      }
      if (pass == 0) refit();
      else centers = smoothed;
    }
  } else {
    // A standing object does not move: one center, the median of the refitted ones.
    std::vector<double> xs, ys;
    for (const auto& c : centers) xs.push_back(c.x()), ys.push_back(c.y());
    const Eigen::Vector2d still(median(xs), median(ys));
    std::fill(centers.begin(), centers.end(), still);
  }

  const auto make = [&](const Detection& from, const Eigen::Vector2d& center, double heading, int step, bool bridged) {
    TrackedBox b;
    b.sample = steps_[static_cast<std::size_t>(step)].sample;
    b.track = track.id;
    b.bridged = bridged;
    b.moving = moving;
    b.box = from;
    b.box.outline.clear();
    b.box.center.head<2>() = center;
    b.box.yaw = wrap(heading);
    b.box.category = category;
    b.box.length = length, b.box.width = width, b.box.height = height;
    b.box.score = bridged ? kBridgedScore * mean_score : mean_score;
    return b;
  };
  // A parked vehicle does not leave: seen long enough, its box goes on for a while before its first detection and
  // after its last one (too few returns, far or hidden, to make a cluster) while within range. Where another
  // track has a box, drop_covered_carries() drops it.
  if (!moving && !is_person(category) && n >= kCoastMinHits) {
    const auto carry = [&](int s) {
      if ((steps_[static_cast<std::size_t>(s)].sensor - centers.front()).norm() > settings_.max_range_m) return false;
      out.push_back(make(obs.front().box, centers.front(), yaw.front(), s, true));
      out.back().carried = true;
      return true;
    };
    const int first = obs.front().step, last = obs.back().step, steps = static_cast<int>(steps_.size());
    for (int s = first - 1; s >= std::max(0, first - kCoastSamples) && carry(s); --s) {
    }
    for (int s = last + 1; s < std::min(steps, last + 1 + kCoastSamples) && carry(s); ++s) {
    }
  }
  for (std::size_t k = 0; k < n; ++k) {
    out.push_back(make(obs[k].box, centers[k], yaw[k], obs[k].step, false));
    // Bridge the gap to the next detection with boxes interpolated in position.
    if (k + 1 < n) {
      const int gap_from = obs[k].step, gap_to = obs[k + 1].step;
      for (int s = gap_from + 1; s < gap_to; ++s) {
        const double u = (time_of({s, {}}) - time_of(obs[k])) / (time_of(obs[k + 1]) - time_of(obs[k]));
        Detection mid = obs[k].box;
        mid.center = (1 - u) * obs[k].box.center + u * obs[k + 1].box.center;
        out.push_back(make(mid, (1 - u) * centers[k] + u * centers[k + 1], yaw[k], s, true));
      }
    }
  }
}

}  // namespace dc::core::autolabel

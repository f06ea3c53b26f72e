#include "passes/data_qc/timing_checks.h"

#include "dc/core/data/drive_session.h"
#include "passes/data_qc/frame_runs.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace dc::core::data_qc {

namespace {

double ms(std::int64_t ns) {
  return static_cast<double>(ns) * 1e-6;
}

// Duplicates and steps backwards, in the order the files were written (frame index order).
void check_order(const std::string& sensor, const std::vector<Frame>& time_ordered, FindingWriter& out) {
  std::vector<const Frame*> by_index;
  for (const auto& f : time_ordered) by_index.push_back(&f);
  std::stable_sort(by_index.begin(), by_index.end(),
                   [](const Frame* a, const Frame* b) { return a->index < b->index; });
  std::vector<Flag> duplicates, backwards;
  for (std::size_t p = 1; p < by_index.size(); ++p) {
    const std::int64_t step = by_index[p]->timestamp_ns - by_index[p - 1]->timestamp_ns;
    if (step == 0)
      duplicates.push_back({p, by_index[p], by_index[p - 1]->index});
    else if (step < 0)
      backwards.push_back({p, by_index[p], ms(step)});
  }
  for (const auto& run : consecutive_runs(duplicates)) {
    const auto frames = frames_of(run);
    out.add_run("timestamp-duplicate", Severity::Error, sensor, frames,
                sensor + ": " + out.frames_label(frames) + (run.size() == 1 ? " has" : " have") +
                    " the same timestamp as the frame before (frame " + run[0].value.dump() + ")",
                {{"previous_frames", values_of(run)}});
  }
  for (const auto& run : consecutive_runs(backwards)) {
    const auto frames = frames_of(run);
    out.add_run("timestamp-non-monotonic", Severity::Error, sensor, frames,
                sensor + ": timestamp of " + out.frames_label(frames) + " goes back " +
                    fixed(-run[0].value.get<double>(), 1) + " ms from the frame before",
                {{"step_ms", values_of(run)}});
  }
}

void check_rate(const std::string& sensor, const Sensor* info, const std::vector<Frame>& frames,
                const QcSettings& settings, FindingWriter& out) {
  std::vector<double> intervals;
  for (std::size_t i = 1; i < frames.size(); ++i)
    if (frames[i].timestamp_ns > frames[i - 1].timestamp_ns)
      intervals.push_back(static_cast<double>(frames[i].timestamp_ns - frames[i - 1].timestamp_ns));
  if (intervals.size() < 2) return;
  const double period = median_of(intervals);
  const double rate_hz = 1e9 / period;
  const double gap_limit = settings.gap_factor * period;

  // Jitter without the gaps: a dropped frame is reported as such, not as instability.
  double sum = 0, sum2 = 0;
  std::size_t n = 0;
  for (double d : intervals)
    if (d <= gap_limit) {
      sum += d;
      sum2 += d * d;
      ++n;
    }
  const double mean = sum / static_cast<double>(n);
  const double relative_std = std::sqrt(std::max(0.0, sum2 / static_cast<double>(n) - mean * mean)) / period;
  const double nominal = info ? info->rate_hz : 0.0;

  const TimestampNs start = frames.front().timestamp_ns, end = frames.back().timestamp_ns;
  const nlohmann::json stats = {{"median_period_ms", period * 1e-6},
                                {"rate_hz", rate_hz},
                                {"relative_std", relative_std},
                                {"nominal_rate_hz", nominal},
                                {"frames", frames.size()}};
  out.add("frame-rate", Severity::Info, sensor, start, end, -1,
          sensor + ": " + fixed(rate_hz, 2) + " Hz (median period " + fixed(period * 1e-6, 1) + " ms, jitter " +
              fixed(100 * relative_std, 1) + "%)",
          stats);
  if (static_cast<int>(n) + 1 >= settings.min_frames_for_stats && relative_std > settings.rate_jitter_max)
    out.add("frame-rate-unstable", Severity::Warning, sensor, start, end, -1,
            sensor + ": frame intervals vary by " + fixed(100 * relative_std, 1) + "% of the median period " +
                fixed(period * 1e-6, 1) + " ms (limit " + fixed(100 * settings.rate_jitter_max, 1) + "%)",
            stats);
  if (nominal > 0 && std::abs(rate_hz - nominal) > settings.rate_tolerance * nominal)
    out.add("frame-rate-mismatch", Severity::Warning, sensor, start, end, -1,
            sensor + ": runs at " + fixed(rate_hz, 2) + " Hz, nominal rate is " + fixed(nominal, 2) + " Hz", stats);

  for (std::size_t i = 1; i < frames.size(); ++i) {
    const std::int64_t gap = frames[i].timestamp_ns - frames[i - 1].timestamp_ns;
    if (static_cast<double>(gap) <= gap_limit) continue;
    const long long missing = std::max(1LL, std::llround(static_cast<double>(gap) / period) - 1);
    out.add("frame-gap", Severity::Warning, sensor, frames[i - 1].timestamp_ns, frames[i].timestamp_ns, -1,
            sensor + ": " + std::to_string(missing) + (missing == 1 ? " frame" : " frames") + " dropped between " +
                out.clock(frames[i - 1].timestamp_ns) + " and " + out.clock(frames[i].timestamp_ns) + " (frames " +
                std::to_string(frames[i - 1].index) + " and " + std::to_string(frames[i].index) + ", gap " +
                fixed(ms(gap), 1) + " ms, expected " + fixed(rate_hz, 1) + " Hz)",
            {{"frames", {frames[i - 1].index, frames[i].index}},
             {"missing", missing},
             {"gap_ms", ms(gap)},
             {"expected_period_ms", period * 1e-6}});
  }
}

}  // namespace

void check_timing(const DriveSession& session, const QcSettings& settings, FindingWriter& out) {
  if (!session.timestamped()) return;  // times are only an order: nothing to measure
  for (const auto& name : session.sensor_names()) {
    const auto& frames = session.frames(name);
    check_order(name, frames, out);
    check_rate(name, session.sensor(name), frames, settings, out);
  }
}

void check_clock_offset(const DriveSession& session, const QcSettings& settings, FindingWriter& out) {
  if (!session.timestamped()) return;
  const double limit_ms = settings.max_clock_offset_ms;
  for (const auto& name : session.sensor_names()) {
    const auto& frames = session.frames(name);
    std::vector<Flag> flags;
    for (std::size_t p = 0; p < frames.size(); ++p) {
      const Frame& f = frames[p];
      if (!f.log_time_ns) continue;
      // As doubles: the two clocks may be decades apart (an unset stamp) without overflowing.
      const double offset_ms = (static_cast<double>(*f.log_time_ns) - static_cast<double>(f.timestamp_ns)) * 1e-6;
      if (std::abs(offset_ms) > limit_ms) flags.push_back({p, &f, offset_ms});
    }
    for (const auto& run : consecutive_runs(std::move(flags))) {
      const auto run_frames = frames_of(run);
      double worst = 0;
      for (const auto& f : run)
        if (std::abs(f.value.get<double>()) > std::abs(worst)) worst = f.value.get<double>();
      out.add_run("clock-offset", Severity::Warning, name, run_frames,
                  name + ": " + out.frames_label(run_frames) + (run.size() == 1 ? " was" : " were") +
                      " logged up to " + fixed(std::abs(worst), 1) + " ms " + (worst >= 0 ? "after" : "before") +
                      " their header stamp (limit " + fixed(limit_ms, 1) + " ms)",
                  {{"offset_ms", values_of(run)}, {"max_clock_offset_ms", limit_ms}});
    }
  }
}

void check_sync(const DriveSession& session, const QcSettings& settings, FindingWriter& out) {
  if (!session.timestamped()) return;
  const auto limit_ns = static_cast<std::int64_t>(std::llround(settings.max_sync_skew_ms * 1e6));
  std::map<std::string, std::vector<Flag>> late;  // camera -> flagged samples
  for (std::size_t i = 0; i < session.samples().size(); ++i) {
    for (const auto& m : session.samples()[i].members) {
      const Sensor* s = session.sensor(m.sensor);
      if (!s || s->kind != SensorKind::Camera || std::llabs(m.skew_ns) <= limit_ns) continue;
      if (const Frame* f = session.frame(m.sensor, m.frame_index))
        late[m.sensor].push_back({i, f, {{"sample", session.samples()[i].key()}, {"skew_ms", ms(m.skew_ns)}}});
    }
  }
  for (auto& [camera, flags] : late) {
    for (const auto& run : consecutive_runs(std::move(flags))) {
      const auto frames = frames_of(run);
      double worst = 0;
      for (const auto& f : run) worst = std::max(worst, std::abs(f.value["skew_ms"].get<double>()));
      out.add_run("sync-skew", Severity::Warning, camera, frames,
                  camera + ": " + out.frames_label(frames) + (run.size() == 1 ? " is " : " are up to ") +
                      fixed(worst, 1) + " ms away from " +
                      (run.size() == 1 ? "its lidar sweep" : "their lidar sweeps") + " (limit " +
                      fixed(settings.max_sync_skew_ms, 1) + " ms)",
                  {{"members", values_of(run)}, {"max_sync_skew_ms", settings.max_sync_skew_ms}});
    }
  }
}

}  // namespace dc::core::data_qc

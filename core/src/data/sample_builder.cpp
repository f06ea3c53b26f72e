#include "dc/core/data/sample_builder.h"

#include <algorithm>
#include <limits>
#include <map>

namespace dc::core {

namespace {

// Median interval between consecutive distinct timestamps; 0 when fewer than two.
std::int64_t median_period(const std::vector<const Frame*>& sorted) {
  std::vector<std::int64_t> gaps;
  for (std::size_t k = 1; k < sorted.size(); ++k)
    if (sorted[k]->timestamp_ns > sorted[k - 1]->timestamp_ns)
      gaps.push_back(sorted[k]->timestamp_ns - sorted[k - 1]->timestamp_ns);
  if (gaps.empty()) return 0;
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  return gaps[gaps.size() / 2];
}

}  // namespace

std::vector<Sample> build_samples(const std::vector<Frame>& frames, const std::string& lidar_sensor,
                                  std::optional<std::int64_t> max_skew_ns) {
  std::map<std::string, std::vector<const Frame*>> by_sensor;
  for (const auto& f : frames) by_sensor[f.sensor].push_back(&f);
  for (auto& [name, list] : by_sensor)
    std::sort(list.begin(), list.end(), [](const Frame* a, const Frame* b) {
      return a->timestamp_ns != b->timestamp_ns ? a->timestamp_ns < b->timestamp_ns : a->index < b->index;
    });

  std::vector<Sample> samples;
  auto lidar = by_sensor.find(lidar_sensor);
  if (lidar == by_sensor.end()) return samples;
  samples.reserve(lidar->second.size());
  std::map<std::string, std::int64_t> limit;
  for (const auto& [name, list] : by_sensor) {
    // A sensor with a single frame has no period: it is taken at any skew unless a limit was given.
    const std::int64_t period = median_period(list);
    limit[name] = max_skew_ns ? *max_skew_ns : (period > 0 ? period : std::numeric_limits<std::int64_t>::max());
  }
  for (const Frame* sweep : lidar->second) {
    Sample s;
    s.index = static_cast<std::int64_t>(samples.size());
    s.timestamp_ns = sweep->timestamp_ns;
    s.lidar_sensor = lidar_sensor;
    s.lidar_frame_index = sweep->index;
    for (const auto& [name, list] : by_sensor) {
      if (name == lidar_sensor || list.empty()) continue;
      // Nearest by time: lower_bound then compare with the predecessor.
      auto it = std::lower_bound(list.begin(), list.end(), sweep->timestamp_ns,
                                 [](const Frame* f, TimestampNs t) { return f->timestamp_ns < t; });
      const Frame* best = it == list.end() ? list.back() : *it;
      if (it != list.begin() && it != list.end()) {
        const Frame* prev = *(it - 1);
        if (sweep->timestamp_ns - prev->timestamp_ns <= (*it)->timestamp_ns - sweep->timestamp_ns) best = prev;
      }
      const std::int64_t skew = best->timestamp_ns - sweep->timestamp_ns;
      if (skew > limit[name] || -skew > limit[name]) continue;  // stopped or late sensor: no frame in sync
      s.members.push_back({name, best->index, skew});
    }
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace dc::core

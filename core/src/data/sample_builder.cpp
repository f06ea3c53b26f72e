#include "dc/core/data/sample_builder.h"

#include <algorithm>
#include <map>

namespace dc::core {

std::vector<Sample> build_samples(const std::vector<Frame>& frames, const std::string& lidar_sensor) {
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
      s.members.push_back({name, best->index, best->timestamp_ns - sweep->timestamp_ns});
    }
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace dc::core

#include "dc/widgets/timeline_lane.h"

#include <algorithm>

namespace dc::widgets {

double TimelineLane::median_period_ns() const {
  if (items.size() < 2) return 0.0;
  std::vector<dc::core::TimestampNs> diffs;
  diffs.reserve(items.size() - 1);
  for (std::size_t i = 1; i < items.size(); ++i) diffs.push_back(items[i].start_ns - items[i - 1].start_ns);
  auto mid = diffs.begin() + static_cast<std::ptrdiff_t>(diffs.size() / 2);
  std::nth_element(diffs.begin(), mid, diffs.end());
  return static_cast<double>(*mid);
}

std::vector<TimeSpan> TimelineLane::find_gaps(double factor) const {
  std::vector<TimeSpan> gaps;
  const double median = median_period_ns();
  if (median <= 0.0) return gaps;
  const double limit = factor * median;
  for (std::size_t i = 1; i < items.size(); ++i)
    if (static_cast<double>(items[i].start_ns - items[i - 1].start_ns) > limit)
      gaps.push_back({items[i - 1].start_ns, items[i].start_ns});
  return gaps;
}

TimelineLane TimelineLane::ticks(QString name, const std::vector<dc::core::TimestampNs>& times, QColor color) {
  TimelineLane lane;
  lane.name = std::move(name);
  lane.kind = Kind::Ticks;
  lane.color = color;
  lane.items.reserve(times.size());
  std::int64_t i = 0;
  for (auto t : times) lane.items.push_back({t, t, 1.0, i++, {}, {}});
  return lane;
}

}  // namespace dc::widgets

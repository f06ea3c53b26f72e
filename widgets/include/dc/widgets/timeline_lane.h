#pragma once
#include "dc/core/model/time_stamp.h"

#include <QColor>
#include <QString>
#include <cstdint>
#include <vector>

namespace dc::widgets {

// One mark on a timeline lane. Ticks use start_ns only; bars use start_ns and value; spans use [start_ns, end_ns].
struct TimelineItem {
  dc::core::TimestampNs start_ns = 0;
  dc::core::TimestampNs end_ns = 0;
  double value = 1.0;    // bar height (bars), or severity / weight (spans)
  std::int64_t id = -1;  // frame index, sample index, finding id ... (for the owner of the lane)
  QString text;          // tooltip
  QColor color;          // invalid: the lane's color
};

struct TimeSpan {
  dc::core::TimestampNs start_ns = 0;
  dc::core::TimestampNs end_ns = 0;
};

// A row of the timeline. Sensor lanes are ticks; per-sample counts are bars; findings and tags are spans.
struct TimelineLane {
  enum class Kind { Ticks, Bars, Spans };

  QString name;
  Kind kind = Kind::Ticks;
  std::vector<TimelineItem> items;  // any order; the widget sorts them by start_ns
  QColor color;                     // invalid: a default for the kind
  int height = 0;                   // pixels; 0: a default for the kind
  bool highlight_gaps = true;       // ticks only

  // Median time between consecutive ticks (0 with fewer than two items). Items must be sorted.
  double median_period_ns() const;
  // Intervals between consecutive ticks longer than factor x the median period (drops, stalls). Items sorted.
  std::vector<TimeSpan> find_gaps(double factor = 1.5) const;

  static TimelineLane ticks(QString name, const std::vector<dc::core::TimestampNs>& times, QColor color = {});
};

}  // namespace dc::widgets

#include "dc/widgets/tag_lanes.h"

#include "dc/core/data/drive_session.h"
#include "dc/widgets/timeline_widget.h"

#include <QCryptographicHash>
#include <algorithm>

namespace dc::widgets {

QColor tag_color(const std::string& tag) {
  // Hue from a hash of the name; saturation and value suit the dark timeline.
  const QByteArray h = QCryptographicHash::hash(QByteArray::fromStdString(tag), QCryptographicHash::Md5);
  const int hue = (static_cast<unsigned char>(h[0]) << 8 | static_cast<unsigned char>(h[1])) % 360;
  return QColor::fromHsv(hue, 150, 230);
}

std::vector<TimelineLane> tag_lanes(const std::vector<TaggedSamples>& tags, const dc::core::DriveSession& session,
                                    const TimelineWidget& timeline) {
  std::vector<TimelineLane> lanes;
  const int n = session.sample_count();
  for (const auto& tagged : tags) {
    std::vector<int> positions;
    for (int p : tagged.positions)
      if (p >= 0 && p < n) positions.push_back(p);
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
    if (positions.empty()) continue;
    TimelineLane lane;
    lane.name = kTagLanePrefix + QString::fromStdString(tagged.tag);
    lane.kind = TimelineLane::Kind::Spans;
    lane.color = tag_color(tagged.tag);
    const QString name = QString::fromStdString(tagged.tag);
    for (std::size_t i = 0; i < positions.size();) {
      std::size_t j = i;
      while (j + 1 < positions.size() && positions[j + 1] == positions[j] + 1) ++j;
      const int first = positions[i], last = positions[j];
      TimelineItem item;
      item.start_ns = timeline.axis_time(session.sample_times()[static_cast<std::size_t>(first)]);
      item.end_ns = timeline.axis_time(session.sample_times()[static_cast<std::size_t>(last)]);
      item.value = 1.0;  // all spans of a tag draw at full height
      item.id = first;
      const int count = last - first + 1;
      item.text = count == 1
                      ? QObject::tr("%1: sample %2 (key %3)").arg(name).arg(first).arg(session.sample(first).key())
                      : QObject::tr("%1: samples %2–%3 (%4 samples)").arg(name).arg(first).arg(last).arg(count);
      lane.items.push_back(item);
      i = j + 1;
    }
    lanes.push_back(std::move(lane));
  }
  return lanes;
}

}  // namespace dc::widgets

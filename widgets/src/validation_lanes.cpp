#include "dc/widgets/validation_lanes.h"

#include "dc/core/data/drive_session.h"
#include "dc/widgets/severity_color.h"
#include "dc/widgets/timeline_widget.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace dc::widgets {

using dc::core::TimestampNs;

namespace {
// Distinct from the sensor lanes' greens and blues: the score lanes must not read as frame ticks.
const QColor kScoreColors[] = {QColor(0xba, 0x68, 0xc8), QColor(0x4d, 0xd0, 0xe1), QColor(0xf0, 0x62, 0x92),
                               QColor(0xdc, 0xe7, 0x75)};

// Sample key -> position, built once per lane set (a drive has thousands of samples and findings).
std::unordered_map<std::int64_t, int> positions_by_key(const dc::core::DriveSession& session) {
  std::unordered_map<std::int64_t, int> positions;
  for (int i = 0; i < session.sample_count(); ++i) positions.emplace(session.sample(i).key(), i);
  return positions;
}

int lookup(const std::unordered_map<std::int64_t, int>& positions, std::int64_t key) {
  const auto it = positions.find(key);
  return it == positions.end() ? -1 : it->second;
}
}  // namespace

int sample_position(const dc::core::DriveSession& session, std::int64_t sample_key) {
  const auto& samples = session.samples();
  for (std::size_t i = 0; i < samples.size(); ++i)
    if (samples[i].key() == sample_key) return static_cast<int>(i);
  return -1;
}

TimelineLane findings_lane(const std::vector<dc::core::Finding>& findings, const dc::core::DriveSession& session,
                           const TimelineWidget& timeline) {
  TimelineLane lane;
  lane.name = kFindingsLaneName;
  lane.kind = TimelineLane::Kind::Spans;
  lane.height = 24;
  const auto positions = positions_by_key(session);
  // A finding about one frame covers that frame's slot (most of a sample period), not a hairline.
  const auto& axis = timeline.sample_times();
  std::vector<TimestampNs> steps;
  for (std::size_t i = 1; i < axis.size(); ++i) steps.push_back(axis[i] - axis[i - 1]);
  std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2), steps.end());
  const TimestampNs half_slot = steps.empty() ? 0 : steps[steps.size() / 2] * 2 / 5;
  for (const auto& f : findings) {
    TimelineItem item;
    const int sample = f.sample_key >= 0 ? lookup(positions, f.sample_key) : -1;
    if (f.start_ns == 0 && f.end_ns == 0 && sample >= 0) {
      item.start_ns = item.end_ns = timeline.axis_time(session.sample_times()[static_cast<std::size_t>(sample)]);
    } else {
      item.start_ns = timeline.axis_time(f.start_ns);
      item.end_ns = timeline.axis_time(std::max(f.start_ns, f.end_ns));
    }
    if (item.end_ns - item.start_ns < 2 * half_slot) {
      const TimestampNs middle = item.start_ns + (item.end_ns - item.start_ns) / 2;
      item.start_ns = middle - half_slot;
      item.end_ns = middle + half_slot;
    }
    item.value = 1.0 + static_cast<double>(f.severity);
    item.id = f.id;
    item.color = severity_color(f.severity);
    item.text = QString("%1 · %2\n%3").arg(dc::core::to_string(f.severity), QString::fromStdString(f.check),
                                          QString::fromStdString(f.message));
    lane.items.push_back(std::move(item));
  }
  return lane;
}

std::vector<std::string> scored_cameras(const std::vector<dc::core::SampleMetric>& metrics,
                                        const dc::core::DriveSession& session) {
  std::set<std::string> scored;
  for (const auto& m : metrics)
    if (m.name == "calib-score") scored.insert(m.sensor);
  std::vector<std::string> cameras;
  for (const auto& c : session.camera_sensors())
    if (scored.erase(c)) cameras.push_back(c);
  cameras.insert(cameras.end(), scored.begin(), scored.end());  // a camera the session does not list still shows
  return cameras;
}

QColor score_color(std::size_t camera_index) {
  return kScoreColors[camera_index % std::size(kScoreColors)];
}

std::vector<TimelineLane> calibration_score_lanes(const std::vector<dc::core::SampleMetric>& metrics,
                                                  const dc::core::DriveSession& session,
                                                  const TimelineWidget& timeline) {
  std::map<std::string, std::vector<const dc::core::SampleMetric*>> by_camera;
  for (const auto& m : metrics)
    if (m.name == "calib-score") by_camera[m.sensor].push_back(&m);
  const auto cameras = scored_cameras(metrics, session);
  const auto positions = positions_by_key(session);
  std::vector<TimelineLane> lanes;
  for (std::size_t c = 0; c < cameras.size(); ++c) {
    const auto& camera = cameras[c];
    TimelineLane lane;
    lane.name = kCalibScoreLanePrefix + QString::fromStdString(camera);
    lane.kind = TimelineLane::Kind::Bars;
    lane.height = 34;  // room for the camera's name under the lane's scale
    lane.color = score_color(c);
    for (const auto* m : by_camera[camera]) {
      const int sample = lookup(positions, m->sample_key);
      if (sample < 0) continue;
      const auto t = timeline.axis_time(session.sample_times()[static_cast<std::size_t>(sample)]);
      lane.items.push_back({t, t, m->value, sample,
                            QString("%1 calib-score %2 (sample %3)")
                                .arg(QString::fromStdString(camera))
                                .arg(m->value, 0, 'f', 4)
                                .arg(sample),
                            {}});
    }
    lanes.push_back(std::move(lane));
  }
  return lanes;
}

}  // namespace dc::widgets

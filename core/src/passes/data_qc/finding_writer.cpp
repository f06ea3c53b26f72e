#include "passes/data_qc/finding_writer.h"

#include "dc/core/data/drive_session.h"

#include <cstdio>
#include <stdexcept>

namespace dc::core::data_qc {

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

FindingWriter::FindingWriter(const DriveSession& session) : session_(session) {
  for (const auto& s : session.samples()) {
    sample_of_[s.lidar_sensor.empty() ? session.lidar_sensor() : s.lidar_sensor][s.lidar_frame_index] = s.key();
    for (const auto& m : s.members) sample_of_[m.sensor].emplace(m.frame_index, s.key());
  }
}

std::int64_t FindingWriter::sample_key_of(const Frame& frame) const {
  auto s = sample_of_.find(frame.sensor);
  if (s != sample_of_.end()) {
    auto f = s->second.find(frame.index);
    if (f != s->second.end()) return f->second;
  }
  // A frame no sample took (out of sync): the sample nearest in time.
  const int nearest = session_.nearest_sample(frame.timestamp_ns);
  return nearest < 0 ? -1 : session_.sample(nearest).key();
}

std::string FindingWriter::clock(TimestampNs t) const {
  if (!session_.timestamped()) return {};
  TimestampNs local = t;
  try {
    local = utc_to_local(t, session_.drive().time_zone);
  } catch (const std::invalid_argument&) {
    // Unknown zone: UTC is still a correct time, only less familiar.
  }
  // "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" -> "HH:MM:SS.mmm"
  const std::string text = format_kitti_timestamp(local);
  return text.size() >= 23 ? text.substr(11, 12) : text;
}

std::string FindingWriter::frame_label(const Frame& frame) const {
  std::string label = "frame " + std::to_string(frame.index);
  if (session_.timestamped()) label += " (" + clock(frame.timestamp_ns) + ")";
  return label;
}

std::string FindingWriter::frames_label(const std::vector<const Frame*>& run) const {
  if (run.size() == 1) return frame_label(*run.front());
  std::string label = "frames " + std::to_string(run.front()->index) + "-" + std::to_string(run.back()->index);
  if (session_.timestamped())
    label += " (" + clock(run.front()->timestamp_ns) + " to " + clock(run.back()->timestamp_ns) + ")";
  return label;
}

void FindingWriter::add(const std::string& check, Severity severity, const std::string& sensor, TimestampNs start,
                        TimestampNs end, std::int64_t sample_key, const std::string& message,
                        const nlohmann::json& details) {
  Finding f;
  f.check = check;
  f.severity = severity;
  f.start_ns = start;
  f.end_ns = end;
  f.sample_key = sample_key;
  f.sensor = sensor;
  f.message = message;
  f.details_json = details.dump();
  findings_.push_back(std::move(f));
}

void FindingWriter::add_run(const std::string& check, Severity severity, const std::string& sensor,
                            const std::vector<const Frame*>& run, const std::string& message, nlohmann::json details) {
  if (run.empty()) return;
  nlohmann::json frames = nlohmann::json::array();
  for (std::size_t i = 0; i < run.size(); ++i)  // two samples can share one frame: list it once
    if (i == 0 || run[i]->index != run[i - 1]->index) frames.push_back(run[i]->index);
  details["frames"] = std::move(frames);
  add(check, severity, sensor, run.front()->timestamp_ns, run.back()->timestamp_ns,
      run.size() == 1 ? sample_key_of(*run.front()) : -1, message, details);
}

}  // namespace dc::core::data_qc

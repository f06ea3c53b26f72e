#include "passes/label_qa/label_finding.h"

#include <cstdio>

namespace dc::core::label_qa {

Finding label_finding(const std::string& check, Severity severity, const BoxLabel& box, std::int64_t sample_key,
                      const std::string& sensor, const std::string& message, const nlohmann::json& extra) {
  Finding f;
  f.check = check;
  f.severity = severity;
  f.start_ns = f.end_ns = box.timestamp_ns;
  f.sample_key = sample_key;
  f.sensor = sensor;
  f.message = message;
  nlohmann::json details = {{"label_id", box.id},
                            {"track_id", box.track_id.empty() ? nlohmann::json() : nlohmann::json(box.track_id)},
                            {"class", box.category},
                            {"source", to_string(box.source)},
                            {"frame", box.frame_index}};
  if (extra.is_object())
    for (const auto& [key, value] : extra.items()) details[key] = value;
  f.details_json = details.dump();
  return f;
}

std::string describe(const BoxLabel& box) {
  std::string text = box.category + " " + std::to_string(box.id);
  if (!box.track_id.empty()) text += " (track " + box.track_id + ")";
  return text;
}

std::string fmt(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace dc::core::label_qa

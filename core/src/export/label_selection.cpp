#include "export/label_selection.h"

#include <algorithm>
#include <stdexcept>

namespace dc::core {

LabelSelection::LabelSelection(const std::vector<std::string>& sources, const std::vector<std::string>& review_states) {
  if (sources.empty()) throw std::invalid_argument("no label sources given (use gt, auto, model, model:NAME, manual)");
  for (const auto& s : sources) {
    const auto colon = s.find(':');
    Source f{label_source_from_string(s.substr(0, colon)), std::nullopt};
    if (colon != std::string::npos) f.name = s.substr(colon + 1);
    sources_.push_back(f);
  }
  if (review_states.empty())
    throw std::invalid_argument("no review states given (use unreviewed, accepted, fixed, rejected)");
  for (const auto& r : review_states) {
    try {
      review_.push_back(review_state_from_string(r));
    } catch (const std::exception&) {
      throw std::invalid_argument("unknown review state '" + r + "' (use unreviewed, accepted, fixed, rejected)");
    }
  }
}

bool LabelSelection::source_matches(const BoxLabel& box) const {
  return std::any_of(sources_.begin(), sources_.end(), [&](const Source& f) {
    return box.source == f.source && (!f.name || box.source_name == *f.name);
  });
}

bool LabelSelection::review_matches(const BoxLabel& box) const {
  return std::find(review_.begin(), review_.end(), box.review) != review_.end();
}

bool LabelSelection::includes_ground_truth() const {
  return std::any_of(sources_.begin(), sources_.end(),
                     [](const Source& f) { return f.source == LabelSource::GroundTruth; });
}

nlohmann::json LabelSelection::provenance(const BoxLabel& b, const std::map<std::int64_t, std::string>& reviewers) {
  nlohmann::json j = {{"label_id", b.id},
                      {"category", b.category},
                      {"track_id", b.track_id},
                      {"source", to_string(b.source)},
                      {"source_name", b.source_name},
                      {"run_id", b.run_id ? nlohmann::json(*b.run_id) : nlohmann::json()},
                      {"revision", b.revision},
                      {"review", to_string(b.review)}};
  if (auto it = reviewers.find(b.id); it != reviewers.end()) j["reviewer"] = it->second;
  return j;
}

LabelSelection checked_export_request(const std::vector<SampleRef>& samples, const ExportOptions& options) {
  LabelSelection selection(options.sources, options.review);
  if (!(options.train_fraction >= 0 && options.train_fraction <= 1))
    throw std::invalid_argument("train fraction must be within 0..1");
  if (samples.empty()) throw std::invalid_argument("nothing to export: no samples");
  return selection;
}

}  // namespace dc::core

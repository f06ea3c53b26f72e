#include "passes/eval/label_source_filter.h"

#include <stdexcept>

namespace dc::core::eval {

LabelSourceFilter::LabelSourceFilter(const std::string& text) : text_(text) {
  const auto colon = text.find(':');
  const std::string source = text.substr(0, colon);
  if (source != "gt" && source != "auto" && source != "manual" && source != "model")
    throw std::invalid_argument("label source '" + text + "': expected gt, auto, manual, model or model:NAME");
  source_ = label_source_from_string(source);
  if (colon == std::string::npos) return;
  const std::string rest = text.substr(colon + 1);
  if (source == "model") {
    name_ = rest;
    any_name_ = false;
  } else if (source == "auto") {
    try {
      std::size_t used = 0;
      run_ = std::stoll(rest, &used);
      if (used != rest.size()) throw std::invalid_argument(rest);
    } catch (const std::exception&) {
      throw std::invalid_argument("label source '" + text + "': auto:RUN takes a run id");
    }
  } else {
    throw std::invalid_argument("label source '" + text + "': only model runs have names and auto labels runs");
  }
}

void LabelSourceFilter::pick_newest_auto_run(const std::vector<BoxLabel>& labels) {
  if (source_ != LabelSource::Auto || run_) return;
  for (const auto& l : labels)
    if (l.source == LabelSource::Auto && l.run_id && (!run_ || *l.run_id > *run_)) run_ = l.run_id;
}

std::string LabelSourceFilter::resolved_text() const {
  return source_ == LabelSource::Auto && run_ ? "auto:" + std::to_string(*run_) : text_;
}

bool LabelSourceFilter::accepts(const BoxLabel& label) const {
  return !label.deleted && label.source == source_ && (any_name_ || label.source_name == name_) &&
         (!run_ || label.run_id == run_);
}

}  // namespace dc::core::eval

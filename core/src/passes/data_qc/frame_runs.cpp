#include "passes/data_qc/frame_runs.h"

#include <algorithm>

namespace dc::core::data_qc {

std::vector<std::vector<Flag>> consecutive_runs(std::vector<Flag> flags) {
  std::sort(flags.begin(), flags.end(), [](const Flag& a, const Flag& b) { return a.position < b.position; });
  std::vector<std::vector<Flag>> runs;
  for (auto& f : flags) {
    if (runs.empty() || f.position != runs.back().back().position + 1) runs.emplace_back();
    runs.back().push_back(std::move(f));
  }
  return runs;
}

std::vector<const Frame*> frames_of(const std::vector<Flag>& run) {
  std::vector<const Frame*> frames;
  for (const auto& f : run) frames.push_back(f.frame);
  return frames;
}

nlohmann::json values_of(const std::vector<Flag>& run) {
  nlohmann::json values = nlohmann::json::array();
  for (const auto& f : run) values.push_back(f.value);
  return values;
}

double median_of(std::vector<double> values) {
  if (values.empty()) return 0;
  const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  return *mid;
}

}  // namespace dc::core::data_qc

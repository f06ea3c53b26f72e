#pragma once
#include "dc/core/model/box_label.h"

#include <optional>
#include <string>
#include <vector>

namespace dc::core::eval {

// Which labels an evaluation compares: "gt", "manual", "model" (every model run), "model:NAME" (one), "auto:RUN"
// (the auto labels of one autolabel run) or "auto" (those of the newest autolabel run on the drive, so runs with
// other parameters do not mix).
class LabelSourceFilter {
 public:
  LabelSourceFilter() = default;
  // Throws std::invalid_argument naming the text when it is none of the above.
  explicit LabelSourceFilter(const std::string& text);
  bool accepts(const BoxLabel& label) const;
  // "auto" without a run: from now on only the newest run among these labels' auto labels.
  void pick_newest_auto_run(const std::vector<BoxLabel>& labels);
  const std::string& text() const { return text_; }
  // The text with the auto run it resolved to ("auto:17"), for the stored evaluation.
  std::string resolved_text() const;

 private:
  std::string text_ = "gt";
  LabelSource source_ = LabelSource::GroundTruth;
  std::string name_;
  bool any_name_ = true;
  std::optional<std::int64_t> run_;
};

}  // namespace dc::core::eval

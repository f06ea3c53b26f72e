#pragma once
#include "dc/core/catalog/tag_repository.h"
#include "dc/core/export/export_options.h"
#include "dc/core/model/box_label.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

// Which labels an export writes: the chosen sources (gt, auto, model, model:NAME, manual) in the chosen review
// states. Both exporters use it, so `--sources` and `--review` mean the same for every format.
class LabelSelection {
public:
  // Throws std::invalid_argument naming a source or review state it does not know, or an empty list.
  LabelSelection(const std::vector<std::string>& sources, const std::vector<std::string>& review_states);

  bool source_matches(const BoxLabel& box) const;
  bool review_matches(const BoxLabel& box) const;
  bool includes_ground_truth() const;

  // The manifest's record of where a written label came from; `reviewers` (label id -> who reviewed it) adds the
  // reviewer when the catalog records one.
  static nlohmann::json provenance(const BoxLabel& box, const std::map<std::int64_t, std::string>& reviewers);

private:
  struct Source {
    LabelSource source;
    std::optional<std::string> name;  // model:NAME
  };
  std::vector<Source> sources_;
  std::vector<ReviewState> review_;
};

// What every exporter checks first: a train fraction within 0..1, some samples, known sources and review states
// (std::invalid_argument otherwise). Gives the label selection the request asks for.
LabelSelection checked_export_request(const std::vector<SampleRef>& samples, const ExportOptions& options);

}  // namespace dc::core

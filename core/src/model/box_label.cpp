#include "dc/core/model/box_label.h"

#include <stdexcept>

namespace dc::core {

const char* to_string(LabelSource source) {
  switch (source) {
    case LabelSource::GroundTruth: return "gt";
    case LabelSource::Auto: return "auto";
    case LabelSource::Model: return "model";
    case LabelSource::Manual: return "manual";
  }
  return "?";
}

const char* to_string(ReviewState state) {
  switch (state) {
    case ReviewState::Unreviewed: return "unreviewed";
    case ReviewState::Accepted: return "accepted";
    case ReviewState::Rejected: return "rejected";
    case ReviewState::Fixed: return "fixed";
  }
  return "?";
}

LabelSource label_source_from_string(const std::string& text) {
  if (text == "gt") return LabelSource::GroundTruth;
  if (text == "auto") return LabelSource::Auto;
  if (text == "model") return LabelSource::Model;
  if (text == "manual") return LabelSource::Manual;
  throw std::invalid_argument("unknown label source '" + text + "'");
}

ReviewState review_state_from_string(const std::string& text) {
  if (text == "unreviewed") return ReviewState::Unreviewed;
  if (text == "accepted") return ReviewState::Accepted;
  if (text == "rejected") return ReviewState::Rejected;
  if (text == "fixed") return ReviewState::Fixed;
  throw std::invalid_argument("unknown review state '" + text + "'");
}

}  // namespace dc::core

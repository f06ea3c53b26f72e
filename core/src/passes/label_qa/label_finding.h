#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/finding.h"

#include <nlohmann/json.hpp>
#include <string>

namespace dc::core::label_qa {

// A finding about one box: the box's id, track, class and source lead the details so reviewers can jump to it;
// `extra` adds the check's own numbers.
Finding label_finding(const std::string& check, Severity severity, const BoxLabel& box, std::int64_t sample_key,
                      const std::string& sensor, const std::string& message, const nlohmann::json& extra = {});

// "Car 12 (track 3)" / "Car 12": how a message names a box.
std::string describe(const BoxLabel& box);

// Fixed-precision number for messages ("4.35").
std::string fmt(double value, int decimals = 2);

}  // namespace dc::core::label_qa

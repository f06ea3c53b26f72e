#pragma once
#include "dc/core/model/time_stamp.h"

#include <cstdint>
#include <optional>
#include <string>

namespace dc::core {

// One label source compared with another over a drive, kept so runs can be compared over time. The numbers are
// JSON: summary {"kitti": {class: {metric: {difficulty: {ap40, ap11, gt}}}}, "bands": {class: {band: {bev_ap,
// 3d_ap, precision, recall, tp, fp, fn}}}, "tracking": {class: {mota, motp, idf1, id_switches, fragmentations,
// ...}}}; curves: the precision/recall points behind the APs.
struct Evaluation {
  std::int64_t id = 0;
  std::optional<std::int64_t> run_id;
  std::int64_t drive_id = 0;
  TimestampNs created_ns = 0;
  std::string predicted;  // label source compared: "auto", "model:NAME", "manual", "gt"
  std::string reference;  // what it is compared against, usually "gt"
  std::string parameters_json = "{}";
  std::string summary_json = "{}";
  std::string curves_json = "{}";
};

}  // namespace dc::core

#pragma once
#include "dc/core/model/time_stamp.h"
#include "dc/core/passes/pass_result.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace dc::core {

// What one pass run produced on a cluster node, with what it was run as: written by the task, validated and
// imported by the workstation. Cluster tasks never open the catalog; this file is their only output.
//
// On disk it is one JSON object: {"format": "drivecurator-pass-results", "format_version": 1, the fields below,
// "findings", "labels", "calibrations", "metrics", "evaluations", "counts": {list: size}, "complete": true}.
// Enums are their to_string text; embedded JSON (parameters, details, summary, curves, calibration data) is an
// object, not a string; non-finite doubles are "NaN" / "Infinity" / "-Infinity" (null also reads as NaN).
struct PassResultsFile {
  std::string pass, pass_version;
  std::string parameters_json = "{}";   // canonical JSON as stored in jobs.parameters
  std::int64_t run_id = 0;              // the catalog's job row this task fills
  std::int64_t drive_id = 0;
  std::string drive_name, drive_root;
  int first_sample = 0, end_sample = -1;  // the shard's sample range [first, end); end -1: to the end of the drive
  std::string host, device;
  TimestampNs started_ns = 0, finished_ns = 0;
  PassResult result;                    // findings, labels, calibrations, metrics, evaluations
};

// Writes to a temporary file in the same folder, flushes (fsync) and renames it into place, so a reader never sees
// a partial file under the final name. Throws std::runtime_error "FILE: what is wrong" (embedded JSON text that is
// not JSON, an I/O error); no temporary file is left behind. Invalid UTF-8 in text is written as U+FFFD.
void write_pass_results_file(const std::filesystem::path& file, const PassResultsFile& contents);

// Reads and validates the whole file; throws std::runtime_error "FILE: what is wrong" (truncated / not JSON / wrong
// format / missing or mistyped field, naming the field and the item index) and returns nothing partial.
PassResultsFile read_pass_results_file(const std::filesystem::path& file);

}  // namespace dc::core

#pragma once
// Dataset export: `export COLLECTION --format kitti-object|kitti-raw --out DIR [...]` and `export list`.
#include "cli_common.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dc::app::cli {

// Declares the export command and runs it when it was given, so main() only wires two calls.
class ExportCommands {
public:
  explicit ExportCommands(CLI::App& app);
  // The exit code when the export command was parsed; nothing otherwise.
  std::optional<int> dispatch(const Options& o) const;

private:
  int export_collection(const Options& o) const;
  int list(const Options& o) const;

  CLI::App* export_ = nullptr;
  CLI::App* list_ = nullptr;
  std::string collection_, format_, out_;
  std::vector<std::string> sources_{"gt"};
  std::vector<std::string> review_{"unreviewed", "accepted", "fixed"};
  double split_ = 0.8;
  std::uint64_t seed_ = 1;
  std::string camera_;
  std::string calibration_ = "file";
  bool dont_care_outside_view_ = false;
  bool copy_ = false;
};

}  // namespace dc::app::cli

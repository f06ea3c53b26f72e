#pragma once
// Dataset export: `export kitti-object --collection NAME --out DIR [--calibration file|refined]
// [--dontcare-outside-view]`.
#include "cli_common.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dc::app::cli {

// Declares the export subcommands and runs the one that was given, so main() only wires two calls.
class ExportCommands {
public:
  explicit ExportCommands(CLI::App& app);
  // The exit code when one of these subcommands was parsed; nothing otherwise.
  std::optional<int> dispatch(const Options& o) const;

private:
  int kitti_object(const Options& o) const;

  CLI::App* kitti_object_ = nullptr;
  std::string collection_, out_;
  std::vector<std::string> sources_{"gt"};
  double val_fraction_ = 0.2;
  std::uint64_t seed_ = 1;
  std::string camera_;
  std::string calibration_ = "file";
  bool dont_care_outside_view_ = false;
};

}  // namespace dc::app::cli

#pragma once
// Review: `review set|track|next|sessions`, and scripted label fixes `label set|delete`.
#include "cli_common.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace dc::app::cli {

// Declares the review subcommands on the program's CLI::App and runs the one that was given, so main() only wires
// two calls.
class ReviewCommands {
 public:
  explicit ReviewCommands(CLI::App& app);
  // The exit code when one of these subcommands was parsed; nothing otherwise.
  std::optional<int> dispatch(const Options& o) const;

 private:
  int set(const Options& o) const;
  int track(const Options& o) const;
  int next(const Options& o) const;
  int sessions(const Options& o) const;
  int label_set(const Options& o) const;
  int label_delete(const Options& o) const;
  // Adds what was reviewed to a session's counts (when --session names one).
  void count_into_session(core::Catalog& catalog, std::int64_t drive_id, core::ReviewState state, std::int64_t n) const;

  CLI::App* set_ = nullptr;
  CLI::App* track_ = nullptr;
  CLI::App* next_ = nullptr;
  CLI::App* sessions_ = nullptr;
  CLI::App* label_set_ = nullptr;
  CLI::App* label_delete_ = nullptr;

  std::optional<std::int64_t> label_id_, finding_id_, after_, run_id_;
  std::string state_, reviewer_, drive_, track_id_, source_, model_, check_, session_;
  bool previous_ = false, no_wrap_ = false;
  std::int64_t edit_id_ = 0;
  std::optional<double> x_, y_, z_, length_, width_, height_, yaw_;
  std::optional<std::string> category_, new_track_;
};

}  // namespace dc::app::cli

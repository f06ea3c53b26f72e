#pragma once
// Curation: `tag add|remove|list`, `query`, `collection create|list|show|delete`.
#include "cli_common.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dc::app::cli {

// Declares the curation subcommands on the program's CLI::App and runs the one that was given, so main() only
// wires two calls.
class CurationCommands {
public:
  explicit CurationCommands(CLI::App& app);
  // The exit code when one of these subcommands was parsed; nothing otherwise.
  std::optional<int> dispatch(const Options& o) const;

private:
  int tag_change(const Options& o, bool add) const;
  int tag_list(const Options& o) const;
  int query(const Options& o) const;
  int collection_create(const Options& o) const;
  int collection_list(const Options& o) const;
  int collection_show(const Options& o) const;
  int collection_delete(const Options& o) const;

  CLI::App* tag_add_ = nullptr;
  CLI::App* tag_remove_ = nullptr;
  CLI::App* tag_list_ = nullptr;
  CLI::App* query_ = nullptr;
  CLI::App* collection_create_ = nullptr;
  CLI::App* collection_list_ = nullptr;
  CLI::App* collection_show_ = nullptr;
  CLI::App* collection_delete_ = nullptr;

  std::string name_, drive_, from_, to_, expression_;
  std::vector<std::int64_t> sample_keys_;
  std::vector<std::string> query_words_;
  std::int64_t limit_ = 0;  // query --limit; 0: every match
};

}  // namespace dc::app::cli

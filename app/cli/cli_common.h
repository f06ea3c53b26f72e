#pragma once
// What the CLI's commands share: options, exit codes, output helpers.
#include "dc/core/catalog/catalog.h"
#include "dc/core/model/job.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <string>

namespace dc::app::cli {

using nlohmann::json;
namespace core = dc::core;

inline constexpr int kOk = 0;
inline constexpr int kBadInput = 1;
inline constexpr int kUsage = 2;
inline constexpr int kRequirementFailed = 3;  // eval run --require: a gate failed

struct Options {
  std::string catalog;
  bool json = false;
  bool quiet = false;
  bool verbose = false;
};

// JSON output never fails: bytes that are not UTF-8 (a folder name, a file's text) become U+FFFD.
inline void print_json(const json& j) { std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n"; }

// Text for a terminal: control characters and bytes that are not UTF-8 are shown escaped (\x1b).
inline std::string printable(const std::string& text) {
  std::string out;
  const json escaped = text;
  const std::string dumped = escaped.dump(-1, ' ', false, json::error_handler_t::replace);
  // dump() quotes and escapes control characters as \u00XX; show them as \xXX and drop the quotes.
  for (std::size_t i = 1; i + 1 < dumped.size(); ++i) {
    if (dumped[i] == '\\' && i + 1 < dumped.size() - 1) {
      const char c = dumped[i + 1];
      if (c == 'u' && i + 5 < dumped.size()) {
        out += "\\x" + dumped.substr(i + 4, 2);
        i += 5;
      } else if (c == '"' || c == '\\' || c == '/') {
        out += c;
        ++i;
      } else {
        out += dumped.substr(i, 2);
        ++i;
      }
    } else {
      out += dumped[i];
    }
  }
  return out;
}

inline std::filesystem::path catalog_path(const Options& o) {
  return o.catalog.empty() ? core::Catalog::default_path() : std::filesystem::path(o.catalog);
}

inline core::DriveSummary require_drive(const core::Catalog& catalog, const std::string& name) {
  auto d = catalog.find_drive(name);
  if (!d) throw std::invalid_argument("no drive '" + name + "' in " + catalog.path().string() +
                                      " (see 'drivecurator-cli drives')");
  return *d;
}

// A run or cluster job as JSON (`jobs --json`, `job show --json`).
json job_json(const core::Job& j);

}  // namespace dc::app::cli

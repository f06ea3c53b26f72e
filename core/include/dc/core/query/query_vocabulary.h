#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace dc::core {

// The values a query can name, as the catalog holds them today: what a query editor offers for completion.
// Names are sorted and distinct.
struct QueryVocabulary {
  std::vector<std::string> tags;      // tags carried by at least one sample
  std::vector<std::string> classes;   // label categories of current, not deleted labels
  std::vector<std::string> findings;  // finding check names and the passes of runs that made findings
  std::vector<std::string> drives;    // drive names
  // Fixed by the language (the parser refuses anything else).
  std::vector<std::string> label_sources{"gt", "auto", "model", "manual"};
  std::vector<std::string> review_states{"unreviewed", "accepted", "rejected", "fixed"};
  std::vector<std::string> severities{"info", "warning", "error"};

  // Reads the catalog file with a connection of its own, so it can run on any thread. Throws CatalogError when the
  // file cannot be read as a catalog.
  static QueryVocabulary read(const std::filesystem::path& catalog_file);
};

}  // namespace dc::core

#pragma once
#include "dc/core/catalog/catalog.h"
#include "dc/core/io/drive_reader.h"
#include "dc/core/model/ingest_stats.h"
#include "dc/core/util/progress.h"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace dc::core {

struct IngestReport {
  IngestStats stats;
  std::vector<std::string> drives;      // names of the drives found (new or already known)
  std::vector<IngestError> errors;      // every problem found in this run (also recorded in the catalog)
};

// Walks folders (following links, with loop protection) and files, detects drive layouts with the reader registry,
// and makes the catalog's copy of each drive found equal to its files.
// A bad file or folder is recorded as an ingest error and the walk goes on; one drive is one transaction.
class Ingester {
public:
  explicit Ingester(Catalog& catalog) : catalog_(catalog) {}
  IngestReport ingest(const std::vector<std::filesystem::path>& paths, const Progress& progress = {});

private:
  struct FoundDrive {
    std::filesystem::path path;  // folder or file
    const DriveReader* reader;
  };
  // True when a drive was found there (now or by an earlier argument).
  bool collect(const std::filesystem::path& path, std::vector<FoundDrive>& found, std::set<std::filesystem::path>& visited,
               int depth, std::vector<IngestError>& errors);
  Catalog& catalog_;
};

}  // namespace dc::core

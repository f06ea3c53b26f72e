#pragma once
#include "dc/core/export/export_options.h"
#include "dc/core/util/progress.h"

#include <filesystem>
#include <string>

namespace dc::core {

class Catalog;

// Exports a collection in a chosen format and records the export in the catalog's exports table (collection,
// format, absolute path, time, the manifest's summary). What the command line and the GUI both call.
class DatasetExporter {
public:
  explicit DatasetExporter(Catalog& catalog) : catalog_(catalog) {}

  // Throws std::invalid_argument for an unknown or empty collection and whatever the format's exporter throws;
  // nothing is recorded then.
  ExportResult run(const std::string& collection, ExportFormat format, const std::filesystem::path& target,
                   const ExportOptions& options, const Progress& progress = {});

private:
  Catalog& catalog_;
};

}  // namespace dc::core

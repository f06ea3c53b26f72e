#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

class SqliteDatabase;

// One dataset written by an export: what, where, when, and the manifest's summary (JSON text).
struct ExportRecord {
  std::int64_t id = 0;
  std::optional<std::int64_t> collection_id;  // none when the collection was deleted since
  std::string collection;                     // its name ("" when deleted)
  std::string format;                         // "kitti-object", "kitti-raw"
  std::string path;
  std::int64_t created_ns = 0;
  std::string manifest;
};

// The exports table, and the label columns an export reads beyond BoxLabel.
class ExportRepository {
public:
  explicit ExportRepository(SqliteDatabase& db) : db_(db) {}

  // Returns the new row's id. The collection is looked up by name; an unknown one is stored as none.
  std::int64_t record(const std::string& collection, const std::string& format, const std::string& path,
                      std::int64_t created_ns, const std::string& manifest_summary);
  std::vector<ExportRecord> list() const;  // newest first

  // Who reviewed each current label of the drive (label id -> reviewer), for catalogs whose labels carry a reviewer
  // column; empty otherwise or when nobody is recorded.
  std::map<std::int64_t, std::string> label_reviewers(std::int64_t drive_id) const;

private:
  SqliteDatabase& db_;
};

}  // namespace dc::core

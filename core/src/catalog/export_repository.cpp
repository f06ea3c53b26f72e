#include "dc/core/catalog/export_repository.h"

#include "catalog/sqlite_database.h"

namespace dc::core {

std::int64_t ExportRepository::record(const std::string& collection, const std::string& format,
                                      const std::string& path, std::int64_t created_ns,
                                      const std::string& manifest_summary) {
  SqliteStatement insert(db_,
                         "INSERT INTO exports (collection_id, format, path, created_ns, manifest) "
                         "VALUES ((SELECT id FROM collections WHERE name = ?1), ?2, ?3, ?4, ?5)");
  insert.bind(1, collection).bind(2, format).bind(3, path).bind(4, created_ns).bind(5, manifest_summary).run();
  SqliteStatement id(db_, "SELECT last_insert_rowid()");
  return id.step() ? id.int64(0) : 0;
}

std::vector<ExportRecord> ExportRepository::list() const {
  std::vector<ExportRecord> out;
  SqliteStatement q(db_,
                    "SELECT e.id, e.collection_id, coalesce(c.name, ''), e.format, e.path, e.created_ns, e.manifest "
                    "FROM exports e LEFT JOIN collections c ON c.id = e.collection_id "
                    "ORDER BY e.created_ns DESC, e.id DESC");
  while (q.step()) {
    ExportRecord r;
    r.id = q.int64(0);
    if (!q.is_null(1)) r.collection_id = q.int64(1);
    r.collection = q.text(2);
    r.format = q.text(3);
    r.path = q.text(4);
    r.created_ns = q.int64(5);
    r.manifest = q.text(6);
    out.push_back(std::move(r));
  }
  return out;
}

std::map<std::int64_t, std::string> ExportRepository::label_reviewers(std::int64_t drive_id) const {
  std::map<std::int64_t, std::string> out;
  bool has_column = false;
  {
    SqliteStatement columns(db_, "SELECT 1 FROM pragma_table_info('labels') WHERE name = 'reviewer'");
    has_column = columns.step();
  }
  if (!has_column) return out;
  SqliteStatement q(db_, "SELECT id, reviewer FROM labels WHERE drive_id = ?1 AND reviewer IS NOT NULL AND reviewer != ''");
  q.bind(1, drive_id);
  while (q.step()) out[q.int64(0)] = q.text(1);
  return out;
}

}  // namespace dc::core

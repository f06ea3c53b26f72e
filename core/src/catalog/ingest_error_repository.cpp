#include "dc/core/catalog/ingest_error_repository.h"

#include "catalog/sqlite_database.h"

#include <set>
#include <tuple>

namespace dc::core {

std::vector<IngestError> IngestErrorRepository::list() const {
  std::vector<IngestError> out;
  SqliteStatement q(db_, "SELECT path, line, message, drive FROM ingest_errors ORDER BY id");
  while (q.step()) out.push_back({q.text(0), static_cast<int>(q.int64(1)), q.text(2), q.text(3)});
  return out;
}

std::int64_t IngestErrorRepository::add(const std::vector<IngestError>& errors) {
  SqliteStatement insert(db_,
                         "INSERT OR IGNORE INTO ingest_errors (drive, path, line, message, first_seen_ns) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)");
  std::int64_t added = 0;
  const std::int64_t now = wall_clock_ns();
  for (const auto& e : errors) {
    insert.bind(1, e.drive).bind(2, e.path).bind(3, e.line).bind(4, e.message).bind(5, now).run();
    added += db_.changes();
  }
  return added;
}

std::int64_t IngestErrorRepository::replace_for_drive(const std::string& drive, const std::vector<IngestError>& errors) {
  std::set<std::tuple<std::string, int, std::string>> current;
  for (const auto& e : errors) current.insert({e.path, e.line, e.message});
  std::vector<std::int64_t> gone;
  {
    SqliteStatement q(db_, "SELECT id, path, line, message FROM ingest_errors WHERE drive = ?1");
    q.bind(1, drive);
    while (q.step())
      if (!current.count({q.text(1), static_cast<int>(q.int64(2)), q.text(3)})) gone.push_back(q.int64(0));
  }
  SqliteStatement remove(db_, "DELETE FROM ingest_errors WHERE id = ?1");
  for (std::int64_t id : gone) remove.bind(1, id).run();
  return add(errors);
}

}  // namespace dc::core

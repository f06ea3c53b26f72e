#include "dc/core/catalog/tag_repository.h"

#include "catalog/sqlite_database.h"
#include "dc/core/catalog/catalog_error.h"
#include "dc/core/query/compiled_query.h"
#include "dc/core/query/query_hit.h"

#include <sqlite3.h>

#include <type_traits>

namespace dc::core {

namespace {
const char* kSampleRefColumns =
    "SELECT sa.drive_id, f.idx FROM samples sa JOIN frames f ON f.id = sa.lidar_frame_id ";
}

std::int64_t TagRepository::sample_id(const SampleRef& sample) const {
  SqliteStatement q(db_,
                    "SELECT sa.id FROM samples sa JOIN frames f ON f.id = sa.lidar_frame_id "
                    "WHERE sa.drive_id = ?1 AND f.idx = ?2");
  q.bind(1, sample.drive_id).bind(2, sample.key);
  if (!q.step())
    throw CatalogError("no sample with key " + std::to_string(sample.key) + " in drive " +
                       std::to_string(sample.drive_id));
  return q.int64(0);
}

void TagRepository::tag(const SampleRef& sample, const std::string& tag) { tag_all({sample}, tag); }

void TagRepository::untag(const SampleRef& sample, const std::string& tag) { untag_all({sample}, tag); }

std::vector<std::string> TagRepository::tags_of(const SampleRef& sample) const {
  std::vector<std::string> out;
  SqliteStatement q(db_,
                    "SELECT t.name FROM sample_tags st JOIN tags t ON t.id = st.tag_id WHERE st.sample_id = ?1 "
                    "ORDER BY t.name");
  q.bind(1, sample_id(sample));
  while (q.step()) out.push_back(q.text(0));
  return out;
}

std::vector<SampleRef> TagRepository::tagged(const std::string& tag) const {
  std::vector<SampleRef> out;
  SqliteStatement q(db_, std::string(kSampleRefColumns) +
                             "JOIN sample_tags st ON st.sample_id = sa.id JOIN tags t ON t.id = st.tag_id "
                             "WHERE t.name = ?1 ORDER BY sa.drive_id, f.idx");
  q.bind(1, tag);
  while (q.step()) out.push_back({q.int64(0), q.int64(1)});
  return out;
}

void TagRepository::add_to_collection(const std::string& collection, const std::vector<SampleRef>& samples) {
  SqliteTransaction tx(db_);
  SqliteStatement create(db_, "INSERT OR IGNORE INTO collections (name, created_ns) VALUES (?1, ?2)");
  create.bind(1, collection).bind(2, wall_clock_ns()).run();
  SqliteStatement link(db_,
                       "INSERT OR IGNORE INTO collection_samples (collection_id, sample_id) "
                       "VALUES ((SELECT id FROM collections WHERE name = ?1), ?2)");
  for (const auto& s : samples) link.bind(1, collection).bind(2, sample_id(s)).run();
  tx.commit();
}

std::vector<SampleRef> TagRepository::collection(const std::string& collection) const {
  std::vector<SampleRef> out;
  SqliteStatement q(db_, std::string(kSampleRefColumns) +
                             "JOIN collection_samples cs ON cs.sample_id = sa.id "
                             "JOIN collections c ON c.id = cs.collection_id WHERE c.name = ?1 "
                             "ORDER BY sa.drive_id, f.idx");
  q.bind(1, collection);
  while (q.step()) out.push_back({q.int64(0), q.int64(1)});
  return out;
}

std::vector<std::string> TagRepository::collections() const {
  std::vector<std::string> out;
  SqliteStatement q(db_, "SELECT name FROM collections ORDER BY name");
  while (q.step()) out.push_back(q.text(0));
  return out;
}

std::int64_t TagRepository::tag_all(const std::vector<SampleRef>& samples, const std::string& tag) {
  SqliteTransaction tx(db_);
  SqliteStatement add_tag(db_, "INSERT OR IGNORE INTO tags (name) VALUES (?1)");
  add_tag.bind(1, tag).run();
  SqliteStatement link(db_,
                       "INSERT OR IGNORE INTO sample_tags (sample_id, tag_id) "
                       "VALUES (?1, (SELECT id FROM tags WHERE name = ?2))");
  std::int64_t added = 0;
  for (const auto& s : samples) {
    link.bind(1, sample_id(s)).bind(2, tag).run();
    added += db_.changes();
  }
  tx.commit();
  return added;
}

std::int64_t TagRepository::untag_all(const std::vector<SampleRef>& samples, const std::string& tag) {
  SqliteTransaction tx(db_);
  SqliteStatement q(db_,
                    "DELETE FROM sample_tags WHERE sample_id = ?1 AND tag_id = (SELECT id FROM tags WHERE name = ?2)");
  std::int64_t removed = 0;
  for (const auto& s : samples) {
    q.bind(1, sample_id(s)).bind(2, tag).run();
    removed += db_.changes();
  }
  tx.commit();
  return removed;
}

std::vector<SampleRef> TagRepository::samples_between(std::int64_t drive_id, std::int64_t from_ns,
                                                      std::int64_t to_ns) const {
  std::vector<SampleRef> out;
  SqliteStatement q(db_, std::string(kSampleRefColumns) +
                             "WHERE sa.drive_id = ?1 AND sa.timestamp_ns BETWEEN ?2 AND ?3 "
                             "ORDER BY sa.timestamp_ns, f.idx");
  q.bind(1, drive_id).bind(2, from_ns).bind(3, to_ns);
  while (q.step()) out.push_back({q.int64(0), q.int64(1)});
  return out;
}

std::vector<TagCount> TagRepository::tag_counts(std::optional<std::int64_t> drive_id) const {
  std::vector<TagCount> out;
  SqliteStatement q(db_,
                    "SELECT t.name, count(*) FROM tags t JOIN sample_tags st ON st.tag_id = t.id "
                    "JOIN samples sa ON sa.id = st.sample_id WHERE ?1 IS NULL OR sa.drive_id = ?1 "
                    "GROUP BY t.id ORDER BY t.name");
  if (drive_id) q.bind(1, *drive_id);
  else q.bind_null(1);
  while (q.step()) out.push_back({q.text(0), q.int64(1)});
  return out;
}

void TagRepository::create_collection(const std::string& name, const std::string& query,
                                      const std::vector<SampleRef>& samples) {
  SqliteTransaction tx(db_);
  {
    SqliteStatement exists(db_, "SELECT 1 FROM collections WHERE name = ?1");
    if (exists.bind(1, name).step()) throw CatalogError("a collection named '" + name + "' exists already");
  }
  SqliteStatement create(db_, "INSERT INTO collections (name, created_ns, query) VALUES (?1, ?2, ?3)");
  create.bind(1, name).bind(2, wall_clock_ns()).bind(3, query).run();
  const std::int64_t id = db_.last_insert_id();
  SqliteStatement link(db_, "INSERT OR IGNORE INTO collection_samples (collection_id, sample_id) VALUES (?1, ?2)");
  for (const auto& s : samples) link.bind(1, id).bind(2, sample_id(s)).run();
  tx.commit();
}

namespace {
constexpr const char* kCollectionColumns =
    "SELECT c.name, c.query, c.created_ns, "
    "(SELECT count(*) FROM collection_samples cs WHERE cs.collection_id = c.id) FROM collections c ";
}

std::optional<CollectionInfo> TagRepository::find_collection(const std::string& name) const {
  SqliteStatement q(db_, std::string(kCollectionColumns) + "WHERE c.name = ?1");
  if (!q.bind(1, name).step()) return std::nullopt;
  return CollectionInfo{q.text(0), q.text(1), q.int64(2), q.int64(3)};
}

std::vector<CollectionInfo> TagRepository::collection_infos() const {
  std::vector<CollectionInfo> out;
  SqliteStatement q(db_, std::string(kCollectionColumns) + "ORDER BY c.name");
  while (q.step()) out.push_back({q.text(0), q.text(1), q.int64(2), q.int64(3)});
  return out;
}

bool TagRepository::delete_collection(const std::string& name) {
  SqliteStatement q(db_, "DELETE FROM collections WHERE name = ?1");
  q.bind(1, name).run();
  return db_.changes() > 0;  // collection_samples go with it (ON DELETE CASCADE)
}

namespace {

std::vector<QueryHit> select_on(const SqliteDatabase& db, const CompiledQuery& query) {
  SqliteStatement q(db, query.sql);
  for (std::size_t i = 0; i < query.params.size(); ++i)
    std::visit([&](const auto& v) { q.bind(static_cast<int>(i + 1), v); }, query.params[i]);
  std::vector<QueryHit> out;
  while (q.step()) out.push_back({{q.int64(0), q.int64(1)}, q.int64(2), q.text(3)});
  return out;
}

// Interrupts the connection's statements once `stop` is true: SQLite asks every kStepsPerCall instructions.
class StopWatcher {
public:
  static constexpr int kStepsPerCall = 1000;
  StopWatcher(sqlite3* db, const std::atomic<bool>& stop) : db_(db), stop_(stop) {
    sqlite3_progress_handler(db_, kStepsPerCall, &StopWatcher::tick, this);
  }
  ~StopWatcher() { sqlite3_progress_handler(db_, 0, nullptr, nullptr); }
  StopWatcher(const StopWatcher&) = delete;
  StopWatcher& operator=(const StopWatcher&) = delete;
  bool stopped() const { return stopped_; }

private:
  static int tick(void* self) {
    auto* w = static_cast<StopWatcher*>(self);
    w->stopped_ = w->stop_.load(std::memory_order_relaxed);
    return w->stopped_ ? 1 : 0;
  }
  sqlite3* db_;
  const std::atomic<bool>& stop_;
  bool stopped_ = false;
};

std::optional<std::vector<QueryHit>> select_unless(const SqliteDatabase& db, const CompiledQuery& query,
                                                   const std::atomic<bool>& stop) {
  if (stop) return std::nullopt;
  StopWatcher watcher(db.handle(), stop);
  try {
    return select_on(db, query);
  } catch (const CatalogError&) {
    if (watcher.stopped()) return std::nullopt;
    throw;
  }
}

}  // namespace

TagRepository::TagRepository(SqliteDatabase& db) : db_(db) {}
TagRepository::~TagRepository() = default;

std::vector<QueryHit> TagRepository::select_samples(const CompiledQuery& query) const { return select_on(db_, query); }

std::optional<std::vector<QueryHit>> TagRepository::select_samples_unless(const CompiledQuery& query,
                                                                          const std::atomic<bool>& stop) const {
  return select_unless(db_, query, stop);
}

std::optional<std::vector<QueryHit>> TagRepository::select_samples_apart(const CompiledQuery& query,
                                                                         const std::atomic<bool>& stop) const {
  std::lock_guard lock(apart_mutex_);
  if (!apart_) apart_ = std::make_unique<SqliteDatabase>(db_.file());
  return select_unless(*apart_, query, stop);
}

}  // namespace dc::core

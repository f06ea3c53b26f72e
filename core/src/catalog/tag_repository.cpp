#include "dc/core/catalog/tag_repository.h"

#include "catalog/sqlite_database.h"
#include "dc/core/catalog/catalog_error.h"

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

void TagRepository::tag(const SampleRef& sample, const std::string& tag) {
  SqliteTransaction tx(db_);
  SqliteStatement add_tag(db_, "INSERT OR IGNORE INTO tags (name) VALUES (?1)");
  add_tag.bind(1, tag).run();
  SqliteStatement link(db_,
                       "INSERT OR IGNORE INTO sample_tags (sample_id, tag_id) "
                       "VALUES (?1, (SELECT id FROM tags WHERE name = ?2))");
  link.bind(1, sample_id(sample)).bind(2, tag).run();
  tx.commit();
}

void TagRepository::untag(const SampleRef& sample, const std::string& tag) {
  SqliteStatement q(db_,
                    "DELETE FROM sample_tags WHERE sample_id = ?1 AND tag_id = (SELECT id FROM tags WHERE name = ?2)");
  q.bind(1, sample_id(sample)).bind(2, tag).run();
}

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

}  // namespace dc::core

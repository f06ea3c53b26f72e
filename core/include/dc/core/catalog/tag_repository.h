#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

class SqliteDatabase;
struct CompiledQuery;
struct QueryHit;

// A sample as stored: its drive and its key (lidar frame index).
struct SampleRef {
  std::int64_t drive_id = 0;
  std::int64_t key = 0;
  bool operator==(const SampleRef&) const = default;
};

// A tag and how many samples carry it.
struct TagCount {
  std::string name;
  std::int64_t samples = 0;
};

// A collection: the query that made it (empty for one built by hand) and its frozen samples.
struct CollectionInfo {
  std::string name;
  std::string query;
  std::int64_t created_ns = 0;
  std::int64_t samples = 0;
};

// Tags on samples and named collections of samples. Both refer to samples by key, so they survive re-ingest.
class TagRepository {
public:
  explicit TagRepository(SqliteDatabase& db);
  ~TagRepository();

  void tag(const SampleRef& sample, const std::string& tag);
  void untag(const SampleRef& sample, const std::string& tag);
  std::vector<std::string> tags_of(const SampleRef& sample) const;
  std::vector<SampleRef> tagged(const std::string& tag) const;

  void add_to_collection(const std::string& collection, const std::vector<SampleRef>& samples);
  std::vector<SampleRef> collection(const std::string& collection) const;
  std::vector<std::string> collections() const;

  // Many samples in one transaction; return how many samples gained / lost the tag.
  std::int64_t tag_all(const std::vector<SampleRef>& samples, const std::string& tag);
  std::int64_t untag_all(const std::vector<SampleRef>& samples, const std::string& tag);
  // A drive's samples with from_ns <= time <= to_ns, in time order.
  std::vector<SampleRef> samples_between(std::int64_t drive_id, std::int64_t from_ns, std::int64_t to_ns) const;
  // Tags carried by at least one sample (of the drive, when given), by name.
  std::vector<TagCount> tag_counts(std::optional<std::int64_t> drive_id = {}) const;

  // Creates a collection holding `samples`, remembering the query; throws CatalogError when the name is taken.
  void create_collection(const std::string& name, const std::string& query, const std::vector<SampleRef>& samples);
  std::optional<CollectionInfo> find_collection(const std::string& name) const;
  std::vector<CollectionInfo> collection_infos() const;
  bool delete_collection(const std::string& name);  // false when there is none of that name

  // Runs a query compiled by QueryCompiler (its SQL is constant fragments; every value is a bound parameter).
  std::vector<QueryHit> select_samples(const CompiledQuery& query) const;
  // The same, but gives up (nullopt) once `stop` is true (looked at every thousand SQLite instructions).
  std::optional<std::vector<QueryHit>> select_samples_unless(const CompiledQuery& query,
                                                             const std::atomic<bool>& stop) const;
  // select_samples_unless on a second connection to the same catalog file, so another thread can run it while
  // this repository's connection is busy (one such call at a time). Sees committed data only.
  std::optional<std::vector<QueryHit>> select_samples_apart(const CompiledQuery& query,
                                                            const std::atomic<bool>& stop) const;

private:
  std::int64_t sample_id(const SampleRef& sample) const;  // throws CatalogError when the sample does not exist
  SqliteDatabase& db_;
  // select_samples_apart's connection, opened on first use and kept: its page cache stays warm between queries.
  mutable std::unique_ptr<SqliteDatabase> apart_;
  mutable std::mutex apart_mutex_;
};

}  // namespace dc::core

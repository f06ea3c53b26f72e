#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dc::core {

class SqliteDatabase;

// A sample as stored: its drive and its key (lidar frame index).
struct SampleRef {
  std::int64_t drive_id = 0;
  std::int64_t key = 0;
  bool operator==(const SampleRef&) const = default;
};

// Tags on samples and named collections of samples. Both refer to samples by key, so they survive re-ingest.
class TagRepository {
public:
  explicit TagRepository(SqliteDatabase& db) : db_(db) {}

  void tag(const SampleRef& sample, const std::string& tag);
  void untag(const SampleRef& sample, const std::string& tag);
  std::vector<std::string> tags_of(const SampleRef& sample) const;
  std::vector<SampleRef> tagged(const std::string& tag) const;

  void add_to_collection(const std::string& collection, const std::vector<SampleRef>& samples);
  std::vector<SampleRef> collection(const std::string& collection) const;
  std::vector<std::string> collections() const;

private:
  std::int64_t sample_id(const SampleRef& sample) const;  // throws CatalogError when the sample does not exist
  SqliteDatabase& db_;
};

}  // namespace dc::core

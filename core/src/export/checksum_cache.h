#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <tuple>

namespace dc::core {

// SHA-256 of source payload files from earlier exports, so exporting the same drives again does not hash every
// byte again. A file is known by device, inode, size and modification time (the quick check rsync makes); any change
// of content through the usual tools changes the size or the time, and the file is hashed anew. Kept in a text file
// beside the catalog (`<catalog>.checksums`), replaced by rename; an unreadable or damaged file is an empty cache.
class ChecksumCache {
public:
  explicit ChecksumCache(std::filesystem::path file);

  // The file's identity now; none when it cannot be stat'ed.
  struct Key {
    std::uint64_t device = 0, inode = 0, size = 0;
    std::int64_t mtime_ns = 0;
    auto tie() const { return std::tie(device, inode, size, mtime_ns); }
    bool operator<(const Key& o) const { return tie() < o.tie(); }
  };
  static std::optional<Key> key_of(const std::filesystem::path& file);

  std::optional<std::string> find(const Key& key) const;
  void insert(const Key& key, const std::string& sha256);
  void save() const;  // best effort: a cache that cannot be written only costs time next export

private:
  std::filesystem::path file_;
  std::map<Key, std::string> entries_;
};

}  // namespace dc::core

#include "export/checksum_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

namespace dc::core {

ChecksumCache::ChecksumCache(std::filesystem::path file) : file_(std::move(file)) {
  std::ifstream in(file_);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    Key k;
    std::string hash;
    if (fields >> k.device >> k.inode >> k.size >> k.mtime_ns >> hash && hash.size() == 64 &&
        hash.find_first_not_of("0123456789abcdef") == std::string::npos)
      entries_[k] = hash;
  }
}

std::optional<ChecksumCache::Key> ChecksumCache::key_of(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  Key k;
  k.device = static_cast<std::uint64_t>(st.st_dev);
  k.inode = static_cast<std::uint64_t>(st.st_ino);
  k.size = static_cast<std::uint64_t>(st.st_size);
  k.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return k;
}

std::optional<std::string> ChecksumCache::find(const Key& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void ChecksumCache::insert(const Key& key, const std::string& sha256) { entries_[key] = sha256; }

void ChecksumCache::save() const {
  const std::filesystem::path temp = file_.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    for (const auto& [k, hash] : entries_)
      out << k.device << ' ' << k.inode << ' ' << k.size << ' ' << k.mtime_ns << ' ' << hash << '\n';
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(temp, ec);
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, file_, ec);
  if (ec) std::filesystem::remove(temp, ec);
}

}  // namespace dc::core

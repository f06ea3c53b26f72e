#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace dc::core {

// A read-only file read at given offsets (pread), safe to share between threads. Its size is taken once at open.
class McapPositionalFile {
 public:
  // Throws ParseError(file, ...) when it is not a readable regular file (never opens a FIFO).
  explicit McapPositionalFile(const std::filesystem::path& file);
  ~McapPositionalFile();
  McapPositionalFile(const McapPositionalFile&) = delete;
  McapPositionalFile& operator=(const McapPositionalFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t size() const { return size_; }
  // Reads exactly out.size() bytes at `offset`; throws ParseError when they are not there (offset + size is checked
  // against size() first) or the read fails.
  void read(std::uint64_t offset, std::span<std::uint8_t> out) const;
  std::vector<std::uint8_t> read(std::uint64_t offset, std::uint64_t n) const;
  // Reads what it can into `out` (up to its size); returns the count. For big sequential reads.
  std::size_t read_some(std::uint64_t offset, std::span<std::uint8_t> out) const;
  // Tells the kernel the file will be read front to back (bigger read-ahead).
  void advise_sequential() const;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace dc::core

#pragma once
#include "io/readers/mcap/mcap_positional_file.h"

#include <cstdint>
#include <span>
#include <vector>

namespace dc::core {

// Front-to-back reading of a file in big blocks, for the linear scan: peek() shows the next bytes without
// consuming them, consume() moves on (reading and dropping what is not buffered). Keeps a running CRC-32 of the
// consumed bytes while enabled (the data section CRC).
class McapBlockReader {
 public:
  static constexpr std::size_t kDefaultBlock = std::size_t(8) << 20;

  McapBlockReader(const McapPositionalFile& file, std::uint64_t start, std::size_t block = kDefaultBlock);

  std::uint64_t position() const { return pos_; }
  std::uint64_t remaining() const { return file_.size() - pos_; }
  // The next n bytes (n <= remaining()), contiguous; valid until the next peek() or consume().
  std::span<const std::uint8_t> peek(std::size_t n);
  void consume(std::uint64_t n);  // n <= remaining()

  void set_crc_enabled(bool on) { crc_on_ = on; }
  std::uint32_t crc() const { return crc_; }

 private:
  void checksum(const std::uint8_t* p, std::size_t n);

  const McapPositionalFile& file_;
  std::size_t block_;
  std::vector<std::uint8_t> buf_;
  std::size_t head_ = 0, tail_ = 0;  // buf_[head_, tail_) holds the file's bytes from pos_ on
  std::uint64_t pos_ = 0;
  bool crc_on_ = true;
  std::uint32_t crc_ = 0;
};

}  // namespace dc::core

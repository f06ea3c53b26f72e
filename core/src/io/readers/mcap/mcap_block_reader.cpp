#include "io/readers/mcap/mcap_block_reader.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/mcap/mcap_crc.h"

#include <algorithm>
#include <cstring>

namespace dc::core {

McapBlockReader::McapBlockReader(const McapPositionalFile& file, std::uint64_t start, std::size_t block)
    // A small file needs no bigger buffer than itself (the fuzzers open thousands of them a second).
    : file_(file),
      block_(static_cast<std::size_t>(std::clamp<std::uint64_t>(file.size(), 1, std::max<std::size_t>(block, 1)))),
      pos_(std::min(start, file.size())) {}

void McapBlockReader::checksum(const std::uint8_t* p, std::size_t n) {
  if (crc_on_) crc_ = mcap_crc32(crc_, {p, n});
}

std::span<const std::uint8_t> McapBlockReader::peek(std::size_t n) {
  if (n > remaining())
    throw ParseError(file_.path(), "internal: peek past the end of the file at byte " + std::to_string(pos_));
  if (tail_ - head_ < n) {
    if (head_ > 0) {
      std::memmove(buf_.data(), buf_.data() + head_, tail_ - head_);
      tail_ -= head_;
      head_ = 0;
    }
    if (buf_.size() < n)
      buf_.resize(std::max(n, block_));
    else if (buf_.size() < block_)
      buf_.resize(block_);
    while (tail_ < n) {
      const std::uint64_t file_left = file_.size() - (pos_ + tail_);
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size() - tail_, file_left));
      const std::size_t got = file_.read_some(pos_ + tail_, {buf_.data() + tail_, want});
      if (got == 0)
        throw ParseError(file_.path(), "file shrank while being read (at byte " + std::to_string(pos_ + tail_) + ")");
      tail_ += got;
    }
  }
  return {buf_.data() + head_, n};
}

void McapBlockReader::consume(std::uint64_t n) {
  if (n > remaining())
    throw ParseError(file_.path(), "internal: consume past the end of the file at byte " + std::to_string(pos_));
  const std::size_t buffered = static_cast<std::size_t>(std::min<std::uint64_t>(n, tail_ - head_));
  checksum(buf_.data() + head_, buffered);
  head_ += buffered;
  pos_ += buffered;
  n -= buffered;
  if (n == 0) return;
  // The rest is not buffered: stream it through the buffer (for the CRC) and drop it.
  head_ = tail_ = 0;
  if (buf_.size() < block_) buf_.resize(block_);
  while (n > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, buf_.size()));
    if (!crc_on_) {  // nothing to look at: just move on
      pos_ += n;
      return;
    }
    const std::size_t got = file_.read_some(pos_, {buf_.data(), want});
    if (got == 0) throw ParseError(file_.path(), "file shrank while being read (at byte " + std::to_string(pos_) + ")");
    checksum(buf_.data(), got);
    pos_ += got;
    n -= got;
  }
}

}  // namespace dc::core

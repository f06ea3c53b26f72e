#include "io/readers/mcap/mcap_crc.h"

#include <zlib.h>

#include <algorithm>

namespace dc::core {

std::uint32_t mcap_crc32(std::uint32_t crc, std::span<const std::uint8_t> bytes) {
  uLong c = crc;
  // zlib takes a uInt length: feed spans over 4 GiB in pieces.
  constexpr std::size_t kPiece = std::size_t(1) << 30;
  for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
    const std::size_t n = std::min(kPiece, bytes.size() - at);
    c = crc32(c, bytes.data() + at, static_cast<uInt>(n));
  }
  return static_cast<std::uint32_t>(c);
}

}  // namespace dc::core

#include "io/readers/mcap/mcap_crc.h"

#include <libdeflate.h>

namespace dc::core {

// libdeflate's CRC-32 is zlib's (same polynomial and conditioning) computed with carry-less multiply: several
// times zlib's rate, which matters when every chunk of a 1 GB recording is checked while indexing.
std::uint32_t mcap_crc32(std::uint32_t crc, std::span<const std::uint8_t> bytes) {
  return libdeflate_crc32(crc, bytes.data(), bytes.size());
}

}  // namespace dc::core

#pragma once
#include <cstdint>
#include <span>

namespace dc::core {

// Standard CRC-32 (zlib's crc32(), the one MCAP uses), continued from `crc` (0 to start).
std::uint32_t mcap_crc32(std::uint32_t crc, std::span<const std::uint8_t> bytes);

}  // namespace dc::core

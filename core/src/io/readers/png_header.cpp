#include "io/readers/png_header.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/file_check.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace dc::core {

namespace {
std::uint32_t big_endian32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}
// CRC-32 as PNG defines it (ISO 3309, polynomial 0xEDB88320), over chunk type + data.
std::uint32_t crc32(const unsigned char* p, std::size_t n) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}
}  // namespace

PngHeader read_png_header(const std::filesystem::path& file) {
  require_regular_file(file, "cannot open PNG file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ParseError(file, "cannot open PNG file");
  // Signature (8) + IHDR length (4) + type (4) + data (13) + CRC (4).
  std::array<unsigned char, 33> b{};
  in.read(reinterpret_cast<char*>(b.data()), b.size());
  const auto got = static_cast<std::size_t>(in.gcount());
  static constexpr unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (got < 8 || std::memcmp(b.data(), kSignature, 8) != 0)
    throw ParseError(file, "not a readable PNG: bad signature");
  if (got < b.size()) throw ParseError(file, "not a readable PNG: truncated header (" + std::to_string(got) + " bytes)");
  if (std::memcmp(b.data() + 12, "IHDR", 4) != 0 || big_endian32(b.data() + 8) != 13)
    throw ParseError(file, "not a readable PNG: first chunk is not IHDR");
  if (crc32(b.data() + 12, 17) != big_endian32(b.data() + 29))
    throw ParseError(file, "not a readable PNG: IHDR CRC mismatch (corrupt header)");
  // A complete PNG ends with the empty IEND chunk; its absence means the file was cut (decoding is not needed).
  static constexpr unsigned char kIend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
  std::array<unsigned char, 12> tail{};
  in.seekg(-12, std::ios::end);
  in.read(reinterpret_cast<char*>(tail.data()), tail.size());
  if (!in || std::memcmp(tail.data(), kIend, 12) != 0)
    throw ParseError(file, "not a readable PNG: truncated (no IEND chunk at the end)");
  PngHeader h;
  const std::uint32_t w = big_endian32(b.data() + 16), hgt = big_endian32(b.data() + 20);
  // The PNG spec limits dimensions to 2^31-1; zero is invalid.
  if (w == 0 || hgt == 0 || w > 0x7fffffffu || hgt > 0x7fffffffu)
    throw ParseError(file, "not a readable PNG: invalid size " + std::to_string(w) + "x" + std::to_string(hgt));
  h.width = static_cast<int>(w);
  h.height = static_cast<int>(hgt);
  h.bit_depth = b[24];
  h.color_type = b[25];
  return h;
}

}  // namespace dc::core

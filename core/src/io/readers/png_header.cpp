#include "io/readers/png_header.h"

#include "dc/core/io/parse_error.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace dc::core {

namespace {
std::uint32_t big_endian32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}
}  // namespace

PngHeader read_png_header(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ParseError(file, "cannot open PNG file");
  // Signature (8) + IHDR length (4) + type (4) + width, height (8) + bit depth, color type (2).
  std::array<unsigned char, 26> b{};
  in.read(reinterpret_cast<char*>(b.data()), b.size());
  const auto got = static_cast<std::size_t>(in.gcount());
  static constexpr unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (got < 8 || std::memcmp(b.data(), kSignature, 8) != 0)
    throw ParseError(file, "not a readable PNG: bad signature");
  if (got < b.size()) throw ParseError(file, "not a readable PNG: truncated header (" + std::to_string(got) + " bytes)");
  if (std::memcmp(b.data() + 12, "IHDR", 4) != 0 || big_endian32(b.data() + 8) != 13)
    throw ParseError(file, "not a readable PNG: first chunk is not IHDR");
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

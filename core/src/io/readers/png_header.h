#pragma once
#include <filesystem>

namespace dc::core {

// The fields of a PNG's IHDR chunk. Reading them costs 24 bytes, not a decode.
struct PngHeader {
  int width = 0;
  int height = 0;
  int bit_depth = 0;
  int color_type = 0;
};

// Checks the 8-byte signature, the IHDR chunk with its CRC and that the file ends with an IEND chunk (reads 45
// bytes, no decode); throws ParseError naming the file and what is wrong. Never opens a non-regular file.
PngHeader read_png_header(const std::filesystem::path& file);

}  // namespace dc::core

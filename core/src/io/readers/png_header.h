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

// Checks the 8-byte signature and the IHDR chunk; throws ParseError naming the file when either is wrong.
PngHeader read_png_header(const std::filesystem::path& file);

}  // namespace dc::core

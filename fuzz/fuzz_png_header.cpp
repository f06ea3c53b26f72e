// PNG signature, IHDR and IEND check (what the KITTI object reader and payload checks read instead of decoding).
#include "dc/core/io/parse_error.h"
#include "fuzz_support.h"
#include "io/readers/png_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = dc::fuzz::write_input("000000.png", data, size);
  try {
    (void)dc::core::read_png_header(file);
  } catch (const dc::core::ParseError&) {
  }
  return 0;
}

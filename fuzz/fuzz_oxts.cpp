// KITTI raw oxts/data/NNNNNNNNNN.txt: read_oxts_file, then the pose the raw reader builds from the record (twice, so
// the second pose is relative to the first as in a drive).
#include "dc/core/io/parse_error.h"
#include "fuzz_support.h"
#include "io/readers/kitti/oxts_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = dc::fuzz::write_input("0000000000.txt", data, size);
  try {
    const dc::core::OxtsRecord record = dc::core::read_oxts_file(file);
    dc::core::OxtsPoseBuilder builder;
    (void)builder.add(record, 0);
    (void)builder.add(record, 100'000'000);
  } catch (const dc::core::ParseError&) {
  }
  return 0;
}

// KITTI raw timestamps.txt: read_timestamp_file, in UTC and in a zone with daylight saving time (the reader turns
// local wall-clock times into UTC).
#include "dc/core/io/parse_error.h"
#include "fuzz_support.h"
#include "io/readers/timestamp_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = dc::fuzz::write_input("timestamps.txt", data, size);
  for (const char* zone : {"", "Europe/Berlin"}) {
    try {
      std::vector<dc::core::IngestError> errors;
      (void)dc::core::read_timestamp_file(file, "fuzz", errors, zone);
    } catch (const dc::core::ParseError&) {
    }
  }
  return 0;
}

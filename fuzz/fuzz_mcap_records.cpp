// MCAP strict record lister (conformance checker): list_mcap_records, chunks decompressed and walked.
#include "dc/core/io/parse_error.h"
#include "fuzz_support.h"
#include "io/readers/mcap/mcap_record_list.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = dc::fuzz::write_input("input.mcap", data, size);
  try {
    (void)dc::core::list_mcap_records(file);
  } catch (const dc::core::ParseError&) {
  }
  return 0;
}

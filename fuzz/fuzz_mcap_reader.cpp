// MCAP container (the tolerant reader): McapFileReader::open, with and without the summary, then every message
// (whole, and its head as indexing reads it), attachment and metadata record read back, as ingest and the sample
// loader do.
#include "dc/core/io/parse_error.h"
#include "fuzz_support.h"
#include "io/readers/mcap/mcap_file_reader.h"

#include <algorithm>
#include <limits>
#include <optional>

using dc::core::ParseError;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = dc::fuzz::write_input("input.mcap", data, size);
  for (const bool use_summary : {true, false}) {
    dc::core::McapReadOptions options;
    options.use_summary = use_summary;
    options.chunk_cache_bytes = std::size_t(4) << 20;
    std::unique_ptr<dc::core::McapFileReader> reader;
    try {
      reader = dc::core::McapFileReader::open(file, options);
    } catch (const ParseError&) {
      return 0;  // not MCAP at all: the same without the summary
    }
    for (const auto& ref : reader->messages()) {
      std::optional<dc::core::McapMessage> whole;
      try {
        whole = reader->read_message(ref);
      } catch (const ParseError&) {
      }
      // The head read in place (uncompressed chunks) must agree with the whole message read through the cache.
      try {
        const dc::core::McapMessageHead head = reader->read_message_head(ref, 16);
        if (whole && (head.data_size != whole->data.size() || head.message.data.size() > whole->data.size() ||
                      !std::equal(head.message.data.begin(), head.message.data.end(), whole->data.begin())))
          __builtin_trap();
      } catch (const ParseError&) {
      }
    }
    for (const auto& [id, channel] : reader->channels())
      (void)reader->messages_in(id, 0, std::numeric_limits<std::uint64_t>::max());
    for (const auto& index : reader->attachments()) {
      try {
        (void)reader->read_attachment(index);
      } catch (const ParseError&) {
      }
    }
    for (const auto& index : reader->metadata()) {
      try {
        (void)reader->read_metadata(index);
      } catch (const ParseError&) {
      }
    }
    (void)reader->problems();
  }
  return 0;
}

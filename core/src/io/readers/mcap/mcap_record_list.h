#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace dc::core {

// One field of a record, neutral: a number, a string, bytes, a string map or a number map.
using McapFieldValue = std::variant<std::uint64_t, std::string, std::vector<std::uint8_t>,
                                    std::map<std::string, std::string>, std::map<std::uint64_t, std::uint64_t>>;

struct McapRecordFields {
  std::string type;  // "Header", "Schema", "Message", ... (the spec's record names)
  std::vector<std::pair<std::string, McapFieldValue>> fields;  // spec field names, in the spec's order
};

// Every record of an MCAP file in file order, the way the MCAP conformance suite lists them: a Chunk is replaced
// by the records inside it, MessageIndex records are left out (they only index the chunk before them), and an
// Attachment's crc is checked rather than listed. Unknown opcodes are skipped. A strict checker for tests, not the
// tolerant reader: reads the whole file (at most 1 GiB) and throws ParseError on the first problem (bad magic,
// truncation, a CRC mismatch, a field running past its record).
std::vector<McapRecordFields> list_mcap_records(const std::filesystem::path& file);

}  // namespace dc::core

#pragma once
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <vector>

// Plain MCAP records (https://mcap.dev/spec) and the parsers of their contents. A parser reads the content of one
// record (what follows the opcode and the uint64 length); bytes left after the known fields are padding (a later
// minor version may add fields) and are ignored.
namespace dc::core {

class McapByteReader;

namespace mcap_op {
inline constexpr std::uint8_t header = 0x01, footer = 0x02, schema = 0x03, channel = 0x04, message = 0x05, chunk = 0x06,
                              message_index = 0x07, chunk_index = 0x08, attachment = 0x09, attachment_index = 0x0A,
                              statistics = 0x0B, metadata = 0x0C, metadata_index = 0x0D, summary_offset = 0x0E,
                              data_end = 0x0F;
}  // namespace mcap_op

// "Chunk", "Message", ...; "unknown" for opcodes the spec does not define.
const char* mcap_opcode_name(std::uint8_t opcode);

inline constexpr std::array<std::uint8_t, 8> kMcapMagic = {0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};
inline constexpr std::uint64_t kMcapRecordPrefixSize = 9;  // opcode + uint64 content length
inline constexpr std::uint64_t kMcapFooterContentSize = 20;
// Footer record + trailing magic: the last 37 bytes of a complete file.
inline constexpr std::uint64_t kMcapFooterTailSize = kMcapRecordPrefixSize + kMcapFooterContentSize + 8;
inline constexpr std::uint64_t kMcapMessageFixedSize = 22;  // channel_id, sequence, log_time, publish_time
inline constexpr std::uint64_t kMcapNotInChunk = std::numeric_limits<std::uint64_t>::max();

struct McapHeader {
  std::string profile;
  std::string library;
};

struct McapFooter {
  std::uint64_t summary_start = 0;
  std::uint64_t summary_offset_start = 0;
  std::uint32_t summary_crc = 0;
};

struct McapSchema {
  std::uint16_t id = 0;
  std::string name;
  std::string encoding;
  std::vector<std::uint8_t> data;
  bool operator==(const McapSchema&) const = default;
};

struct McapChannel {
  std::uint16_t id = 0;
  std::uint16_t schema_id = 0;  // 0: no schema
  std::string topic;
  std::string message_encoding;
  std::map<std::string, std::string> metadata;
  bool operator==(const McapChannel&) const = default;
};

// The fixed fields of a Message record; its data is the rest of the record.
struct McapMessageHeader {
  std::uint16_t channel_id = 0;
  std::uint32_t sequence = 0;
  std::uint64_t log_time = 0;
  std::uint64_t publish_time = 0;
};

// Where one message is. Built by McapFileReader from MessageIndex records (random access) or from the Message
// record itself (linear scan of top-level messages, chunks without MessageIndex records).
struct McapMessageRef {
  std::uint16_t channel_id = 0;
  // sequence, publish_time and data_size were read from the Message record while indexing. False when the ref
  // came from a MessageIndex (which holds only log_time and offset): then they are 0 and read_message() has them.
  bool header_read = false;
  std::uint32_t sequence = 0;
  std::uint64_t log_time = 0;
  std::uint64_t publish_time = 0;
  std::uint64_t chunk_offset = kMcapNotInChunk;  // file offset of the Chunk record; kMcapNotInChunk: top-level
  std::uint64_t record_offset = 0;               // offset of the Message record in the chunk's records, or in the file
  std::uint64_t data_size = 0;
  bool operator==(const McapMessageRef&) const = default;
};

// The fields of a Chunk record before its records.
struct McapChunkHeader {
  std::uint64_t message_start_time = 0;
  std::uint64_t message_end_time = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint32_t uncompressed_crc = 0;
  std::string compression;
  std::uint64_t compressed_size = 0;  // length of the records field
};

struct McapMessageIndex {
  std::uint16_t channel_id = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> records;  // (log_time, offset in the chunk's records)
};

struct McapChunkIndex {
  std::uint64_t message_start_time = 0;
  std::uint64_t message_end_time = 0;
  std::uint64_t chunk_start_offset = 0;
  std::uint64_t chunk_length = 0;  // whole record, opcode and length included
  std::map<std::uint16_t, std::uint64_t> message_index_offsets;
  std::uint64_t message_index_length = 0;
  std::string compression;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
};

struct McapAttachment {
  std::uint64_t log_time = 0;
  std::uint64_t create_time = 0;
  std::string name;
  std::string media_type;
  std::vector<std::uint8_t> data;
  std::uint32_t crc = 0;  // of the fields before it; 0: not stored
};

struct McapAttachmentIndex {
  std::uint64_t offset = 0;  // of the Attachment record
  std::uint64_t length = 0;  // whole record
  std::uint64_t log_time = 0;
  std::uint64_t create_time = 0;
  std::uint64_t data_size = 0;
  std::string name;
  std::string media_type;
  bool operator==(const McapAttachmentIndex&) const = default;
};

struct McapStatistics {
  std::uint64_t message_count = 0;
  std::uint16_t schema_count = 0;
  std::uint32_t channel_count = 0;
  std::uint32_t attachment_count = 0;
  std::uint32_t metadata_count = 0;
  std::uint32_t chunk_count = 0;
  std::uint64_t message_start_time = 0;
  std::uint64_t message_end_time = 0;
  std::map<std::uint16_t, std::uint64_t> channel_message_counts;
};

struct McapMetadata {
  std::string name;
  std::map<std::string, std::string> metadata;
};

struct McapMetadataIndex {
  std::uint64_t offset = 0;  // of the Metadata record
  std::uint64_t length = 0;  // whole record
  std::string name;
  bool operator==(const McapMetadataIndex&) const = default;
};

struct McapSummaryOffset {
  std::uint8_t group_opcode = 0;
  std::uint64_t group_start = 0;
  std::uint64_t group_length = 0;
};

struct McapDataEnd {
  std::uint32_t data_section_crc = 0;
};

McapHeader parse_mcap_header(McapByteReader& r);
McapFooter parse_mcap_footer(McapByteReader& r);
McapSchema parse_mcap_schema(McapByteReader& r);
McapChannel parse_mcap_channel(McapByteReader& r);
McapMessageHeader parse_mcap_message_header(McapByteReader& r);  // the data is r.rest() afterwards
McapChunkHeader parse_mcap_chunk_header(McapByteReader& r);      // the records are the next compressed_size bytes
// The same fields without checking that the records follow (for a Chunk whose header alone was read).
McapChunkHeader parse_mcap_chunk_fields(McapByteReader& r);
McapMessageIndex parse_mcap_message_index(McapByteReader& r);
McapChunkIndex parse_mcap_chunk_index(McapByteReader& r);
McapAttachment parse_mcap_attachment(McapByteReader& r);  // crc not checked here
McapAttachmentIndex parse_mcap_attachment_index(McapByteReader& r);
McapStatistics parse_mcap_statistics(McapByteReader& r);
McapMetadata parse_mcap_metadata(McapByteReader& r);
McapMetadataIndex parse_mcap_metadata_index(McapByteReader& r);
McapSummaryOffset parse_mcap_summary_offset(McapByteReader& r);
McapDataEnd parse_mcap_data_end(McapByteReader& r);

}  // namespace dc::core

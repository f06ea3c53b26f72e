#pragma once
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace dc::core::generator {

enum class McapWriterCompression { none, zstd, lz4 };

struct McapWriterOptions {
  bool chunked = true;                    // false: every record at the top level of the data section
  std::uint64_t chunk_size = 768 * 1024;  // a chunk is closed once its records reach this many bytes
  McapWriterCompression compression = McapWriterCompression::zstd;
  bool message_indexes = true;  // MessageIndex records after each chunk
  bool summary = true;          // schemas, channels, statistics, chunk/attachment/metadata indexes
  bool summary_offsets = true;  // the Summary Offset section (with a summary only)
  bool crcs = true;             // chunk, data section, summary and attachment CRCs (else 0)
  std::string profile;          // the Header's profile ("ros1", "ros2", ...)
  std::string library = "drivecurator";
};

// Writes an MCAP file (https://mcap.dev/spec) for tests and the synthetic generator. A schema or channel record is
// written when added: into the open chunk when chunked, else at the top level; the summary repeats them. Throws
// std::runtime_error when the file cannot be written, std::invalid_argument on an unknown schema or channel id.
class McapWriter {
 public:
  // Where a chunk went (for tests that damage files). Messages are numbered in the order they were added.
  struct ChunkPlace {
    std::uint64_t offset = 0;  // of the Chunk record
    std::uint64_t length = 0;  // whole Chunk record
    std::uint64_t end = 0;     // end of its MessageIndex records (= offset + length without them)
    std::size_t first_message = 0;
    std::size_t message_count = 0;
  };

  McapWriter(const std::filesystem::path& file, McapWriterOptions options = {});
  ~McapWriter();  // closes the file if close() was not called (errors are then lost)
  McapWriter(const McapWriter&) = delete;
  McapWriter& operator=(const McapWriter&) = delete;

  std::uint16_t add_schema(const std::string& name, const std::string& encoding, std::span<const std::uint8_t> data);
  // schema_id 0: no schema.
  std::uint16_t add_channel(std::uint16_t schema_id, const std::string& topic, const std::string& message_encoding,
                            const std::map<std::string, std::string>& metadata = {});
  void add_message(std::uint16_t channel_id, std::uint64_t log_time, std::uint64_t publish_time, std::uint32_t sequence,
                   std::span<const std::uint8_t> data);
  // Attachments and metadata are top-level records: the open chunk is closed first.
  void add_attachment(const std::string& name, const std::string& media_type, std::uint64_t log_time,
                      std::uint64_t create_time, std::span<const std::uint8_t> data);
  void add_metadata(const std::string& name, const std::map<std::string, std::string>& metadata);
  // Any record (e.g. an unknown opcode, for tests): into the open chunk when chunked and !top_level, else at the
  // top level (closing the open chunk). Returns its offset: in the file, or in the open chunk's records.
  std::uint64_t add_raw_record(std::uint8_t opcode, std::span<const std::uint8_t> content, bool top_level = false);
  // Closes the last chunk, writes DataEnd, the summary, the Footer and the magic.
  void close();

  const std::vector<ChunkPlace>& chunks() const { return chunk_places_; }
  std::uint64_t data_end_offset() const { return data_end_offset_; }  // of the DataEnd record, after close()
  std::uint64_t summary_start() const { return summary_start_; }      // 0 without a summary
  std::uint64_t message_count() const { return message_count_; }
  // Bytes in the file so far (the open chunk is not in it yet): where the next top-level record goes.
  std::uint64_t bytes_written() const { return offset_; }

 private:
  struct ChunkIndexEntry {
    std::uint64_t start_time = 0, end_time = 0, offset = 0, length = 0, index_length = 0, compressed = 0,
                  uncompressed = 0;
    std::map<std::uint16_t, std::uint64_t> index_offsets;
  };
  struct AttachmentIndexEntry {
    std::uint64_t offset = 0, length = 0, log_time = 0, create_time = 0, data_size = 0;
    std::string name, media_type;
  };
  struct MetadataIndexEntry {
    std::uint64_t offset = 0, length = 0;
    std::string name;
  };

  void write(std::span<const std::uint8_t> bytes);
  void write_record(std::uint8_t opcode, const std::vector<std::uint8_t>& content);
  void put_record(std::uint8_t opcode, const std::vector<std::uint8_t>& content);  // chunk or top level
  void flush_chunk();
  void flush_file();
  std::vector<std::uint8_t> compress(const std::vector<std::uint8_t>& records) const;
  std::string compression_name() const;

  std::filesystem::path path_;
  McapWriterOptions options_;
  std::FILE* file_ = nullptr;
  std::vector<std::uint8_t> out_;  // not yet written to file_
  std::uint64_t offset_ = 0;       // bytes written so far (buffered included)
  bool data_crc_on_ = true, summary_crc_on_ = false, closed_ = false;
  std::uint32_t data_crc_ = 0, summary_crc_ = 0;

  std::vector<std::vector<std::uint8_t>> schema_records_, channel_records_;  // for the summary
  std::map<std::uint16_t, std::uint16_t> channel_schema_;
  std::map<std::uint16_t, std::uint64_t> channel_counts_;

  std::vector<std::uint8_t> chunk_;  // records of the open chunk
  std::map<std::uint16_t, std::vector<std::pair<std::uint64_t, std::uint64_t>>> chunk_index_;
  std::uint64_t chunk_start_ = 0, chunk_end_ = 0;
  std::size_t chunk_messages_ = 0;
  bool chunk_has_time_ = false;

  std::vector<ChunkIndexEntry> chunk_indexes_;
  std::vector<AttachmentIndexEntry> attachment_indexes_;
  std::vector<MetadataIndexEntry> metadata_indexes_;
  std::vector<ChunkPlace> chunk_places_;
  std::uint64_t message_count_ = 0, start_time_ = 0, end_time_ = 0;
  std::uint64_t data_end_offset_ = 0, summary_start_ = 0;
};

}  // namespace dc::core::generator

#pragma once
#include "io/readers/mcap/mcap_byte_reader.h"
#include "io/readers/mcap/mcap_chunk_cache.h"
#include "io/readers/mcap/mcap_positional_file.h"
#include "io/readers/mcap/mcap_records.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace dc::core {

struct McapReadOptions {
  bool use_summary = true;  // false: index by a linear scan even when the file has a summary
  std::size_t chunk_cache_bytes = std::size_t(256) << 20;  // decoded chunks kept for read_message()
};

// One message read back. `data` points into `storage` (a decoded chunk or the record's own bytes): it stays valid
// as long as this object or a copy of it lives, whatever the cache does meanwhile.
struct McapMessage {
  std::uint16_t channel_id = 0;
  std::uint32_t sequence = 0;
  std::uint64_t log_time = 0;
  std::uint64_t publish_time = 0;
  std::span<const std::uint8_t> data;
  std::shared_ptr<const void> storage;
};

struct McapChunkInfo {
  std::uint64_t offset = 0;  // of the Chunk record
  std::uint64_t length = 0;  // whole record, opcode and length included
  std::uint64_t message_start_time = 0;
  std::uint64_t message_end_time = 0;
  std::string compression;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  bool message_index = false;  // its messages were listed from MessageIndex records, without decoding it
};

// The start of one message's data (McapFileReader::read_message_head): `message.data` holds its first bytes,
// `data_size` is the size of the whole data.
struct McapMessageHead {
  McapMessage message;
  std::uint64_t data_size = 0;
};

// The container layer of an MCAP file (https://mcap.dev/spec): schemas, channels, and where every message is.
//
// Indexing: when the Footer points at a summary section (and use_summary), the summary's Schema, Channel,
// ChunkIndex, Statistics, AttachmentIndex and MetadataIndex records and the MessageIndex records after each chunk
// give the message list without reading the data section (a chunk without MessageIndex records, or the first one
// holding a channel the summary does not list, is decoded). With no summary, an inconsistent one, or one that
// cannot account for every message (top-level messages are in no index), the file is indexed by one linear scan:
// read in big blocks, the data section CRC checked, a chunk decoded only when no MessageIndex records follow it.
//
// Damage is reported, never thrown: a truncated file gives everything before the cut; a chunk that fails its CRC
// or cannot be decompressed loses only its own messages; unknown opcodes and padding after known fields are
// skipped. Each problem names the file and the byte offset. Only a file that is not MCAP at all (unreadable,
// under 8 bytes, bad leading magic) throws ParseError from open().
//
// After open() the reader is immutable except for its chunk cache and problem list: read_message() and the
// accessors may be called from any number of threads.
class McapFileReader {
 public:
  static std::unique_ptr<McapFileReader> open(const std::filesystem::path& file, const McapReadOptions& options = {});
  McapFileReader(const McapFileReader&) = delete;
  McapFileReader& operator=(const McapFileReader&) = delete;

  const std::filesystem::path& path() const { return file_.path(); }
  std::uint64_t file_size() const { return file_.size(); }
  const McapHeader& header() const { return header_; }
  const std::map<std::uint16_t, McapSchema>& schemas() const { return schemas_; }
  const std::map<std::uint16_t, McapChannel>& channels() const { return channels_; }
  // Every message, sorted by log_time; messages with equal times in file order.
  const std::vector<McapMessageRef>& messages() const { return messages_; }
  // The messages of one channel with t0 <= log_time < t1, in the order of messages() (binary search).
  std::vector<McapMessageRef> messages_in(std::uint16_t channel_id, std::uint64_t t0, std::uint64_t t1) const;
  const std::vector<McapChunkInfo>& chunks() const { return chunks_; }
  const std::vector<McapAttachmentIndex>& attachments() const { return attachments_; }
  const std::vector<McapMetadataIndex>& metadata() const { return metadata_; }
  const std::optional<McapStatistics>& statistics() const { return statistics_; }  // the file's Statistics record
  bool indexed_from_summary() const { return from_summary_; }

  // The message `ref` points at. Decodes its chunk at most once while the chunk stays in the cache. Throws
  // ParseError (file, chunk offset, what) when the chunk is damaged or the record there is not that message; the
  // problem is also added to problems().
  McapMessage read_message(const McapMessageRef& ref) const;
  std::vector<std::uint8_t> read_message_bytes(const McapMessageRef& ref) const;
  // Like read_message() but only the first `max_bytes` of the data are sure to be there (a ROS header), which in an
  // uncompressed chunk are read in place: the chunk's CRC is checked once, streamed through a small buffer, and its
  // records are not kept (a small message is read whole this way with max_bytes = SIZE_MAX). A compressed chunk is
  // decoded (through the cache) and the whole data given.
  McapMessageHead read_message_head(const McapMessageRef& ref, std::size_t max_bytes) const;
  // Decodes the chunk at `chunk_offset` into the cache, for a read_message() soon after (McapChunkPrefetcher).
  // Throws like read_message() when it is damaged, without adding a problem: that read reports it.
  void prefetch_chunk(std::uint64_t chunk_offset) const { chunk_records(chunk_offset); }
  McapAttachment read_attachment(const McapAttachmentIndex& index) const;  // throws ParseError (also on bad CRC)
  McapMetadata read_metadata(const McapMetadataIndex& index) const;        // throws ParseError

  // Non-fatal problems found so far, each "<file>: <what, with byte offset>"; read_message() may add more.
  std::vector<std::string> problems() const;
  // How many times a chunk was decompressed and parsed (indexing and read_message together).
  std::uint64_t chunk_decodes() const { return decodes_.load(); }

 private:
  using Records = McapChunkCache::Records;
  struct PendingChunk;

  McapFileReader(const std::filesystem::path& file, const McapReadOptions& options);
  void index();
  void reset_index();
  bool read_summary();
  void read_header_record();
  void linear_scan();
  void finish_pending(PendingChunk& pending);
  void resolve_channels();
  void finish();

  // Where an uncompressed chunk's records are in the file, once its CRC has been checked.
  struct PlainChunk {
    std::uint64_t records_at = 0;
    std::uint64_t size = 0;
    std::string error;  // set when the chunk failed its check: read_message_head throws it again
  };
  struct ChunkHead {
    McapChunkHeader header;
    std::uint64_t records_at = 0;  // file offset of the records
    bool complete = false;         // false: the header did not fit in (or is damaged within) the bytes read
  };
  ChunkHead read_chunk_head(std::uint64_t chunk_offset, std::uint64_t record_length) const;
  // The length of the record at file offset `at`, which must have `opcode` and fit in the file and `max_length`.
  std::uint64_t record_length(std::uint64_t at, std::uint8_t opcode, std::uint64_t max_length) const;
  // nullopt for a compressed (or odd) chunk; throws ParseError when the uncompressed chunk fails its CRC.
  std::optional<PlainChunk> plain_chunk(std::uint64_t chunk_offset) const;

  Records chunk_records(std::uint64_t chunk_offset) const;  // through the cache
  Records decode_chunk(std::span<const std::uint8_t> content, std::uint64_t chunk_offset) const;
  // Throws ParseError naming the chunk when its records do not match the stored CRC (0: none stored).
  void check_chunk_crc(const McapChunkHeader& h, std::span<const std::uint8_t> records,
                       std::uint64_t chunk_offset) const;
  // Walks a decoded chunk's records: schemas and channels are added, and messages too when `messages` is true.
  void walk_chunk(const std::vector<std::uint8_t>& records, std::uint64_t chunk_offset, bool messages);
  void add_schema(McapSchema schema, const McapRecordPlace& place);
  void add_channel(McapChannel channel, const McapRecordPlace& place);
  void add_problem(const std::string& what) const;       // prefixed with the file
  void add_problem_text(const std::string& text) const;  // already names the file (a ParseError's what())
  McapRecordPlace place(std::uint8_t opcode, std::uint64_t offset, std::uint64_t chunk = kMcapNotInChunk) const;

  McapPositionalFile file_;
  McapReadOptions options_;
  McapHeader header_;
  std::map<std::uint16_t, McapSchema> schemas_;
  std::map<std::uint16_t, McapChannel> channels_;
  std::vector<McapMessageRef> messages_;
  std::unordered_map<std::uint16_t, std::vector<std::uint32_t>> by_channel_;  // indexes into messages_
  std::vector<McapChunkInfo> chunks_;
  std::vector<McapAttachmentIndex> attachments_;
  std::vector<McapMetadataIndex> metadata_;
  std::optional<McapStatistics> statistics_;
  bool from_summary_ = false;

  mutable std::mutex problems_mutex_;
  mutable std::vector<std::string> problems_;
  mutable std::unordered_set<std::string> problem_set_;
  mutable McapChunkCache cache_;
  mutable std::mutex plain_mutex_;
  mutable std::unordered_map<std::uint64_t, std::optional<PlainChunk>> plain_chunks_;
  mutable std::atomic<std::uint64_t> decodes_{0};
};

}  // namespace dc::core

#include "mcap_writer.h"

#include <lz4frame.h>
#include <libdeflate.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace dc::core::generator {

namespace {

constexpr std::uint8_t kMagic[8] = {0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};
enum Op : std::uint8_t {
  kHeader = 0x01,
  kFooter = 0x02,
  kSchema = 0x03,
  kChannel = 0x04,
  kMessage = 0x05,
  kChunk = 0x06,
  kMessageIndex = 0x07,
  kChunkIndex = 0x08,
  kAttachment = 0x09,
  kAttachmentIndex = 0x0A,
  kStatistics = 0x0B,
  kMetadata = 0x0C,
  kMetadataIndex = 0x0D,
  kSummaryOffset = 0x0E,
  kDataEnd = 0x0F
};

// Little-endian encoding of record fields.
struct Out {
  std::vector<std::uint8_t>& b;
  void u8(std::uint8_t v) { b.push_back(v); }
  void u16(std::uint16_t v) { uint(v, 2); }
  void u32(std::uint32_t v) { uint(v, 4); }
  void u64(std::uint64_t v) { uint(v, 8); }
  void uint(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void raw(std::span<const std::uint8_t> s) { b.insert(b.end(), s.begin(), s.end()); }
  void str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    b.insert(b.end(), s.begin(), s.end());
  }
  void string_map(const std::map<std::string, std::string>& m) {
    std::vector<std::uint8_t> body;
    Out o{body};
    for (const auto& [k, v] : m) {
      o.str(k);
      o.str(v);
    }
    u32(static_cast<std::uint32_t>(body.size()));
    raw(body);
  }
  void u16_u64_map(const std::map<std::uint16_t, std::uint64_t>& m) {
    u32(static_cast<std::uint32_t>(m.size() * 10));
    for (const auto& [k, v] : m) {
      u16(k);
      u64(v);
    }
  }
};

std::uint32_t crc32_of(std::uint32_t crc, std::span<const std::uint8_t> s) {
  return libdeflate_crc32(crc, s.data(), s.size());  // zlib's CRC-32, computed with carry-less multiply
}

}  // namespace

McapWriter::McapWriter(const std::filesystem::path& file, McapWriterOptions options)
    : path_(file), options_(std::move(options)) {
  file_ = std::fopen(file.c_str(), "wb");
  if (!file_) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
  write(kMagic);
  std::vector<std::uint8_t> header;
  Out o{header};
  o.str(options_.profile);
  o.str(options_.library);
  write_record(kHeader, header);
}

McapWriter::~McapWriter() {
  try {
    close();
  } catch (...) {
  }
  if (file_) std::fclose(file_);
}

void McapWriter::flush_file() {
  if (!out_.empty() && std::fwrite(out_.data(), 1, out_.size(), file_) != out_.size())
    throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(errno));
  out_.clear();
}

void McapWriter::write(std::span<const std::uint8_t> bytes) {
  if (options_.crcs && data_crc_on_) data_crc_ = crc32_of(data_crc_, bytes);
  if (options_.crcs && summary_crc_on_) summary_crc_ = crc32_of(summary_crc_, bytes);
  out_.insert(out_.end(), bytes.begin(), bytes.end());
  offset_ += bytes.size();
  if (out_.size() >= (std::size_t(4) << 20)) flush_file();
}

void McapWriter::write_record(std::uint8_t opcode, const std::vector<std::uint8_t>& content) {
  std::vector<std::uint8_t> prefix;
  Out o{prefix};
  o.u8(opcode);
  o.u64(content.size());
  write(prefix);
  write(content);
}

void McapWriter::put_record(std::uint8_t opcode, const std::vector<std::uint8_t>& content) {
  if (!options_.chunked) {
    write_record(opcode, content);
    return;
  }
  Out o{chunk_};
  o.u8(opcode);
  o.u64(content.size());
  o.raw(content);
}

std::uint16_t McapWriter::add_schema(const std::string& name, const std::string& encoding,
                                     std::span<const std::uint8_t> data) {
  if (schema_records_.size() >= 0xFFFF) throw std::invalid_argument("too many schemas");
  const auto id = static_cast<std::uint16_t>(schema_records_.size() + 1);
  std::vector<std::uint8_t> content;
  Out o{content};
  o.u16(id);
  o.str(name);
  o.str(encoding);
  o.u32(static_cast<std::uint32_t>(data.size()));
  o.raw(data);
  put_record(kSchema, content);
  schema_records_.push_back(std::move(content));
  return id;
}

std::uint16_t McapWriter::add_channel(std::uint16_t schema_id, const std::string& topic,
                                      const std::string& message_encoding,
                                      const std::map<std::string, std::string>& metadata) {
  if (schema_id > schema_records_.size()) throw std::invalid_argument("unknown schema id " + std::to_string(schema_id));
  if (channel_records_.size() >= 0xFFFF) throw std::invalid_argument("too many channels");
  const auto id = static_cast<std::uint16_t>(channel_records_.size() + 1);
  std::vector<std::uint8_t> content;
  Out o{content};
  o.u16(id);
  o.u16(schema_id);
  o.str(topic);
  o.str(message_encoding);
  o.string_map(metadata);
  put_record(kChannel, content);
  channel_records_.push_back(std::move(content));
  channel_schema_[id] = schema_id;
  return id;
}

void McapWriter::add_message(std::uint16_t channel_id, std::uint64_t log_time, std::uint64_t publish_time,
                             std::uint32_t sequence, std::span<const std::uint8_t> data) {
  if (!channel_schema_.count(channel_id))
    throw std::invalid_argument("unknown channel id " + std::to_string(channel_id));
  std::vector<std::uint8_t> content;
  content.reserve(22 + data.size());
  Out o{content};
  o.u16(channel_id);
  o.u32(sequence);
  o.u64(log_time);
  o.u64(publish_time);
  o.raw(data);
  if (options_.chunked) {
    chunk_index_[channel_id].emplace_back(log_time, chunk_.size());
    chunk_start_ = chunk_has_time_ ? std::min(chunk_start_, log_time) : log_time;
    chunk_end_ = chunk_has_time_ ? std::max(chunk_end_, log_time) : log_time;
    chunk_has_time_ = true;
    ++chunk_messages_;
  }
  put_record(kMessage, content);
  start_time_ = message_count_ ? std::min(start_time_, log_time) : log_time;
  end_time_ = message_count_ ? std::max(end_time_, log_time) : log_time;
  ++message_count_;
  ++channel_counts_[channel_id];
  if (options_.chunked && chunk_.size() >= options_.chunk_size) flush_chunk();
}

void McapWriter::add_attachment(const std::string& name, const std::string& media_type, std::uint64_t log_time,
                                std::uint64_t create_time, std::span<const std::uint8_t> data) {
  flush_chunk();
  std::vector<std::uint8_t> content;
  Out o{content};
  o.u64(log_time);
  o.u64(create_time);
  o.str(name);
  o.str(media_type);
  o.u64(data.size());
  o.raw(data);
  o.u32(options_.crcs ? crc32_of(0, content) : 0);
  attachment_indexes_.push_back({offset_, 9 + content.size(), log_time, create_time, data.size(), name, media_type});
  write_record(kAttachment, content);
}

void McapWriter::add_metadata(const std::string& name, const std::map<std::string, std::string>& metadata) {
  flush_chunk();
  std::vector<std::uint8_t> content;
  Out o{content};
  o.str(name);
  o.string_map(metadata);
  metadata_indexes_.push_back({offset_, 9 + content.size(), name});
  write_record(kMetadata, content);
}

std::uint64_t McapWriter::add_raw_record(std::uint8_t opcode, std::span<const std::uint8_t> content, bool top_level) {
  const std::vector<std::uint8_t> c(content.begin(), content.end());
  if (top_level || !options_.chunked) {
    flush_chunk();
    const std::uint64_t at = offset_;
    write_record(opcode, c);
    return at;
  }
  const std::uint64_t at = chunk_.size();
  put_record(opcode, c);
  return at;
}

std::string McapWriter::compression_name() const {
  switch (options_.compression) {
    case McapWriterCompression::zstd:
      return "zstd";
    case McapWriterCompression::lz4:
      return "lz4";
    default:
      return "";
  }
}

std::vector<std::uint8_t> McapWriter::compress(const std::vector<std::uint8_t>& records) const {
  std::vector<std::uint8_t> out;
  if (options_.compression == McapWriterCompression::zstd) {
    out.resize(ZSTD_compressBound(records.size()));
    const std::size_t n = ZSTD_compress(out.data(), out.size(), records.data(), records.size(), 1);
    if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
    out.resize(n);
  } else if (options_.compression == McapWriterCompression::lz4) {
    LZ4F_preferences_t prefs{};
    prefs.frameInfo.contentSize = records.size();
    out.resize(LZ4F_compressFrameBound(records.size(), &prefs));
    const std::size_t n = LZ4F_compressFrame(out.data(), out.size(), records.data(), records.size(), &prefs);
    if (LZ4F_isError(n)) throw std::runtime_error(std::string("lz4: ") + LZ4F_getErrorName(n));
    out.resize(n);
  } else {
    out = records;
  }
  return out;
}

void McapWriter::flush_chunk() {
  if (!options_.chunked || chunk_.empty()) return;
  const std::vector<std::uint8_t> compressed = compress(chunk_);
  std::vector<std::uint8_t> content;
  content.reserve(compressed.size() + 64);
  Out o{content};
  o.u64(chunk_has_time_ ? chunk_start_ : 0);
  o.u64(chunk_has_time_ ? chunk_end_ : 0);
  o.u64(chunk_.size());
  o.u32(options_.crcs ? crc32_of(0, chunk_) : 0);
  o.str(compression_name());
  o.u64(compressed.size());
  o.raw(compressed);

  ChunkIndexEntry ci;
  ci.start_time = chunk_has_time_ ? chunk_start_ : 0;
  ci.end_time = chunk_has_time_ ? chunk_end_ : 0;
  ci.offset = offset_;
  ci.length = 9 + content.size();
  ci.compressed = compressed.size();
  ci.uncompressed = chunk_.size();
  write_record(kChunk, content);
  if (options_.message_indexes) {
    for (const auto& [channel, entries] : chunk_index_) {
      ci.index_offsets[channel] = offset_;
      std::vector<std::uint8_t> mi;
      Out m{mi};
      m.u16(channel);
      m.u32(static_cast<std::uint32_t>(entries.size() * 16));
      for (const auto& [t, off] : entries) {
        m.u64(t);
        m.u64(off);
      }
      write_record(kMessageIndex, mi);
    }
  }
  ci.index_length = offset_ - ci.offset - ci.length;
  chunk_places_.push_back(
      {ci.offset, ci.length, offset_, static_cast<std::size_t>(message_count_) - chunk_messages_, chunk_messages_});
  chunk_indexes_.push_back(std::move(ci));
  chunk_.clear();
  chunk_index_.clear();
  chunk_messages_ = 0;
  chunk_has_time_ = false;
}

void McapWriter::close() {
  if (closed_) return;
  closed_ = true;
  flush_chunk();

  data_end_offset_ = offset_;
  const std::uint32_t data_crc = options_.crcs ? data_crc_ : 0;
  data_crc_on_ = false;
  std::vector<std::uint8_t> data_end;
  Out{data_end}.u32(data_crc);
  write_record(kDataEnd, data_end);

  std::uint64_t summary_offset_start = 0;
  if (options_.summary) {
    summary_start_ = offset_;
    summary_crc_on_ = true;
    struct Group {
      std::uint8_t opcode;
      std::uint64_t start, length;
    };
    std::vector<Group> groups;
    const auto group = [&](std::uint8_t opcode, const std::vector<std::vector<std::uint8_t>>& records) {
      if (records.empty()) return;
      const std::uint64_t start = offset_;
      for (const auto& r : records) write_record(opcode, r);
      groups.push_back({opcode, start, offset_ - start});
    };
    group(kSchema, schema_records_);
    group(kChannel, channel_records_);

    std::vector<std::uint8_t> stats;
    Out s{stats};
    s.u64(message_count_);
    s.u16(static_cast<std::uint16_t>(schema_records_.size()));
    s.u32(static_cast<std::uint32_t>(channel_records_.size()));
    s.u32(static_cast<std::uint32_t>(attachment_indexes_.size()));
    s.u32(static_cast<std::uint32_t>(metadata_indexes_.size()));
    s.u32(static_cast<std::uint32_t>(chunk_indexes_.size()));
    s.u64(start_time_);
    s.u64(end_time_);
    s.u16_u64_map(channel_counts_);
    group(kStatistics, {stats});

    std::vector<std::vector<std::uint8_t>> records;
    for (const auto& ci : chunk_indexes_) {
      std::vector<std::uint8_t> r;
      Out o{r};
      o.u64(ci.start_time);
      o.u64(ci.end_time);
      o.u64(ci.offset);
      o.u64(ci.length);
      o.u16_u64_map(ci.index_offsets);
      o.u64(ci.index_length);
      o.str(compression_name());
      o.u64(ci.compressed);
      o.u64(ci.uncompressed);
      records.push_back(std::move(r));
    }
    group(kChunkIndex, records);
    records.clear();
    for (const auto& a : attachment_indexes_) {
      std::vector<std::uint8_t> r;
      Out o{r};
      o.u64(a.offset);
      o.u64(a.length);
      o.u64(a.log_time);
      o.u64(a.create_time);
      o.u64(a.data_size);
      o.str(a.name);
      o.str(a.media_type);
      records.push_back(std::move(r));
    }
    group(kAttachmentIndex, records);
    records.clear();
    for (const auto& m : metadata_indexes_) {
      std::vector<std::uint8_t> r;
      Out o{r};
      o.u64(m.offset);
      o.u64(m.length);
      o.str(m.name);
      records.push_back(std::move(r));
    }
    group(kMetadataIndex, records);

    if (options_.summary_offsets) {
      summary_offset_start = offset_;
      for (const auto& g : groups) {
        std::vector<std::uint8_t> r;
        Out o{r};
        o.u8(g.opcode);
        o.u64(g.start);
        o.u64(g.length);
        write_record(kSummaryOffset, r);
      }
    }
  }

  // Footer: the summary CRC runs from the summary's start through summary_offset_start.
  std::vector<std::uint8_t> footer;
  Out f{footer};
  f.u8(kFooter);
  f.u64(20);
  f.u64(summary_start_);
  f.u64(summary_offset_start);
  write(footer);
  std::vector<std::uint8_t> crc;
  Out{crc}.u32(options_.crcs && options_.summary ? summary_crc_ : 0);
  summary_crc_on_ = false;
  write(crc);
  write(kMagic);
  flush_file();
  if (std::fflush(file_) != 0 || std::fclose(file_) != 0) {
    file_ = nullptr;
    throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(errno));
  }
  file_ = nullptr;
}

}  // namespace dc::core::generator

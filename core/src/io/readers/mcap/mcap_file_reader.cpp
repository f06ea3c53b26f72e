#include "io/readers/mcap/mcap_file_reader.h"

#include "dc/core/io/parse_error.h"
#include "dc/core/model/ingest_error.h"
#include "io/readers/mcap/mcap_block_reader.h"
#include "io/readers/mcap/mcap_byte_reader.h"
#include "io/readers/mcap/mcap_crc.h"
#include "io/readers/mcap/mcap_decompressor.h"

#include <algorithm>
#include <limits>
#include <cstdio>
#include <cstring>
#include <set>

namespace dc::core {

namespace {

using Bytes = std::span<const std::uint8_t>;

// Records other than chunks are read whole only up to this size; a bigger one is skipped (an attachment is
// indexed from its leading fields).
constexpr std::uint64_t kMaxPlainRecord = std::uint64_t(64) << 20;
constexpr std::uint64_t kAttachmentHeadWindow = std::uint64_t(1) << 20;
// A Chunk record is read whole to be decoded: its records decompress to at most 1 GiB.
constexpr std::uint64_t kMaxChunkRecord = McapDecompressor::kMaxUncompressedSize + (std::uint64_t(16) << 20);
constexpr std::size_t kMaxProblems = 1000;

McapDecompressor& decompressor() {
  thread_local McapDecompressor d;
  return d;
}

std::uint64_t le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::string hex8(std::uint8_t v) {
  char s[8];
  std::snprintf(s, sizeof s, "0x%02x", v);
  return s;
}

std::string unknown_opcode(std::uint8_t opcode, std::uint64_t at, std::uint64_t chunk = kMcapNotInChunk) {
  std::string s = "unknown opcode " + hex8(opcode) + " at byte " + std::to_string(at);
  if (chunk != kMcapNotInChunk) s += " of the records of the Chunk at byte " + std::to_string(chunk);
  return s + " skipped";
}

// The message of a Message record's content (`r` at its start, its bytes owned by `storage`), checked against the
// index entry that led to it.
McapMessage indexed_message(McapByteReader& r, const McapMessageRef& ref, std::shared_ptr<const void> storage) {
  const McapMessageHeader h = parse_mcap_message_header(r);
  if (h.channel_id != ref.channel_id || h.log_time != ref.log_time)
    r.fail("holds channel " + std::to_string(h.channel_id) + " at log_time " + std::to_string(h.log_time) +
           ", the index says channel " + std::to_string(ref.channel_id) + " at " + std::to_string(ref.log_time));
  McapMessage m;
  m.channel_id = h.channel_id;
  m.sequence = h.sequence;
  m.log_time = h.log_time;
  m.publish_time = h.publish_time;
  m.data = r.rest();
  m.storage = std::move(storage);
  return m;
}

// Messages in log_time order; equal times in file order (the record holding the message, then its place inside).
bool before(const McapMessageRef& a, const McapMessageRef& b) {
  if (a.log_time != b.log_time) return a.log_time < b.log_time;
  const std::uint64_t fa = a.chunk_offset != kMcapNotInChunk ? a.chunk_offset : a.record_offset;
  const std::uint64_t fb = b.chunk_offset != kMcapNotInChunk ? b.chunk_offset : b.record_offset;
  if (fa != fb) return fa < fb;
  return a.record_offset < b.record_offset;
}

}  // namespace

// A chunk just read by the linear scan whose MessageIndex records follow it.
struct McapFileReader::PendingChunk {
  bool active = false;
  bool broken = false;  // an index record was damaged or cut: decode the chunk instead
  McapChunkInfo info;
  std::vector<McapMessageRef> refs;
};

std::unique_ptr<McapFileReader> McapFileReader::open(const std::filesystem::path& file,
                                                     const McapReadOptions& options) {
  return std::unique_ptr<McapFileReader>(new McapFileReader(file, options));
}

McapFileReader::McapFileReader(const std::filesystem::path& file, const McapReadOptions& options)
    : file_(file), options_(options), cache_(options.chunk_cache_bytes) {
  if (file_.size() < kMcapMagic.size())
    throw ParseError(file, "not an MCAP file: only " + std::to_string(file_.size()) + " bytes");
  std::array<std::uint8_t, 8> magic{};
  file_.read(0, magic);
  if (magic != kMcapMagic) throw ParseError(file, "not an MCAP file: no MCAP magic at byte 0");
  index();
}

// ---------------------------------------------------------------------------------------------------- problems

void McapFileReader::add_problem(const std::string& what) const {
  add_problem_text(file_.path().string() + ": " + what);
}

void McapFileReader::add_problem_text(const std::string& text) const {
  std::lock_guard lock(problems_mutex_);
  if (problems_.size() > kMaxProblems) return;
  if (!problem_set_.insert(text).second) return;  // the same damage met again (e.g. re-decoding a chunk)
  if (problems_.size() == kMaxProblems) {
    problems_.push_back(file_.path().string() + ": more problems; not listed");
    return;
  }
  problems_.push_back(safe_message(text));
}

std::vector<std::string> McapFileReader::problems() const {
  std::lock_guard lock(problems_mutex_);
  return problems_;
}

McapRecordPlace McapFileReader::place(std::uint8_t opcode, std::uint64_t offset, std::uint64_t chunk) const {
  return McapRecordPlace{&file_.path(), opcode, offset, chunk};
}

// ---------------------------------------------------------------------------------------------------- indexing

void McapFileReader::index() {
  if (options_.use_summary && read_summary()) {
    from_summary_ = true;
  } else {
    reset_index();
    linear_scan();
  }
  resolve_channels();
  finish();
}

void McapFileReader::reset_index() {
  header_ = {};
  schemas_.clear();
  channels_.clear();
  messages_.clear();
  chunks_.clear();
  attachments_.clear();
  metadata_.clear();
  statistics_.reset();
  from_summary_ = false;
}

void McapFileReader::add_schema(McapSchema schema, const McapRecordPlace& where) {
  if (schema.id == 0) {
    add_problem(where.describe() + ": schema id 0 is reserved; skipped");
    return;
  }
  auto [it, inserted] = schemas_.try_emplace(schema.id, std::move(schema));
  if (!inserted && !(it->second == schema))
    add_problem(where.describe() + ": schema " + std::to_string(it->first) +
                " differs from an earlier Schema record of that id; the first is kept");
}

void McapFileReader::add_channel(McapChannel channel, const McapRecordPlace& where) {
  auto [it, inserted] = channels_.try_emplace(channel.id, std::move(channel));
  if (!inserted && !(it->second == channel))
    add_problem(where.describe() + ": channel " + std::to_string(it->first) +
                " differs from an earlier Channel record of that id; the first is kept");
}

void McapFileReader::read_header_record() {
  try {
    if (file_.size() < kMcapMagic.size() + kMcapRecordPrefixSize)
      throw ParseError(file_.path(), "truncated at byte " + std::to_string(file_.size()) + " before the Header");
    std::array<std::uint8_t, kMcapRecordPrefixSize> prefix{};
    file_.read(kMcapMagic.size(), prefix);
    const std::uint64_t len = le64(prefix.data() + 1);
    if (prefix[0] != mcap_op::header)
      throw ParseError(file_.path(), std::string("the first record (byte 8) is a ") + mcap_opcode_name(prefix[0]) +
                                         " record, not a Header");
    if (len > std::min(kMaxPlainRecord, file_.size() - 17))
      throw ParseError(file_.path(), "Header record at byte 8: length " + std::to_string(len) + " is impossible");
    const auto content = file_.read(17, len);
    McapByteReader r(content, place(mcap_op::header, 8));
    header_ = parse_mcap_header(r);
  } catch (const ParseError& e) {
    add_problem_text(e.what());
  }
}

bool McapFileReader::read_summary() {
  const std::uint64_t size = file_.size();
  if (size < kMcapMagic.size() + kMcapFooterTailSize) return false;  // the linear scan reports the cut
  const std::uint64_t footer_at = size - kMcapFooterTailSize;
  std::array<std::uint8_t, kMcapFooterTailSize> tail{};
  file_.read(footer_at, tail);
  if (!std::equal(kMcapMagic.begin(), kMcapMagic.end(), tail.end() - 8)) {
    add_problem("no MCAP magic at the end of the file (byte " + std::to_string(size - 8) +
                "): the file is cut short or damaged; indexed by a linear scan");
    return false;
  }
  if (tail[0] != mcap_op::footer || le64(tail.data() + 1) != kMcapFooterContentSize) {
    add_problem("no Footer record at byte " + std::to_string(footer_at) + "; indexed by a linear scan");
    return false;
  }
  McapByteReader fr(Bytes(tail).subspan(kMcapRecordPrefixSize, kMcapFooterContentSize),
                    place(mcap_op::footer, footer_at));
  const McapFooter footer = parse_mcap_footer(fr);
  if (footer.summary_start == 0) return false;  // no summary: the normal way to index such a file is a scan

  try {
    const auto bad = [&](const std::string& what) { throw ParseError(file_.path(), what); };
    if (footer.summary_start < kMcapMagic.size() + kMcapRecordPrefixSize || footer.summary_start > footer_at)
      bad("Footer at byte " + std::to_string(footer_at) + ": summary_start " + std::to_string(footer.summary_start) +
          " is outside the file's records");
    if (footer.summary_offset_start != 0 &&
        (footer.summary_offset_start < footer.summary_start || footer.summary_offset_start > footer_at))
      bad("Footer at byte " + std::to_string(footer_at) + ": summary_offset_start " +
          std::to_string(footer.summary_offset_start) + " is outside the summary");
    // The summary CRC covers the summary, the summary offsets and the Footer up to its summary_crc field.
    const std::uint64_t crc_end = footer_at + kMcapRecordPrefixSize + 16;
    const auto summary = file_.read(footer.summary_start, crc_end - footer.summary_start);
    if (footer.summary_crc != 0) {
      const std::uint32_t crc = mcap_crc32(0, summary);
      if (crc != footer.summary_crc)
        bad("summary CRC mismatch (stored " + std::to_string(footer.summary_crc) + ", computed " + std::to_string(crc) +
            ")");
    }
    std::vector<McapChunkIndex> chunk_indexes;
    const std::uint64_t records_end = footer_at - footer.summary_start;
    for (std::uint64_t pos = 0; pos < records_end;) {
      const std::uint64_t at = footer.summary_start + pos;
      if (records_end - pos < kMcapRecordPrefixSize)
        bad("summary: a record header at byte " + std::to_string(at) + " runs into the Footer");
      const std::uint8_t opcode = summary[pos];
      const std::uint64_t len = le64(summary.data() + pos + 1);
      if (len > records_end - pos - kMcapRecordPrefixSize)
        bad(place(opcode, at).describe() + ": its length " + std::to_string(len) + " runs into the Footer");
      McapByteReader r(Bytes(summary).subspan(pos + kMcapRecordPrefixSize, len), place(opcode, at));
      switch (opcode) {
        case mcap_op::schema:
          add_schema(parse_mcap_schema(r), r.place());
          break;
        case mcap_op::channel:
          add_channel(parse_mcap_channel(r), r.place());
          break;
        case mcap_op::chunk_index:
          chunk_indexes.push_back(parse_mcap_chunk_index(r));
          break;
        case mcap_op::attachment_index:
          attachments_.push_back(parse_mcap_attachment_index(r));
          break;
        case mcap_op::metadata_index:
          metadata_.push_back(parse_mcap_metadata_index(r));
          break;
        case mcap_op::statistics:
          statistics_ = parse_mcap_statistics(r);
          break;
        case mcap_op::summary_offset:
          parse_mcap_summary_offset(r);
          break;
        default:
          if (std::strcmp(mcap_opcode_name(opcode), "unknown") == 0)
            add_problem(unknown_opcode(opcode, at));
          else
            add_problem(r.place().describe() + ": not a summary record; skipped");
      }
      pos += kMcapRecordPrefixSize + len;
    }
    for (const auto& a : attachments_)
      if (a.offset < 8 || a.length < kMcapRecordPrefixSize || a.length > footer.summary_start ||
          a.offset > footer.summary_start - a.length)
        bad("AttachmentIndex \"" + a.name + "\": offset " + std::to_string(a.offset) + " + length " +
            std::to_string(a.length) + " is outside the data section");
    for (const auto& m : metadata_)
      if (m.offset < 8 || m.length < kMcapRecordPrefixSize || m.length > footer.summary_start ||
          m.offset > footer.summary_start - m.length)
        bad("MetadataIndex \"" + m.name + "\": offset " + std::to_string(m.offset) + " + length " +
            std::to_string(m.length) + " is outside the data section");

    read_header_record();

    // The messages: MessageIndex records after each chunk (only a chunk without them is decoded).
    std::sort(chunk_indexes.begin(), chunk_indexes.end(),
              [](const auto& a, const auto& b) { return a.chunk_start_offset < b.chunk_start_offset; });
    const std::uint64_t data_end = footer.summary_start;
    for (const auto& ci : chunk_indexes) {
      const std::uint64_t start = ci.chunk_start_offset;
      if (start < 8 || ci.chunk_length < kMcapRecordPrefixSize || ci.chunk_length > data_end ||
          start > data_end - ci.chunk_length || ci.message_index_length > data_end - start - ci.chunk_length)
        bad("ChunkIndex for the chunk at byte " + std::to_string(start) + ": the chunk (" +
            std::to_string(ci.chunk_length) + " bytes) and its message indexes (" +
            std::to_string(ci.message_index_length) + " bytes) are not inside the data section");
      if (!chunks_.empty() && start < chunks_.back().offset + chunks_.back().length)
        bad("ChunkIndex for the chunk at byte " + std::to_string(start) + " overlaps the previous chunk");
      McapChunkInfo info{start,          ci.chunk_length,    ci.message_start_time, ci.message_end_time,
                         ci.compression, ci.compressed_size, ci.uncompressed_size,  false};
      if (!ci.message_index_offsets.empty() && ci.message_index_length > 0) {
        const std::uint64_t index_at = start + ci.chunk_length;
        const auto region = file_.read(index_at, ci.message_index_length);
        for (std::uint64_t pos = 0; pos < region.size();) {
          const std::uint64_t at = index_at + pos;
          if (region.size() - pos < kMcapRecordPrefixSize)
            bad("message indexes of the chunk at byte " + std::to_string(start) + ": a record header at byte " +
                std::to_string(at) + " runs past message_index_length");
          const std::uint8_t opcode = region[pos];
          const std::uint64_t len = le64(region.data() + pos + 1);
          if (len > region.size() - pos - kMcapRecordPrefixSize)
            bad(place(opcode, at).describe() + ": runs past the chunk's message_index_length");
          if (opcode == mcap_op::message_index) {
            McapByteReader r(Bytes(region).subspan(pos + kMcapRecordPrefixSize, len), place(opcode, at));
            const McapMessageIndex mi = parse_mcap_message_index(r);
            for (const auto& [t, offset] : mi.records) {
              if (offset >= ci.uncompressed_size)
                r.fail("offset " + std::to_string(offset) + " is past the chunk's " +
                       std::to_string(ci.uncompressed_size) + " uncompressed bytes");
              McapMessageRef ref;
              ref.channel_id = mi.channel_id;
              ref.log_time = t;
              ref.chunk_offset = start;
              ref.record_offset = offset;
              messages_.push_back(ref);
            }
          }
          pos += kMcapRecordPrefixSize + len;
        }
        info.message_index = true;
      } else {
        try {
          walk_chunk(*chunk_records(start), start, true);
        } catch (const ParseError& e) {
          add_problem_text(std::string(e.what()) + "; its messages skipped");
        }
      }
      chunks_.push_back(std::move(info));
    }
  } catch (const ParseError& e) {
    add_problem_text(std::string(e.what()) + "; the summary is not used, the file is indexed by a linear scan");
    return false;
  }

  // Top-level messages are in no index: only Statistics can tell the indexes hold every message.
  if (!statistics_) return !chunks_.empty();
  if (statistics_->message_count < messages_.size())
    add_problem("the Statistics record counts " + std::to_string(statistics_->message_count) +
                " messages, the message indexes list " + std::to_string(messages_.size()) +
                "; indexed by a linear scan");
  return statistics_->message_count == messages_.size();
}

void McapFileReader::linear_scan() {
  const std::uint64_t size = file_.size();
  file_.advise_sequential();
  McapBlockReader in(file_, 0);
  in.consume(kMcapMagic.size());  // the magic is part of the data section CRC
  bool in_data = true;
  bool first = true;
  bool found_footer = false;
  PendingChunk pending;
  const auto read_so_far = [&] { return std::to_string(messages_.size()) + " messages before it were read"; };

  for (bool done = false; !done;) {
    const std::uint64_t at = in.position();
    // The file ends here: a chunk waiting for its MessageIndex records may have lost some; it is whole, so
    // decode it instead.
    if (in.remaining() < kMcapRecordPrefixSize && pending.active) pending.broken = true;
    if (in.remaining() == 0) {
      finish_pending(pending);
      add_problem("truncated at byte " + std::to_string(size) + ": the file ends without " +
                  (in_data ? "a DataEnd record" : "a Footer record") + "; " + std::to_string(messages_.size()) +
                  " messages were read");
      break;
    }
    if (in.remaining() < kMcapRecordPrefixSize) {
      finish_pending(pending);
      add_problem("truncated at byte " + std::to_string(size) + " inside the header of a record at byte " +
                  std::to_string(at) + "; " + read_so_far());
      break;
    }
    const auto prefix = in.peek(kMcapRecordPrefixSize);
    const std::uint8_t opcode = prefix[0];
    const std::uint64_t len = le64(prefix.data() + 1);
    if (opcode != mcap_op::message_index) finish_pending(pending);
    if (len > in.remaining() - kMcapRecordPrefixSize) {
      if (pending.active) pending.broken = true;  // the chunk is whole: decode it instead of its cut index
      finish_pending(pending);
      const char* name = mcap_opcode_name(opcode);
      add_problem("truncated at byte " + std::to_string(size) + " inside " +
                  (std::strcmp(name, "unknown") == 0 ? "a record of unknown opcode " + hex8(opcode)
                                                     : std::string("a ") + name + " record") +
                  " (at byte " + std::to_string(at) + ", " + std::to_string(len) + " bytes long); " + read_so_far());
      break;
    }
    const std::uint32_t crc_before = in.crc();
    in.consume(kMcapRecordPrefixSize);
    if (first && opcode != mcap_op::header)
      add_problem(std::string("the first record (byte 8) is a ") + mcap_opcode_name(opcode) + " record, not a Header");
    first = false;

    try {
      switch (opcode) {
        case mcap_op::message: {
          McapByteReader r(in.peek(std::min(len, kMcapMessageFixedSize)), place(opcode, at));
          const McapMessageHeader h = parse_mcap_message_header(r);
          messages_.push_back(McapMessageRef{h.channel_id, true, h.sequence, h.log_time, h.publish_time,
                                             kMcapNotInChunk, at, len - kMcapMessageFixedSize});
          break;
        }
        case mcap_op::chunk: {
          if (len > kMaxChunkRecord) {
            add_problem(place(opcode, at).describe() + ": " + std::to_string(len) +
                        " bytes, over the limit; its messages skipped");
            break;
          }
          const bool more = in.remaining() > len;
          const auto bytes = in.peek(len + (more ? 1 : 0));
          const auto content = bytes.first(len);
          McapByteReader r(content, place(opcode, at));
          const McapChunkHeader h = parse_mcap_chunk_header(r);
          McapChunkInfo info{at,
                             kMcapRecordPrefixSize + len,
                             h.message_start_time,
                             h.message_end_time,
                             h.compression,
                             h.compressed_size,
                             h.uncompressed_size,
                             false};
          if (more && bytes[len] == mcap_op::message_index) {
            // Its MessageIndex records follow: list the messages from them, no decompression.
            pending = PendingChunk{true, false, std::move(info), {}};
            break;
          }
          try {
            walk_chunk(*decode_chunk(content, at), at, true);
          } catch (const ParseError& e) {
            add_problem_text(std::string(e.what()) + "; its messages skipped");
          }
          chunks_.push_back(std::move(info));
          break;
        }
        case mcap_op::message_index: {
          if (!pending.active || pending.broken) break;  // not after a chunk: nothing to index
          if (len > kMaxPlainRecord) {
            pending.broken = true;
            break;
          }
          McapByteReader r(in.peek(len), place(opcode, at));
          try {
            const McapMessageIndex mi = parse_mcap_message_index(r);
            for (const auto& [t, offset] : mi.records) {
              if (offset >= pending.info.uncompressed_size)
                r.fail("offset " + std::to_string(offset) + " is past the chunk's " +
                       std::to_string(pending.info.uncompressed_size) + " uncompressed bytes");
              McapMessageRef ref;
              ref.channel_id = mi.channel_id;
              ref.log_time = t;
              ref.chunk_offset = pending.info.offset;
              ref.record_offset = offset;
              pending.refs.push_back(ref);
            }
          } catch (const ParseError& e) {
            add_problem_text(std::string(e.what()) + "; the chunk is decoded instead");
            pending.broken = true;
          }
          break;
        }
        case mcap_op::data_end: {
          McapByteReader r(in.peek(std::min<std::uint64_t>(len, 4)), place(opcode, at));
          const McapDataEnd d = parse_mcap_data_end(r);
          if (d.data_section_crc != 0 && d.data_section_crc != crc_before)
            add_problem("data section CRC mismatch (stored " + std::to_string(d.data_section_crc) + ", computed " +
                        std::to_string(crc_before) + "; DataEnd at byte " + std::to_string(at) + ")");
          in_data = false;
          in.set_crc_enabled(false);
          break;
        }
        case mcap_op::footer: {
          done = found_footer = true;
          break;
        }
        case mcap_op::attachment: {
          // Indexed from its leading fields; the CRC is checked when the record is small enough to read whole.
          const bool whole = len <= kMaxPlainRecord;
          const auto bytes = in.peek(whole ? len : std::min(len, kAttachmentHeadWindow));
          McapByteReader r(bytes, place(opcode, at));
          McapAttachmentIndex a;
          a.offset = at;
          a.length = kMcapRecordPrefixSize + len;
          a.log_time = r.u64("log_time");
          a.create_time = r.u64("create_time");
          a.name = r.string("name");
          a.media_type = r.string("media_type");
          a.data_size = r.u64("data length");
          if (a.data_size > len - r.position() || len - r.position() - a.data_size < 4)
            r.fail("data length " + std::to_string(a.data_size) + " runs past the record");
          if (whole) {
            const std::uint64_t crc_at = r.position() + a.data_size;
            r.bytes(a.data_size, "data");
            const std::uint32_t stored = r.u32("crc");
            const std::uint32_t crc = mcap_crc32(0, bytes.first(crc_at));
            if (stored != 0 && stored != crc)
              add_problem(r.place().describe() + ": CRC mismatch (stored " + std::to_string(stored) + ", computed " +
                          std::to_string(crc) + ")");
          }
          attachments_.push_back(std::move(a));
          break;
        }
        case mcap_op::header:
        case mcap_op::schema:
        case mcap_op::channel:
        case mcap_op::metadata:
        case mcap_op::statistics: {
          if (len > kMaxPlainRecord) {
            add_problem(place(opcode, at).describe() + ": " + std::to_string(len) + " bytes, over the limit; skipped");
            break;
          }
          McapByteReader r(in.peek(len), place(opcode, at));
          if (opcode == mcap_op::header)
            header_ = parse_mcap_header(r);
          else if (opcode == mcap_op::schema)
            add_schema(parse_mcap_schema(r), r.place());
          else if (opcode == mcap_op::channel)
            add_channel(parse_mcap_channel(r), r.place());
          else if (opcode == mcap_op::metadata) {
            McapMetadataIndex m;
            m.offset = at;
            m.length = kMcapRecordPrefixSize + len;
            m.name = parse_mcap_metadata(r).name;
            metadata_.push_back(std::move(m));
          } else {
            statistics_ = parse_mcap_statistics(r);
          }
          break;
        }
        case mcap_op::chunk_index:
        case mcap_op::attachment_index:
        case mcap_op::metadata_index:
        case mcap_op::summary_offset:
          break;  // summary records: the scan builds what they say from the data section itself
        default:
          add_problem(unknown_opcode(opcode, at));
      }
    } catch (const ParseError& e) {
      add_problem_text(std::string(e.what()) + "; skipped");
    }
    in.consume(len);
  }
  if (!found_footer) return;
  const std::uint64_t footer_end = in.position();
  if (in.remaining() < kMcapMagic.size()) {
    add_problem("truncated at byte " + std::to_string(size) + ": no MCAP magic after the Footer (ends at byte " +
                std::to_string(footer_end) + ")");
    return;
  }
  const auto magic = in.peek(kMcapMagic.size());
  if (!std::equal(magic.begin(), magic.end(), kMcapMagic.begin()))
    add_problem("no MCAP magic after the Footer (at byte " + std::to_string(footer_end) + ")");
}

void McapFileReader::finish_pending(PendingChunk& pending) {
  if (!pending.active) return;
  if (!pending.broken) {
    messages_.insert(messages_.end(), pending.refs.begin(), pending.refs.end());
    pending.info.message_index = true;
  } else {
    try {
      walk_chunk(*chunk_records(pending.info.offset), pending.info.offset, true);
    } catch (const ParseError& e) {
      add_problem_text(std::string(e.what()) + "; its messages skipped");
    }
  }
  chunks_.push_back(std::move(pending.info));
  pending = PendingChunk{};
}

void McapFileReader::walk_chunk(const std::vector<std::uint8_t>& records, std::uint64_t chunk_offset, bool messages) {
  const std::uint64_t size = records.size();
  const std::string chunk_name = "the Chunk at byte " + std::to_string(chunk_offset);
  for (std::uint64_t pos = 0; pos < size;) {
    if (size - pos < kMcapRecordPrefixSize) {
      add_problem(chunk_name + ": its records end inside a record header at byte " + std::to_string(pos) +
                  "; the rest of the chunk skipped");
      return;
    }
    const std::uint8_t opcode = records[pos];
    const std::uint64_t len = le64(records.data() + pos + 1);
    const McapRecordPlace where = place(opcode, pos, chunk_offset);
    if (len > size - pos - kMcapRecordPrefixSize) {
      add_problem(where.describe() + ": its length " + std::to_string(len) +
                  " runs past the chunk's records; the rest of the chunk skipped");
      return;
    }
    McapByteReader r(Bytes(records).subspan(pos + kMcapRecordPrefixSize, len), where);
    try {
      switch (opcode) {
        case mcap_op::schema:
          add_schema(parse_mcap_schema(r), where);
          break;
        case mcap_op::channel:
          add_channel(parse_mcap_channel(r), where);
          break;
        case mcap_op::message:
          if (messages) {
            const McapMessageHeader h = parse_mcap_message_header(r);
            messages_.push_back(McapMessageRef{h.channel_id, true, h.sequence, h.log_time, h.publish_time, chunk_offset,
                                               pos, len - kMcapMessageFixedSize});
          }
          break;
        default:
          if (std::strcmp(mcap_opcode_name(opcode), "unknown") == 0)
            add_problem(unknown_opcode(opcode, pos, chunk_offset));
          else
            add_problem(where.describe() + ": not allowed inside a chunk; skipped");
      }
    } catch (const ParseError& e) {
      add_problem_text(std::string(e.what()) + "; skipped");
    }
    pos += kMcapRecordPrefixSize + len;
  }
}

void McapFileReader::resolve_channels() {
  // Channels (and their schemas) the messages use but no record seen so far defines: they are in chunks that
  // were listed from their MessageIndex records without being decoded. Decode those, in file order, until found.
  std::set<std::uint16_t> missing_channels, missing_schemas;
  const auto update = [&] {
    missing_channels.clear();
    missing_schemas.clear();
    std::uint16_t last = 0;
    bool have_last = false;
    for (const auto& m : messages_) {
      if (have_last && m.channel_id == last) continue;
      last = m.channel_id;
      have_last = true;
      if (!channels_.count(m.channel_id)) missing_channels.insert(m.channel_id);
    }
    for (const auto& [id, c] : channels_)
      if (c.schema_id != 0 && !schemas_.count(c.schema_id)) missing_schemas.insert(c.schema_id);
  };
  update();
  for (const auto& chunk : chunks_) {
    if (missing_channels.empty() && missing_schemas.empty()) break;
    if (!chunk.message_index) continue;  // decoded while indexing: its records were seen
    try {
      walk_chunk(*chunk_records(chunk.offset), chunk.offset, false);
    } catch (const ParseError& e) {
      add_problem_text(e.what());
    }
    update();
  }
  for (std::uint16_t id : missing_channels) {
    const auto n = std::count_if(messages_.begin(), messages_.end(), [&](const auto& m) { return m.channel_id == id; });
    add_problem("no Channel record for channel id " + std::to_string(id) + ", used by " + std::to_string(n) +
                " messages");
  }
  for (std::uint16_t id : missing_schemas)
    add_problem("no Schema record for schema id " + std::to_string(id) + ", named by a channel");
}

void McapFileReader::finish() {
  std::sort(messages_.begin(), messages_.end(), before);
  std::sort(chunks_.begin(), chunks_.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  by_channel_.clear();
  for (std::size_t i = 0; i < messages_.size(); ++i)
    by_channel_[messages_[i].channel_id].push_back(static_cast<std::uint32_t>(i));
}

// ---------------------------------------------------------------------------------------------------- access

std::vector<McapMessageRef> McapFileReader::messages_in(std::uint16_t channel_id, std::uint64_t t0,
                                                        std::uint64_t t1) const {
  std::vector<McapMessageRef> out;
  const auto it = by_channel_.find(channel_id);
  if (it == by_channel_.end() || t1 <= t0) return out;
  const auto& idx = it->second;
  const auto time_less = [&](std::uint32_t i, std::uint64_t t) { return messages_[i].log_time < t; };
  const auto lo = std::lower_bound(idx.begin(), idx.end(), t0, time_less);
  const auto hi = std::lower_bound(lo, idx.end(), t1, time_less);
  out.reserve(static_cast<std::size_t>(hi - lo));
  for (auto i = lo; i != hi; ++i) out.push_back(messages_[*i]);
  return out;
}

McapFileReader::Records McapFileReader::decode_chunk(std::span<const std::uint8_t> content,
                                                     std::uint64_t chunk_offset) const {
  decodes_.fetch_add(1);
  const McapRecordPlace where = place(mcap_op::chunk, chunk_offset);
  McapByteReader r(content, where);
  const McapChunkHeader h = parse_mcap_chunk_header(r);
  const auto compressed = r.bytes(h.compressed_size, "records");
  auto records = decompressor().decompress(h.compression, compressed, h.uncompressed_size, where);
  check_chunk_crc(h, records, chunk_offset);
  return std::make_shared<const std::vector<std::uint8_t>>(std::move(records));
}

void McapFileReader::check_chunk_crc(const McapChunkHeader& h, std::span<const std::uint8_t> records,
                                     std::uint64_t chunk_offset) const {
  if (h.uncompressed_crc == 0) return;
  const std::uint32_t crc = mcap_crc32(0, records);
  if (crc != h.uncompressed_crc)
    throw ParseError(file_.path(), place(mcap_op::chunk, chunk_offset).describe() +
                                       ": uncompressed CRC mismatch (stored " + std::to_string(h.uncompressed_crc) +
                                       ", computed " + std::to_string(crc) + ")");
}

std::uint64_t McapFileReader::record_length(std::uint64_t at, std::uint8_t opcode, std::uint64_t max_length) const {
  const McapRecordPlace where = place(opcode, at);
  const std::uint64_t size = file_.size();
  if (at > size || size - at < kMcapRecordPrefixSize)
    throw ParseError(file_.path(), where.describe() + ": past the end of the file");
  std::array<std::uint8_t, kMcapRecordPrefixSize> prefix{};
  file_.read(at, prefix);
  const std::uint64_t len = le64(prefix.data() + 1);
  if (prefix[0] != opcode)
    throw ParseError(file_.path(),
                     where.describe() + ": the record there is a " + mcap_opcode_name(prefix[0]) + " record");
  if (len > size - at - kMcapRecordPrefixSize || len > max_length)
    throw ParseError(file_.path(), where.describe() + ": length " + std::to_string(len) +
                                       " runs past the end of the file or over the limit");
  return len;
}

McapFileReader::ChunkHead McapFileReader::read_chunk_head(std::uint64_t chunk_offset,
                                                          std::uint64_t record_length) const {
  // The fixed fields and the compression name; the records that follow are not read here.
  ChunkHead head;
  const std::uint64_t content_at = chunk_offset + kMcapRecordPrefixSize;
  const auto bytes = file_.read(content_at, std::min<std::uint64_t>(record_length, 4096));
  McapByteReader r(bytes, place(mcap_op::chunk, chunk_offset));
  try {
    head.header = parse_mcap_chunk_fields(r);
    head.complete = head.header.compressed_size <= record_length - r.position();
  } catch (const ParseError&) {
    head.complete = false;  // the general path parses it again and reports what is wrong
  }
  head.records_at = content_at + r.position();
  return head;
}

std::optional<McapFileReader::PlainChunk> McapFileReader::plain_chunk(std::uint64_t chunk_offset) const {
  {
    std::lock_guard lock(plain_mutex_);
    if (const auto it = plain_chunks_.find(chunk_offset); it != plain_chunks_.end()) {
      if (it->second && !it->second->error.empty()) throw ParseError(file_.path(), it->second->error);
      return it->second;
    }
  }
  std::optional<PlainChunk> plain;
  const ChunkHead head = read_chunk_head(chunk_offset, record_length(chunk_offset, mcap_op::chunk, kMaxChunkRecord));
  const McapChunkHeader& h = head.header;
  if (head.complete && h.compression.empty() && h.compressed_size == h.uncompressed_size) {
    plain = PlainChunk{head.records_at, h.compressed_size, {}};
    if (h.uncompressed_crc != 0) {
      // Streamed through a buffer the thread keeps: nothing of the size of the chunk is allocated.
      thread_local std::vector<std::uint8_t> buffer(std::size_t(1) << 20);
      std::uint32_t crc = 0;
      for (std::uint64_t at = 0; at < h.compressed_size;) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), h.compressed_size - at));
        file_.read(head.records_at + at, std::span(buffer.data(), n));
        crc = mcap_crc32(crc, std::span<const std::uint8_t>(buffer.data(), n));
        at += n;
      }
      if (crc != h.uncompressed_crc)
        plain->error = place(mcap_op::chunk, chunk_offset).describe() + ": uncompressed CRC mismatch (stored " +
                       std::to_string(h.uncompressed_crc) + ", computed " + std::to_string(crc) + ")";
    }
  }
  {
    std::lock_guard lock(plain_mutex_);
    plain_chunks_.emplace(chunk_offset, plain);
  }
  if (plain && !plain->error.empty()) throw ParseError(file_.path(), plain->error);
  return plain;
}

McapFileReader::Records McapFileReader::chunk_records(std::uint64_t chunk_offset) const {
  return cache_.get(chunk_offset, [&] {
    const std::uint64_t len = record_length(chunk_offset, mcap_op::chunk, kMaxChunkRecord);
    // An uncompressed chunk's records are read straight into their own buffer (no second copy).
    const ChunkHead head = read_chunk_head(chunk_offset, len);
    const McapChunkHeader& h = head.header;
    if (!head.complete || !h.compression.empty() || h.compressed_size != h.uncompressed_size)
      return decode_chunk(file_.read(chunk_offset + kMcapRecordPrefixSize, len), chunk_offset);
    decodes_.fetch_add(1);
    auto records = file_.read(head.records_at, h.compressed_size);
    check_chunk_crc(h, records, chunk_offset);
    return std::make_shared<const std::vector<std::uint8_t>>(std::move(records));
  });
}

McapMessageHead McapFileReader::read_message_head(const McapMessageRef& ref, std::size_t max_bytes) const {
  std::optional<PlainChunk> plain;
  if (ref.chunk_offset != kMcapNotInChunk) {
    try {
      plain = plain_chunk(ref.chunk_offset);
    } catch (const ParseError& e) {
      add_problem_text(e.what());
      throw;
    }
  }
  if (!plain) {
    McapMessageHead head;
    head.message = read_message(ref);
    head.data_size = head.message.data.size();
    return head;
  }
  const McapRecordPlace where = place(mcap_op::message, ref.record_offset, ref.chunk_offset);
  try {
    if (ref.record_offset > plain->size || plain->size - ref.record_offset < kMcapRecordPrefixSize)
      throw ParseError(file_.path(), where.describe() + ": outside the chunk's " + std::to_string(plain->size) +
                                         " bytes of records");
    const std::uint64_t at = plain->records_at + ref.record_offset;
    std::array<std::uint8_t, kMcapRecordPrefixSize> prefix{};
    file_.read(at, prefix);
    const std::uint64_t len = le64(prefix.data() + 1);
    if (prefix[0] != mcap_op::message)
      throw ParseError(file_.path(),
                       where.describe() + ": the record there is a " + mcap_opcode_name(prefix[0]) + " record");
    if (len > plain->size - ref.record_offset - kMcapRecordPrefixSize)
      throw ParseError(file_.path(), where.describe() + ": runs past the chunk's records");
    auto bytes = std::make_shared<std::vector<std::uint8_t>>(
        file_.read(at + kMcapRecordPrefixSize,
                   std::min<std::uint64_t>(len, kMcapMessageFixedSize + std::min<std::uint64_t>(max_bytes, len))));
    McapByteReader r(*bytes, where);
    McapMessageHead head;
    head.message = indexed_message(r, ref, std::move(bytes));
    head.data_size = len - kMcapMessageFixedSize;
    return head;
  } catch (const ParseError& e) {
    add_problem_text(e.what());
    throw;
  }
}

McapMessage McapFileReader::read_message(const McapMessageRef& ref) const {
  try {
    std::shared_ptr<const std::vector<std::uint8_t>> storage;
    std::uint64_t at = ref.record_offset;
    if (ref.chunk_offset == kMcapNotInChunk) {
      const std::uint64_t len = record_length(at, mcap_op::message, std::numeric_limits<std::uint64_t>::max());
      storage = std::make_shared<const std::vector<std::uint8_t>>(file_.read(at + kMcapRecordPrefixSize, len));
      at = 0;
    } else {
      storage = chunk_records(ref.chunk_offset);
    }
    const auto& bytes = *storage;
    const McapRecordPlace where = ref.chunk_offset == kMcapNotInChunk
                                      ? place(mcap_op::message, ref.record_offset)
                                      : place(mcap_op::message, ref.record_offset, ref.chunk_offset);
    std::span<const std::uint8_t> content;
    if (ref.chunk_offset == kMcapNotInChunk) {
      content = bytes;
    } else {
      if (at > bytes.size() || bytes.size() - at < kMcapRecordPrefixSize)
        throw ParseError(file_.path(), where.describe() + ": outside the chunk's " + std::to_string(bytes.size()) +
                                           " bytes of records");
      const std::uint64_t len = le64(bytes.data() + at + 1);
      if (bytes[at] != mcap_op::message)
        throw ParseError(file_.path(),
                         where.describe() + ": the record there is a " + mcap_opcode_name(bytes[at]) + " record");
      if (len > bytes.size() - at - kMcapRecordPrefixSize)
        throw ParseError(file_.path(), where.describe() + ": runs past the chunk's records");
      content = Bytes(bytes).subspan(at + kMcapRecordPrefixSize, len);
    }
    McapByteReader r(content, where);
    return indexed_message(r, ref, std::move(storage));
  } catch (const ParseError& e) {
    add_problem_text(e.what());
    throw;
  }
}

std::vector<std::uint8_t> McapFileReader::read_message_bytes(const McapMessageRef& ref) const {
  const McapMessage m = read_message(ref);
  return {m.data.begin(), m.data.end()};
}

McapAttachment McapFileReader::read_attachment(const McapAttachmentIndex& index) const {
  const McapRecordPlace where = place(mcap_op::attachment, index.offset);
  const std::uint64_t size = file_.size();
  if (index.offset > size || index.length < kMcapRecordPrefixSize || index.length > size - index.offset)
    throw ParseError(file_.path(), where.describe() + ": outside the file");
  const auto bytes = file_.read(index.offset, index.length);
  if (bytes[0] != mcap_op::attachment || le64(bytes.data() + 1) != index.length - kMcapRecordPrefixSize)
    throw ParseError(file_.path(), where.describe() + ": no Attachment record of that length there");
  McapByteReader r(Bytes(bytes).subspan(kMcapRecordPrefixSize), where);
  McapAttachment a = parse_mcap_attachment(r);
  if (a.crc != 0) {
    const std::uint32_t crc = mcap_crc32(0, Bytes(bytes).subspan(kMcapRecordPrefixSize, r.position() - 4));
    if (crc != a.crc)
      throw ParseError(file_.path(), where.describe() + ": CRC mismatch (stored " + std::to_string(a.crc) +
                                         ", computed " + std::to_string(crc) + ")");
  }
  return a;
}

McapMetadata McapFileReader::read_metadata(const McapMetadataIndex& index) const {
  const McapRecordPlace where = place(mcap_op::metadata, index.offset);
  const std::uint64_t size = file_.size();
  if (index.offset > size || index.length < kMcapRecordPrefixSize || index.length > size - index.offset ||
      index.length > kMaxPlainRecord)
    throw ParseError(file_.path(), where.describe() + ": outside the file or over the limit");
  const auto bytes = file_.read(index.offset, index.length);
  if (bytes[0] != mcap_op::metadata || le64(bytes.data() + 1) != index.length - kMcapRecordPrefixSize)
    throw ParseError(file_.path(), where.describe() + ": no Metadata record of that length there");
  McapByteReader r(Bytes(bytes).subspan(kMcapRecordPrefixSize), where);
  return parse_mcap_metadata(r);
}

}  // namespace dc::core

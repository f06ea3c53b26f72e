#include "io/readers/mcap/mcap_record_list.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/mcap/mcap_byte_reader.h"
#include "io/readers/mcap/mcap_crc.h"
#include "io/readers/mcap/mcap_decompressor.h"
#include "io/readers/mcap/mcap_positional_file.h"
#include "io/readers/mcap/mcap_records.h"

#include <algorithm>

namespace dc::core {

namespace {

using Fields = std::vector<std::pair<std::string, McapFieldValue>>;

std::vector<std::uint8_t> to_vector(std::span<const std::uint8_t> s) {
  return {s.begin(), s.end()};
}

std::map<std::uint64_t, std::uint64_t> widen(const std::map<std::uint16_t, std::uint64_t>& m) {
  return {m.begin(), m.end()};
}

std::uint64_t le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

class Lister {
 public:
  explicit Lister(const std::filesystem::path& file) : file_(file) {}

  // Records in bytes[begin, end) of the file (chunk_offset unset) or of a chunk's records.
  void walk(std::span<const std::uint8_t> bytes, std::uint64_t base, std::uint64_t chunk_offset, bool* footer) {
    for (std::uint64_t pos = 0; pos < bytes.size();) {
      if (bytes.size() - pos < kMcapRecordPrefixSize)
        throw ParseError(file_, "record header at byte " + std::to_string(base + pos) + " is cut short");
      const std::uint8_t opcode = bytes[pos];
      const std::uint64_t len = le64(bytes.data() + pos + 1);
      const McapRecordPlace where{&file_, opcode, base + pos, chunk_offset};
      if (len > bytes.size() - pos - kMcapRecordPrefixSize)
        throw ParseError(file_, where.describe() + ": length " + std::to_string(len) + " runs past the end");
      const auto content = bytes.subspan(pos + kMcapRecordPrefixSize, len);
      McapByteReader r(content, where);
      record(opcode, r, content);
      pos += kMcapRecordPrefixSize + len;
      if (opcode == mcap_op::footer) {
        if (pos != bytes.size()) throw ParseError(file_, "records follow the Footer");
        if (footer) *footer = true;
      }
    }
  }

  std::vector<McapRecordFields> out;

 private:
  void add(const char* type, Fields fields) { out.push_back({type, std::move(fields)}); }

  void record(std::uint8_t opcode, McapByteReader& r, std::span<const std::uint8_t> content) {
    switch (opcode) {
      case mcap_op::header: {
        const auto h = parse_mcap_header(r);
        add("Header", {{"profile", h.profile}, {"library", h.library}});
        break;
      }
      case mcap_op::footer: {
        const auto f = parse_mcap_footer(r);
        add("Footer", {{"summary_start", f.summary_start},
                       {"summary_offset_start", f.summary_offset_start},
                       {"summary_crc", std::uint64_t(f.summary_crc)}});
        break;
      }
      case mcap_op::schema: {
        auto s = parse_mcap_schema(r);
        add("Schema",
            {{"id", std::uint64_t(s.id)}, {"name", s.name}, {"encoding", s.encoding}, {"data", std::move(s.data)}});
        break;
      }
      case mcap_op::channel: {
        auto c = parse_mcap_channel(r);
        add("Channel", {{"id", std::uint64_t(c.id)},
                        {"schema_id", std::uint64_t(c.schema_id)},
                        {"topic", c.topic},
                        {"message_encoding", c.message_encoding},
                        {"metadata", std::move(c.metadata)}});
        break;
      }
      case mcap_op::message: {
        const auto m = parse_mcap_message_header(r);
        add("Message", {{"channel_id", std::uint64_t(m.channel_id)},
                        {"sequence", std::uint64_t(m.sequence)},
                        {"log_time", m.log_time},
                        {"publish_time", m.publish_time},
                        {"data", to_vector(r.rest())}});
        break;
      }
      case mcap_op::chunk: {
        if (r.place().chunk_offset != UINT64_MAX) r.fail("a Chunk inside a chunk");
        const auto h = parse_mcap_chunk_header(r);
        const auto records = decompressor_.decompress(h.compression, r.bytes(h.compressed_size, "records"),
                                                      h.uncompressed_size, r.place());
        if (h.uncompressed_crc != 0 && mcap_crc32(0, records) != h.uncompressed_crc)
          r.fail("uncompressed CRC mismatch");
        walk(records, 0, r.place().record_offset, nullptr);
        break;
      }
      case mcap_op::message_index:
        parse_mcap_message_index(r);
        break;
      case mcap_op::chunk_index: {
        const auto c = parse_mcap_chunk_index(r);
        add("ChunkIndex", {{"message_start_time", c.message_start_time},
                           {"message_end_time", c.message_end_time},
                           {"chunk_start_offset", c.chunk_start_offset},
                           {"chunk_length", c.chunk_length},
                           {"message_index_offsets", widen(c.message_index_offsets)},
                           {"message_index_length", c.message_index_length},
                           {"compression", c.compression},
                           {"compressed_size", c.compressed_size},
                           {"uncompressed_size", c.uncompressed_size}});
        break;
      }
      case mcap_op::attachment: {
        auto a = parse_mcap_attachment(r);
        if (a.crc != 0 && mcap_crc32(0, content.first(r.position() - 4)) != a.crc) r.fail("CRC mismatch");
        add("Attachment", {{"log_time", a.log_time},
                           {"create_time", a.create_time},
                           {"name", a.name},
                           {"media_type", a.media_type},
                           {"data", std::move(a.data)}});
        break;
      }
      case mcap_op::attachment_index: {
        const auto a = parse_mcap_attachment_index(r);
        add("AttachmentIndex", {{"offset", a.offset},
                                {"length", a.length},
                                {"log_time", a.log_time},
                                {"create_time", a.create_time},
                                {"data_size", a.data_size},
                                {"name", a.name},
                                {"media_type", a.media_type}});
        break;
      }
      case mcap_op::statistics: {
        const auto s = parse_mcap_statistics(r);
        add("Statistics", {{"message_count", s.message_count},
                           {"schema_count", std::uint64_t(s.schema_count)},
                           {"channel_count", std::uint64_t(s.channel_count)},
                           {"attachment_count", std::uint64_t(s.attachment_count)},
                           {"metadata_count", std::uint64_t(s.metadata_count)},
                           {"chunk_count", std::uint64_t(s.chunk_count)},
                           {"message_start_time", s.message_start_time},
                           {"message_end_time", s.message_end_time},
                           {"channel_message_counts", widen(s.channel_message_counts)}});
        break;
      }
      case mcap_op::metadata: {
        auto m = parse_mcap_metadata(r);
        add("Metadata", {{"name", m.name}, {"metadata", std::move(m.metadata)}});
        break;
      }
      case mcap_op::metadata_index: {
        const auto m = parse_mcap_metadata_index(r);
        add("MetadataIndex", {{"offset", m.offset}, {"length", m.length}, {"name", m.name}});
        break;
      }
      case mcap_op::summary_offset: {
        const auto s = parse_mcap_summary_offset(r);
        add("SummaryOffset", {{"group_opcode", std::uint64_t(s.group_opcode)},
                              {"group_start", s.group_start},
                              {"group_length", s.group_length}});
        break;
      }
      case mcap_op::data_end: {
        const auto d = parse_mcap_data_end(r);
        add("DataEnd", {{"data_section_crc", std::uint64_t(d.data_section_crc)}});
        break;
      }
      default:
        break;  // unknown opcode: skipped, as the spec says
    }
  }

  std::filesystem::path file_;
  McapDecompressor decompressor_;
};

}  // namespace

std::vector<McapRecordFields> list_mcap_records(const std::filesystem::path& file) {
  McapPositionalFile f(file);
  const std::uint64_t size = f.size();
  if (size > (std::uint64_t(1) << 30)) throw ParseError(file, "over 1 GiB: too big to list");
  if (size < 2 * kMcapMagic.size()) throw ParseError(file, "not an MCAP file: only " + std::to_string(size) + " bytes");
  const auto bytes = f.read(0, size);
  if (!std::equal(kMcapMagic.begin(), kMcapMagic.end(), bytes.begin()))
    throw ParseError(file, "not an MCAP file: no MCAP magic at byte 0");
  if (!std::equal(kMcapMagic.begin(), kMcapMagic.end(), bytes.end() - 8))
    throw ParseError(file, "no MCAP magic at the end");
  Lister lister(file);
  bool footer = false;
  lister.walk(std::span<const std::uint8_t>(bytes).subspan(8, size - 16), 8, UINT64_MAX, &footer);
  if (!footer) throw ParseError(file, "no Footer record before the end magic");
  return std::move(lister.out);
}

}  // namespace dc::core

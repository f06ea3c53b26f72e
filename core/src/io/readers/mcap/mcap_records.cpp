#include "io/readers/mcap/mcap_records.h"

#include "io/readers/mcap/mcap_byte_reader.h"

namespace dc::core {

const char* mcap_opcode_name(std::uint8_t opcode) {
  switch (opcode) {
    case mcap_op::header:
      return "Header";
    case mcap_op::footer:
      return "Footer";
    case mcap_op::schema:
      return "Schema";
    case mcap_op::channel:
      return "Channel";
    case mcap_op::message:
      return "Message";
    case mcap_op::chunk:
      return "Chunk";
    case mcap_op::message_index:
      return "MessageIndex";
    case mcap_op::chunk_index:
      return "ChunkIndex";
    case mcap_op::attachment:
      return "Attachment";
    case mcap_op::attachment_index:
      return "AttachmentIndex";
    case mcap_op::statistics:
      return "Statistics";
    case mcap_op::metadata:
      return "Metadata";
    case mcap_op::metadata_index:
      return "MetadataIndex";
    case mcap_op::summary_offset:
      return "SummaryOffset";
    case mcap_op::data_end:
      return "DataEnd";
    default:
      return "unknown";
  }
}

McapHeader parse_mcap_header(McapByteReader& r) {
  McapHeader h;
  h.profile = r.string("profile");
  h.library = r.string("library");
  return h;
}

McapFooter parse_mcap_footer(McapByteReader& r) {
  McapFooter f;
  f.summary_start = r.u64("summary_start");
  f.summary_offset_start = r.u64("summary_offset_start");
  f.summary_crc = r.u32("summary_crc");
  return f;
}

McapSchema parse_mcap_schema(McapByteReader& r) {
  McapSchema s;
  s.id = r.u16("id");
  s.name = r.string("name");
  s.encoding = r.string("encoding");
  auto data = r.bytes32("data");
  s.data.assign(data.begin(), data.end());
  return s;
}

McapChannel parse_mcap_channel(McapByteReader& r) {
  McapChannel c;
  c.id = r.u16("id");
  c.schema_id = r.u16("schema_id");
  c.topic = r.string("topic");
  c.message_encoding = r.string("message_encoding");
  c.metadata = r.string_map("metadata");
  return c;
}

McapMessageHeader parse_mcap_message_header(McapByteReader& r) {
  McapMessageHeader m;
  m.channel_id = r.u16("channel_id");
  m.sequence = r.u32("sequence");
  m.log_time = r.u64("log_time");
  m.publish_time = r.u64("publish_time");
  return m;
}

McapChunkHeader parse_mcap_chunk_fields(McapByteReader& r) {
  McapChunkHeader c;
  c.message_start_time = r.u64("message_start_time");
  c.message_end_time = r.u64("message_end_time");
  c.uncompressed_size = r.u64("uncompressed_size");
  c.uncompressed_crc = r.u32("uncompressed_crc");
  c.compression = r.string("compression");
  c.compressed_size = r.u64("records length");
  return c;
}

McapChunkHeader parse_mcap_chunk_header(McapByteReader& r) {
  const McapChunkHeader c = parse_mcap_chunk_fields(r);
  if (c.compressed_size > r.remaining())
    r.fail("records need " + std::to_string(c.compressed_size) + " bytes, only " + std::to_string(r.remaining()) +
           " left");
  return c;
}

McapMessageIndex parse_mcap_message_index(McapByteReader& r) {
  McapMessageIndex m;
  m.channel_id = r.u16("channel_id");
  McapByteReader entries(r.bytes32("records"), r.place());
  if (entries.remaining() % 16 != 0)
    r.fail("records are " + std::to_string(entries.remaining()) +
           " bytes long, not a whole number of (log_time, offset) pairs");
  m.records.reserve(entries.remaining() / 16);
  while (entries.remaining() > 0) {
    const std::uint64_t t = entries.u64("log_time");
    m.records.emplace_back(t, entries.u64("offset"));
  }
  return m;
}

McapChunkIndex parse_mcap_chunk_index(McapByteReader& r) {
  McapChunkIndex c;
  c.message_start_time = r.u64("message_start_time");
  c.message_end_time = r.u64("message_end_time");
  c.chunk_start_offset = r.u64("chunk_start_offset");
  c.chunk_length = r.u64("chunk_length");
  c.message_index_offsets = r.u16_u64_map("message_index_offsets");
  c.message_index_length = r.u64("message_index_length");
  c.compression = r.string("compression");
  c.compressed_size = r.u64("compressed_size");
  c.uncompressed_size = r.u64("uncompressed_size");
  return c;
}

McapAttachment parse_mcap_attachment(McapByteReader& r) {
  McapAttachment a;
  a.log_time = r.u64("log_time");
  a.create_time = r.u64("create_time");
  a.name = r.string("name");
  a.media_type = r.string("media_type");
  auto data = r.bytes64("data");
  a.data.assign(data.begin(), data.end());
  a.crc = r.u32("crc");
  return a;
}

McapAttachmentIndex parse_mcap_attachment_index(McapByteReader& r) {
  McapAttachmentIndex a;
  a.offset = r.u64("offset");
  a.length = r.u64("length");
  a.log_time = r.u64("log_time");
  a.create_time = r.u64("create_time");
  a.data_size = r.u64("data_size");
  a.name = r.string("name");
  a.media_type = r.string("media_type");
  return a;
}

McapStatistics parse_mcap_statistics(McapByteReader& r) {
  McapStatistics s;
  s.message_count = r.u64("message_count");
  s.schema_count = r.u16("schema_count");
  s.channel_count = r.u32("channel_count");
  s.attachment_count = r.u32("attachment_count");
  s.metadata_count = r.u32("metadata_count");
  s.chunk_count = r.u32("chunk_count");
  s.message_start_time = r.u64("message_start_time");
  s.message_end_time = r.u64("message_end_time");
  s.channel_message_counts = r.u16_u64_map("channel_message_counts");
  return s;
}

McapMetadata parse_mcap_metadata(McapByteReader& r) {
  McapMetadata m;
  m.name = r.string("name");
  m.metadata = r.string_map("metadata");
  return m;
}

McapMetadataIndex parse_mcap_metadata_index(McapByteReader& r) {
  McapMetadataIndex m;
  m.offset = r.u64("offset");
  m.length = r.u64("length");
  m.name = r.string("name");
  return m;
}

McapSummaryOffset parse_mcap_summary_offset(McapByteReader& r) {
  McapSummaryOffset s;
  s.group_opcode = r.u8("group_opcode");
  s.group_start = r.u64("group_start");
  s.group_length = r.u64("group_length");
  return s;
}

McapDataEnd parse_mcap_data_end(McapByteReader& r) {
  McapDataEnd d;
  d.data_section_crc = r.u32("data_section_crc");
  return d;
}

}  // namespace dc::core

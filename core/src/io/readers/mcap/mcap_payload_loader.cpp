#include "io/readers/mcap/mcap_payload_loader.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/mcap/mcap_file_reader.h"
#include "io/readers/mcap/mcap_ros_topic.h"
#include "io/readers/ros/ros_image_conversion.h"
#include "io/readers/ros/ros_message_decoder.h"
#include "io/readers/ros/ros_point_cloud_conversion.h"

#include <map>
#include <system_error>

namespace dc::core {

namespace fs = std::filesystem;

struct McapPayloadLoader::OpenFile {
  fs::path path;
  std::uintmax_t size = 0;
  fs::file_time_type mtime;
  std::unique_ptr<McapFileReader> reader;
  std::mutex decoders_mutex;
  std::map<std::uint16_t, std::shared_ptr<const RosMessageDecoder>> decoders;  // by channel
};

struct McapPayloadLoader::Located {
  std::shared_ptr<OpenFile> file;
  McapMessage message;
  std::shared_ptr<const RosMessageDecoder> decoder;
  RosTopicKind kind = RosTopicKind::Unsupported;
  std::string topic;
};

bool is_mcap_frame(const Frame& frame) {
  constexpr std::string_view suffix = ".mcap";
  return frame.file.size() >= suffix.size() &&
         frame.file.compare(frame.file.size() - suffix.size(), suffix.size(), suffix) == 0;
}

McapPayloadLoader& McapPayloadLoader::instance() {
  static McapPayloadLoader loader;
  return loader;
}

void McapPayloadLoader::clear() {
  std::lock_guard lock(mutex_);
  files_.clear();
}

std::shared_ptr<McapPayloadLoader::OpenFile> McapPayloadLoader::open(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) throw ParseError(file, "cannot open MCAP file: " + ec.message());
  const auto mtime = fs::last_write_time(file, ec);
  {
    std::lock_guard lock(mutex_);
    for (auto it = files_.begin(); it != files_.end(); ++it) {
      if ((*it)->path != file) continue;
      if ((*it)->size == size && (*it)->mtime == mtime) {
        files_.splice(files_.begin(), files_, it);
        return files_.front();
      }
      files_.erase(it);  // rewritten since it was opened
      break;
    }
  }
  // Indexing (reading the summary, or a linear scan) happens outside the lock; two threads opening the same file
  // at once both index it and the first one in is kept.
  auto opened = std::make_shared<OpenFile>();
  opened->path = file;
  opened->size = size;
  opened->mtime = mtime;
  McapReadOptions options;
  options.chunk_cache_bytes = std::size_t(64) << 20;
  opened->reader = McapFileReader::open(file, options);
  std::lock_guard lock(mutex_);
  for (auto& f : files_)
    if (f->path == file && f->size == size && f->mtime == mtime) return f;
  files_.push_front(opened);
  if (files_.size() > kMaxOpenFiles) files_.pop_back();
  return opened;
}

McapPayloadLoader::Located McapPayloadLoader::locate(const Frame& frame) {
  const fs::path path(frame.file);
  if (!frame.log_time_ns)
    throw ParseError(path, "frame " + std::to_string(frame.index) + " of " + frame.sensor +
                               " has no MCAP log time: it was not ingested from this file");
  Located out;
  out.file = open(path);
  const McapFileReader& reader = *out.file->reader;
  // The frame's place: (Chunk record, Message record inside it) or a top-level Message record. The index at the
  // frame's log time holds it on one channel.
  const auto t = static_cast<std::uint64_t>(*frame.log_time_ns);
  std::optional<McapMessageRef> ref;
  for (const auto& [id, channel] : reader.channels()) {
    for (const auto& r : reader.messages_in(id, t, t + 1)) {
      const bool in_chunk = r.chunk_offset != kMcapNotInChunk;
      if (in_chunk ? (r.chunk_offset == frame.offset && r.record_offset == frame.inner_offset)
                   : (r.record_offset == frame.offset && frame.inner_offset == 0)) {
        ref = r;
        break;
      }
    }
    if (ref) break;
  }
  if (!ref)
    throw ParseError(path, "no message logged at " + std::to_string(t) + " at byte " + std::to_string(frame.offset) +
                               (frame.inner_offset ? " (+" + std::to_string(frame.inner_offset) + " in its chunk)" : "") +
                               " for " + frame.sensor + " frame " + std::to_string(frame.index) +
                               "; the file changed since it was ingested?");
  out.message = reader.read_message(*ref);
  if (frame.size != 0 && out.message.data.size() != frame.size)
    throw ParseError(path, frame.sensor + " frame " + std::to_string(frame.index) + ": the message holds " +
                               std::to_string(out.message.data.size()) + " bytes, the catalog says " +
                               std::to_string(frame.size) + "; the file changed since it was ingested?");

  const McapChannel& channel = reader.channels().at(ref->channel_id);
  out.topic = channel.topic;
  const auto schema = reader.schemas().find(channel.schema_id);
  if (channel.schema_id == 0 || schema == reader.schemas().end())
    throw ParseError(path, "topic '" + channel.topic + "' has no schema; its messages cannot be decoded");
  out.kind = ros_topic_kind(schema->second.name);
  std::lock_guard lock(out.file->decoders_mutex);
  auto& decoder = out.file->decoders[ref->channel_id];
  if (!decoder) {
    const auto& s = schema->second;
    decoder = std::make_shared<const RosMessageDecoder>(RosMessageDecoder::from_schema(
        s.name, s.encoding, std::string_view(reinterpret_cast<const char*>(s.data.data()), s.data.size()),
        channel.message_encoding, path));
  }
  out.decoder = decoder;
  return out;
}

PointCloud McapPayloadLoader::point_cloud(const Frame& frame) {
  const Located m = locate(frame);
  if (m.kind != RosTopicKind::PointCloud)
    throw ParseError(frame.file, "topic '" + m.topic + "' does not carry PointCloud2 messages");
  return point_cloud_from_ros(m.decoder->decode(m.message.data, frame.file)).cloud;
}

cv::Mat McapPayloadLoader::image(const Frame& frame) {
  const Located m = locate(frame);
  if (m.kind == RosTopicKind::Image) return image_from_ros(m.decoder->decode(m.message.data, frame.file)).image;
  if (m.kind == RosTopicKind::CompressedImage)
    return compressed_image_from_ros(m.decoder->decode(m.message.data, frame.file)).image;
  throw ParseError(frame.file, "topic '" + m.topic + "' does not carry Image or CompressedImage messages");
}

}  // namespace dc::core

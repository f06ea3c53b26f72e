#include "io/readers/mcap/mcap_drive_reader.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/folder_paths.h"
#include "io/readers/kitti/oxts_parser.h"
#include "io/readers/mcap/mcap_chunk_prefetcher.h"
#include "io/readers/mcap/mcap_file_reader.h"
#include "io/readers/mcap/mcap_ros_topic.h"
#include "io/readers/mcap/ros_header_prefix_reader.h"
#include "io/readers/mcap/transform_tree.h"
#include "io/readers/ros/ros_camera_info_conversion.h"
#include "io/readers/ros/ros_message_decoder.h"
#include "io/readers/ros/ros_nav_sat_fix_conversion.h"
#include "io/readers/ros/ros_odometry_conversion.h"
#include "io/readers/ros/ros_tf_conversion.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

namespace dc::core {

namespace fs = std::filesystem;

namespace {

// Per-kind problems are listed one by one up to this many, then counted.
constexpr std::size_t kListedProblems = 5;
// Bytes of a sensor message read to decode its leading std_msgs/Header (a frame_id longer than that is re-read).
constexpr std::size_t kHeaderBytes = 4096;
// Two tf messages of one /tf edge count as the same transform within these (m, and rotation matrix entries).
constexpr double kConstantEdgeTolerance = 1e-9;

struct Topic {
  const McapChannel* channel = nullptr;
  const McapSchema* schema = nullptr;  // null when the channel has none (or it is missing)
  RosTopicKind kind = RosTopicKind::Unsupported;
  std::shared_ptr<const RosMessageDecoder> decoder;
  std::optional<RosHeaderPrefixReader> prefix;
  std::string sensor;    // sensor name, for sensor topics
  std::string frame_id;  // first non-empty header frame_id (Odometry: child_frame_id)
  std::int64_t next_index = 0;
  std::uint64_t messages = 0;
};

struct StampedPose {
  TimestampNs t = 0;
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  double forward_speed = 0;
};

struct Fix {
  TimestampNs t = 0;
  RosNavSatFix fix;
};

struct DynamicEdge {
  Eigen::Isometry3d first = Eigen::Isometry3d::Identity();
  bool constant = true;
  std::vector<std::pair<TimestampNs, Eigen::Isometry3d>> motion;  // kept only for world <- body edges (poses)
};

struct CameraInfoTopic {
  std::string topic;
  std::string frame_id;
  CameraIntrinsics intrinsics;
};

bool near(const Eigen::Isometry3d& a, const Eigen::Isometry3d& b) {
  return (a.matrix() - b.matrix()).cwiseAbs().maxCoeff() <= kConstantEdgeTolerance;
}

// Roll, pitch, yaw of R = Rz(yaw) Ry(pitch) Rx(roll), the OXTS convention the poses use.
Eigen::Vector3d roll_pitch_yaw(const Eigen::Matrix3d& R) {
  const double pitch = -std::asin(std::clamp(R(2, 0), -1.0, 1.0));
  return {std::atan2(R(2, 1), R(2, 2)), pitch, std::atan2(R(1, 0), R(0, 0))};
}

// "/cam_front/camera_info" -> "/cam_front"; "/x" -> "".
std::string topic_namespace(const std::string& topic) {
  const auto slash = topic.find_last_of('/');
  return slash == std::string::npos ? std::string() : topic.substr(0, slash);
}

bool is_static_tf_topic(const std::string& topic) {
  const std::string suffix = "tf_static";
  return topic.size() >= suffix.size() && topic.compare(topic.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Frames an Odometry or a robot's localization publishes the body in, and the body frames (REP 105).
bool is_world_frame(const std::string& f) { return f == "map" || f == "odom" || f == "world"; }
bool is_body_frame(const std::string& f) { return f == "base_link" || f == "base_footprint"; }

template <class T>
const T* nearest_in_time(const std::vector<T>& sorted, TimestampNs t) {
  if (sorted.empty()) return nullptr;
  auto it = std::lower_bound(sorted.begin(), sorted.end(), t, [](const T& a, TimestampNs v) { return a.t < v; });
  if (it == sorted.end()) return &sorted.back();
  if (it != sorted.begin() && t - std::prev(it)->t <= it->t - t) return &*std::prev(it);
  return &*it;
}

class McapDriveParser {
 public:
  McapDriveParser(const fs::path& file, const McapFileReader& reader, Drive& drive, const Progress& progress)
      : file_(file), file_text_(file.string()), reader_(reader), drive_(drive), progress_(progress) {}

  void classify_topics();
  void read_messages();
  void build_sensors();
  void build_calibration();
  void build_poses();
  void report_reader_problems();

 private:
  void error(const std::string& message) {
    drive_.errors.push_back(IngestError::make(file_text_, 0, message, drive_.name));
  }
  // Counted problems of one kind: the first few listed, the rest summed up by finish_counted().
  void counted(const std::string& kind, const std::string& message) {
    if (++counts_[kind] <= kListedProblems) error(message);
  }
  void finish_counted(const std::string& kind, const std::string& what) {
    const auto n = counts_[kind];
    if (n > kListedProblems)
      error(std::to_string(n) + " " + what + " in all (the first " + std::to_string(kListedProblems) + " listed)");
  }
  static std::string where(const McapMessageRef& ref) {
    if (ref.chunk_offset == kMcapNotInChunk) return "the Message at byte " + std::to_string(ref.record_offset);
    return "the Message at byte " + std::to_string(ref.record_offset) + " of the Chunk at byte " +
           std::to_string(ref.chunk_offset);
  }

  bool reads(std::uint16_t channel_id) const;  // a topic whose messages are decoded (a supported schema)
  // Sensor messages whose frames need only the leading header (point clouds, images): read as heads.
  static bool header_only(const Topic& topic) {
    return topic.prefix && is_sensor(topic.kind) && topic.kind != RosTopicKind::NavSatFix &&
           topic.kind != RosTopicKind::Odometry;
  }
  void sensor_message(Topic& topic, const McapMessageRef& ref, const McapMessage& m, std::uint64_t data_size);
  void tf_message(const Topic& topic, const McapMessageRef& ref, const McapMessage& m);
  void camera_info_message(const Topic& topic, const McapMessageRef& ref, const McapMessage& m);
  const DynamicEdge* body_motion(std::string* source) const;
  std::optional<Eigen::Quaterniond> body_orientation(TimestampNs t, std::string* source) const;

  fs::path file_;
  std::string file_text_;
  const McapFileReader& reader_;
  Drive& drive_;
  const Progress& progress_;
  std::map<std::uint16_t, Topic> topics_;
  std::map<std::string, std::size_t> counts_;
  std::map<std::uint64_t, std::pair<std::size_t, std::string>> unreadable_;  // chunk -> (messages, first error)

  TransformTree static_tree_;
  std::map<std::pair<std::string, std::string>, DynamicEdge> dynamic_edges_;  // (parent, child)
  bool have_tf_topic_ = false;
  std::map<std::uint16_t, CameraInfoTopic> camera_infos_;
  std::map<std::uint16_t, std::vector<Fix>> fixes_;
  std::map<std::uint16_t, std::vector<StampedPose>> odometry_;
};

void McapDriveParser::classify_topics() {
  std::set<std::string> used_names;
  // Sensor names in topic order, so a name does not depend on channel ids.
  std::vector<const McapChannel*> channels;
  for (const auto& [id, c] : reader_.channels()) channels.push_back(&c);
  std::sort(channels.begin(), channels.end(), [](const auto* a, const auto* b) {
    return a->topic != b->topic ? a->topic < b->topic : a->id < b->id;
  });
  for (const McapChannel* c : channels) {
    Topic t;
    t.channel = c;
    const auto s = reader_.schemas().find(c->schema_id);
    if (c->schema_id != 0 && s != reader_.schemas().end()) t.schema = &s->second;
    if (t.schema) t.kind = ros_topic_kind(t.schema->name);
    if (t.kind == RosTopicKind::Unsupported) {
      topics_.emplace(c->id, std::move(t));
      continue;
    }
    try {
      const std::string_view text(reinterpret_cast<const char*>(t.schema->data.data()), t.schema->data.size());
      t.decoder = std::make_shared<const RosMessageDecoder>(RosMessageDecoder::from_schema(
          t.schema->name, t.schema->encoding, text, c->message_encoding, file_));
      t.prefix = RosHeaderPrefixReader::for_definition(t.decoder->definition(), t.decoder->encoding());
    } catch (const ParseError& e) {
      error("topic '" + c->topic + "' (schema '" + t.schema->name + "'): " + e.message() + "; topic skipped");
      t.kind = RosTopicKind::Skipped;
    }
    if (is_sensor(t.kind)) t.sensor = unique_sensor_name(c->topic, used_names);
    if (t.kind == RosTopicKind::Tf) have_tf_topic_ = true;
    topics_.emplace(c->id, std::move(t));
  }
}

bool McapDriveParser::reads(std::uint16_t channel_id) const {
  const auto it = topics_.find(channel_id);
  return it != topics_.end() && it->second.kind != RosTopicKind::Unsupported &&
         it->second.kind != RosTopicKind::Skipped;
}

void McapDriveParser::read_messages() {
  const auto& refs = reader_.messages();
  // The compressed chunks in the order the messages below first need them, decoded ahead on the other cores (half
  // the chunk cache ahead at most): each is still decoded once, and indexing a compressed file takes all cores.
  // Uncompressed chunks are not decoded: their messages' headers are read in place (read_message_head).
  const auto& chunks = reader_.chunks();
  const auto compressed = [&](std::uint64_t offset) {
    const auto it = std::lower_bound(chunks.begin(), chunks.end(), offset,
                                     [](const McapChunkInfo& c, std::uint64_t at) { return c.offset < at; });
    return it == chunks.end() || it->offset != offset || !it->compression.empty();
  };
  std::vector<std::uint64_t> chunk_order;
  std::unordered_map<std::uint64_t, std::size_t> chunk_index;
  for (const auto& ref : refs)
    if (ref.chunk_offset != kMcapNotInChunk && reads(ref.channel_id) && !chunk_index.count(ref.chunk_offset) &&
        compressed(ref.chunk_offset)) {
      chunk_index.emplace(ref.chunk_offset, chunk_order.size());
      chunk_order.push_back(ref.chunk_offset);
    }
  McapChunkPrefetcher prefetcher(reader_, chunk_order, McapReadOptions{}.chunk_cache_bytes / 2,
                                 McapChunkPrefetcher::default_threads());
  std::uint64_t current_chunk = kMcapNotInChunk;

  const double total = static_cast<double>(refs.size());
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (i % 1024 == 0) {
      if (progress_.cancelled()) throw Cancelled();
      progress_(static_cast<double>(i), total, "reading " + file_.filename().string());
    }
    const McapMessageRef& ref = refs[i];
    const auto it = topics_.find(ref.channel_id);
    if (it == topics_.end()) continue;  // no Channel record: the container reader reports it
    Topic& topic = it->second;
    ++topic.messages;
    if (!reads(ref.channel_id)) continue;
    if (ref.chunk_offset != current_chunk) {
      current_chunk = ref.chunk_offset;
      if (const auto c = chunk_index.find(current_chunk); c != chunk_index.end()) prefetcher.reached(c->second);
    }
    // Intrinsics come from the first CameraInfo that decodes; later ones are not read.
    if (topic.kind == RosTopicKind::CameraInfo && camera_infos_.count(ref.channel_id)) continue;
    McapMessage m;
    std::uint64_t data_size = 0;
    try {
      // In place when the chunk is uncompressed: only the header of a point cloud or image, a whole small message.
      McapMessageHead head =
          reader_.read_message_head(ref, header_only(topic) ? kHeaderBytes : std::numeric_limits<std::size_t>::max());
      m = std::move(head.message);
      data_size = head.data_size;
    } catch (const ParseError& e) {
      auto& [count, first] = unreadable_[ref.chunk_offset];
      if (count++ == 0) first = e.message();
      continue;
    }
    switch (topic.kind) {
      case RosTopicKind::Tf: tf_message(topic, ref, m); break;
      case RosTopicKind::CameraInfo: camera_info_message(topic, ref, m); break;
      default: sensor_message(topic, ref, m, data_size); break;
    }
  }
  progress_(total, total, "read " + file_.filename().string());
  for (auto& [edge, e] : dynamic_edges_)  // in log time order so far; looked up by stamp
    std::stable_sort(e.motion.begin(), e.motion.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });

  for (const auto& [chunk, entry] : unreadable_) {
    const std::string place =
        chunk == kMcapNotInChunk ? "top-level messages" : "messages of the Chunk at byte " + std::to_string(chunk);
    counted("unreadable", std::to_string(entry.first) + " " + place + " cannot be read and are skipped: " +
                              entry.second);
  }
  finish_counted("unreadable", "damaged chunks");
  finish_counted("header", "messages with an undecodable header skipped");
  finish_counted("stamp", "messages without a header stamp timed by their log time");
  finish_counted("tf", "undecodable tf messages skipped");
  finish_counted("camera_info", "unusable CameraInfo messages");

  for (const auto& [id, topic] : topics_) {
    if (topic.kind != RosTopicKind::Unsupported) continue;
    const std::string count = std::to_string(topic.messages) + (topic.messages == 1 ? " message" : " messages");
    if (!topic.schema)
      error("topic '" + topic.channel->topic + "' has no schema (message encoding '" +
            topic.channel->message_encoding + "'); " + count + " skipped");
    else
      error("topic '" + topic.channel->topic + "': schema '" + topic.schema->name + "' (" + topic.schema->encoding +
            ") is not a supported sensor message; " + count + " skipped");
  }
}

void McapDriveParser::sensor_message(Topic& topic, const McapMessageRef& ref, const McapMessage& m,
                                     std::uint64_t data_size) {
  RosHeader header;
  try {
    if (topic.kind == RosTopicKind::NavSatFix) {
      Fix f;
      f.fix = nav_sat_fix_from_ros(topic.decoder->decode(m.data, file_));
      header = f.fix.header;
      f.t = header.stamp_ns;
      fixes_[ref.channel_id].push_back(std::move(f));
    } else if (topic.kind == RosTopicKind::Odometry) {
      const RosOdometry odo = odometry_from_ros(topic.decoder->decode(m.data, file_));
      header = odo.header;
      header.frame_id = odo.child_frame_id;  // the body the pose is of
      odometry_[ref.channel_id].push_back({header.stamp_ns, odo.T_frame_from_child, odo.twist_linear_x});
    } else if (topic.prefix) {
      try {
        header = topic.prefix->read(m.data, file_);
      } catch (const ParseError&) {
        if (m.data.size() >= data_size) throw;
        header = topic.prefix->read(reader_.read_message(ref).data, file_);  // a header longer than the head read
      }
    } else {
      header = read_ros_header(topic.decoder->decode(m.data, file_).at("header"));
    }
  } catch (const ParseError& e) {
    counted("header", "topic '" + topic.channel->topic + "': " + where(ref) + " (log time " +
                          std::to_string(m.log_time) + "): cannot decode its header (" + e.message() +
                          "); message skipped");
    return;
  }
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<TimestampNs>::max());
  Frame f;
  f.sensor = topic.sensor;
  f.index = topic.next_index++;
  f.timestamp_ns = header.stamp_ns;
  if (m.log_time <= kMax) f.log_time_ns = static_cast<TimestampNs>(m.log_time);
  if (m.publish_time <= kMax) f.publish_time_ns = static_cast<TimestampNs>(m.publish_time);
  if (header.stamp_ns <= 0) {
    // An unset stamp (0) would put the frame in 1970: the recorder's clock is the better guess.
    f.timestamp_ns = f.log_time_ns.value_or(0);
    counted("stamp", "topic '" + topic.channel->topic + "': " + where(ref) + " has header stamp " +
                         std::to_string(header.stamp_ns) + "; timed by its log time");
  }
  f.file = file_text_;
  if (ref.chunk_offset == kMcapNotInChunk) {
    f.offset = ref.record_offset;
  } else {
    f.offset = ref.chunk_offset;
    f.inner_offset = ref.record_offset;
  }
  f.size = data_size;
  if (topic.frame_id.empty()) topic.frame_id = header.frame_id;
  drive_.frames.push_back(std::move(f));
}

void McapDriveParser::tf_message(const Topic& topic, const McapMessageRef& ref, const McapMessage& m) {
  std::vector<RosTransform> transforms;
  try {
    transforms = transforms_from_ros(topic.decoder->decode(m.data, file_));
  } catch (const ParseError& e) {
    counted("tf", "topic '" + topic.channel->topic + "': " + where(ref) + ": " + e.message() + "; skipped");
    return;
  }
  const bool is_static = is_static_tf_topic(topic.channel->topic);
  for (const auto& t : transforms) {
    if (t.parent_frame.empty() || t.child_frame.empty() || t.parent_frame == t.child_frame) continue;
    if (is_static) {
      static_tree_.set(t.parent_frame, t.child_frame, t.T_parent_from_child);
      continue;
    }
    auto [it, fresh] = dynamic_edges_.try_emplace({t.parent_frame, t.child_frame});
    DynamicEdge& e = it->second;
    if (fresh)
      e.first = t.T_parent_from_child;
    else if (e.constant && !near(e.first, t.T_parent_from_child))
      e.constant = false;
    if (is_world_frame(t.parent_frame) && is_body_frame(t.child_frame))
      e.motion.emplace_back(t.stamp_ns, t.T_parent_from_child);
  }
}

void McapDriveParser::camera_info_message(const Topic& topic, const McapMessageRef& ref, const McapMessage& m) {
  try {
    const RosCameraInfo info = camera_info_from_ros(topic.decoder->decode(m.data, file_));
    if (info.intrinsics.K.isZero() || info.intrinsics.width <= 0 || info.intrinsics.height <= 0) {
      counted("camera_info", "topic '" + topic.channel->topic + "': " + where(ref) +
                                 " is an uncalibrated CameraInfo (K zero or no image size); not used");
      return;
    }
    camera_infos_[ref.channel_id] = {topic.channel->topic, info.header.frame_id, info.intrinsics};
  } catch (const ParseError& e) {
    counted("camera_info", "topic '" + topic.channel->topic + "': " + where(ref) + ": " + e.message() + "; not used");
  }
}

void McapDriveParser::build_sensors() {
  std::vector<const Topic*> sensors;
  for (const auto& [id, t] : topics_)
    if (is_sensor(t.kind) && !t.sensor.empty()) sensors.push_back(&t);
  // Lidars first (Drive::lidar_sensor() takes the first), then cameras, then GNSS/IMU; by topic within a kind.
  const auto rank = [](const Topic* t) {
    const SensorKind k = sensor_kind(t->kind);
    return k == SensorKind::Lidar ? 0 : k == SensorKind::Camera ? 1 : 2;
  };
  std::sort(sensors.begin(), sensors.end(), [&](const Topic* a, const Topic* b) {
    return rank(a) != rank(b) ? rank(a) < rank(b) : a->channel->topic < b->channel->topic;
  });
  std::map<std::string, std::vector<TimestampNs>> times;
  for (const auto& f : drive_.frames) times[f.sensor].push_back(f.timestamp_ns);
  for (const Topic* t : sensors) {
    Sensor s;
    s.name = t->sensor;
    s.kind = sensor_kind(t->kind);
    s.frame_id = t->frame_id;
    s.model = t->channel->topic;
    // The recording states no nominal rate: the measured one (median interval) stands in for it.
    auto& ts = times[s.name];
    std::sort(ts.begin(), ts.end());
    std::vector<TimestampNs> steps;
    for (std::size_t i = 1; i < ts.size(); ++i)
      if (ts[i] > ts[i - 1]) steps.push_back(ts[i] - ts[i - 1]);
    if (!steps.empty()) {
      std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2), steps.end());
      s.rate_hz = std::round(1e9 / static_cast<double>(steps[steps.size() / 2]) * 1000.0) / 1000.0;
    }
    drive_.sensors.push_back(std::move(s));
  }
}

void McapDriveParser::build_calibration() {
  Calibration calib;
  // Intrinsics: the CameraInfo of the same optical frame, else the one under the longest common topic namespace.
  for (const auto& s : drive_.sensors) {
    if (s.kind != SensorKind::Camera) continue;
    const CameraInfoTopic* match = nullptr;
    for (const auto& [id, info] : camera_infos_)
      if (!s.frame_id.empty() && info.frame_id == s.frame_id) {
        match = &info;
        break;
      }
    if (!match) {
      std::size_t best = 0;
      for (const auto& [id, info] : camera_infos_) {
        const std::string ns = topic_namespace(info.topic) + "/";
        if (ns.size() > 1 && s.model.compare(0, ns.size(), ns) == 0 && ns.size() > best) {
          best = ns.size();
          match = &info;
        }
      }
    }
    if (match)
      calib.cameras[s.name] = match->intrinsics;
    else
      error("camera " + s.name + " (topic '" + s.model + "', frame '" + s.frame_id +
            "'): no CameraInfo matches it by frame_id or topic namespace; no intrinsics");
  }

  // Extrinsics: /tf_static, plus /tf edges that never change (robot_state_publisher's fixed joints on /tf); a
  // world frame's edge is motion even when the car stood still, so it never joins.
  TransformTree tree = static_tree_;
  for (const auto& [edge, e] : dynamic_edges_)
    if (e.constant && !is_world_frame(edge.first) &&
        !(static_tree_.has_frame(edge.first) && static_tree_.has_frame(edge.second) &&
          static_tree_.find(edge.first, edge.second)))
      tree.set(edge.first, edge.second, e.first);
  const Sensor* lidar = drive_.find_sensor(drive_.lidar_sensor());
  if (lidar && lidar->frame_id.empty())
    error("lidar " + lidar->name + " (topic '" + lidar->model + "'): its messages name no frame_id; no extrinsics");
  const bool need_extrinsics = lidar && !lidar->frame_id.empty() && drive_.sensors.size() > 1;
  if (need_extrinsics && !have_tf_topic_) {
    error("no tf topic (/tf_static or /tf): no extrinsics between the sensors and lidar frame '" + lidar->frame_id +
          "'");
  } else if (need_extrinsics) {
    for (const auto& s : drive_.sensors) {
      if (&s == lidar) continue;
      if (s.frame_id.empty()) {
        error(std::string(to_string(s.kind)) + " " + s.name + " (topic '" + s.model +
              "'): its messages name no frame_id; no extrinsic to the lidar");
        continue;
      }
      if (s.frame_id == lidar->frame_id) continue;  // the same frame: Calibration::transform gives the identity
      if (const auto T = tree.find(s.frame_id, lidar->frame_id))
        calib.set_transform({s.frame_id, lidar->frame_id, *T, CalibrationSource::File});
      else
        error(std::string(to_string(s.kind)) + " " + s.name + " (topic '" + s.model + "'): no tf path between its frame '" +
              s.frame_id + "' and lidar frame '" + lidar->frame_id + "'; extrinsic missing");
    }
  }
  if (!calib.cameras.empty() || !calib.extrinsics.empty()) drive_.calibrations.push_back(std::move(calib));
}

// The /tf edge map|odom|world <- base_link|base_footprint that moves the body (map preferred, as the
// better-localized frame); null when the recording has none.
const DynamicEdge* McapDriveParser::body_motion(std::string* source) const {
  for (const char* world : {"map", "odom", "world"})
    for (const char* body : {"base_link", "base_footprint"}) {
      const auto it = dynamic_edges_.find({world, body});
      if (it != dynamic_edges_.end() && !it->second.motion.empty()) {
        if (source) *source = std::string(world) + " <- " + body;
        return &it->second;
      }
    }
  return nullptr;
}

// The body's orientation in the world at t: body_motion()'s transform nearest in time.
std::optional<Eigen::Quaterniond> McapDriveParser::body_orientation(TimestampNs t, std::string* source) const {
  const DynamicEdge* best = body_motion(source);
  if (!best) return std::nullopt;
  const auto& r = best->motion;
  auto it = std::lower_bound(r.begin(), r.end(), t, [](const auto& a, TimestampNs v) { return a.first < v; });
  if (it == r.end()) it = std::prev(r.end());
  else if (it != r.begin() && t - std::prev(it)->first <= it->first - t) it = std::prev(it);
  return Eigen::Quaterniond(it->second.linear());
}

// Poses. With a NavSatFix topic: one pose per fix, positioned by the KITTI OXTS convention (Mercator with the
// first fix's scale, first pose the identity) so MCAP and KITTI drives share one world-frame definition; the
// orientation comes from the Odometry message nearest in time when there is an Odometry topic (its pose is the
// body in a local ENU frame), else from the /tf edge map/odom -> base_link nearest in time, else it is the identity
// (a receiver alone has no heading). Without NavSatFix, an Odometry topic gives the poses from its own pose, made
// relative to the first one. Without either, the /tf edge map|odom <- base_link gives them the same way (a robot's
// localization alone); its forward speed is the central difference of its positions along the body's x axis.
// The first topic of a kind (by topic name) is used.
void McapDriveParser::build_poses() {
  const Topic* fix_topic = nullptr;
  const Topic* odo_topic = nullptr;
  for (const auto& s : drive_.sensors)
    for (const auto& [id, t] : topics_) {
      if (t.sensor != s.name) continue;
      if (t.kind == RosTopicKind::NavSatFix && !fix_topic && fixes_.count(id)) fix_topic = &t;
      if (t.kind == RosTopicKind::Odometry && !odo_topic && odometry_.count(id)) odo_topic = &t;
    }
  std::vector<StampedPose> odo;
  if (odo_topic) {
    odo = odometry_.at(odo_topic->channel->id);
    std::stable_sort(odo.begin(), odo.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
  }
  if (fix_topic) {
    auto fixes = fixes_.at(fix_topic->channel->id);
    std::stable_sort(fixes.begin(), fixes.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
    OxtsPoseBuilder builder;
    for (const auto& f : fixes) {
      if (f.fix.status < 0 || !std::isfinite(f.fix.latitude) || !std::isfinite(f.fix.longitude) ||
          std::abs(f.fix.latitude) >= 89.0 || std::abs(f.fix.longitude) > 180.0) {
        counted("fix", "topic '" + fix_topic->channel->topic + "': fix at " + std::to_string(f.t) + " has status " +
                           std::to_string(f.fix.status) + ", latitude " + std::to_string(f.fix.latitude) +
                           ", longitude " + std::to_string(f.fix.longitude) + "; no pose");
        continue;
      }
      OxtsRecord r{};
      r[0] = f.fix.latitude;
      r[1] = f.fix.longitude;
      r[2] = std::isfinite(f.fix.altitude) ? f.fix.altitude : 0.0;
      std::string source;
      std::optional<Eigen::Quaterniond> q;
      if (const StampedPose* p = nearest_in_time(odo, f.t)) {
        q = Eigen::Quaterniond(p->T.linear());
        r[8] = p->forward_speed;
      } else {
        q = body_orientation(f.t, &source);
      }
      if (q) {
        const Eigen::Vector3d rpy = roll_pitch_yaw(q->normalized().toRotationMatrix());
        r[3] = rpy[0];
        r[4] = rpy[1];
        r[5] = rpy[2];
      }
      drive_.poses.push_back(builder.add(r, f.t));
    }
    finish_counted("fix", "fixes without a usable position left out of the poses");
    return;
  }
  if (odo.empty()) {
    // Poses from /tf: the same shape as Odometry's, speed from the motion itself.
    if (const DynamicEdge* e = body_motion(nullptr)) {
      const auto& m = e->motion;
      for (std::size_t i = 0; i < m.size(); ++i) {
        const std::size_t a = i > 0 ? i - 1 : i, b = i + 1 < m.size() ? i + 1 : i;
        double speed = 0;
        if (b > a && m[b].first > m[a].first)
          speed = (m[b].second.translation() - m[a].second.translation()).dot(m[i].second.linear().col(0)) /
                  (1e-9 * static_cast<double>(m[b].first - m[a].first));
        odo.push_back({m[i].first, m[i].second, speed});
      }
    }
  }
  if (!odo.empty()) {
    const Eigen::Isometry3d T_first_inverse = odo.front().T.inverse();
    for (const auto& p : odo) {
      Pose pose;
      pose.timestamp_ns = p.t;
      pose.T_world_from_imu = T_first_inverse * p.T;
      const Eigen::Vector3d rpy = roll_pitch_yaw(p.T.linear());
      pose.roll = rpy[0];
      pose.pitch = rpy[1];
      pose.yaw = rpy[2];
      pose.forward_velocity_mps = p.forward_speed;
      drive_.poses.push_back(pose);
    }
  }
}

void McapDriveParser::report_reader_problems() {
  // The container's findings (truncation, CRC, damaged records) already name the file and the byte offset.
  for (const auto& p : reader_.problems()) {
    std::string text = p;
    const std::string prefix = file_text_ + ": ";
    if (text.compare(0, prefix.size(), prefix) == 0) text.erase(0, prefix.size());
    error(text);
  }
}

}  // namespace

bool McapDriveReader::detect(const fs::path& path) const {
  return path.extension() == ".mcap" && !is_dir(path);
}

std::vector<Drive> McapDriveReader::read(const fs::path& path, const Progress& progress) const {
  const fs::path file = normalized_absolute(path);
  if (!is_file(file)) throw ParseError(file, "MCAP file not found");
  const auto reader = McapFileReader::open(file);  // throws ParseError when the file is not MCAP at all
  Drive drive;
  drive.name = file.stem().string();
  drive.format = format();
  drive.root = file.string();

  McapDriveParser parser(file, *reader, drive, progress);
  parser.classify_topics();
  parser.read_messages();
  parser.build_sensors();
  parser.build_calibration();
  parser.build_poses();
  parser.report_reader_problems();
  if (drive.frames.empty()) {
    // Nothing to view or run a pass on (e.g. a recording of diagnostics only, or an MCAP file of other data).
    std::string topics;
    std::size_t listed = 0;
    for (const auto& [id, c] : reader->channels()) {
      if (listed++ == 5) {
        topics += ", ...";
        break;
      }
      topics += (topics.empty() ? "" : ", ") + c.topic;
    }
    const auto count = [](std::size_t n, const std::string& what) {
      return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
    };
    throw ParseError(file, "no point cloud or image messages to index (" +
                               count(reader->messages().size(), "message") + " on " +
                               count(reader->channels().size(), "topic") + (topics.empty() ? "" : ": " + topics) +
                               "); not a drive");
  }
  std::vector<Drive> drives;
  drives.push_back(std::move(drive));
  return drives;
}

}  // namespace dc::core

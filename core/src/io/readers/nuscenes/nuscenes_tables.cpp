#include "io/readers/nuscenes/nuscenes_tables.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/file_check.h"

#include <system_error>
#include <unordered_set>

namespace dc::core::nuscenes {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxTextChars = 4096;  // names, channels, file names

template <std::size_t N>
std::array<double, N> fixed(const JsonRecord& r, int key) {
  const std::vector<double> v = r.numbers(key, N);
  std::array<double, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = v[i];
  return out;
}

std::string bounded_text(const JsonRecord& r, int key, bool required = true) {
  const std::string_view s = required ? r.text(key) : r.optional_text(key);
  if (s.size() > kMaxTextChars) r.fail(key, "text longer than " + std::to_string(kMaxTextChars) + " characters");
  return std::string(s);
}

template <class Record, class Parse>
void read_table(Tables& t, Table<Record>& table, const char* name, bool required,
                const std::vector<std::string_view>& keys, Parse parse, const Progress& progress) {
  table.file = t.version_dir / (std::string(name) + ".json");
  if (progress.cancelled()) throw Cancelled();
  progress(0, 1, "reading " + table.file.string());
  if (!required && !exists_any(table.file)) {
    t.problems.push_back(IngestError::make(table.file.string(), 0, "table missing; its records are not read"));
    return;
  }
  std::size_t duplicates = 0, untokened = 0;
  std::string first_duplicate;
  auto on_record = [&](const JsonRecord& r) {
    std::optional<Record> rec = parse(r);
    if (!rec) return;
    if (rec->token.empty()) {
      ++untokened;
      return;
    }
    auto [it, inserted] = table.index.try_emplace(rec->token, static_cast<std::uint32_t>(table.rows.size()));
    if (!inserted) {
      if (duplicates++ == 0) first_duplicate = t.pool.text(rec->token);
      return;
    }
    table.rows.push_back(std::move(*rec));
  };
  try {
    parse_json_table(table.file, keys, on_record, progress);
    table.present = true;
  } catch (const ParseError& e) {
    if (required) throw;
    table.rows.clear();
    table.index.clear();
    t.problems.push_back(IngestError::make(e.file().string(), e.line(), e.message() + "; table not read"));
    return;
  }
  std::error_code ec;
  const auto size = fs::file_size(table.file, ec);
  if (!ec) t.bytes_parsed += size;
  if (untokened > 0)
    t.problems.push_back(IngestError::make(table.file.string(), 0,
                                           std::to_string(untokened) + " records have an empty or null token; skipped"));
  if (duplicates > 0)
    t.problems.push_back(IngestError::make(table.file.string(), 0,
                                           std::to_string(duplicates) + " records repeat a token (first: " +
                                               first_duplicate + "); the first record of each token is used"));
}

}  // namespace

Tables read_tables(const fs::path& version_dir, const Progress& progress) {
  Tables t;
  t.version_dir = version_dir;
  TokenPool& pool = t.pool;

  read_table(t, t.sensor, "sensor", true, {"token", "channel", "modality"},
             [&](const JsonRecord& r) -> std::optional<SensorRecord> {
               SensorRecord s;
               s.token = r.token(0, pool);
               s.channel = bounded_text(r, 1);
               s.modality = bounded_text(r, 2, false);
               return s;
             },
             progress);
  read_table(t, t.calibrated_sensor, "calibrated_sensor", true,
             {"token", "sensor_token", "translation", "rotation", "camera_intrinsic"},
             [&](const JsonRecord& r) -> std::optional<CalibratedSensorRecord> {
               CalibratedSensorRecord c;
               c.token = r.token(0, pool);
               c.sensor = r.token(1, pool);
               c.translation = fixed<3>(r, 2);
               c.rotation = fixed<4>(r, 3);
               const std::vector<double> k = r.numbers_or_empty(4, 9);
               if (!k.empty() && r.value(4).rows != 3) r.fail(4, "expected [] or three rows of three numbers");
               c.has_intrinsic = !k.empty();
               for (std::size_t i = 0; i < k.size(); ++i) c.intrinsic[i] = k[i];
               return c;
             },
             progress);
  // Radar sweeps are not read: know which calibrated sensors are radars before the big table.
  std::unordered_set<Token, TokenHash> radar_calibrations;
  for (const auto& c : t.calibrated_sensor.rows)
    if (const SensorRecord* s = t.sensor.find(c.sensor); s && s->modality == "radar")
      radar_calibrations.insert(c.token);

  read_table(t, t.log, "log", false, {"token", "location"},
             [&](const JsonRecord& r) -> std::optional<NamedRecord> {
               return NamedRecord{r.token(0, pool), bounded_text(r, 1, false)};
             },
             progress);
  read_table(t, t.scene, "scene", true, {"token", "name", "description", "log_token", "first_sample_token"},
             [&](const JsonRecord& r) -> std::optional<SceneRecord> {
               SceneRecord s;
               s.token = r.token(0, pool);
               s.name = bounded_text(r, 1);
               s.description = bounded_text(r, 2, false);
               s.log = r.token(3, pool);
               s.first_sample = r.token(4, pool);
               return s;
             },
             progress);
  read_table(t, t.sample, "sample", true, {"token", "timestamp", "scene_token"},
             [&](const JsonRecord& r) -> std::optional<SampleRecord> {
               return SampleRecord{r.token(0, pool), r.token(2, pool), r.integer(1)};
             },
             progress);
  read_table(t, t.ego_pose, "ego_pose", true, {"token", "timestamp", "translation", "rotation"},
             [&](const JsonRecord& r) -> std::optional<EgoPoseRecord> {
               return EgoPoseRecord{r.token(0, pool), r.integer(1), fixed<3>(r, 2), fixed<4>(r, 3)};
             },
             progress);
  read_table(t, t.sample_data, "sample_data", true,
             {"token", "sample_token", "ego_pose_token", "calibrated_sensor_token", "timestamp", "is_key_frame",
              "width", "height", "filename"},
             [&](const JsonRecord& r) -> std::optional<SampleDataRecord> {
               SampleDataRecord d;
               d.calibrated_sensor = r.token(3, pool);
               if (radar_calibrations.count(d.calibrated_sensor)) {
                 ++t.radar_records;
                 return std::nullopt;
               }
               d.token = r.token(0, pool);
               d.sample = r.token(1, pool);
               d.ego_pose = r.token(2, pool);
               d.timestamp_us = r.integer(4);
               d.key_frame = r.boolean(5);
               d.width = r.optional_integer(6, 0);
               d.height = r.optional_integer(7, 0);
               d.filename = bounded_text(r, 8);
               return d;
             },
             progress);
  read_table(t, t.category, "category", false, {"token", "name"},
             [&](const JsonRecord& r) -> std::optional<NamedRecord> {
               return NamedRecord{r.token(0, pool), bounded_text(r, 1)};
             },
             progress);
  read_table(t, t.attribute, "attribute", false, {"token", "name"},
             [&](const JsonRecord& r) -> std::optional<NamedRecord> {
               return NamedRecord{r.token(0, pool), bounded_text(r, 1)};
             },
             progress);
  read_table(t, t.visibility, "visibility", false, {"token", "level"},
             [&](const JsonRecord& r) -> std::optional<NamedRecord> {
               return NamedRecord{r.token(0, pool), bounded_text(r, 1)};
             },
             progress);
  read_table(t, t.instance, "instance", false, {"token", "category_token"},
             [&](const JsonRecord& r) -> std::optional<InstanceRecord> {
               return InstanceRecord{r.token(0, pool), r.token(1, pool)};
             },
             progress);
  read_table(t, t.sample_annotation, "sample_annotation", false,
             {"token", "sample_token", "instance_token", "visibility_token", "attribute_tokens", "translation", "size",
              "rotation"},
             [&](const JsonRecord& r) -> std::optional<AnnotationRecord> {
               AnnotationRecord a;
               a.token = r.token(0, pool);
               a.sample = r.token(1, pool);
               a.instance = r.token(2, pool);
               a.visibility = r.token(3, pool);
               a.attributes = r.tokens(4, pool);
               a.translation = fixed<3>(r, 5);
               a.size = fixed<3>(r, 6);
               a.rotation = fixed<4>(r, 7);
               return a;
             },
             progress);
  return t;
}

}  // namespace dc::core::nuscenes

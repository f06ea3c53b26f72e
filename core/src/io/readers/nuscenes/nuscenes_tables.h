#pragma once
#include "dc/core/model/ingest_error.h"
#include "dc/core/util/progress.h"
#include "io/readers/nuscenes/nuscenes_json_table.h"

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace dc::core::nuscenes {

// The fields of the nuScenes v1.0 tables the reader uses, one compact struct per record.
struct SceneRecord {
  Token token, log, first_sample;
  std::string name, description;
};
struct SampleRecord {
  Token token, scene;
  std::int64_t timestamp_us = 0;
};
struct SampleDataRecord {
  Token token, sample, ego_pose, calibrated_sensor;
  std::int64_t timestamp_us = 0;
  std::int64_t width = 0, height = 0;
  bool key_frame = false;
  std::string filename;  // relative to the dataset root
};
struct CalibratedSensorRecord {
  Token token, sensor;
  std::array<double, 3> translation{};
  std::array<double, 4> rotation{};  // w x y z
  bool has_intrinsic = false;
  std::array<double, 9> intrinsic{};  // row-major 3 x 3
};
struct SensorRecord {
  Token token;
  std::string channel, modality;
};
struct EgoPoseRecord {
  Token token;
  std::int64_t timestamp_us = 0;
  std::array<double, 3> translation{};
  std::array<double, 4> rotation{};
};
struct AnnotationRecord {
  Token token, sample, instance, visibility;
  std::vector<Token> attributes;
  std::array<double, 3> translation{}, size{};  // size: width, length, height
  std::array<double, 4> rotation{};
};
struct InstanceRecord {
  Token token, category;
};
struct NamedRecord {  // category (name), attribute (name), visibility (level), log (location)
  Token token;
  std::string name;
};

// A table as a vector plus a token index.
template <class Record>
struct Table {
  std::filesystem::path file;
  bool present = false;  // false: the file was absent (optional tables) or unreadable (see Tables::problems)
  std::vector<Record> rows;
  std::unordered_map<Token, std::uint32_t, TokenHash> index;
  const Record* find(const Token& t) const {
    auto it = index.find(t);
    return it == index.end() ? nullptr : &rows[it->second];
  }
};

// Every table of one version folder (v1.0-mini, v1.0-trainval, ...).
struct Tables {
  std::filesystem::path version_dir;
  TokenPool pool;
  Table<SceneRecord> scene;
  Table<SampleRecord> sample;
  Table<SampleDataRecord> sample_data;
  Table<CalibratedSensorRecord> calibrated_sensor;
  Table<SensorRecord> sensor;
  Table<EgoPoseRecord> ego_pose;
  Table<AnnotationRecord> sample_annotation;
  Table<InstanceRecord> instance;
  Table<NamedRecord> category, attribute, visibility, log;
  std::vector<IngestError> problems;  // optional tables missing or malformed, duplicate tokens: for every drive
  std::size_t radar_records = 0;      // sample_data of radar channels, not read
  std::uint64_t bytes_parsed = 0;
};

// Reads the tables of `version_dir`. scene, sample, sample_data, sensor, calibrated_sensor and ego_pose are
// required: a missing or malformed one throws ParseError naming it. The annotation tables (sample_annotation,
// instance, category, attribute, visibility) and log are optional: a missing or malformed one is recorded in
// `problems` and left empty. sample_data records of channels whose sensor modality is radar are skipped.
Tables read_tables(const std::filesystem::path& version_dir, const Progress& progress);

}  // namespace dc::core::nuscenes

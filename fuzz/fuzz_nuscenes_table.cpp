// nuScenes JSON tables: the first input byte picks which table of a version folder holds the rest of the input (the
// other tables are empty arrays), then read_tables reads the folder as the nuScenes reader does. The same bytes also
// go through parse_json_table with every typed accessor of JsonRecord.
#include "dc/core/io/parse_error.h"
#include "fuzz_support.h"
#include "io/readers/nuscenes/nuscenes_json_table.h"
#include "io/readers/nuscenes/nuscenes_tables.h"

#include <cstdio>
#include <string>

namespace {

using namespace dc::core::nuscenes;

constexpr const char* kTables[] = {"sensor", "calibrated_sensor", "log", "scene", "sample", "ego_pose", "sample_data",
                                   "category", "attribute", "visibility", "instance", "sample_annotation"};
constexpr std::size_t kTableCount = sizeof kTables / sizeof kTables[0];

const std::filesystem::path& version_dir() {
  static const std::filesystem::path dir = [] {
    const auto d = dc::fuzz::work_dir() / "v1.0-fuzz";
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

void write_table(const char* name, const std::uint8_t* data, std::size_t size) {
  const auto file = version_dir() / (std::string(name) + ".json");
  std::FILE* f = std::fopen(file.c_str(), "wb");
  if (!f) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
}

template <class F>
void guarded(F&& f) {
  try {
    f();
  } catch (const dc::core::ParseError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const std::uint8_t kEmpty[] = {'[', ']'};
  // Every table starts as []; afterwards only the table the last input replaced is reset.
  static std::size_t last = [] {
    for (const char* name : kTables) write_table(name, kEmpty, sizeof kEmpty);
    return std::size_t(0);
  }();
  const std::size_t pick = data[0] % kTableCount;
  if (last != pick) write_table(kTables[last], kEmpty, sizeof kEmpty);
  write_table(kTables[pick], data + 1, size - 1);
  last = pick;
  try {
    const Tables tables = read_tables(version_dir(), {});
    (void)tables.problems.size();
  } catch (const dc::core::ParseError&) {
  }

  const auto file = version_dir() / (std::string(kTables[pick]) + ".json");
  TokenPool pool;
  try {
    parse_json_table(file, {"token", "timestamp", "translation", "camera_intrinsic", "is_key_frame", "attribute_tokens",
                            "name", "width"},
                     [&](const JsonRecord& r) {
                       guarded([&] { (void)pool.text(r.token(0, pool)); });
                       guarded([&] { (void)r.integer(1); });
                       guarded([&] { (void)r.optional_integer(7, 0); });
                       guarded([&] { (void)r.numbers(2, 3); });
                       guarded([&] { (void)r.numbers_or_empty(3, 9); });
                       guarded([&] { (void)r.boolean(4); });
                       guarded([&] {
                         for (const Token& t : r.tokens(5, pool)) (void)pool.text(t);
                       });
                       guarded([&] { (void)r.text(6); });
                       guarded([&] { (void)r.optional_text(6); });
                       (void)r.present(0);
                     });
  } catch (const dc::core::ParseError&) {
  }
  return 0;
}

// Query latency on a large catalog: 1,000,000 samples over many drives, with labels (classes, sources, review
// states), tags, findings (checks, severities, span findings) and pass runs, inserted through the real schema with
// prepared statements in big transactions. Each query runs through QueryEngine (parse, compile, execute, read
// every row); the median of several runs is printed with the number of matches and SQLite's EXPLAIN QUERY PLAN of
// the compiled statement, so a scan where an index should be used shows up.
//
//   bench_query [--samples N] [--drives D] [--runs R] [--catalog FILE] [--keep]
#include "dc/core/catalog/catalog.h"
#include "dc/core/query/compiled_query.h"
#include "dc/core/query/query_compiler.h"
#include "dc/core/query/query_engine.h"
#include "dc/core/query/query_parser.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace fs = std::filesystem;
using namespace dc::core;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

// A prepared statement reused for every row of a bulk insert.
class Insert {
 public:
  Insert(sqlite3* db, const char* sql) : db_(db) { check(sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr), db, sql); }
  ~Insert() { sqlite3_finalize(stmt_); }
  Insert& i(int index, std::int64_t v) {
    sqlite3_bind_int64(stmt_, index, v);
    return *this;
  }
  Insert& d(int index, double v) {
    sqlite3_bind_double(stmt_, index, v);
    return *this;
  }
  Insert& t(int index, const std::string& v) {
    sqlite3_bind_text(stmt_, index, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Insert& null(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
  }
  std::int64_t run() {
    check(sqlite3_step(stmt_), db_, "insert");
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return sqlite3_last_insert_rowid(db_);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

void exec(sqlite3* db, const char* sql) {
  check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql);
}

struct Counts {
  std::int64_t drives = 0, samples = 0, labels = 0, tags = 0, findings = 0, runs = 0;
};

// Fills the catalog (already migrated by Catalog) with a synthetic but realistic spread.
Counts populate(const fs::path& file, int total_samples, int drive_count, std::uint32_t seed) {
  sqlite3* db = nullptr;
  check(sqlite3_open(file.c_str(), &db), db, "open");
  exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON; PRAGMA cache_size=-262144");
  std::mt19937 rng(seed);
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  auto chance = [&](double p) { return uniform(0.0, 1.0) < p; };

  Counts n;
  const char* dates[] = {"2011_09_26", "2011_09_28", "2011_09_29", "2011_09_30", "2011_10_03"};
  // Class mix of KITTI's training labels, roughly.
  const std::pair<const char*, double> classes[] = {{"Car", 0.62},     {"Pedestrian", 0.12},    {"Van", 0.08},
                                                    {"Cyclist", 0.06}, {"Truck", 0.05},         {"Misc", 0.03},
                                                    {"Tram", 0.02},    {"Person_sitting", 0.02}};
  auto pick_class = [&] {
    double u = uniform(0.0, 1.0);
    for (const auto& [name, p] : classes) {
      if (u < p) return name;
      u -= p;
    }
    return "Car";
  };
  const char* checks[] = {"sync-skew",      "frame-gap",      "lidar-health",     "image-health",
                          "edge-alignment", "too-few-points", "implausible-size", "track-jump"};
  const char* severities[] = {"info", "warning", "error"};
  const char* reviews[] = {"accepted", "rejected", "fixed"};

  exec(db, "BEGIN");
  Insert tag(db, "INSERT INTO tags (name) VALUES (?1)");
  const char* tag_names[] = {"night", "rain", "occluded", "interesting", "bad-calibration", "highway", "urban"};
  std::vector<std::int64_t> tag_ids;
  for (const char* name : tag_names) tag_ids.push_back(tag.t(1, name).run());
  exec(db, "COMMIT");

  Insert drive(
      db,
      "INSERT INTO drives (name, format, root, start_ns, end_ns, ingested_ns) VALUES (?1, 'kitti-raw', ?2, ?3, ?4, 0)");
  Insert sensor(db, "INSERT INTO sensors (drive_id, name, kind, rate_hz) VALUES (?1, 'velodyne_points', 'lidar', 10)");
  Insert job(db, "INSERT INTO jobs (pass, state, drive_id) VALUES (?1, 'done', ?2)");
  Insert frame(db, "INSERT INTO frames (drive_id, sensor_id, idx, timestamp_ns, file) VALUES (?1, ?2, ?3, ?4, ?5)");
  Insert sample(db, "INSERT INTO samples (drive_id, idx, timestamp_ns, lidar_frame_id) VALUES (?1, ?2, ?3, ?4)");
  Insert label(db,
               "INSERT INTO labels (drive_id, frame_idx, timestamp_ns, cx, cy, cz, length, width, height, yaw, "
               "category, track_id, source, review) VALUES (?1, ?2, ?3, ?4, ?5, -1, 4, 1.8, 1.5, ?6, ?7, ?8, ?9, ?10)");
  Insert sample_tag(db, "INSERT INTO sample_tags (sample_id, tag_id) VALUES (?1, ?2)");
  Insert finding(db,
                 "INSERT INTO findings (drive_id, job_id, check_name, severity, start_ns, end_ns, sample_id, "
                 "sample_key, message, review) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'synthetic', ?9)");

  const int per_drive = std::max(1, total_samples / drive_count);
  for (int di = 0; di < drive_count; ++di) {
    exec(db, "BEGIN");
    const std::string name = std::string(dates[di % 5]) + "_drive_" + std::to_string(1000 + di) + "_sync";
    const std::int64_t start = 1'317'000'000'000'000'000LL + static_cast<std::int64_t>(di) * 3'600'000'000'000LL;
    const int count = di == drive_count - 1 ? total_samples - per_drive * (drive_count - 1) : per_drive;
    const std::int64_t drive_id = drive.t(1, name)
                                      .t(2, "/data/" + name)
                                      .i(3, start)
                                      .i(4, start + static_cast<std::int64_t>(count) * 100'000'000)
                                      .run();
    const std::int64_t sensor_id = sensor.i(1, drive_id).run();
    std::int64_t runs[3];
    const char* passes[] = {"data-qc", "calib-check", "label-qa"};
    for (int p = 0; p < 3; ++p) runs[p] = job.t(1, passes[p]).i(2, drive_id).run();
    n.runs += 3;
    ++n.drives;
    // Drive-wide conditions, and stretches of rain and occlusion.
    const bool night = chance(0.12), highway = chance(0.3);
    int rain_left = 0, occluded_left = 0;
    for (int k = 0; k < count; ++k) {
      const std::int64_t t = start + static_cast<std::int64_t>(k) * 100'000'000;
      const std::int64_t frame_id = frame.i(1, drive_id)
                                        .i(2, sensor_id)
                                        .i(3, k)
                                        .i(4, t)
                                        .t(5, "velodyne_points/data/" + std::to_string(k) + ".bin")
                                        .run();
      const std::int64_t sample_id = sample.i(1, drive_id).i(2, k).i(3, t).i(4, frame_id).run();
      ++n.samples;
      const int boxes = std::min(14, static_cast<int>(std::poisson_distribution<int>(2.5)(rng)));
      for (int b = 0; b < boxes; ++b) {
        const double u = uniform(0.0, 1.0);
        const char* review = u < 0.97 ? "unreviewed" : reviews[static_cast<int>(uniform(0.0, 3.0))];
        label.i(1, drive_id)
            .i(2, k)
            .i(3, t)
            .d(4, uniform(2, 60))
            .d(5, uniform(-15, 15))
            .d(6, uniform(-3.1, 3.1))
            .t(7, pick_class())
            .t(8, std::to_string(b))
            .t(9, chance(0.8) ? "gt" : "auto")
            .t(10, review)
            .run();
        ++n.labels;
      }
      if (rain_left == 0 && chance(0.002)) rain_left = 200 + static_cast<int>(uniform(0, 400));
      if (occluded_left == 0 && chance(0.01)) occluded_left = 5 + static_cast<int>(uniform(0, 20));
      auto add_tag = [&](int which) {
        sample_tag.i(1, sample_id).i(2, tag_ids[static_cast<std::size_t>(which)]).run();
        ++n.tags;
      };
      if (night) add_tag(0);
      if (rain_left > 0) --rain_left, add_tag(1);
      if (occluded_left > 0) --occluded_left, add_tag(2);
      if (chance(0.003)) add_tag(3);
      if (highway)
        add_tag(5);
      else if (chance(0.5))
        add_tag(6);
      // Per-sample findings on about 4% of samples.
      if (chance(0.04)) {
        const int c = static_cast<int>(uniform(0.0, 8.0));
        const double s = uniform(0.0, 1.0);
        const int severity = s < 0.5 ? 0 : s < 0.85 ? 1 : 2;
        const int pass = c < 4 ? 0 : c == 4 ? 1 : 2;
        finding.i(1, drive_id)
            .i(2, runs[pass])
            .t(3, checks[c])
            .t(4, severities[severity])
            .i(5, t)
            .i(6, t)
            .i(7, sample_id)
            .i(8, k)
            .t(9, chance(0.9) ? "unreviewed" : reviews[static_cast<int>(uniform(0.0, 3.0))])
            .run();
        ++n.findings;
      }
    }
    // A few span findings per drive (gaps, calibration drift windows), without a sample.
    const int spans = static_cast<int>(uniform(0.0, 4.0));
    for (int s = 0; s < spans; ++s) {
      const int c = s % 2 ? 1 : 4;
      const std::int64_t from = start + static_cast<std::int64_t>(uniform(0, count)) * 100'000'000;
      finding.i(1, drive_id)
          .i(2, runs[c == 4 ? 1 : 0])
          .t(3, checks[c])
          .t(4, severities[1 + s % 2])
          .i(5, from)
          .i(6, from + 3'000'000'000LL)
          .null(7)
          .null(8)
          .t(9, "unreviewed")
          .run();
      ++n.findings;
    }
    exec(db, "COMMIT");
  }
  exec(db, "ANALYZE");
  sqlite3_close(db);
  return n;
}

// The SQLite plan of a compiled query, one line per step, indented by depth.
std::string query_plan(sqlite3* db, const CompiledQuery& q) {
  sqlite3_stmt* stmt = nullptr;
  check(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + q.sql).c_str(), -1, &stmt, nullptr), db, "explain");
  for (std::size_t i = 0; i < q.params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    if (const auto* v = std::get_if<std::int64_t>(&q.params[i]))
      sqlite3_bind_int64(stmt, index, *v);
    else {
      const auto& s = std::get<std::string>(q.params[i]);
      sqlite3_bind_text(stmt, index, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
  }
  std::vector<std::pair<int, int>> parents;  // (id, depth)
  std::string out;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const int id = sqlite3_column_int(stmt, 0), parent = sqlite3_column_int(stmt, 1);
    int depth = 0;
    for (const auto& [pid, pdepth] : parents)
      if (pid == parent) depth = pdepth + 1;
    parents.emplace_back(id, depth);
    out += "    " + std::string(static_cast<std::size_t>(depth) * 2, ' ') +
           reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)) + "\n";
  }
  sqlite3_finalize(stmt);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int samples = 1'000'000, drives = 500, runs = 5;
  fs::path file = fs::temp_directory_path() / "dc_bench_query" / "catalog.sqlite";
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "error: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--samples")
      samples = std::atoi(value().c_str());
    else if (a == "--drives")
      drives = std::atoi(value().c_str());
    else if (a == "--runs")
      runs = std::max(1, std::atoi(value().c_str()));
    else if (a == "--catalog")
      file = value();
    else if (a == "--keep")
      keep = true;
    else {
      std::fprintf(stderr, "usage: bench_query [--samples N] [--drives D] [--runs R] [--catalog FILE] [--keep]\n");
      return 2;
    }
  }
  if (samples < 1 || drives < 1 || drives > samples) {
    std::fprintf(stderr, "error: need 1 <= --drives <= --samples\n");
    return 2;
  }

  try {
    // --keep reuses a catalog left by an earlier run with --keep (same size), so plans can be compared quickly.
    const bool reuse = keep && fs::exists(file);
    if (!reuse) {
      fs::remove_all(file.parent_path());
      fs::create_directories(file.parent_path());
      { Catalog migrate(file); }  // the real schema, every migration
      const auto t = Clock::now();
      const Counts n = populate(file, samples, drives, 42);
      std::printf(
          "setup: %lld drives, %lld samples, %lld labels, %lld sample tags, %lld findings, %lld runs in %.1f s\n",
          static_cast<long long>(n.drives), static_cast<long long>(n.samples), static_cast<long long>(n.labels),
          static_cast<long long>(n.tags), static_cast<long long>(n.findings), static_cast<long long>(n.runs),
          seconds_since(t));
    } else {
      std::printf("setup: reusing %s\n", file.c_str());
    }
    Catalog catalog(file);  // migrates a kept catalog made before a newer schema
    std::printf("catalog: %s, schema version %d, %.0f MiB\n", file.c_str(), catalog.schema_version(),
                static_cast<double>(fs::file_size(file)) / (1 << 20));
    sqlite3* db = nullptr;
    check(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), db, "open");

    const std::string one_drive = catalog.drives().at(catalog.drives().size() / 2).name;
    const std::vector<std::pair<const char*, std::string>> queries = {
        {"tag", "tag:night"},
        {"tag (rare)", "tag:interesting"},
        {"class", "class:Car"},
        {"class (rare)", "class:Tram"},
        {"drive:", "drive:" + one_drive},
        {"drive~", "drive~\"2011_09_26\""},
        {"finding", "finding:calib-check"},
        {"severity", "severity>=error"},
        {"review", "review:rejected"},
        {"count>=", "count>=8"},
        {"combined",
         "class:Car count>=3 and finding:calib-check severity>=warning and not tag:night and drive~\"2011_09_26\""},
    };
    // "all": every match (QueryEngine::run); "page": the first 100 in result order (QueryEngine::page), what a
    // filter bar shows first.
    std::printf("\n%-14s %10s %12s %12s %12s   query\n", "predicate", "matches", "all median", "all min",
                "page median");
    std::vector<std::string> plans;
    for (const auto& [what, text] : queries) {
      std::vector<double> ms;
      std::size_t matches = 0;
      for (int r = 0; r < runs; ++r) {
        const auto t = Clock::now();
        matches = QueryEngine(catalog).run(text).size();
        ms.push_back(seconds_since(t) * 1e3);
      }
      std::sort(ms.begin(), ms.end());
      std::vector<double> page_ms;
      for (int r = 0; r < runs; ++r) {
        const auto t = Clock::now();
        QueryEngine(catalog).page(text, 100);
        page_ms.push_back(seconds_since(t) * 1e3);
      }
      std::sort(page_ms.begin(), page_ms.end());
      std::printf("%-14s %10zu %12.1f %12.1f %12.1f   %s\n", what, matches, ms[ms.size() / 2], ms.front(),
                  page_ms[page_ms.size() / 2], text.c_str());
      std::fflush(stdout);
      plans.push_back(std::string(what) + ": " + text + "\n" + query_plan(db, QueryEngine::compile(text)) +
                      "    in sample order, one page:\n" +
                      query_plan(db, QueryCompiler::compile_page(QueryParser::parse(text), text,
                                                                 QueryPlan::InSampleOrder, std::nullopt, 101)));
    }
    std::printf("\nEXPLAIN QUERY PLAN of each compiled query:\n");
    for (const auto& p : plans) std::printf("  %s", p.c_str());
    sqlite3_close(db);
    if (!keep) fs::remove_all(file.parent_path());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

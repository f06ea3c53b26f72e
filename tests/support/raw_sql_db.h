#pragma once
// Direct SQL on a catalog file, independent of the project's repositories: tests set up old schemas with it and read
// back what the code under test stored. Tests using it link SQLite::SQLite3.
#include <sqlite3.h>

#include <QtGlobal>
#include <filesystem>
#include <string>
#include <vector>

namespace dc::test {

class RawSqlDb {
 public:
  explicit RawSqlDb(const std::filesystem::path& file) { sqlite3_open(file.c_str(), &db_); }
  ~RawSqlDb() { sqlite3_close(db_); }
  RawSqlDb(const RawSqlDb&) = delete;
  RawSqlDb& operator=(const RawSqlDb&) = delete;

  // False (and a warning naming the statement) when it fails.
  bool exec(const std::string& sql) {
    char* error = nullptr;
    const bool ok = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK;
    if (!ok) qWarning("SQL failed: %s in %s", error ? error : "?", sql.c_str());
    sqlite3_free(error);
    return ok;
  }
  // Every row of a query as text cells ("NULL" for null).
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    std::vector<std::vector<std::string>> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const auto* text = sqlite3_column_text(st, i);
        row.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return out;
  }
  // The first cell of the first row ("<none>" without one).
  std::string one(const std::string& sql) {
    const auto r = rows(sql);
    return r.empty() || r[0].empty() ? std::string("<none>") : r[0][0];
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace dc::test

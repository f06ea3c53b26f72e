#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace dc::core {

// Thin RAII layer over the SQLite C API: prepared statements only, so no text is ever spliced into SQL.
class SqliteDatabase {
public:
  explicit SqliteDatabase(const std::filesystem::path& file);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  void exec(const std::string& sql);  // for fixed schema / pragma text only
  sqlite3* handle() const { return db_; }
  std::int64_t last_insert_id() const;
  int changes() const;
  const std::filesystem::path& file() const { return file_; }

private:
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
};

class SqliteStatement {
public:
  SqliteStatement(const SqliteDatabase& db, const std::string& sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  SqliteStatement& bind(int index, double value);
  SqliteStatement& bind(int index, const std::string& value);
  SqliteStatement& bind_null(int index);
  bool step();          // true while a row is available
  void run();           // step to completion, then reset
  void reset();         // reset and clear bindings for reuse

  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;

private:
  const SqliteDatabase& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Wall-clock time in ns since the epoch, for the catalog's "when" columns.
std::int64_t wall_clock_ns();

// Commits on commit(), rolls back when destroyed otherwise (an exception leaves the catalog as it was).
class SqliteTransaction {
public:
  explicit SqliteTransaction(SqliteDatabase& db);
  ~SqliteTransaction();
  void commit();

private:
  SqliteDatabase& db_;
  bool done_ = false;
};

}  // namespace dc::core

#pragma once
// Rows of a catalog table read with plain SQL (no project code), for tests that compare the catalog's state before
// and after an operation column for column. Tests using it link SQLite::SQLite3.
#include <sqlite3.h>

#include <QString>
#include <QStringList>
#include <filesystem>
#include <stdexcept>

namespace dc::test {

// Every row of `SELECT * FROM <table> ORDER BY <order>`, one string per row, each value with its SQLite type
// ("i:5", "r:0x1.8p+1" exactly, "t:Car", "null", "b:<hex>"), so an equal snapshot means equal rows.
inline QStringList table_rows(const std::filesystem::path& catalog, const QString& table, const QString& order) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(catalog.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + catalog.string());
  }
  sqlite3_stmt* q = nullptr;
  const QByteArray sql = QString("SELECT * FROM %1 ORDER BY %2").arg(table, order).toUtf8();  // fixed test text
  if (sqlite3_prepare_v2(db, sql.constData(), -1, &q, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(message);
  }
  QStringList rows;
  while (sqlite3_step(q) == SQLITE_ROW) {
    QStringList values;
    for (int c = 0; c < sqlite3_column_count(q); ++c) {
      QString v = QString::fromUtf8(sqlite3_column_name(q, c)) + "=";
      switch (sqlite3_column_type(q, c)) {
        case SQLITE_INTEGER:
          v += "i:" + QString::number(sqlite3_column_int64(q, c));
          break;
        case SQLITE_FLOAT:
          v += "r:" + QString::asprintf("%a", sqlite3_column_double(q, c));
          break;
        case SQLITE_TEXT:
          v += "t:" + QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(q, c)));
          break;
        case SQLITE_BLOB:
          v += "b:" +
               QByteArray(static_cast<const char*>(sqlite3_column_blob(q, c)), sqlite3_column_bytes(q, c)).toHex();
          break;
        default:
          v += "null";
      }
      values << v;
    }
    rows << values.join(" | ");
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return rows;
}

struct LabelTables {
  QStringList labels, revisions;
  bool operator==(const LabelTables&) const = default;
};

inline LabelTables label_tables(const std::filesystem::path& catalog) {
  return {table_rows(catalog, "labels", "id"), table_rows(catalog, "label_revisions", "label_id, revision")};
}

}  // namespace dc::test

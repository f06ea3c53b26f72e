#include "dc/core/query/query_vocabulary.h"

#include "catalog/sqlite_database.h"
#include "dc/core/catalog/catalog_error.h"

namespace dc::core {

namespace {
std::vector<std::string> column(const SqliteDatabase& db, const char* sql) {
  std::vector<std::string> out;
  SqliteStatement q(db, sql);
  while (q.step()) out.push_back(q.text(0));
  return out;
}
}  // namespace

QueryVocabulary QueryVocabulary::read(const std::filesystem::path& catalog_file) {
  if (!std::filesystem::exists(catalog_file))
    throw CatalogError("cannot read query values: no catalog at " + catalog_file.string());
  SqliteDatabase db(catalog_file);
  QueryVocabulary v;
  try {
    v.tags = column(db,
                    "SELECT t.name FROM tags t WHERE EXISTS (SELECT 1 FROM sample_tags st WHERE st.tag_id = t.id) "
                    "ORDER BY t.name");
    v.classes = column(db, "SELECT DISTINCT category FROM labels WHERE deleted = 0 ORDER BY category");
    v.findings = column(db,
                        "SELECT check_name FROM findings UNION "
                        "SELECT j.pass FROM jobs j WHERE EXISTS (SELECT 1 FROM findings fi WHERE fi.job_id = j.id) "
                        "ORDER BY 1");
    v.drives = column(db, "SELECT name FROM drives ORDER BY name");
  } catch (const std::exception& e) {
    throw CatalogError("cannot read query values from " + catalog_file.string() + ": " + e.what());
  }
  return v;
}

}  // namespace dc::core

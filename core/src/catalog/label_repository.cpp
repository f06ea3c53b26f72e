#include "dc/core/catalog/label_repository.h"

#include "catalog/sqlite_database.h"
#include "dc/core/catalog/catalog_error.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

namespace dc::core {

namespace {

const char* kLabelColumns =
    "SELECT id, frame_idx, timestamp_ns, cx, cy, cz, length, width, height, yaw, category, track_id, score, source, "
    "review, revision, deleted, run_id, truncated, truncation_state, occlusion, alpha, bbox_left, bbox_top, "
    "bbox_right, bbox_bottom, source_name, source_category FROM labels ";

BoxLabel label_from_row(const SqliteStatement& q) {
  BoxLabel l;
  l.id = q.int64(0);
  l.frame_index = q.int64(1);
  l.timestamp_ns = q.int64(2);
  l.center = {q.real(3), q.real(4), q.real(5)};
  l.length = q.real(6);
  l.width = q.real(7);
  l.height = q.real(8);
  l.yaw = q.real(9);
  l.category = q.text(10);
  l.track_id = q.text(11);
  l.score = q.real(12);
  l.source = label_source_from_string(q.text(13));
  l.review = review_state_from_string(q.text(14));
  l.revision = static_cast<int>(q.int64(15));
  l.deleted = q.int64(16) != 0;
  if (!q.is_null(17)) l.run_id = q.int64(17);
  l.truncated = q.is_null(18) ? -1 : q.real(18);
  l.truncation_state = q.is_null(19) ? -1 : static_cast<int>(q.int64(19));
  l.occlusion = q.is_null(20) ? -1 : static_cast<int>(q.int64(20));
  l.alpha = q.is_null(21) ? -10 : q.real(21);
  for (int i = 0; i < 4; ++i) l.bbox2d[i] = q.is_null(22 + i) ? -1 : q.real(22 + i);
  l.source_name = q.text(26);
  l.source_category = q.is_null(27) ? std::string() : q.text(27);
  return l;
}

nlohmann::json to_json(const BoxLabel& l) {
  return nlohmann::json{{"frame_index", l.frame_index}, {"timestamp_ns", l.timestamp_ns},
          {"center", {l.center.x(), l.center.y(), l.center.z()}},
          {"size", {l.length, l.width, l.height}}, {"yaw", l.yaw}, {"category", l.category},
          {"source_category", l.source_category},
          {"track_id", l.track_id}, {"score", l.score}, {"source", to_string(l.source)},
          {"source_name", l.source_name},
          {"review", to_string(l.review)}, {"revision", l.revision}, {"deleted", l.deleted},
          {"run_id", l.run_id ? nlohmann::json(*l.run_id) : nlohmann::json()}, {"truncated", l.truncated},
          {"truncation_state", l.truncation_state}, {"occlusion", l.occlusion}, {"alpha", l.alpha},
          {"bbox2d", {l.bbox2d[0], l.bbox2d[1], l.bbox2d[2], l.bbox2d[3]}}};
}

BoxLabel from_json(std::int64_t id, const nlohmann::json& j) {
  BoxLabel l;
  l.id = id;
  l.frame_index = j.at("frame_index");
  l.timestamp_ns = j.at("timestamp_ns");
  l.center = Eigen::Vector3d(j.at("center")[0].get<double>(), j.at("center")[1].get<double>(),
                             j.at("center")[2].get<double>());
  l.length = j.at("size")[0], l.width = j.at("size")[1], l.height = j.at("size")[2];
  l.yaw = j.at("yaw");
  l.category = j.at("category");
  l.source_category = j.value("source_category", "");  // revisions stored before version 11 have none
  l.track_id = j.at("track_id");
  l.score = j.at("score");
  l.source = label_source_from_string(j.at("source"));
  l.source_name = j.value("source_name", "");
  l.review = review_state_from_string(j.at("review"));
  l.revision = j.at("revision");
  l.deleted = j.at("deleted");
  if (!j.at("run_id").is_null()) l.run_id = j.at("run_id").get<std::int64_t>();
  l.truncated = j.at("truncated");
  l.truncation_state = j.at("truncation_state");
  l.occlusion = j.at("occlusion");
  l.alpha = j.at("alpha");
  for (int i = 0; i < 4; ++i) l.bbox2d[i] = j.at("bbox2d")[static_cast<std::size_t>(i)];
  return l;
}

// The stored fields of a box, review, bookkeeping, time and the dataset's class name aside (a box's time is its
// lidar frame's: a corrected timestamp is not an edit of the box; nor is the dataset's name of a class the box
// already has, which labels stored before catalog version 11 lack).
bool same_box(const BoxLabel& a, const BoxLabel& b) {
  return a.frame_index == b.frame_index && a.center == b.center &&
         a.length == b.length && a.width == b.width && a.height == b.height && a.yaw == b.yaw &&
         a.category == b.category && a.track_id == b.track_id && a.score == b.score && a.truncated == b.truncated &&
         a.truncation_state == b.truncation_state && a.occlusion == b.occlusion && a.alpha == b.alpha &&
         a.bbox2d[0] == b.bbox2d[0] && a.bbox2d[1] == b.bbox2d[1] && a.bbox2d[2] == b.bbox2d[2] &&
         a.bbox2d[3] == b.bbox2d[3];
}

void bind_box(SqliteStatement& s, const BoxLabel& l) {
  // ?2.. ?29 in the order of the UPDATE / INSERT statements below.
  s.bind(2, l.frame_index).bind(3, l.timestamp_ns).bind(4, l.center.x()).bind(5, l.center.y()).bind(6, l.center.z())
      .bind(7, l.length).bind(8, l.width).bind(9, l.height).bind(10, l.yaw).bind(11, l.category).bind(12, l.track_id)
      .bind(13, l.score).bind(14, std::string(to_string(l.source))).bind(15, std::string(to_string(l.review)))
      .bind(16, l.revision).bind(17, l.deleted ? 1 : 0);
  if (l.run_id)
    s.bind(18, *l.run_id);
  else
    s.bind_null(18);
  if (l.truncated >= 0)
    s.bind(19, l.truncated);
  else
    s.bind_null(19);
  if (l.truncation_state >= 0)
    s.bind(20, l.truncation_state);
  else
    s.bind_null(20);
  s.bind(21, l.occlusion).bind(22, l.alpha).bind(23, l.bbox2d[0]).bind(24, l.bbox2d[1]).bind(25, l.bbox2d[2])
      .bind(26, l.bbox2d[3]).bind(27, wall_clock_ns()).bind(28, l.source_name);
  if (l.source_category.empty())
    s.bind_null(29);
  else
    s.bind(29, l.source_category);
}

constexpr const char* kBoxColumnList =
    "frame_idx, timestamp_ns, cx, cy, cz, length, width, height, yaw, category, track_id, score, source, review, "
    "revision, deleted, run_id, truncated, truncation_state, occlusion, alpha, bbox_left, bbox_top, bbox_right, "
    "bbox_bottom, updated_ns, source_name, source_category";

}  // namespace

std::vector<BoxLabel> LabelRepository::list(std::int64_t drive_id, const LabelQuery& query) const {
  std::string sql = std::string(kLabelColumns) + "WHERE drive_id = ?1";
  if (query.frame_index) sql += " AND frame_idx = ?2";
  if (query.source) sql += " AND source = ?3";
  if (query.source_name) sql += " AND source_name = ?4";
  if (!query.include_deleted) sql += " AND deleted = 0";
  sql += " ORDER BY frame_idx, id";
  SqliteStatement q(db_, sql);
  q.bind(1, drive_id);
  if (query.frame_index) q.bind(2, *query.frame_index);
  if (query.source) q.bind(3, std::string(to_string(*query.source)));
  if (query.source_name) q.bind(4, *query.source_name);
  std::vector<BoxLabel> out;
  while (q.step()) out.push_back(label_from_row(q));
  return out;
}

std::optional<BoxLabel> LabelRepository::find(std::int64_t label_id) const {
  SqliteStatement q(db_, std::string(kLabelColumns) + "WHERE id = ?1");
  q.bind(1, label_id);
  if (!q.step()) return std::nullopt;
  return label_from_row(q);
}

std::optional<std::int64_t> LabelRepository::drive_of(std::int64_t label_id) const {
  SqliteStatement q(db_, "SELECT drive_id FROM labels WHERE id = ?1");
  q.bind(1, label_id);
  if (!q.step()) return std::nullopt;
  return q.int64(0);
}

std::vector<BoxLabel> LabelRepository::history(std::int64_t label_id) const {
  std::vector<BoxLabel> out;
  SqliteStatement q(db_, "SELECT data FROM label_revisions WHERE label_id = ?1 ORDER BY revision");
  q.bind(1, label_id);
  while (q.step()) out.push_back(from_json(label_id, nlohmann::json::parse(q.text(0))));
  if (auto current = find(label_id)) out.push_back(*current);
  return out;
}

namespace {
std::string insert_sql() {
  return std::string("INSERT INTO labels (drive_id, ") + kBoxColumnList +
         ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,?29)";
}

std::int64_t insert_box(SqliteDatabase& db, SqliteStatement& insert, std::int64_t drive_id, const BoxLabel& label) {
  insert.bind(1, drive_id);
  BoxLabel first = label;
  first.revision = 1;
  bind_box(insert, first);
  insert.run();
  return db.last_insert_id();
}
}  // namespace

std::int64_t LabelRepository::insert(std::int64_t drive_id, const BoxLabel& label) {
  SqliteTransaction tx(db_);
  SqliteStatement statement(db_, insert_sql());
  const std::int64_t id = insert_box(db_, statement, drive_id, label);
  tx.commit();
  return id;
}

void LabelRepository::insert_all(std::int64_t drive_id, const std::vector<BoxLabel>& labels) {
  SqliteStatement statement(db_, insert_sql());
  for (const auto& l : labels) insert_box(db_, statement, drive_id, l);
}

std::int64_t LabelRepository::replace_model_run(std::int64_t drive_id, const std::string& name,
                                              const std::vector<BoxLabel>& labels) {
  SqliteTransaction tx(db_);
  SqliteStatement remove(db_, "DELETE FROM labels WHERE drive_id = ?1 AND source = 'model' AND source_name = ?2");
  remove.bind(1, drive_id).bind(2, name).run();
  const std::int64_t removed = db_.changes();
  std::vector<BoxLabel> tagged = labels;
  for (auto& l : tagged) l.source = LabelSource::Model, l.source_name = name;
  insert_all(drive_id, tagged);
  tx.commit();
  return removed;
}

std::vector<std::string> LabelRepository::model_runs(std::int64_t drive_id) const {
  SqliteStatement q(db_, "SELECT DISTINCT source_name FROM labels WHERE drive_id = ?1 AND source = 'model' "
                         "ORDER BY source_name");
  q.bind(1, drive_id);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

void LabelRepository::write_revision(const BoxLabel& current, const BoxLabel& next) {
  SqliteStatement keep(db_,
                       "INSERT INTO label_revisions (label_id, revision, data, replaced_ns) VALUES (?1, ?2, ?3, ?4)");
  keep.bind(1, current.id).bind(2, current.revision).bind(3, to_json(current).dump()).bind(4, wall_clock_ns()).run();
  SqliteStatement update(db_, std::string("UPDATE labels SET (") + kBoxColumnList +
                                  ") = (?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,"
                                  "?23,?24,?25,?26,?27,?28,?29) WHERE id = ?1");
  update.bind(1, current.id);
  BoxLabel stored = next;
  stored.revision = current.revision + 1;
  bind_box(update, stored);
  update.run();
}

BoxLabel LabelRepository::update(const BoxLabel& edited) {
  SqliteTransaction tx(db_);
  const auto current = find(edited.id);
  if (!current) throw CatalogError("label " + std::to_string(edited.id) + " does not exist");
  if (edited.revision != current->revision)
    throw CatalogError("label " + std::to_string(edited.id) + " was changed meanwhile (revision " +
                       std::to_string(current->revision) + ", edit based on " + std::to_string(edited.revision) + ")");
  BoxLabel next = edited;
  // A new class leaves the dataset's own class name behind: it described the old one.
  if (next.category != current->category && next.source_category == current->source_category)
    next.source_category.clear();
  write_revision(*current, next);
  tx.commit();
  return *find(edited.id);
}

BoxLabel LabelRepository::set_deleted(std::int64_t label_id, bool deleted) {
  SqliteTransaction tx(db_);
  const auto current = find(label_id);
  if (!current) throw CatalogError("label " + std::to_string(label_id) + " does not exist");
  if (current->deleted != deleted) {
    BoxLabel next = *current;
    next.deleted = deleted;
    write_revision(*current, next);
  }
  tx.commit();
  return *find(label_id);
}

BoxLabel LabelRepository::remove(std::int64_t label_id) { return set_deleted(label_id, true); }
BoxLabel LabelRepository::restore(std::int64_t label_id) { return set_deleted(label_id, false); }

std::vector<DontCareRegion> LabelRepository::dont_care(std::int64_t drive_id,
                                                       std::optional<std::int64_t> frame_index) const {
  std::string sql =
      "SELECT frame_idx, timestamp_ns, bbox_left, bbox_top, bbox_right, bbox_bottom FROM dont_care_regions "
      "WHERE drive_id = ?1";
  if (frame_index) sql += " AND frame_idx = ?2";
  sql += " ORDER BY frame_idx, id";
  SqliteStatement q(db_, sql);
  q.bind(1, drive_id);
  if (frame_index) q.bind(2, *frame_index);
  std::vector<DontCareRegion> out;
  while (q.step()) {
    DontCareRegion r;
    r.frame_index = q.int64(0);
    r.timestamp_ns = q.int64(1);
    for (int i = 0; i < 4; ++i) r.bbox2d[i] = q.real(2 + i);
    out.push_back(r);
  }
  return out;
}

GroundTruthChanges LabelRepository::replace_ground_truth(std::int64_t drive_id, const std::vector<BoxLabel>& labels) {
  LabelQuery query;
  query.source = LabelSource::GroundTruth;
  query.include_deleted = true;
  std::map<std::int64_t, std::vector<BoxLabel>> stored;  // frame -> boxes
  for (auto& l : list(drive_id, query)) stored[l.frame_index].push_back(std::move(l));
  std::map<std::int64_t, bool> matched;  // label id -> taken by a box read now

  GroundTruthChanges changes;
  SqliteStatement insert(db_, insert_sql());
  SqliteStatement retime(db_, "UPDATE labels SET timestamp_ns = ?2 WHERE id = ?1");
  SqliteStatement name_class(db_, "UPDATE labels SET source_category = ?2 WHERE id = ?1");
  for (const auto& incoming : labels) {
    // The same object: same frame and class; same track id when there are tracks, else the nearest center (1 m).
    BoxLabel* best = nullptr;
    double best_d = 1.0;
    for (auto& s : stored[incoming.frame_index]) {
      if (matched[s.id] || s.category != incoming.category) continue;
      if (!incoming.track_id.empty() || !s.track_id.empty()) {
        if (s.track_id == incoming.track_id) {
          best = &s;
          break;
        }
        continue;
      }
      const double d = (s.center - incoming.center).norm();
      if (d < best_d || (d == best_d && !best)) best = &s, best_d = d;
    }
    if (!best) {
      BoxLabel fresh = incoming;
      fresh.source = LabelSource::GroundTruth;
      insert_box(db_, insert, drive_id, fresh);
      ++changes.added;
      continue;
    }
    matched[best->id] = true;
    if (same_box(*best, incoming) && !best->deleted) {
      if (best->source_category != incoming.source_category) {
        if (incoming.source_category.empty()) name_class.bind(1, best->id).bind_null(2).run();
        else name_class.bind(1, best->id).bind(2, incoming.source_category).run();
      }
      if (best->timestamp_ns != incoming.timestamp_ns) {
        retime.bind(1, best->id).bind(2, incoming.timestamp_ns).run();
        ++changes.retimed;
      } else {
        ++changes.unchanged;
      }
      continue;
    }
    BoxLabel next = incoming;
    next.id = best->id;
    next.source = LabelSource::GroundTruth;
    next.review = best->review;  // the same object keeps what a reviewer said about it
    next.run_id = best->run_id;
    next.deleted = false;
    write_revision(*best, next);
    ++changes.updated;
  }
  for (auto& [frame, boxes] : stored)
    for (auto& s : boxes) {
      if (matched[s.id] || s.deleted) continue;
      BoxLabel next = s;
      next.deleted = true;
      write_revision(s, next);
      ++changes.removed;
    }
  return changes;
}

void LabelRepository::replace_dont_care(std::int64_t drive_id, const std::vector<DontCareRegion>& regions) {
  const std::vector<DontCareRegion> stored = dont_care(drive_id);
  auto same = [](const DontCareRegion& a, const DontCareRegion& b) {
    return a.frame_index == b.frame_index && a.timestamp_ns == b.timestamp_ns && a.bbox2d[0] == b.bbox2d[0] &&
           a.bbox2d[1] == b.bbox2d[1] && a.bbox2d[2] == b.bbox2d[2] && a.bbox2d[3] == b.bbox2d[3];
  };
  if (stored.size() == regions.size() && std::equal(stored.begin(), stored.end(), regions.begin(), same)) return;
  SqliteStatement clear(db_, "DELETE FROM dont_care_regions WHERE drive_id = ?1");
  clear.bind(1, drive_id).run();
  SqliteStatement insert(db_,
                         "INSERT INTO dont_care_regions (drive_id, frame_idx, timestamp_ns, bbox_left, bbox_top, "
                         "bbox_right, bbox_bottom) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (const auto& r : regions)
    insert.bind(1, drive_id).bind(2, r.frame_index).bind(3, r.timestamp_ns).bind(4, r.bbox2d[0]).bind(5, r.bbox2d[1])
        .bind(6, r.bbox2d[2]).bind(7, r.bbox2d[3]).run();
}

namespace {

// Raw statement for the column-generic reads and writes of stored rows (SqliteStatement has no blob or typed
// column access). Column names come from the catalog's own schema; values are always bound.
class RowStatement {
public:
  RowStatement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
      throw CatalogError(std::string("cannot prepare a label row statement: ") + sqlite3_errmsg(db));
  }
  ~RowStatement() { sqlite3_finalize(stmt_); }
  RowStatement(const RowStatement&) = delete;
  RowStatement& operator=(const RowStatement&) = delete;

  void bind(int index, const StoredValue& v) {
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v))
      rc = sqlite3_bind_null(stmt_, index);
    else if (const auto* i = std::get_if<std::int64_t>(&v))
      rc = sqlite3_bind_int64(stmt_, index, *i);
    else if (const auto* d = std::get_if<double>(&v))
      rc = sqlite3_bind_double(stmt_, index, *d);
    else if (const auto* t = std::get_if<std::string>(&v))
      rc = sqlite3_bind_text(stmt_, index, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
    else {
      const auto& b = std::get<std::vector<std::uint8_t>>(v);
      rc = sqlite3_bind_blob(stmt_, index, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) throw CatalogError(std::string("cannot bind a label row value: ") + sqlite3_errmsg(db_));
  }
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw CatalogError(std::string("cannot write a label row: ") + sqlite3_errmsg(db_));
  }
  StoredRow row() const {
    StoredRow r;
    const int n = sqlite3_column_count(stmt_);
    for (int c = 0; c < n; ++c) {
      r.columns.emplace_back(sqlite3_column_name(stmt_, c));
      switch (sqlite3_column_type(stmt_, c)) {
        case SQLITE_INTEGER:
          r.values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt_, c)));
          break;
        case SQLITE_FLOAT:
          r.values.emplace_back(sqlite3_column_double(stmt_, c));
          break;
        case SQLITE_TEXT: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
          r.values.emplace_back(std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))));
          break;
        }
        case SQLITE_BLOB: {
          const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, c));
          r.values.emplace_back(std::vector<std::uint8_t>(data, data + sqlite3_column_bytes(stmt_, c)));
          break;
        }
        default:
          r.values.emplace_back(std::monostate{});
      }
    }
    return r;
  }

private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string quoted(const std::string& column) {
  std::string out = "\"";
  for (char ch : column) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

void insert_row(sqlite3* db, const char* table, const StoredRow& row) {
  std::string names, marks;
  for (std::size_t c = 0; c < row.columns.size(); ++c) {
    names += (c ? ", " : "") + quoted(row.columns[c]);
    marks += (c ? ", ?" : "?") + std::to_string(c + 1);
  }
  RowStatement insert(db, std::string("INSERT INTO ") + table + " (" + names + ") VALUES (" + marks + ")");
  for (std::size_t c = 0; c < row.values.size(); ++c) insert.bind(static_cast<int>(c + 1), row.values[c]);
  insert.step();
}

}  // namespace

StoredLabelRows LabelRepository::stored_rows(std::int64_t label_id) const {
  StoredLabelRows out;
  out.label_id = label_id;
  RowStatement label(db_.handle(), "SELECT * FROM labels WHERE id = ?1");
  label.bind(1, label_id);
  if (label.step()) out.label = label.row();
  RowStatement revisions(db_.handle(), "SELECT * FROM label_revisions WHERE label_id = ?1 ORDER BY revision");
  revisions.bind(1, label_id);
  while (revisions.step()) out.revisions.push_back(revisions.row());
  return out;
}

void LabelRepository::put_back(const std::vector<StoredLabelRows>& targets,
                               const std::vector<StoredLabelRows>& expected) {
  if (targets.size() != expected.size()) throw CatalogError("put_back: as many expected states as targets needed");
  SqliteTransaction tx(db_);
  sqlite3* db = db_.handle();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& target = targets[i];
    if (expected[i].label_id != target.label_id || stored_rows(target.label_id) != expected[i])
      throw CatalogError("label " + std::to_string(target.label_id) + " was changed meanwhile; the edit is not undone");
    RowStatement drop_revisions(db, "DELETE FROM label_revisions WHERE label_id = ?1");
    drop_revisions.bind(1, target.label_id);
    drop_revisions.step();
    if (!target.label) {
      RowStatement erase(db, "DELETE FROM labels WHERE id = ?1");
      erase.bind(1, target.label_id);
      erase.step();
      continue;
    }
    if (!expected[i].label) {
      insert_row(db, "labels", *target.label);
    } else {
      // In place, so whatever refers to the label's id stays attached.
      const auto& row = *target.label;
      std::string names, marks;
      for (std::size_t c = 0; c < row.columns.size(); ++c) {
        names += (c ? ", " : "") + quoted(row.columns[c]);
        marks += (c ? ", ?" : "?") + std::to_string(c + 1);
      }
      const std::string id_mark = "?" + std::to_string(row.columns.size() + 1);
      RowStatement update(db, "UPDATE labels SET (" + names + ") = (" + marks + ") WHERE id = " + id_mark);
      for (std::size_t c = 0; c < row.values.size(); ++c) update.bind(static_cast<int>(c + 1), row.values[c]);
      update.bind(static_cast<int>(row.columns.size() + 1), StoredValue(target.label_id));
      update.step();
    }
    for (const auto& revision : target.revisions) insert_row(db, "label_revisions", revision);
  }
  tx.commit();
}

}  // namespace dc::core

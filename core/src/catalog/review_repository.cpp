#include "dc/core/catalog/review_repository.h"

#include "catalog/sqlite_database.h"
#include "dc/core/catalog/catalog_error.h"

#include <nlohmann/json.hpp>

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>

namespace dc::core {

const char* to_string(ReviewItemKind kind) {
  return kind == ReviewItemKind::Label ? "label" : "finding";
}

std::string scope_to_json(const ReviewScope& scope) {
  nlohmann::json j = nlohmann::json::object();
  if (scope.source) j["source"] = to_string(*scope.source);
  if (scope.model_name) j["model"] = *scope.model_name;
  if (scope.check) j["check"] = *scope.check;
  return j.dump();
}

ReviewScope scope_from_json(const std::string& text) {
  ReviewScope scope;
  try {
    const auto j = nlohmann::json::parse(text.empty() ? "{}" : text);
    if (j.contains("source")) scope.source = label_source_from_string(j.at("source").get<std::string>());
    if (j.contains("model")) scope.model_name = j.at("model").get<std::string>();
    if (j.contains("check")) scope.check = j.at("check").get<std::string>();
  } catch (const std::exception& e) {
    throw CatalogError("review scope '" + text + "' is not valid: " + e.what());
  }
  return scope;
}

namespace {

std::string counts_to_json(const ReviewCounts& c) {
  return nlohmann::json{{"accepted", c.accepted},
                        {"rejected", c.rejected},
                        {"fixed", c.fixed},
                        {"reset", c.reset},
                        {"remaining", c.remaining}}
      .dump();
}

ReviewCounts counts_from_json(const std::string& text) {
  ReviewCounts c;
  const auto j = nlohmann::json::parse(text.empty() ? "{}" : text, nullptr, false);
  if (!j.is_object()) return c;
  c.accepted = j.value("accepted", std::int64_t{0});
  c.rejected = j.value("rejected", std::int64_t{0});
  c.fixed = j.value("fixed", std::int64_t{0});
  c.reset = j.value("reset", std::int64_t{0});
  c.remaining = j.value("remaining", std::int64_t{-1});
  return c;
}

const char* table_of(ReviewItemKind kind) {
  return kind == ReviewItemKind::Label ? "labels" : "findings";
}

}  // namespace

// A sample's key, position and time, for placing items and walking the drive.
struct ReviewRepository::SampleSlot {
  std::int64_t key = 0;
  int position = 0;
  std::int64_t timestamp_ns = 0;
};

std::string ReviewRepository::default_reviewer() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name && *pw->pw_name) return pw->pw_name;
  return "unknown";
}

ReviewRecord ReviewRepository::write_review(ReviewItemKind kind, std::int64_t id, ReviewState state,
                                            const std::string& reviewer, std::int64_t now) {
  const std::string table = table_of(kind);
  SqliteStatement read(db_, "SELECT drive_id, review, reviewer, reviewed_ns FROM " + table + " WHERE id = ?1");
  read.bind(1, id);
  if (!read.step()) throw CatalogError(std::string(to_string(kind)) + " " + std::to_string(id) + " does not exist");
  const std::int64_t drive_id = read.int64(0);
  const std::string previous = read.text(1), previous_reviewer = read.text(2);
  const std::int64_t previous_ns = read.int64(3);
  ReviewRecord record{state, reviewer.empty() ? default_reviewer() : reviewer, now};
  SqliteStatement log(
      db_,
      "INSERT INTO review_log (drive_id, item_kind, item_id, previous_review, previous_reviewer, "
      "previous_reviewed_ns, review, reviewer, reviewed_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  log.bind(1, drive_id)
      .bind(2, std::string(to_string(kind)))
      .bind(3, id)
      .bind(4, previous)
      .bind(5, previous_reviewer)
      .bind(6, previous_ns)
      .bind(7, std::string(to_string(state)))
      .bind(8, record.reviewer)
      .bind(9, now)
      .run();
  // In place: a label's revision (its geometry) is not touched.
  SqliteStatement update(db_, "UPDATE " + table + " SET review = ?2, reviewer = ?3, reviewed_ns = ?4 WHERE id = ?1");
  update.bind(1, id).bind(2, std::string(to_string(state))).bind(3, record.reviewer).bind(4, now).run();
  return record;
}

ReviewRecord ReviewRepository::set_label_review(std::int64_t label_id, ReviewState state, const std::string& reviewer) {
  SqliteTransaction tx(db_);
  const auto record = write_review(ReviewItemKind::Label, label_id, state, reviewer, wall_clock_ns());
  tx.commit();
  return record;
}

ReviewRecord ReviewRepository::set_finding_review(std::int64_t finding_id, ReviewState state,
                                                  const std::string& reviewer) {
  SqliteTransaction tx(db_);
  const auto record = write_review(ReviewItemKind::Finding, finding_id, state, reviewer, wall_clock_ns());
  tx.commit();
  return record;
}

std::int64_t ReviewRepository::set_reviews(const std::vector<std::pair<ReviewItemKind, std::int64_t>>& items,
                                           ReviewState state, const std::string& reviewer) {
  SqliteTransaction tx(db_);
  const std::int64_t now = wall_clock_ns();
  for (const auto& [kind, id] : items) write_review(kind, id, state, reviewer, now);
  tx.commit();
  return static_cast<std::int64_t>(items.size());
}

namespace {
ReviewRecord read_record(const SqliteDatabase& db, ReviewItemKind kind, std::int64_t id) {
  SqliteStatement q(db, std::string("SELECT review, reviewer, reviewed_ns FROM ") + table_of(kind) + " WHERE id = ?1");
  q.bind(1, id);
  if (!q.step()) throw CatalogError(std::string(to_string(kind)) + " " + std::to_string(id) + " does not exist");
  return {review_state_from_string(q.text(0)), q.text(1), q.int64(2)};
}
}  // namespace

ReviewRecord ReviewRepository::label_review(std::int64_t label_id) const {
  return read_record(db_, ReviewItemKind::Label, label_id);
}

ReviewRecord ReviewRepository::finding_review(std::int64_t finding_id) const {
  return read_record(db_, ReviewItemKind::Finding, finding_id);
}

std::vector<std::int64_t> ReviewRepository::track_labels(const TrackSelector& track) const {
  if (track.source != LabelSource::Auto && track.source != LabelSource::Model)
    throw CatalogError(std::string("per-track review takes auto or model labels, not ") + to_string(track.source));
  if (track.model_name && track.source != LabelSource::Model)
    throw CatalogError("a model run name goes with source model");
  std::string sql =
      "SELECT id, source_name FROM labels WHERE drive_id = ?1 AND track_id = ?2 AND source = ?3 AND deleted = 0";
  if (track.model_name) sql += " AND source_name = ?4";
  if (track.run_id) sql += " AND run_id = ?5";
  sql += " ORDER BY id";
  SqliteStatement q(db_, sql);
  q.bind(1, track.drive_id).bind(2, track.track_id).bind(3, std::string(to_string(track.source)));
  if (track.model_name) q.bind(4, *track.model_name);
  if (track.run_id) q.bind(5, *track.run_id);
  std::vector<std::int64_t> ids;
  std::set<std::string> runs;
  while (q.step()) {
    ids.push_back(q.int64(0));
    runs.insert(q.text(1));
  }
  if (ids.empty())
    throw CatalogError("no " + std::string(to_string(track.source)) + " label of track '" + track.track_id + "'" +
                       (track.model_name ? " in model run '" + *track.model_name + "'" : std::string()) +
                       " on this drive");
  if (track.source == LabelSource::Model && !track.model_name && runs.size() > 1) {
    std::string names;
    for (const auto& r : runs) names += (names.empty() ? "" : ", ") + r;
    throw CatalogError("track '" + track.track_id + "' exists in several model runs (" + names + "): name one");
  }
  return ids;
}

std::int64_t ReviewRepository::set_track_review(const TrackSelector& track, ReviewState state,
                                                const std::string& reviewer) {
  SqliteTransaction tx(db_);
  const auto ids = track_labels(track);
  const std::int64_t now = wall_clock_ns();
  for (std::int64_t id : ids) write_review(ReviewItemKind::Label, id, state, reviewer, now);
  tx.commit();
  return static_cast<std::int64_t>(ids.size());
}

std::vector<ReviewRepository::SampleSlot> ReviewRepository::sample_slots(std::int64_t drive_id) const {
  SqliteStatement q(db_,
                    "SELECT fr.idx, sa.timestamp_ns FROM samples sa JOIN frames fr ON fr.id = sa.lidar_frame_id "
                    "WHERE sa.drive_id = ?1 ORDER BY sa.idx");
  q.bind(1, drive_id);
  std::vector<SampleSlot> slots;
  while (q.step()) slots.push_back({q.int64(0), static_cast<int>(slots.size()), q.int64(1)});
  return slots;
}

namespace {
// The sample nearest a time (the earlier one on a tie), as the viewer places a span finding.
std::int64_t nearest_key(const std::vector<std::pair<std::int64_t, std::int64_t>>& by_time, std::int64_t t) {
  auto it = std::lower_bound(by_time.begin(), by_time.end(), std::pair{t, std::numeric_limits<std::int64_t>::min()});
  if (it == by_time.end()) return by_time.back().second;
  if (it != by_time.begin() && t - std::prev(it)->first <= it->first - t) --it;
  return it->second;
}
}  // namespace

std::vector<ReviewItem> ReviewRepository::scoped_items(std::int64_t drive_id, const ReviewScope& scope,
                                                       bool unreviewed_only,
                                                       std::optional<std::int64_t> sample_key) const {
  std::vector<ReviewItem> out;
  if (scope.includes_labels()) {
    std::string sql =
        "SELECT id, frame_idx, review, reviewer, reviewed_ns, category, source, source_name, track_id, run_id "
        "FROM labels WHERE drive_id = ?1 AND deleted = 0 AND source IN ('auto', 'model')";
    const bool model = scope.model_name.has_value();
    if (scope.source) sql += " AND source = ?2";
    if (model) sql += " AND source = 'model' AND source_name = ?3";
    if (unreviewed_only) sql += " AND review = 'unreviewed'";
    if (sample_key) sql += " AND frame_idx = ?4";
    sql += " ORDER BY frame_idx, id";
    SqliteStatement q(db_, sql);
    q.bind(1, drive_id);
    if (scope.source) q.bind(2, std::string(to_string(*scope.source)));
    if (model) q.bind(3, *scope.model_name);
    if (sample_key) q.bind(4, *sample_key);
    while (q.step()) {
      ReviewItem item;
      item.kind = ReviewItemKind::Label;
      item.id = q.int64(0);
      item.sample_key = q.int64(1);
      item.review = {review_state_from_string(q.text(2)), q.text(3), q.int64(4)};
      item.what = q.text(5);
      item.source = label_source_from_string(q.text(6));
      item.source_name = q.text(7);
      item.track_id = q.text(8);
      if (!q.is_null(9)) item.run_id = q.int64(9);
      out.push_back(std::move(item));
    }
  }
  if (scope.includes_findings()) {
    std::string sql =
        "SELECT id, sample_key, start_ns, review, reviewer, reviewed_ns, check_name FROM findings WHERE drive_id = ?1";
    if (scope.check) sql += " AND check_name = ?2";
    if (unreviewed_only) sql += " AND review = 'unreviewed'";
    // A span finding's sample comes from its time, so those are read whatever sample is asked for.
    if (sample_key) sql += " AND (sample_key = ?3 OR sample_key IS NULL)";
    sql += " ORDER BY id";
    SqliteStatement q(db_, sql);
    q.bind(1, drive_id);
    if (scope.check) q.bind(2, *scope.check);
    if (sample_key) q.bind(3, *sample_key);
    std::vector<std::pair<std::int64_t, std::int64_t>> by_time;  // (time, key), filled on the first span finding
    while (q.step()) {
      ReviewItem item;
      item.kind = ReviewItemKind::Finding;
      item.id = q.int64(0);
      if (q.is_null(1)) {
        if (by_time.empty()) {
          for (const auto& s : sample_slots(drive_id)) by_time.emplace_back(s.timestamp_ns, s.key);
          std::sort(by_time.begin(), by_time.end());
        }
        if (by_time.empty()) continue;  // a drive without samples has nowhere to show it
        item.sample_key = nearest_key(by_time, q.int64(2));
        if (sample_key && item.sample_key != *sample_key) continue;
      } else {
        item.sample_key = q.int64(1);
      }
      item.review = {review_state_from_string(q.text(3)), q.text(4), q.int64(5)};
      item.what = q.text(6);
      out.push_back(std::move(item));
    }
  }
  return out;
}

std::vector<ReviewItem> ReviewRepository::items(std::int64_t drive_id, std::int64_t sample_key,
                                                const ReviewScope& scope, bool unreviewed_only) const {
  return scoped_items(drive_id, scope, unreviewed_only, sample_key);
}

std::int64_t ReviewRepository::count_unreviewed(std::int64_t drive_id, const ReviewScope& scope) const {
  return static_cast<std::int64_t>(scoped_items(drive_id, scope, true, std::nullopt).size());
}

std::optional<ReviewStop> ReviewRepository::next_unreviewed(std::int64_t drive_id, std::optional<std::int64_t> from_key,
                                                            const ReviewScope& scope, bool backwards, bool wrap) const {
  const auto slots = sample_slots(drive_id);
  const int n = static_cast<int>(slots.size());
  std::map<std::int64_t, int> position_of;
  for (const auto& s : slots) position_of[s.key] = s.position;
  int from = backwards ? n : -1;  // before the first (after the last, going back)
  if (from_key) {
    const auto it = position_of.find(*from_key);
    if (it == position_of.end()) throw CatalogError("the drive has no sample with key " + std::to_string(*from_key));
    from = it->second;
  }
  std::vector<std::int64_t> labels_at(static_cast<std::size_t>(n), 0), findings_at(static_cast<std::size_t>(n), 0);
  for (const auto& item : scoped_items(drive_id, scope, true, std::nullopt)) {
    const auto it = position_of.find(item.sample_key);
    if (it == position_of.end()) continue;  // a label of a frame that is no sample's lidar sweep
    auto& count = item.kind == ReviewItemKind::Label ? labels_at : findings_at;
    ++count[static_cast<std::size_t>(it->second)];
  }
  const int step = backwards ? -1 : 1;
  // Strictly past `from` to the end, then (wrapping) from the other end back to `from` itself.
  const int steps = wrap ? n : (backwards ? from : n - 1 - from);
  for (int i = 1; i <= steps; ++i) {
    const int p = ((from + step * i) % n + n) % n;
    const auto u = static_cast<std::size_t>(p);
    if (labels_at[u] + findings_at[u] == 0) continue;
    ReviewStop stop;
    stop.sample_key = slots[u].key;
    stop.position = p;
    stop.wrapped = backwards ? p >= from : p <= from;
    stop.unreviewed_labels = labels_at[u];
    stop.unreviewed_findings = findings_at[u];
    return stop;
  }
  return std::nullopt;
}

namespace {
const char* kSessionColumns =
    "SELECT rs.id, rs.name, rs.reviewer, rs.drive_id, d.name, rs.scope, rs.current_sample_key, rs.current_item, "
    "rs.counts, rs.created_ns, rs.updated_ns FROM review_sessions rs JOIN drives d ON d.id = rs.drive_id ";

ReviewSession session_from_row(const SqliteStatement& q) {
  ReviewSession s;
  s.id = q.int64(0);
  s.name = q.text(1);
  s.reviewer = q.text(2);
  s.drive_id = q.int64(3);
  s.drive = q.text(4);
  s.scope = scope_from_json(q.text(5));
  if (!q.is_null(6)) s.current_sample_key = q.int64(6);
  s.current_item = q.text(7);
  s.counts = counts_from_json(q.text(8));
  s.created_ns = q.int64(9);
  s.updated_ns = q.int64(10);
  return s;
}
}  // namespace

ReviewSession ReviewRepository::save_session(const ReviewSession& session) {
  if (session.name.empty()) throw CatalogError("a review session needs a name");
  SqliteTransaction tx(db_);
  std::int64_t now = wall_clock_ns();
  // Two saves within one clock tick still order: the newest save is the last session.
  SqliteStatement newest(db_, "SELECT coalesce(max(updated_ns), 0) FROM review_sessions WHERE drive_id = ?1");
  newest.bind(1, session.drive_id);
  if (newest.step()) now = std::max(now, newest.int64(0) + 1);
  SqliteStatement upsert(db_,
                         "INSERT INTO review_sessions (name, reviewer, drive_id, scope, current_sample_key, "
                         "current_item, counts, created_ns, updated_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) "
                         "ON CONFLICT (drive_id, name) DO UPDATE SET reviewer = excluded.reviewer, scope = "
                         "excluded.scope, current_sample_key = excluded.current_sample_key, current_item = "
                         "excluded.current_item, counts = excluded.counts, updated_ns = excluded.updated_ns");
  upsert.bind(1, session.name)
      .bind(2, session.reviewer.empty() ? default_reviewer() : session.reviewer)
      .bind(3, session.drive_id)
      .bind(4, scope_to_json(session.scope));
  if (session.current_sample_key)
    upsert.bind(5, *session.current_sample_key);
  else
    upsert.bind_null(5);
  upsert.bind(6, session.current_item).bind(7, counts_to_json(session.counts)).bind(8, now).run();
  tx.commit();
  return *this->session(session.drive_id, session.name);
}

std::optional<ReviewSession> ReviewRepository::session(std::int64_t drive_id, const std::string& name) const {
  SqliteStatement q(db_, std::string(kSessionColumns) + "WHERE rs.drive_id = ?1 AND rs.name = ?2");
  q.bind(1, drive_id).bind(2, name);
  if (!q.step()) return std::nullopt;
  return session_from_row(q);
}

std::optional<ReviewSession> ReviewRepository::last_session(std::int64_t drive_id) const {
  SqliteStatement q(db_, std::string(kSessionColumns) +
                             "WHERE rs.drive_id = ?1 ORDER BY rs.updated_ns DESC, rs.id "
                             "DESC LIMIT 1");
  q.bind(1, drive_id);
  if (!q.step()) return std::nullopt;
  return session_from_row(q);
}

std::vector<ReviewSession> ReviewRepository::sessions(std::optional<std::int64_t> drive_id) const {
  std::string sql = kSessionColumns;
  if (drive_id) sql += "WHERE rs.drive_id = ?1 ";
  sql += "ORDER BY rs.updated_ns DESC, rs.id DESC";
  SqliteStatement q(db_, sql);
  if (drive_id) q.bind(1, *drive_id);
  std::vector<ReviewSession> out;
  while (q.step()) out.push_back(session_from_row(q));
  return out;
}

}  // namespace dc::core

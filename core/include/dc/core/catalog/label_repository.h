#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/dont_care_region.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace dc::core {

class SqliteDatabase;

struct LabelQuery {
  std::optional<std::int64_t> frame_index;  // the sample's key
  std::optional<LabelSource> source;
  std::optional<std::string> source_name;  // a named model run ("" for the unnamed)
  bool include_deleted = false;
};

// What replacing a drive's shipped ground truth changed.
struct GroundTruthChanges {
  std::int64_t added = 0, updated = 0, removed = 0, unchanged = 0;
  std::int64_t retimed = 0;  // only the lidar frame's time changed: updated in place, not a new revision
};

// One stored row, every column by name exactly as SQLite holds it (null, integer, real, text or blob).
using StoredValue = std::variant<std::monostate, std::int64_t, double, std::string, std::vector<std::uint8_t>>;
struct StoredRow {
  std::vector<std::string> columns;
  std::vector<StoredValue> values;
  bool operator==(const StoredRow&) const = default;
};

// A label's rows as stored: its `labels` row (none when there is no such label) and its `label_revisions` rows,
// oldest first. What undo and redo of an edit put back, column for column.
struct StoredLabelRows {
  std::int64_t label_id = 0;
  std::optional<StoredRow> label;
  std::vector<StoredRow> revisions;
  bool operator==(const StoredLabelRows&) const = default;
};

// Labels and DontCare regions. A label keeps its id for life; every edit stores the previous state in
// label_revisions and bumps the revision; deletion is a revision too and can be undone by restore().
class LabelRepository {
public:
  explicit LabelRepository(SqliteDatabase& db) : db_(db) {}

  std::vector<BoxLabel> list(std::int64_t drive_id, const LabelQuery& query = {}) const;
  std::optional<BoxLabel> find(std::int64_t label_id) const;
  std::optional<std::int64_t> drive_of(std::int64_t label_id) const;
  // Every revision, oldest first; the last one is the current state.
  std::vector<BoxLabel> history(std::int64_t label_id) const;

  // Each call below is one transaction. insert() stores revision 1 and returns the id.
  std::int64_t insert(std::int64_t drive_id, const BoxLabel& label);
  // Stores `edited` (matched by id) as the next revision. Throws CatalogError when the label does not exist or
  // `edited.revision` is not the current one (someone else changed it meanwhile).
  BoxLabel update(const BoxLabel& edited);
  BoxLabel remove(std::int64_t label_id);
  BoxLabel restore(std::int64_t label_id);

  std::vector<DontCareRegion> dont_care(std::int64_t drive_id, std::optional<std::int64_t> frame_index = {}) const;

  // Every column of the label's row and of its revisions, as stored (for undo).
  StoredLabelRows stored_rows(std::int64_t label_id) const;
  // Makes each label's rows equal to targets[i], in one transaction: the `labels` row is updated in place (inserted
  // with its id when it is gone, deleted when the target has none) and its revisions are replaced. Undoing an edit
  // puts back the rows read before it (the newest revision is reverted, a created label erased); redo puts back the
  // rows read after it. Throws CatalogError, changing nothing, when a label is no longer as expected[i] says
  // (someone changed it meanwhile).
  void put_back(const std::vector<StoredLabelRows>& targets, const std::vector<StoredLabelRows>& expected);

  // For the ingest transaction (the caller owns it). Replaces the drive's ground truth with `labels`: a box that is
  // the same object as a stored one (same frame and class, same track id or, without tracks, the nearest center
  // within 1 m) updates it as a new revision only when the box changed, keeping its review state (a new time of its
  // lidar frame alone is updated in place); stored boxes that are gone are deleted (as a revision).
  GroundTruthChanges replace_ground_truth(std::int64_t drive_id, const std::vector<BoxLabel>& labels);
  void replace_dont_care(std::int64_t drive_id, const std::vector<DontCareRegion>& regions);
  // Replaces the labels of one named model run on a drive (source model, source_name `name`) with `labels`, in
  // one transaction: importing the same predictions again leaves the same rows; other runs stay. Returns how many
  // labels it removed.
  std::int64_t replace_model_run(std::int64_t drive_id, const std::string& name, const std::vector<BoxLabel>& labels);
  // Names of the model runs stored for a drive, sorted.
  std::vector<std::string> model_runs(std::int64_t drive_id) const;
  // Inserts many labels (revision 1 each) in a transaction the caller owns.
  void insert_all(std::int64_t drive_id, const std::vector<BoxLabel>& labels);

private:
  void write_revision(const BoxLabel& current, const BoxLabel& next);
  BoxLabel set_deleted(std::int64_t label_id, bool deleted);
  SqliteDatabase& db_;
};

}  // namespace dc::core

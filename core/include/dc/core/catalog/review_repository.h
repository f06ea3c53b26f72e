#pragma once
#include "dc/core/model/box_label.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

class SqliteDatabase;

enum class ReviewItemKind { Label, Finding };
const char* to_string(ReviewItemKind kind);

// What a person said about one label or finding, who said it and when (0 / "" when never reviewed).
struct ReviewRecord {
  ReviewState state = ReviewState::Unreviewed;
  std::string reviewer;
  std::int64_t reviewed_ns = 0;
};

// Which items a review walks. Labels are always auto or model ones (gt and manual boxes are what reviewers make);
// `source` / `model_name` limit them further, `check` limits the findings. Naming only a label limit leaves the
// findings out, naming only a check leaves the labels out; naming none takes both, naming both takes each limited.
struct ReviewScope {
  std::optional<LabelSource> source;      // Auto or Model
  std::optional<std::string> model_name;  // a named model run (implies source model)
  std::optional<std::string> check;       // a finding's check name
  bool includes_labels() const { return source.has_value() || model_name.has_value() || !check.has_value(); }
  bool includes_findings() const { return check.has_value() || (!source && !model_name); }
};
std::string scope_to_json(const ReviewScope& scope);
ReviewScope scope_from_json(const std::string& json);  // throws CatalogError on malformed text

// One reviewable thing at a sample. A span finding without a sample belongs to the sample nearest its start.
struct ReviewItem {
  ReviewItemKind kind = ReviewItemKind::Label;
  std::int64_t id = 0;
  std::int64_t sample_key = -1;
  ReviewRecord review;
  std::string what;  // check name, or the label's class
  // Labels only.
  LabelSource source = LabelSource::Auto;
  std::string source_name;
  std::string track_id;
  std::optional<std::int64_t> run_id;
};

// The sample a review moves to.
struct ReviewStop {
  std::int64_t sample_key = 0;
  int position = 0;      // the sample's place in the drive, time order, 0-based
  bool wrapped = false;  // the search passed the drive's end (or start, going back) to find it
  std::int64_t unreviewed_labels = 0, unreviewed_findings = 0;  // at that sample, in scope
};

// Labels of one track: one source (auto or model), one model run for model, optionally one pass run.
struct TrackSelector {
  std::int64_t drive_id = 0;
  std::string track_id;
  LabelSource source = LabelSource::Auto;
  std::optional<std::string> model_name;
  std::optional<std::int64_t> run_id;
};

struct ReviewCounts {
  std::int64_t accepted = 0, rejected = 0, fixed = 0, reset = 0;  // what the session's reviewer did
  std::int64_t remaining = -1;                                    // unreviewed in scope when last saved (-1 unknown)
};

// Where a reviewer stopped on a drive; (drive, name) is unique.
struct ReviewSession {
  std::int64_t id = 0;
  std::string name;
  std::string reviewer;
  std::int64_t drive_id = 0;
  std::string drive;  // filled when read
  ReviewScope scope;
  std::optional<std::int64_t> current_sample_key;
  std::string current_item;  // "label:ID" or "finding:ID", "" when none
  ReviewCounts counts;
  std::int64_t created_ns = 0, updated_ns = 0;
};

// Review states of labels and findings with who set them and when, unreviewed-item navigation, per-track bulk
// review and review sessions. A review change is made in place (a label keeps its revision); the state, reviewer and
// time it replaced go to review_log, so nothing a reviewer said is lost.
class ReviewRepository {
 public:
  explicit ReviewRepository(SqliteDatabase& db) : db_(db) {}

  // The OS user ($USER, else the password database, else "unknown").
  static std::string default_reviewer();

  // Each is one transaction; an empty reviewer means default_reviewer(). Throws CatalogError for an unknown id.
  ReviewRecord set_label_review(std::int64_t label_id, ReviewState state, const std::string& reviewer = {});
  ReviewRecord set_finding_review(std::int64_t finding_id, ReviewState state, const std::string& reviewer = {});
  // Many items at once, in one transaction; returns how many were stored.
  std::int64_t set_reviews(const std::vector<std::pair<ReviewItemKind, std::int64_t>>& items, ReviewState state,
                           const std::string& reviewer = {});
  ReviewRecord label_review(std::int64_t label_id) const;  // throws CatalogError for an unknown id
  ReviewRecord finding_review(std::int64_t finding_id) const;

  // Every current, not deleted label of the track (source auto or model). Throws CatalogError when the source is not
  // auto or model, when the track has no such label, or when a model track exists in several runs and none is named.
  std::vector<std::int64_t> track_labels(const TrackSelector& track) const;
  // Sets the state of every label of the track in one transaction; returns how many labels.
  std::int64_t set_track_review(const TrackSelector& track, ReviewState state, const std::string& reviewer = {});

  // The items of a sample in scope (all states; unreviewed_only for what is left), labels then findings, by id.
  std::vector<ReviewItem> items(std::int64_t drive_id, std::int64_t sample_key, const ReviewScope& scope,
                                bool unreviewed_only = false) const;
  // The next (or previous) sample after the one keyed `from_key` (none: from before the first / after the last)
  // with an unreviewed item in scope. With `wrap` the search continues from the other end (up to and including
  // `from_key`); without it nothing is returned at the end. Throws CatalogError when `from_key` is no sample key.
  std::optional<ReviewStop> next_unreviewed(std::int64_t drive_id, std::optional<std::int64_t> from_key,
                                            const ReviewScope& scope, bool backwards = false, bool wrap = true) const;
  std::int64_t count_unreviewed(std::int64_t drive_id, const ReviewScope& scope) const;

  // Sessions. save_session inserts or updates by (drive, name), stamps updated_ns and returns the stored row.
  ReviewSession save_session(const ReviewSession& session);
  std::optional<ReviewSession> session(std::int64_t drive_id, const std::string& name) const;
  std::optional<ReviewSession> last_session(std::int64_t drive_id) const;                // the most recently updated
  std::vector<ReviewSession> sessions(std::optional<std::int64_t> drive_id = {}) const;  // newest first

 private:
  struct SampleSlot;
  std::vector<SampleSlot> sample_slots(std::int64_t drive_id) const;
  std::vector<ReviewItem> scoped_items(std::int64_t drive_id, const ReviewScope& scope, bool unreviewed_only,
                                       std::optional<std::int64_t> sample_key) const;
  ReviewRecord write_review(ReviewItemKind kind, std::int64_t id, ReviewState state, const std::string& reviewer,
                            std::int64_t now);
  SqliteDatabase& db_;
};

}  // namespace dc::core

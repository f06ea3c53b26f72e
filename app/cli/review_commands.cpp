#include "review_commands.h"

#include "dc/core/catalog/review_repository.h"
#include "dc/core/model/time_stamp.h"

#include <cstdio>

namespace dc::app::cli {

namespace {

// A usage mistake the parser cannot see (a value out of its set, nothing to do): exit code 2.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

core::ReviewState parse_state(const std::string& text, bool reset_allowed = true) {
  core::ReviewState state;
  try {
    state = core::review_state_from_string(text);
  } catch (const std::invalid_argument&) {
    throw UsageError("unknown review state '" + text + "': use " +
                     (reset_allowed ? "unreviewed, accepted, rejected or fixed" : "accepted or rejected"));
  }
  if (!reset_allowed && state != core::ReviewState::Accepted && state != core::ReviewState::Rejected)
    throw UsageError("a whole track is accepted or rejected, not '" + text + "'");
  return state;
}

core::ReviewScope scope_of(const std::string& source, const std::string& model, const std::string& check) {
  core::ReviewScope scope;
  if (!source.empty()) scope.source = core::label_source_from_string(source);
  if (!model.empty()) {
    if (scope.source && *scope.source != core::LabelSource::Model)
      throw UsageError("--model names a model run: it goes with --source model");
    scope.source = core::LabelSource::Model;
    scope.model_name = model;
  }
  if (!check.empty()) scope.check = check;
  return scope;
}

std::string scope_text(const core::ReviewScope& s) {
  std::string out;
  if (s.source) out += std::string("source ") + core::to_string(*s.source);
  if (s.model_name) out += (out.empty() ? "" : ", ") + std::string("model ") + *s.model_name;
  if (s.check) out += (out.empty() ? "" : ", ") + std::string("check ") + *s.check;
  return out.empty() ? "auto and model labels, all findings" : out;
}

json record_json(const core::ReviewRecord& r) {
  return {{"review", core::to_string(r.state)},
          {"reviewer", r.reviewer},
          {"reviewed_ns", r.reviewed_ns},
          {"reviewed", r.reviewed_ns ? core::format_iso8601(r.reviewed_ns) : std::string()}};
}

json item_json(const core::ReviewItem& i) {
  json j = {{"kind", core::to_string(i.kind)}, {"id", i.id}, {"sample", i.sample_key}, {"what", i.what}};
  j.update(record_json(i.review));
  if (i.kind == core::ReviewItemKind::Label) {
    j["source"] = core::to_string(i.source);
    j["source_name"] = i.source_name;
    j["track_id"] = i.track_id;
  }
  return j;
}

json session_json(const core::ReviewSession& s) {
  return {{"name", s.name},
          {"reviewer", s.reviewer},
          {"drive", s.drive},
          {"scope", json::parse(core::scope_to_json(s.scope))},
          {"sample", s.current_sample_key ? json(*s.current_sample_key) : json()},
          {"item", s.current_item},
          {"counts",
           {{"accepted", s.counts.accepted},
            {"rejected", s.counts.rejected},
            {"fixed", s.counts.fixed},
            {"reset", s.counts.reset},
            {"remaining", s.counts.remaining}}},
          {"created", core::format_iso8601(s.created_ns)},
          {"updated", core::format_iso8601(s.updated_ns)},
          {"updated_ns", s.updated_ns}};
}

void print_item(const core::ReviewItem& i) {
  std::printf("  %-7s %6lld  %-16s %-10s %s", core::to_string(i.kind), static_cast<long long>(i.id),
              printable(i.what).c_str(), core::to_string(i.review.state), printable(i.review.reviewer).c_str());
  if (i.kind == core::ReviewItemKind::Label)
    std::printf("  %s%s%s track %s", core::to_string(i.source), i.source_name.empty() ? "" : ":",
                printable(i.source_name).c_str(), printable(i.track_id).c_str());
  std::printf("\n");
}

}  // namespace

ReviewCommands::ReviewCommands(CLI::App& app) {
  auto* review = app.add_subcommand("review",
                                    "review states of labels and findings, unreviewed-sample navigation, "
                                    "review sessions");
  review->require_subcommand(1);
  const std::string reviewer_doc = "who reviewed (default: the OS user)";
  const std::string session_doc = "count what is reviewed into this review session of the drive";

  set_ = review->add_subcommand("set", "store the review state of one label or finding (with reviewer and time)");
  auto* label = set_->add_option("--label", label_id_, "label id");
  auto* finding = set_->add_option("--finding", finding_id_, "finding id");
  label->excludes(finding);
  set_->add_option("--state", state_, "unreviewed, accepted, rejected or fixed")->required();
  set_->add_option("--reviewer", reviewer_, reviewer_doc);
  set_->add_option("--session", session_, session_doc);

  track_ = review->add_subcommand("track", "accept or reject every label of one track of a drive (one transaction)");
  track_->add_option("--drive", drive_, "drive name")->required();
  track_->add_option("--track", track_id_, "track id")->required();
  track_->add_option("--source", source_, "auto or model")->required()->check(CLI::IsMember({"auto", "model"}));
  track_->add_option("--model", model_, "the model run (needed when the track id exists in several)");
  track_->add_option("--run", run_id_, "only labels of this pass run (autolabel run id)");
  track_->add_option("--state", state_, "accepted or rejected")->required();
  track_->add_option("--reviewer", reviewer_, reviewer_doc);
  track_->add_option("--session", session_, session_doc);

  next_ = review->add_subcommand("next",
                                 "the next sample with an unreviewed finding or auto/model label (wraps "
                                 "around unless --no-wrap)");
  next_->add_option("--drive", drive_, "drive name")->required();
  next_->add_option("--after", after_, "start after this sample key (default: the session's sample, else the start)");
  next_->add_flag("--previous", previous_, "search backwards");
  next_->add_flag("--no-wrap", no_wrap_, "report the end of the drive instead of wrapping around");
  next_->add_option("--session", session_, "review session: its scope and sample, then it remembers the result");
  next_->add_option("--source", source_, "only labels of this source (auto or model)")
      ->check(CLI::IsMember({"auto", "model"}));
  next_->add_option("--model", model_, "only labels of this model run");
  next_->add_option("--check", check_, "only findings of this check");
  next_->add_option("--reviewer", reviewer_, "reviewer of a session this creates (default: the OS user)");

  sessions_ = review->add_subcommand("sessions",
                                     "review sessions, most recently used first: reviewer, drive, scope, "
                                     "where they stopped, counts");
  sessions_->add_option("--drive", drive_, "only this drive");
  sessions_->add_option("--name", session_, "only sessions of this name");

  auto* label_cmd = app.add_subcommand("label", "change one label (a new revision)");
  label_cmd->require_subcommand(1);
  label_set_ = label_cmd->add_subcommand("set",
                                         "store a corrected box as a new revision of source manual, reviewed "
                                         "as fixed");
  label_set_->add_option("id", edit_id_, "label id")->required();
  label_set_->add_option("--x", x_, "center x (m, lidar frame)");
  label_set_->add_option("--y", y_, "center y (m)");
  label_set_->add_option("--z", z_, "center z (m)");
  label_set_->add_option("--length", length_, "length (m)");
  label_set_->add_option("--width", width_, "width (m)");
  label_set_->add_option("--height", height_, "height (m)");
  label_set_->add_option("--yaw", yaw_, "yaw around +z (rad)");
  label_set_->add_option("--class", category_, "class, e.g. Car");
  label_set_->add_option("--track", new_track_, "track id");
  label_set_->add_option("--reviewer", reviewer_, reviewer_doc);
  label_delete_ = label_cmd->add_subcommand("delete", "delete a label (a revision too: its history stays)");
  label_delete_->add_option("id", edit_id_, "label id")->required();
}

std::optional<int> ReviewCommands::dispatch(const Options& o) const {
  try {
    if (*set_) return set(o);
    if (*track_) return track(o);
    if (*next_) return next(o);
    if (*sessions_) return sessions(o);
    if (*label_set_) return label_set(o);
    if (*label_delete_) return label_delete(o);
  } catch (const UsageError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kUsage;
  }
  return std::nullopt;
}

void ReviewCommands::count_into_session(core::Catalog& catalog, std::int64_t drive_id, core::ReviewState state,
                                        std::int64_t n) const {
  if (session_.empty()) return;
  auto& reviews = catalog.review_repository();
  auto s = reviews.session(drive_id, session_);
  if (!s) {
    s = core::ReviewSession{};
    s->name = session_;
    s->drive_id = drive_id;
    s->reviewer = reviewer_;
  }
  switch (state) {
    case core::ReviewState::Accepted:
      s->counts.accepted += n;
      break;
    case core::ReviewState::Rejected:
      s->counts.rejected += n;
      break;
    case core::ReviewState::Fixed:
      s->counts.fixed += n;
      break;
    case core::ReviewState::Unreviewed:
      s->counts.reset += n;
      break;
  }
  s->counts.remaining = reviews.count_unreviewed(drive_id, s->scope);
  reviews.save_session(*s);
}

int ReviewCommands::set(const Options& o) const {
  if (!label_id_ && !finding_id_) throw UsageError("review set: name a --label ID or a --finding ID");
  const core::ReviewState state = parse_state(state_);
  core::Catalog catalog(catalog_path(o));
  auto& reviews = catalog.review_repository();
  const bool is_label = label_id_.has_value();
  const std::int64_t id = is_label ? *label_id_ : *finding_id_;
  const auto record =
      is_label ? reviews.set_label_review(id, state, reviewer_) : reviews.set_finding_review(id, state, reviewer_);
  std::int64_t drive_id = 0;
  if (is_label) {
    drive_id = catalog.label_repository().drive_of(id).value_or(0);
  } else {
    for (const auto& d : catalog.drives())
      for (const auto& f : catalog.finding_repository().list(d.id))
        if (f.id == id) drive_id = d.id;
  }
  count_into_session(catalog, drive_id, state, 1);
  if (o.json) {
    json j = {{"kind", is_label ? "label" : "finding"}, {"id", id}};
    j.update(record_json(record));
    print_json(j);
  } else if (!o.quiet) {
    std::printf("%s %lld: %s by %s\n", is_label ? "label" : "finding", static_cast<long long>(id),
                core::to_string(record.state), printable(record.reviewer).c_str());
  }
  return kOk;
}

int ReviewCommands::track(const Options& o) const {
  const core::ReviewState state = parse_state(state_, false);
  if (!model_.empty() && source_ != "model") throw UsageError("--model goes with --source model");
  core::Catalog catalog(catalog_path(o));
  const auto drive = require_drive(catalog, drive_);
  core::TrackSelector selector;
  selector.drive_id = drive.id;
  selector.track_id = track_id_;
  selector.source = core::label_source_from_string(source_);
  if (!model_.empty()) selector.model_name = model_;
  selector.run_id = run_id_;
  const std::int64_t n = catalog.review_repository().set_track_review(selector, state, reviewer_);
  count_into_session(catalog, drive.id, state, n);
  const std::string reviewer = reviewer_.empty() ? core::ReviewRepository::default_reviewer() : reviewer_;
  if (o.json) {
    print_json({{"drive", drive.name},
                {"track_id", track_id_},
                {"source", source_},
                {"model", model_},
                {"review", core::to_string(state)},
                {"reviewer", reviewer},
                {"labels", n}});
  } else if (!o.quiet) {
    std::printf("%s %lld %s label%s of track %s in %s by %s\n", core::to_string(state), static_cast<long long>(n),
                source_.c_str(), n == 1 ? "" : "s", printable(track_id_).c_str(), printable(drive.name).c_str(),
                printable(reviewer).c_str());
  }
  return kOk;
}

int ReviewCommands::next(const Options& o) const {
  core::Catalog catalog(catalog_path(o));
  const auto drive = require_drive(catalog, drive_);
  auto& reviews = catalog.review_repository();
  std::optional<core::ReviewSession> session;
  core::ReviewScope scope = scope_of(source_, model_, check_);
  const bool scope_given = !source_.empty() || !model_.empty() || !check_.empty();
  std::optional<std::int64_t> from = after_;
  if (!session_.empty()) {
    session = reviews.session(drive.id, session_);
    if (!session) {
      session = core::ReviewSession{};
      session->name = session_;
      session->drive_id = drive.id;
      session->reviewer = reviewer_;
      session->scope = scope;
    } else if (scope_given) {
      session->scope = scope;  // the session takes the scope named now
    }
    scope = session->scope;
    if (!from) from = session->current_sample_key;
  }
  const auto stop = reviews.next_unreviewed(drive.id, from, scope, previous_, !no_wrap_);
  std::vector<core::ReviewItem> items;
  if (stop) items = reviews.items(drive.id, stop->sample_key, scope, true);
  const std::int64_t remaining = reviews.count_unreviewed(drive.id, scope);
  if (session) {
    if (stop) {
      session->current_sample_key = stop->sample_key;
      session->current_item =
          items.empty() ? std::string()
                        : std::string(core::to_string(items.front().kind)) + ":" + std::to_string(items.front().id);
    }
    session->counts.remaining = remaining;
    session = reviews.save_session(*session);
  }
  if (o.json) {
    json j = {{"drive", drive.name},
              {"found", stop.has_value()},
              {"scope", json::parse(core::scope_to_json(scope))},
              {"remaining", remaining},
              {"after", from ? json(*from) : json()},
              {"direction", previous_ ? "previous" : "next"}};
    if (stop) {
      j["sample"] = stop->sample_key;
      j["position"] = stop->position;
      j["wrapped"] = stop->wrapped;
      j["unreviewed_labels"] = stop->unreviewed_labels;
      j["unreviewed_findings"] = stop->unreviewed_findings;
      json arr = json::array();
      for (const auto& i : items) arr.push_back(item_json(i));
      j["items"] = arr;
    } else {
      j["end"] = remaining > 0;  // without wrapping, items remain on the other side
    }
    if (session) j["session"] = session_json(*session);
    print_json(j);
    return kOk;
  }
  if (!stop) {
    if (remaining > 0)
      std::printf("no unreviewed item %s sample %lld: reached the %s of %s (%lld unreviewed elsewhere)\n",
                  previous_ ? "before" : "after", static_cast<long long>(from.value_or(-1)),
                  previous_ ? "start" : "end", printable(drive.name).c_str(), static_cast<long long>(remaining));
    else
      std::printf("nothing left to review in %s (%s)\n", printable(drive.name).c_str(), scope_text(scope).c_str());
    return kOk;
  }
  std::printf("sample %lld (position %d)%s: %lld unreviewed label%s, %lld unreviewed finding%s; %lld left in scope\n",
              static_cast<long long>(stop->sample_key), stop->position,
              stop->wrapped ? (previous_ ? " (wrapped to the end)" : " (wrapped to the start)") : "",
              static_cast<long long>(stop->unreviewed_labels), stop->unreviewed_labels == 1 ? "" : "s",
              static_cast<long long>(stop->unreviewed_findings), stop->unreviewed_findings == 1 ? "" : "s",
              static_cast<long long>(remaining));
  for (const auto& i : items) print_item(i);
  return kOk;
}

int ReviewCommands::sessions(const Options& o) const {
  core::Catalog catalog(catalog_path(o));
  std::optional<std::int64_t> drive_id;
  if (!drive_.empty()) drive_id = require_drive(catalog, drive_).id;
  std::vector<core::ReviewSession> list;
  for (auto& s : catalog.review_repository().sessions(drive_id))
    if (session_.empty() || s.name == session_) list.push_back(std::move(s));
  if (o.json) {
    json arr = json::array();
    for (const auto& s : list) arr.push_back(session_json(s));
    print_json(arr);
    return kOk;
  }
  std::printf("%-16s %-12s %-32s %8s %8s %8s %8s %9s  %-28s %s\n", "NAME", "REVIEWER", "DRIVE", "SAMPLE", "ACCEPTED",
              "REJECTED", "FIXED", "REMAINING", "SCOPE", "UPDATED");
  for (const auto& s : list)
    std::printf("%-16s %-12s %-32s %8s %8lld %8lld %8lld %9s  %-28s %s\n", printable(s.name).c_str(),
                printable(s.reviewer).c_str(), printable(s.drive).c_str(),
                s.current_sample_key ? std::to_string(*s.current_sample_key).c_str() : "-",
                static_cast<long long>(s.counts.accepted), static_cast<long long>(s.counts.rejected),
                static_cast<long long>(s.counts.fixed),
                s.counts.remaining >= 0 ? std::to_string(s.counts.remaining).c_str() : "?",
                printable(scope_text(s.scope)).c_str(), core::format_iso8601(s.updated_ns).c_str());
  std::printf("%zu session%s\n", list.size(), list.size() == 1 ? "" : "s");
  return kOk;
}

int ReviewCommands::label_set(const Options& o) const {
  if (!x_ && !y_ && !z_ && !length_ && !width_ && !height_ && !yaw_ && !category_ && !new_track_)
    throw UsageError("label set: nothing to set (give --x --y --z --length --width --height --yaw --class or --track)");
  using Field = std::pair<const char*, std::optional<double>>;
  for (const auto& [name, value] : {Field{"--length", length_}, Field{"--width", width_}, Field{"--height", height_}})
    if (value && !(*value > 0)) throw UsageError(std::string("label set: ") + name + " must be positive");
  if (category_ && category_->empty()) throw UsageError("label set: --class is empty");
  core::Catalog catalog(catalog_path(o));
  auto& labels = catalog.label_repository();
  const auto current = labels.find(edit_id_);
  if (!current) throw std::invalid_argument("label " + std::to_string(edit_id_) + " does not exist");
  if (current->deleted)
    throw std::invalid_argument("label " + std::to_string(edit_id_) + " is deleted (revision " +
                                std::to_string(current->revision) + ")");
  core::BoxLabel edited = *current;
  if (x_) edited.center.x() = *x_;
  if (y_) edited.center.y() = *y_;
  if (z_) edited.center.z() = *z_;
  if (length_) edited.length = *length_;
  if (width_) edited.width = *width_;
  if (height_) edited.height = *height_;
  if (yaw_) edited.yaw = *yaw_;
  if (category_) edited.category = *category_;
  if (new_track_) edited.track_id = *new_track_;
  edited.source = core::LabelSource::Manual;  // a person's box now
  edited.review = core::ReviewState::Fixed;
  const core::BoxLabel stored = labels.update(edited);
  const auto record = catalog.review_repository().set_label_review(stored.id, core::ReviewState::Fixed, reviewer_);
  if (o.json) {
    json j = {{"id", stored.id},
              {"revision", stored.revision},
              {"source", core::to_string(stored.source)},
              {"category", stored.category},
              {"track_id", stored.track_id},
              {"center", {stored.center.x(), stored.center.y(), stored.center.z()}},
              {"size", {stored.length, stored.width, stored.height}},
              {"yaw", stored.yaw}};
    j.update(record_json(record));
    print_json(j);
  } else if (!o.quiet) {
    std::printf("label %lld: revision %d (was %d), source manual, fixed by %s\n", static_cast<long long>(stored.id),
                stored.revision, current->revision, printable(record.reviewer).c_str());
  }
  return kOk;
}

int ReviewCommands::label_delete(const Options& o) const {
  core::Catalog catalog(catalog_path(o));
  auto& labels = catalog.label_repository();
  const auto current = labels.find(edit_id_);
  if (!current) throw std::invalid_argument("label " + std::to_string(edit_id_) + " does not exist");
  if (current->deleted) throw std::invalid_argument("label " + std::to_string(edit_id_) + " is already deleted");
  const core::BoxLabel gone = labels.remove(edit_id_);
  if (o.json)
    print_json({{"id", gone.id}, {"revision", gone.revision}, {"deleted", gone.deleted}});
  else if (!o.quiet)
    std::printf("label %lld deleted (revision %d; its history stays)\n", static_cast<long long>(gone.id),
                gone.revision);
  return kOk;
}

}  // namespace dc::app::cli

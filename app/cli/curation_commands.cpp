#include "curation_commands.h"

#include "dc/core/model/time_stamp.h"
#include "dc/core/query/query_engine.h"

#include <cstdio>
#include <limits>
#include <map>

namespace dc::app::cli {

namespace {

json hit_json(const core::QueryHit& h) {
  return {{"drive", h.drive}, {"drive_id", h.sample.drive_id}, {"sample", h.sample.key},
          {"timestamp_ns", h.timestamp_ns}, {"time", core::format_iso8601(h.timestamp_ns)}};
}

void print_hits(const std::vector<core::QueryHit>& hits) {
  std::printf("%-40s %8s  %s\n", "DRIVE", "SAMPLE", "TIME");
  for (const auto& h : hits)
    std::printf("%-40s %8lld  %s\n", printable(h.drive).c_str(), static_cast<long long>(h.sample.key),
                core::format_iso8601(h.timestamp_ns).c_str());
  std::printf("%zu sample%s\n", hits.size(), hits.size() == 1 ? "" : "s");
}

// A collection's frozen samples with their drive names and times (read from the catalog, not re-queried).
std::vector<core::QueryHit> collection_hits(core::Catalog& catalog, const std::string& name) {
  std::map<std::int64_t, std::string> drive_names;
  for (const auto& d : catalog.drives()) drive_names[d.id] = d.name;
  std::map<std::int64_t, std::map<std::int64_t, core::TimestampNs>> times;  // drive -> key -> time
  std::vector<core::QueryHit> hits;
  for (const auto& ref : catalog.tag_repository().collection(name)) {
    if (!times.count(ref.drive_id))
      for (const auto& s : catalog.samples(ref.drive_id)) times[ref.drive_id][s.key()] = s.timestamp_ns;
    hits.push_back({ref, times[ref.drive_id][ref.key], drive_names[ref.drive_id]});
  }
  return hits;
}

}  // namespace

CurationCommands::CurationCommands(CLI::App& app) {
  auto* tag = app.add_subcommand("tag", "tags on samples");
  tag->require_subcommand(1);
  for (bool add : {true, false}) {
    auto* sub = tag->add_subcommand(add ? "add" : "remove",
                                    add ? "tag samples of a drive (all of them without --sample / --from / --to)"
                                        : "remove a tag from samples of a drive (all of them without a selection)");
    sub->add_option("name", name_, "tag name")->required();
    sub->add_option("--drive", drive_, "drive name or id")->required();
    auto* keys = sub->add_option("--sample", sample_keys_, "sample key (repeatable)");
    auto* from = sub->add_option("--from", from_, "start time, inclusive: 'YYYY-MM-DD[ HH:MM:SS[.f]]' (UTC) or ns");
    auto* to = sub->add_option("--to", to_, "end time, inclusive");
    keys->excludes(from)->excludes(to);
    (add ? tag_add_ : tag_remove_) = sub;
  }
  tag_list_ = tag->add_subcommand("list", "tags with their number of samples");
  tag_list_->add_option("--drive", drive_, "only samples of this drive");

  query_ = app.add_subcommand("query", "samples matching a query, e.g. 'class:Car count>=3 and not tag:night' "
                                       "(see README: Queries, tags and collections)");
  query_->add_option("expression", query_words_, "the query (several words are joined with spaces)")->required();
  query_->add_option("--limit", limit_, "only the first N matches (found without computing the whole result)")
      ->check(CLI::PositiveNumber);

  auto* collection = app.add_subcommand("collection", "saved queries with their frozen samples");
  collection->require_subcommand(1);
  collection_create_ = collection->add_subcommand("create", "run a query and keep its result under a name");
  collection_create_->add_option("name", name_, "collection name")->required();
  collection_create_->add_option("--query", expression_, "the query")->required();
  collection_list_ = collection->add_subcommand("list", "collections with their query and size");
  collection_show_ = collection->add_subcommand("show", "a collection's query and frozen samples");
  collection_show_->add_option("name", name_, "collection name")->required();
  collection_delete_ = collection->add_subcommand("delete", "delete a collection (its samples stay in the catalog)");
  collection_delete_->add_option("name", name_, "collection name")->required();
}

std::optional<int> CurationCommands::dispatch(const Options& o) const {
  if (*tag_add_) return tag_change(o, true);
  if (*tag_remove_) return tag_change(o, false);
  if (*tag_list_) return tag_list(o);
  if (*query_) return query(o);
  if (*collection_create_) return collection_create(o);
  if (*collection_list_) return collection_list(o);
  if (*collection_show_) return collection_show(o);
  if (*collection_delete_) return collection_delete(o);
  return std::nullopt;
}

int CurationCommands::tag_change(const Options& o, bool add) const {
  core::Catalog catalog(catalog_path(o));
  const auto drive = require_drive(catalog, drive_);
  auto& tags = catalog.tag_repository();
  std::vector<core::SampleRef> selected;
  if (!sample_keys_.empty()) {
    for (auto k : sample_keys_) selected.push_back({drive.id, k});
  } else {
    const core::TimestampNs from = from_.empty() ? std::numeric_limits<core::TimestampNs>::min() : core::parse_user_time(from_);
    const core::TimestampNs to = to_.empty() ? std::numeric_limits<core::TimestampNs>::max() : core::parse_user_time(to_);
    if (from > to) throw std::invalid_argument("--from is after --to");
    selected = tags.samples_between(drive.id, from, to);
  }
  const std::int64_t changed = add ? tags.tag_all(selected, name_) : tags.untag_all(selected, name_);
  if (o.json) {
    print_json({{"tag", name_}, {"drive", drive.name}, {"selected", selected.size()},
                {add ? "tagged" : "untagged", changed}});
  } else if (!o.quiet) {
    std::printf("%s '%s' %s %lld of %zu selected samples in %s\n", add ? "tagged" : "removed",
                printable(name_).c_str(), add ? "on" : "from", static_cast<long long>(changed), selected.size(),
                printable(drive.name).c_str());
  }
  return kOk;
}

int CurationCommands::tag_list(const Options& o) const {
  core::Catalog catalog(catalog_path(o));
  std::optional<std::int64_t> drive_id;
  if (!drive_.empty()) drive_id = require_drive(catalog, drive_).id;
  const auto counts = catalog.tag_repository().tag_counts(drive_id);
  if (o.json) {
    json arr = json::array();
    for (const auto& t : counts) arr.push_back({{"tag", t.name}, {"samples", t.samples}});
    print_json(arr);
    return kOk;
  }
  std::printf("%-30s %8s\n", "TAG", "SAMPLES");
  for (const auto& t : counts) std::printf("%-30s %8lld\n", printable(t.name).c_str(), static_cast<long long>(t.samples));
  return kOk;
}

int CurationCommands::query(const Options& o) const {
  std::string text;
  for (const auto& w : query_words_) text += (text.empty() ? "" : " ") + w;
  const auto compiled = core::QueryEngine::compile(text);  // a bad query fails before the catalog is opened
  (void)compiled;
  core::Catalog catalog(catalog_path(o));
  core::QueryPage page;
  if (limit_ > 0) page = core::QueryEngine(catalog).page(text, static_cast<std::size_t>(limit_));
  else page.hits = core::QueryEngine(catalog).run(text);
  if (o.json) {
    json arr = json::array();
    for (const auto& h : page.hits) arr.push_back(hit_json(h));
    print_json({{"query", text}, {"samples", arr}, {"count", page.hits.size()}, {"more", page.more}});
    return kOk;
  }
  print_hits(page.hits);
  if (page.more) std::printf("more samples match (--limit %lld)\n", static_cast<long long>(limit_));
  return kOk;
}

int CurationCommands::collection_create(const Options& o) const {
  core::QueryEngine::compile(expression_);
  core::Catalog catalog(catalog_path(o));
  const auto samples = core::QueryEngine(catalog).samples(expression_);
  catalog.tag_repository().create_collection(name_, expression_, samples);
  if (o.json) print_json({{"collection", name_}, {"query", expression_}, {"samples", samples.size()}});
  else if (!o.quiet)
    std::printf("collection '%s': %zu sample%s frozen from '%s'\n", printable(name_).c_str(), samples.size(),
                samples.size() == 1 ? "" : "s",
                printable(expression_).c_str());
  return kOk;
}

int CurationCommands::collection_list(const Options& o) const {
  core::Catalog catalog(catalog_path(o));
  const auto infos = catalog.tag_repository().collection_infos();
  if (o.json) {
    json arr = json::array();
    for (const auto& c : infos)
      arr.push_back({{"name", c.name}, {"query", c.query}, {"samples", c.samples}, {"created_ns", c.created_ns},
                     {"created", core::format_iso8601(c.created_ns)}});
    print_json(arr);
    return kOk;
  }
  std::printf("%-30s %8s  %-24s %s\n", "COLLECTION", "SAMPLES", "CREATED", "QUERY");
  for (const auto& c : infos)
    std::printf("%-30s %8lld  %-24s %s\n", printable(c.name).c_str(), static_cast<long long>(c.samples),
                core::format_iso8601(c.created_ns).c_str(), printable(c.query).c_str());
  return kOk;
}

int CurationCommands::collection_show(const Options& o) const {
  core::Catalog catalog(catalog_path(o));
  const auto info = catalog.tag_repository().find_collection(name_);
  if (!info) throw std::invalid_argument("no collection '" + name_ + "' (see 'drivecurator-cli collection list')");
  const auto hits = collection_hits(catalog, name_);
  if (o.json) {
    json arr = json::array();
    for (const auto& h : hits) arr.push_back(hit_json(h));
    print_json({{"name", info->name}, {"query", info->query}, {"created_ns", info->created_ns},
                {"created", core::format_iso8601(info->created_ns)}, {"samples", arr}, {"count", hits.size()}});
    return kOk;
  }
  std::printf("collection: %s\nquery:      %s\ncreated:    %s\n", printable(info->name).c_str(),
              printable(info->query).c_str(), core::format_iso8601(info->created_ns).c_str());
  print_hits(hits);
  return kOk;
}

int CurationCommands::collection_delete(const Options& o) const {
  core::Catalog catalog(catalog_path(o));
  if (!catalog.tag_repository().delete_collection(name_))
    throw std::invalid_argument("no collection '" + name_ + "' (see 'drivecurator-cli collection list')");
  if (o.json) print_json({{"deleted", name_}});
  else if (!o.quiet) std::printf("deleted collection '%s'\n", printable(name_).c_str());
  return kOk;
}

}  // namespace dc::app::cli

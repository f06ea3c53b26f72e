#include "dc/core/query/query_compiler.h"

#include "dc/core/query/query_error.h"

#include <optional>

namespace dc::core {

namespace {

using Field = QueryTerm::Field;
using Op = QueryTerm::Op;

// Only these constant strings (and ?N placeholders) ever become SQL text.
const char* sql_op(Op op) {
  switch (op) {
    case Op::Lt: return " < ";
    case Op::Le: return " <= ";
    case Op::Gt: return " > ";
    case Op::Ge: return " >= ";
    default: return " = ";
  }
}

constexpr const char* kSelect =
    "SELECT sa.drive_id, f.idx, sa.timestamp_ns, d.name FROM samples sa "
    "JOIN frames f ON f.id = sa.lidar_frame_id JOIN drives d ON d.id = sa.drive_id WHERE ";
constexpr const char* kOrder = " ORDER BY sa.drive_id, sa.timestamp_ns, f.idx";
// A label of the sample: labels hang on the lidar frame index, which is the sample key.
constexpr const char* kLabelOfSample = "l.drive_id = sa.drive_id AND l.frame_idx = f.idx AND l.deleted = 0";
// A finding of the sample: on its key, or a span finding (no sample) covering its time.
constexpr const char* kFindingOfSample =
    "fi.drive_id = sa.drive_id AND (fi.sample_key = f.idx OR (fi.sample_key IS NULL AND "
    "sa.timestamp_ns BETWEEN fi.start_ns AND fi.end_ns))";
// The same relations read the other way, as the ids of the samples that have such a label / finding. One term of
// an and-chain is written `sa.id IN (those ids)` so SQLite starts from that term's index (tag, class, check,
// review state) and looks the few matching samples up instead of testing every sample; the chain's other terms
// are tested per candidate sample.
constexpr const char* kSamplesOfLabels =
    "SELECT sl.id FROM labels l JOIN frames fl ON fl.drive_id = l.drive_id AND fl.idx = l.frame_idx "
    "JOIN samples sl ON sl.drive_id = l.drive_id AND sl.lidar_frame_id = fl.id WHERE l.deleted = 0";
// Labels grouped per sample key first (in the order of the class index, without a sort), then their samples:
// kGroupedLabels + filter + " GROUP BY l.drive_id, l.frame_idx" [+ HAVING] + kSamplesOfGroups.
constexpr const char* kGroupedLabels =
    "SELECT sl.id FROM (SELECT l.drive_id, l.frame_idx FROM labels l WHERE l.deleted = 0";
constexpr const char* kSamplesOfGroups =
    ") g JOIN frames fl ON fl.drive_id = g.drive_id AND fl.idx = g.frame_idx "
    "JOIN samples sl ON sl.drive_id = g.drive_id AND sl.lidar_frame_id = fl.id";
// Each part is followed by the finding's conditions (the same text for both).
constexpr const char* kSamplesOfKeyFindings =
    "SELECT sk.id FROM findings fi JOIN frames fk ON fk.drive_id = fi.drive_id AND fk.idx = fi.sample_key "
    "JOIN samples sk ON sk.drive_id = fi.drive_id AND sk.lidar_frame_id = fk.id WHERE fi.sample_key IS NOT NULL";
constexpr const char* kSamplesOfSpanFindings =
    "SELECT ss.id FROM findings fi JOIN samples ss ON ss.drive_id = fi.drive_id AND "
    "ss.timestamp_ns BETWEEN fi.start_ns AND fi.end_ns WHERE fi.sample_key IS NULL";

// One condition of an and-chain: tested per sample, and (for selective terms) as a set of sample ids to start
// from. Lower `rank` starts first: findings are rarest, then tags, review states and labels.
struct Part {
  std::string per_sample;
  std::string indexed;  // empty: only per_sample
  int rank = 100;
};

constexpr const char* kSeverityRank =
    "(CASE fi.severity WHEN 'info' THEN 0 WHEN 'warning' THEN 1 WHEN 'error' THEN 2 ELSE -1 END)";

}  // namespace

CompiledQuery QueryCompiler::compile(const QueryNode& root, const std::string& text, QueryPlan plan) {
  QueryCompiler c(text);
  const std::string where = c.condition(root, plan == QueryPlan::FromIndexes);
  c.out_.sql = std::string(kSelect) + where + kOrder;
  return std::move(c.out_);
}

CompiledQuery QueryCompiler::compile_page(const QueryNode& root, const std::string& text, QueryPlan plan,
                                          const std::optional<QueryCursor>& after, std::size_t limit) {
  QueryCompiler c(text);
  const bool from_indexes = plan == QueryPlan::FromIndexes;
  std::string where = "(" + c.condition(root, from_indexes) + ")";
  // From the indexes, the unary + keeps SQLite from walking samples_by_time to get the order (what a LIMIT tempts
  // it to do): the page must start from the selective term and sort its few matches.
  const char* order = from_indexes ? " ORDER BY +sa.drive_id, +sa.timestamp_ns, +f.idx" : kOrder;
  if (after)
    where += std::string(from_indexes ? " AND (+sa.drive_id, +sa.timestamp_ns, +f.idx) > ("
                                      : " AND (sa.drive_id, sa.timestamp_ns, f.idx) > (") +
             c.bind(after->drive_id) + ", " + c.bind(after->timestamp_ns) + ", " + c.bind(after->key) + ")";
  c.out_.sql = std::string(kSelect) + where + order + " LIMIT " + c.bind(static_cast<std::int64_t>(limit));
  return std::move(c.out_);
}

std::string QueryCompiler::bind(std::int64_t value) {
  out_.params.emplace_back(value);
  return "?" + std::to_string(out_.params.size());
}

std::string QueryCompiler::bind(const std::string& value) {
  out_.params.emplace_back(value);
  return "?" + std::to_string(out_.params.size());
}

std::string QueryCompiler::condition(const QueryNode& node, bool may_start) {
  switch (node.kind) {
    case QueryNode::Kind::Term:
      return conjunction({&node}, may_start);
    case QueryNode::Kind::Not:
      return "NOT (" + condition(node.children.front(), false) + ")";
    case QueryNode::Kind::Or: {
      std::string sql;
      for (const auto& c : node.children) sql += (sql.empty() ? "(" : " OR (") + condition(c, may_start) + ")";
      return sql;
    }
    case QueryNode::Kind::And: {
      std::vector<const QueryNode*> parts;
      for (const auto& c : node.children) parts.push_back(&c);
      return conjunction(parts, may_start);
    }
  }
  return "1";
}

std::string QueryCompiler::conjunction(const std::vector<const QueryNode*>& parts, bool may_start) {
  const QueryTerm* cls = nullptr;
  const QueryTerm* source = nullptr;
  const QueryTerm* finding = nullptr;
  std::vector<const QueryTerm*> counts, severities;
  std::vector<Part> conditions;
  auto once = [&](const QueryTerm*& slot, const QueryTerm& t, const char* what) {
    if (slot)
      throw QueryError(std::string("a second '") + what + "' in the same and-chain cannot hold for one " +
                           (t.field == Field::Finding ? "finding" : "label") + "; use 'or' or parentheses",
                       text_, t.offset);
    slot = &t;
  };
  for (const QueryNode* p : parts) {
    if (p->kind != QueryNode::Kind::Term) {
      conditions.push_back({"(" + condition(*p, may_start) + ")", {}, 100});
      continue;
    }
    const QueryTerm& t = p->term;
    switch (t.field) {
      case Field::Class: once(cls, t, "class:"); break;
      case Field::LabelSource: once(source, t, "label-source:"); break;
      case Field::Finding: once(finding, t, "finding:"); break;
      case Field::Count: counts.push_back(&t); break;
      case Field::Severity: severities.push_back(&t); break;
      case Field::Tag: {
        const std::string name = bind(t.text);
        conditions.push_back({"EXISTS (SELECT 1 FROM sample_tags st JOIN tags t ON t.id = st.tag_id WHERE "
                              "st.sample_id = sa.id AND t.name = " + name + ")",
                              "sa.id IN (SELECT st.sample_id FROM tags t JOIN sample_tags st ON st.tag_id = t.id "
                              "WHERE t.name = " + name + ")",
                              1});
        break;
      }
      case Field::Review: {
        const std::string state = bind(t.text);
        conditions.push_back({"(EXISTS (SELECT 1 FROM labels l WHERE " + std::string(kLabelOfSample) +
                                  " AND l.review = " + state + ") OR EXISTS (SELECT 1 FROM findings fi WHERE " +
                                  kFindingOfSample + " AND fi.review = " + state + "))",
                              "sa.id IN (" + std::string(kSamplesOfLabels) + " AND l.review = " + state +
                                  " UNION ALL " + kSamplesOfKeyFindings + " AND fi.review = " + state + " UNION ALL " +
                                  kSamplesOfSpanFindings + " AND fi.review = " + state + ")",
                              2});
        break;
      }
      default: conditions.push_back({single(t), {}, 100}); break;
    }
  }
  if (cls || source || !counts.empty()) {
    std::string filter;
    if (cls) filter += " AND l.category = " + bind(cls->text);
    if (source) filter += " AND l.source = " + bind(source->text);
    if (counts.empty()) {
      conditions.push_back({"EXISTS (SELECT 1 FROM labels l WHERE " + std::string(kLabelOfSample) + filter + ")",
                            "sa.id IN (" + std::string(kGroupedLabels) + filter + " GROUP BY l.drive_id, l.frame_idx" +
                                kSamplesOfGroups + ")",
                            cls || source ? 3 : 100});
    } else {
      // A count that a sample without labels cannot satisfy (> N, >= N or = N with N >= 1) can also be read from
      // the labels; one that zero satisfies (count<3, count=0) is tested per sample only.
      bool zero_fails = true;
      std::string per_sample, having;
      const std::string counted = "(SELECT count(*) FROM labels l WHERE " + std::string(kLabelOfSample) + filter + ")";
      for (const QueryTerm* c : counts) {
        zero_fails = zero_fails && (c->op == Op::Gt ? c->number >= 0
                                                    : (c->op == Op::Ge || c->op == Op::Eq) && c->number >= 1);
        const std::string n = bind(c->number);
        per_sample += (per_sample.empty() ? "" : " AND ") + counted + sql_op(c->op) + n;
        having += (having.empty() ? "" : " AND ") + std::string("count(*)") + sql_op(c->op) + n;
      }
      conditions.push_back({per_sample,
                            zero_fails
                                ? "sa.id IN (" + std::string(kGroupedLabels) + filter +
                                      " GROUP BY l.drive_id, l.frame_idx HAVING " + having + kSamplesOfGroups + ")"
                                : std::string(),
                            cls || source ? 4 : 5});
    }
  }
  if (finding || !severities.empty()) {
    std::string filter;
    if (finding) {
      const std::string name = bind(finding->text);
      filter += " AND (fi.check_name = " + name + " OR fi.job_id IN (SELECT j.id FROM jobs j WHERE j.pass = " + name +
                "))";
    }
    for (const QueryTerm* s : severities)
      filter += std::string(" AND ") + kSeverityRank + sql_op(s->op) + bind(s->number);
    conditions.push_back({"EXISTS (SELECT 1 FROM findings fi WHERE " + std::string(kFindingOfSample) + filter + ")",
                          "sa.id IN (" + std::string(kSamplesOfKeyFindings) + filter + " UNION ALL " +
                              kSamplesOfSpanFindings + filter + ")",
                          0});
  }
  // The best-ranked selective part is the starting set; the others are tested on its samples.
  const Part* start = nullptr;
  for (const auto& c : conditions)
    if (may_start && !c.indexed.empty() && (!start || c.rank < start->rank)) start = &c;
  std::string sql;
  for (const auto& c : conditions) sql += (sql.empty() ? "" : " AND ") + (&c == start ? c.indexed : c.per_sample);
  return sql.empty() ? "1" : sql;
}

std::string QueryCompiler::single(const QueryTerm& t) {
  switch (t.field) {
    case Field::Drive:
      // instr, not LIKE: % and _ in a drive name are ordinary characters. The drives are few: the matching ones
      // are listed first and their samples found by drive.
      if (t.op == Op::Contains)
        return "sa.drive_id IN (SELECT dc.id FROM drives dc WHERE instr(dc.name, " + bind(t.text) + ") > 0)";
      return "d.name = " + bind(t.text);
    case Field::Sample:
      return std::string("f.idx") + sql_op(t.op) + bind(t.number);
    case Field::Time:
      return std::string("sa.timestamp_ns") + sql_op(t.op) + bind(t.number);
    default:
      return "1";  // the other terms are handled by conjunction()
  }
}

}  // namespace dc::core

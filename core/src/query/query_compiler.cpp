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
constexpr const char* kSeverityRank =
    "(CASE fi.severity WHEN 'info' THEN 0 WHEN 'warning' THEN 1 WHEN 'error' THEN 2 ELSE -1 END)";

}  // namespace

CompiledQuery QueryCompiler::compile(const QueryNode& root, const std::string& text) {
  QueryCompiler c(text);
  const std::string where = c.condition(root);
  c.out_.sql = std::string(kSelect) + where + kOrder;
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

std::string QueryCompiler::condition(const QueryNode& node) {
  switch (node.kind) {
    case QueryNode::Kind::Term:
      return conjunction({&node});
    case QueryNode::Kind::Not:
      return "NOT (" + condition(node.children.front()) + ")";
    case QueryNode::Kind::Or: {
      std::string sql;
      for (const auto& c : node.children) sql += (sql.empty() ? "(" : " OR (") + condition(c) + ")";
      return sql;
    }
    case QueryNode::Kind::And: {
      std::vector<const QueryNode*> parts;
      for (const auto& c : node.children) parts.push_back(&c);
      return conjunction(parts);
    }
  }
  return "1";
}

std::string QueryCompiler::conjunction(const std::vector<const QueryNode*>& parts) {
  const QueryTerm* cls = nullptr;
  const QueryTerm* source = nullptr;
  const QueryTerm* finding = nullptr;
  std::vector<const QueryTerm*> counts, severities;
  std::vector<std::string> conditions;
  auto once = [&](const QueryTerm*& slot, const QueryTerm& t, const char* what) {
    if (slot)
      throw QueryError(std::string("a second '") + what + "' in the same and-chain cannot hold for one " +
                           (t.field == Field::Finding ? "finding" : "label") + "; use 'or' or parentheses",
                       text_, t.offset);
    slot = &t;
  };
  for (const QueryNode* p : parts) {
    if (p->kind != QueryNode::Kind::Term) {
      conditions.push_back("(" + condition(*p) + ")");
      continue;
    }
    const QueryTerm& t = p->term;
    switch (t.field) {
      case Field::Class: once(cls, t, "class:"); break;
      case Field::LabelSource: once(source, t, "label-source:"); break;
      case Field::Finding: once(finding, t, "finding:"); break;
      case Field::Count: counts.push_back(&t); break;
      case Field::Severity: severities.push_back(&t); break;
      default: conditions.push_back(single(t)); break;
    }
  }
  if (cls || source || !counts.empty()) {
    std::string where = kLabelOfSample;
    if (cls) where += " AND l.category = " + bind(cls->text);
    if (source) where += " AND l.source = " + bind(source->text);
    if (counts.empty()) {
      conditions.push_back("EXISTS (SELECT 1 FROM labels l WHERE " + where + ")");
    } else {
      const std::string counted = "(SELECT count(*) FROM labels l WHERE " + where + ")";
      for (const QueryTerm* c : counts) conditions.push_back(counted + sql_op(c->op) + bind(c->number));
    }
  }
  if (finding || !severities.empty()) {
    std::string where = kFindingOfSample;
    if (finding) {
      const std::string name = bind(finding->text);
      where += " AND (fi.check_name = " + name + " OR fi.job_id IN (SELECT j.id FROM jobs j WHERE j.pass = " + name +
               "))";
    }
    for (const QueryTerm* s : severities) where += std::string(" AND ") + kSeverityRank + sql_op(s->op) + bind(s->number);
    conditions.push_back("EXISTS (SELECT 1 FROM findings fi WHERE " + where + ")");
  }
  std::string sql;
  for (const auto& c : conditions) sql += (sql.empty() ? "" : " AND ") + c;
  return sql.empty() ? "1" : sql;
}

std::string QueryCompiler::single(const QueryTerm& t) {
  switch (t.field) {
    case Field::Tag:
      return "EXISTS (SELECT 1 FROM sample_tags st JOIN tags t ON t.id = st.tag_id WHERE st.sample_id = sa.id AND "
             "t.name = " + bind(t.text) + ")";
    case Field::Drive:
      // instr, not LIKE: % and _ in a drive name are ordinary characters.
      if (t.op == Op::Contains) return "instr(d.name, " + bind(t.text) + ") > 0";
      return "d.name = " + bind(t.text);
    case Field::Review: {
      const std::string state = bind(t.text);
      return "(EXISTS (SELECT 1 FROM labels l WHERE " + std::string(kLabelOfSample) + " AND l.review = " + state +
             ") OR EXISTS (SELECT 1 FROM findings fi WHERE " + kFindingOfSample + " AND fi.review = " + state + "))";
    }
    case Field::Sample:
      return std::string("f.idx") + sql_op(t.op) + bind(t.number);
    case Field::Time:
      return std::string("sa.timestamp_ns") + sql_op(t.op) + bind(t.number);
    default:
      return "1";  // label and finding terms are handled by conjunction()
  }
}

}  // namespace dc::core

#pragma once
#include "dc/core/query/compiled_query.h"
#include "dc/core/query/query_ast.h"
#include "dc/core/query/query_page.h"

#include <cstddef>
#include <optional>

#include <string>

namespace dc::core {

// Turns a parsed query into one parameterized SELECT over samples. Every value of the query goes into a bound
// parameter; the SQL text is assembled from constant fragments only. Label terms (class, label-source, count) and
// finding terms (finding, severity) that are siblings in one And node describe the same label / finding.
// Throws QueryError (needs the query text for the caret) when one And node names two classes, sources or findings.
// How the SELECT finds its samples.
enum class QueryPlan {
  FromIndexes,    // start from the most selective term's index, test the rest on those samples, sort at the end
  InSampleOrder,  // walk the samples in result order and test each: the first matches come at once when many match
};

class QueryCompiler {
public:
  static CompiledQuery compile(const QueryNode& root, const std::string& text,
                               QueryPlan plan = QueryPlan::FromIndexes);
  // One page: the matches after `after` (all when none), at most `limit` of them.
  static CompiledQuery compile_page(const QueryNode& root, const std::string& text, QueryPlan plan,
                                    const std::optional<QueryCursor>& after, std::size_t limit);

private:
  explicit QueryCompiler(const std::string& text) : text_(text) {}
  // `may_start`: the condition may name the set of samples the search starts from (not under `not`, where the
  // set would only be tested against).
  std::string condition(const QueryNode& node, bool may_start = true);
  std::string conjunction(const std::vector<const QueryNode*>& parts, bool may_start);
  std::string single(const QueryTerm& term);
  std::string bind(std::int64_t value);
  std::string bind(const std::string& value);

  const std::string& text_;
  CompiledQuery out_;
};

}  // namespace dc::core

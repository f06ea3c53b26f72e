#include "dc/core/query/query_engine.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/query/query_compiler.h"
#include "dc/core/query/query_parser.h"

namespace dc::core {

CompiledQuery QueryEngine::compile(const std::string& text) {
  return QueryCompiler::compile(QueryParser::parse(text), text);
}

std::vector<QueryHit> QueryEngine::run(const std::string& text) const {
  return catalog_.tag_repository().select_samples(compile(text));
}

std::vector<SampleRef> QueryEngine::samples(const std::string& text) const {
  std::vector<SampleRef> out;
  for (const auto& h : run(text)) out.push_back(h.sample);
  return out;
}

QueryPage QueryEngine::page(const std::string& text, std::size_t limit, const std::optional<QueryCursor>& after) const {
  // A few milliseconds of SQLite work: enough to find a page among matches of more than about 1% of the samples;
  // a rarer match gives up this little and is looked up from the indexes.
  constexpr std::int64_t kInOrderBudget = 1'000'000;
  const QueryNode root = QueryParser::parse(text);
  auto& tags = catalog_.tag_repository();
  std::optional<std::vector<QueryHit>> hits = tags.select_samples_within(
      QueryCompiler::compile_page(root, text, QueryPlan::InSampleOrder, after, limit + 1), kInOrderBudget);
  if (!hits) hits = tags.select_samples(QueryCompiler::compile_page(root, text, QueryPlan::FromIndexes, after, limit + 1));
  QueryPage page;
  page.more = hits->size() > limit;
  if (page.more) hits->resize(limit);
  page.hits = std::move(*hits);
  return page;
}

std::vector<SampleRef> run_query(Catalog& catalog, const std::string& text) { return QueryEngine(catalog).samples(text); }

}  // namespace dc::core

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

std::vector<SampleRef> run_query(Catalog& catalog, const std::string& text) { return QueryEngine(catalog).samples(text); }

}  // namespace dc::core

#include "dc/core/query/query_engine.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/query/query_compiler.h"
#include "dc/core/query/query_parser.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

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
  // Two plans race: walking the samples in order, which finds a page at once when matches are common, and looking
  // the matches up from the indexes, which wins when they are rare. The walk gets a head start (most pages are
  // found within it, without a second thread competing for the cores); the first to finish stops the other.
  constexpr auto kHeadStart = std::chrono::milliseconds(4);
  const QueryNode root = QueryParser::parse(text);
  const CompiledQuery in_order = QueryCompiler::compile_page(root, text, QueryPlan::InSampleOrder, after, limit + 1);
  const CompiledQuery from_indexes = QueryCompiler::compile_page(root, text, QueryPlan::FromIndexes, after, limit + 1);
  auto& tags = catalog_.tag_repository();
  std::atomic<bool> in_order_finished{false}, indexes_finished{false};
  std::mutex mutex;
  std::condition_variable finished;
  std::optional<std::vector<QueryHit>> indexed;
  std::thread racer([&] {
    {
      std::unique_lock lock(mutex);
      if (finished.wait_for(lock, kHeadStart, [&] { return in_order_finished.load(); })) return;
    }
    try {
      indexed = tags.select_samples_apart(from_indexes, in_order_finished);
    } catch (const std::exception&) {
      return;  // no second connection (or it failed): the in-order walk answers alone
    }
    if (indexed) indexes_finished = true;
  });
  const auto stop_racer = [&] {
    {
      std::lock_guard lock(mutex);
      in_order_finished = true;
    }
    finished.notify_all();
    racer.join();
  };
  std::optional<std::vector<QueryHit>> hits;
  try {
    hits = tags.select_samples_unless(in_order, indexes_finished);
  } catch (...) {
    stop_racer();
    throw;
  }
  stop_racer();
  if (!hits) hits = std::move(indexed);
  QueryPage page;
  page.more = hits->size() > limit;
  if (page.more) hits->resize(limit);
  page.hits = std::move(*hits);
  return page;
}

std::vector<SampleRef> run_query(Catalog& catalog, const std::string& text) { return QueryEngine(catalog).samples(text); }

}  // namespace dc::core

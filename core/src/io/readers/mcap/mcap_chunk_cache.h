#pragma once
#include <cstdint>
#include <functional>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace dc::core {

// A small LRU cache of decoded chunks (their uncompressed records), keyed by the Chunk record's file offset,
// bounded in bytes (the most recent chunk stays even when alone over the bound). Thread-safe: threads asking for
// the same chunk at the same time wait for one decode instead of decoding it each.
class McapChunkCache {
 public:
  using Records = std::shared_ptr<const std::vector<std::uint8_t>>;

  explicit McapChunkCache(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}

  // The records of the chunk at `offset`, from the cache or made by `decode`. An exception from `decode` reaches
  // every thread waiting for that chunk, and nothing is cached for it.
  Records get(std::uint64_t offset, const std::function<Records()>& decode);
  void clear();

 private:
  struct Entry {
    std::shared_future<Records> value;
    std::size_t bytes = 0;
    bool ready = false;
    std::list<std::uint64_t>::iterator lru;
  };
  void evict_locked(std::uint64_t keep);

  std::mutex mutex_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::list<std::uint64_t> lru_;  // most recently used first
  std::size_t bytes_ = 0;
  std::size_t capacity_;
};

}  // namespace dc::core

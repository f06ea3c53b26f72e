#include "io/readers/mcap/mcap_chunk_cache.h"

namespace dc::core {

McapChunkCache::Records McapChunkCache::get(std::uint64_t offset, const std::function<Records()>& decode) {
  std::promise<Records> promise;
  {
    std::unique_lock lock(mutex_);
    if (auto it = entries_.find(offset); it != entries_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      auto value = it->second.value;
      lock.unlock();
      return value.get();  // waits while another thread decodes it
    }
    lru_.push_front(offset);
    entries_.emplace(offset, Entry{promise.get_future().share(), 0, false, lru_.begin()});
  }
  Records records;
  try {
    records = decode();
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      if (auto it = entries_.find(offset); it != entries_.end()) {
        lru_.erase(it->second.lru);
        entries_.erase(it);
      }
    }
    promise.set_exception(std::current_exception());
    throw;
  }
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(offset); it != entries_.end()) {
      it->second.ready = true;
      it->second.bytes = records ? records->size() : 0;
      bytes_ += it->second.bytes;
      evict_locked(offset);
    }
  }
  promise.set_value(records);
  return records;
}

void McapChunkCache::evict_locked(std::uint64_t keep) {
  for (auto it = lru_.end(); bytes_ > capacity_ && it != lru_.begin();) {
    --it;
    auto e = entries_.find(*it);
    if (*it == keep || !e->second.ready) continue;  // the newest stays; one being decoded has no size yet
    bytes_ -= e->second.bytes;
    entries_.erase(e);
    it = lru_.erase(it);
  }
}

void McapChunkCache::clear() {
  std::lock_guard lock(mutex_);
  // Entries still being decoded stay (their decoder will fill them in); the rest go.
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto e = entries_.find(*it);
    if (e->second.ready) {
      bytes_ -= e->second.bytes;
      entries_.erase(e);
      it = lru_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace dc::core

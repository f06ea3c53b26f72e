#include "io/readers/mcap/mcap_chunk_prefetcher.h"

#include "io/readers/mcap/mcap_file_reader.h"

#include <algorithm>

namespace dc::core {

McapChunkPrefetcher::McapChunkPrefetcher(const McapFileReader& reader, std::vector<std::uint64_t> chunk_offsets,
                                         std::size_t window_bytes, unsigned threads)
    : reader_(reader), offsets_(std::move(chunk_offsets)), window_bytes_(window_bytes) {
  // Decoded sizes from the chunk list (sorted by offset); an unknown chunk counts as empty.
  const auto& chunks = reader_.chunks();
  bytes_before_.resize(offsets_.size() + 1, 0);
  for (std::size_t i = 0; i < offsets_.size(); ++i) {
    const auto it = std::lower_bound(chunks.begin(), chunks.end(), offsets_[i],
                                     [](const McapChunkInfo& c, std::uint64_t at) { return c.offset < at; });
    const std::uint64_t size = it != chunks.end() && it->offset == offsets_[i] ? it->uncompressed_size : 0;
    bytes_before_[i + 1] = bytes_before_[i] + size;
  }
  if (offsets_.size() < 2) return;
  for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

McapChunkPrefetcher::~McapChunkPrefetcher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  for (auto& t : workers_) t.join();
}

void McapChunkPrefetcher::reached(std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    if (index <= consumer_) return;
    consumer_ = index;
    next_ = std::max(next_, consumer_ + 1);  // chunks the consumer passed are not worth decoding any more
  }
  changed_.notify_all();
}

unsigned McapChunkPrefetcher::default_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

bool McapChunkPrefetcher::may_take_locked(std::size_t index) const {
  // Always one chunk ahead of the consumer; more while the decoded bytes ahead stay within the window.
  return index == consumer_ + 1 || bytes_before_[index + 1] - bytes_before_[consumer_ + 1] <= window_bytes_;
}

void McapChunkPrefetcher::work() {
  for (;;) {
    std::size_t index = 0;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stop_ || next_ >= offsets_.size() || may_take_locked(next_); });
      if (stop_ || next_ >= offsets_.size()) return;
      index = next_++;
    }
    try {
      reader_.prefetch_chunk(offsets_[index]);
    } catch (...) {
      // Left for the consumer: its own read of the chunk fails the same way and reports it.
    }
  }
}

}  // namespace dc::core

#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace dc::core {

class McapFileReader;

// Decodes the chunks a reader is about to walk on the machine's other cores, so that indexing a compressed
// recording runs at the decompression rate of all cores instead of one. The consumer walks `chunk_offsets` in
// order and says where it is with reached(); workers decode the chunks after that into the reader's chunk cache,
// at most `window_bytes` of decoded records ahead (so the cache does not evict them before they are used). A
// chunk that fails to decode is left for the consumer, whose own read reports it.
class McapChunkPrefetcher {
 public:
  McapChunkPrefetcher(const McapFileReader& reader, std::vector<std::uint64_t> chunk_offsets,
                      std::size_t window_bytes, unsigned threads);
  ~McapChunkPrefetcher();  // stops the workers after the chunk each is decoding
  McapChunkPrefetcher(const McapChunkPrefetcher&) = delete;
  McapChunkPrefetcher& operator=(const McapChunkPrefetcher&) = delete;

  // The consumer has come to chunk_offsets[index].
  void reached(std::size_t index);

  // Workers worth starting for indexing on this machine: one per core, as the reading thread mostly waits for them
  // (it decodes a chunk itself only when no worker has taken it yet).
  static unsigned default_threads();

 private:
  void work();
  bool may_take_locked(std::size_t index) const;

  const McapFileReader& reader_;
  std::vector<std::uint64_t> offsets_;
  std::vector<std::uint64_t> bytes_before_;  // decoded bytes of the chunks before each index (prefix sums)
  std::size_t window_bytes_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t consumer_ = 0;  // index the consumer is at
  std::size_t next_ = 1;      // next index a worker takes (the consumer decodes the first itself)
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace dc::core

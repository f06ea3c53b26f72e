#pragma once
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "scratch.h"
#include "thread_pool.h"

namespace dc::gpu::detail {

// Stable LSD radix sort of (key, value) pairs on the low `bits` bits of the keys, parallel over contiguous chunks
// (the result is the unique stable order, whatever the chunking). On return `keys`/`values` point at the sorted
// data, which is either the input arrays or the tmp arrays. Digits that are equal in every key are skipped.
template <class Key>
void radix_sort_pairs(ThreadPool& pool, Scratch& scratch, int hist_slot, Key*& keys, std::uint32_t*& values,
                      Key*& keys_tmp, std::uint32_t*& values_tmp, std::size_t n, int bits) {
  if (n < 2 || bits <= 0) return;
  const int passes = (bits + 10) / 11;
  const int digit = (bits + passes - 1) / passes;
  const std::size_t radix = std::size_t{1} << digit;
  const Key mask = static_cast<Key>(radix - 1);
  const std::size_t chunk = std::max<std::size_t>(8192, (n + 4 * pool.size() - 1) / (4 * pool.size()));
  const std::size_t chunks = chunk_count(n, chunk);
  auto* hist = scratch.get<std::uint32_t>(hist_slot, chunks * radix);

  for (int pass = 0; pass < passes; ++pass) {
    const int shift = pass * digit;
    pool.run(chunks, [&](std::size_t c) {
      std::uint32_t* h = hist + c * radix;
      std::fill(h, h + radix, 0u);
      for (std::size_t i = chunk_begin(c, chunk), e = chunk_end(c, chunk, n); i < e; ++i)
        ++h[static_cast<std::size_t>((keys[i] >> shift) & mask)];
    });
    const std::size_t first = static_cast<std::size_t>((keys[0] >> shift) & mask);
    std::size_t same = 0;
    for (std::size_t c = 0; c < chunks; ++c) same += hist[c * radix + first];
    if (same == n) continue;
    // Bucket-major, chunk-minor offsets keep equal digits in input order.
    std::uint32_t offset = 0;
    for (std::size_t b = 0; b < radix; ++b) {
      for (std::size_t c = 0; c < chunks; ++c) {
        const std::uint32_t count = hist[c * radix + b];
        hist[c * radix + b] = offset;
        offset += count;
      }
    }
    pool.run(chunks, [&](std::size_t c) {
      std::uint32_t* pos = hist + c * radix;
      for (std::size_t i = chunk_begin(c, chunk), e = chunk_end(c, chunk, n); i < e; ++i) {
        const std::uint32_t j = pos[static_cast<std::size_t>((keys[i] >> shift) & mask)]++;
        keys_tmp[j] = keys[i];
        values_tmp[j] = values[i];
      }
    });
    std::swap(keys, keys_tmp);
    std::swap(values, values_tmp);
  }
}

// Bits needed for keys in [0, count).
inline int key_bits(std::uint64_t count) { return count <= 1 ? 0 : std::bit_width(count - 1); }

}  // namespace dc::gpu::detail

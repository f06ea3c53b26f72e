#pragma once
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "scratch.h"
#include "thread_pool.h"

namespace dc::gpu::detail {

// A key and the index of its element, sorted together (one store per element per pass).
template <class Key>
struct KeyIndex {
  Key key;
  std::uint32_t index;
};

// Stable LSD radix sort on the low `bits` bits of the keys, parallel over contiguous chunks (the result is the
// unique stable order, whatever the chunking). Digits of up to kMaxDigit bits keep the histograms in L1; digits
// equal in every key are skipped. On return `data` points at the sorted array, which is either the input or `tmp`.
template <class Key>
void radix_sort(ThreadPool& pool, Scratch& scratch, int hist_slot, KeyIndex<Key>*& data, KeyIndex<Key>*& tmp,
                std::size_t n, int bits) {
  if (n < 2 || bits <= 0) return;
  constexpr int kMaxDigit = 13;
  const int passes = (bits + kMaxDigit - 1) / kMaxDigit;
  const int digit = (bits + passes - 1) / passes;
  const std::size_t radix = std::size_t{1} << digit;
  const Key mask = static_cast<Key>(radix - 1);
  const std::size_t chunk = std::max<std::size_t>(16384, (n + 2 * pool.size() - 1) / (2 * pool.size()));
  const std::size_t chunks = chunk_count(n, chunk);
  auto* hist = scratch.get<std::uint32_t>(hist_slot, chunks * radix);

  for (int pass = 0; pass < passes; ++pass) {
    const int shift = pass * digit;
    const KeyIndex<Key>* in = data;
    KeyIndex<Key>* out = tmp;
    pool.run(chunks, [&](std::size_t c) {
      std::uint32_t* h = hist + c * radix;
      std::fill(h, h + radix, 0u);
      for (std::size_t i = chunk_begin(c, chunk), e = chunk_end(c, chunk, n); i < e; ++i)
        ++h[static_cast<std::size_t>((in[i].key >> shift) & mask)];
    });
    const std::size_t first = static_cast<std::size_t>((in[0].key >> shift) & mask);
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
      for (std::size_t i = chunk_begin(c, chunk), e = chunk_end(c, chunk, n); i < e; ++i)
        out[pos[static_cast<std::size_t>((in[i].key >> shift) & mask)]++] = in[i];
    });
    std::swap(data, tmp);
  }
}

// Bits needed for keys in [0, count).
inline int key_bits(std::uint64_t count) {
  return count <= 1 ? 0 : std::bit_width(count - 1);
}

// floor() of a float known to lie within +-2^40, as an integer; exact (float(t) is exact whenever it matters) and
// much cheaper than std::floor without SSE4.1.
inline std::int64_t floor_to_int(float v) {
  const auto t = static_cast<std::int64_t>(v);
  return t - (v < static_cast<float>(t) ? 1 : 0);
}

}  // namespace dc::gpu::detail

#pragma once
#include <atomic>
#include <cstdint>
#include <utility>

namespace dc::gpu::detail {

// Concurrent union-find over int32 parents with the invariant parent[x] <= x: a union links the larger root under
// the smaller one with a CAS, so there are no cycles and the set a node ends up in does not depend on timing.
// Path halving writes any ancestor, which is always safe.
inline std::int32_t uf_find(std::int32_t* parent, std::int32_t x) {
  for (;;) {
    std::atomic_ref<std::int32_t> px_ref(parent[x]);
    const std::int32_t px = px_ref.load(std::memory_order_relaxed);
    if (px == x) return x;
    const std::int32_t gp = std::atomic_ref<std::int32_t>(parent[px]).load(std::memory_order_relaxed);
    if (gp != px) px_ref.store(gp, std::memory_order_relaxed);
    x = gp;
  }
}

inline void uf_unite(std::int32_t* parent, std::int32_t a, std::int32_t b) {
  for (;;) {
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b) return;
    if (a > b) std::swap(a, b);
    std::int32_t expected = b;
    if (std::atomic_ref<std::int32_t>(parent[b]).compare_exchange_strong(expected, a, std::memory_order_acq_rel))
      return;
  }
}

}  // namespace dc::gpu::detail

#pragma once
#include <array>
#include <cstddef>
#include <memory>

namespace dc::gpu::detail {

// Grow-only raw buffers addressed by slot. A kernel uses distinct slots for buffers alive at the same time;
// contents are unspecified on return. Memory is 64-byte aligned.
class Scratch {
 public:
  static constexpr int kSlots = 24;

  template <class T>
  T* get(int slot, std::size_t count) {
    return static_cast<T*>(raw(slot, count * sizeof(T)));
  }

 private:
  struct Free {
    void operator()(std::byte* p) const { ::operator delete[](p, std::align_val_t(64)); }
  };
  struct Block {
    std::unique_ptr<std::byte[], Free> data;
    std::size_t bytes = 0;
  };

  void* raw(int slot, std::size_t bytes) {
    Block& b = blocks_[static_cast<std::size_t>(slot)];
    if (bytes > b.bytes || !b.data) {
      const std::size_t grown = bytes + bytes / 2 + 64;
      b.data.reset(static_cast<std::byte*>(::operator new[](grown, std::align_val_t(64))));
      b.bytes = grown;
    }
    return b.data.get();
  }

  std::array<Block, kSlots> blocks_;
};

}  // namespace dc::gpu::detail

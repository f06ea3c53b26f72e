#pragma once
// CUDA-side infrastructure: error checks, per-context streams and grow-only device / pinned buffers, staged copies,
// phase timing and small device helpers. Included only by .cu files.
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "context_impl.h"

namespace dc::gpu::detail {

[[noreturn]] void cuda_throw(cudaError_t err, const char* what, const char* file, int line);

#define DC_CUDA(expr)                                                                                        \
  do {                                                                                                       \
    const cudaError_t dc_cuda_err_ = (expr);                                                                 \
    if (dc_cuda_err_ != cudaSuccess) ::dc::gpu::detail::cuda_throw(dc_cuda_err_, #expr, __FILE__, __LINE__); \
  } while (0)
#define DC_CUDA_LAUNCHED() DC_CUDA(cudaGetLastError())

constexpr unsigned kBlock = 256;
constexpr int kMaxChunkEvents = 16;

struct CudaState {
  struct Block {
    void* ptr = nullptr;
    std::size_t bytes = 0;
  };
  static constexpr int kDeviceSlots = 24;
  static constexpr int kPinnedSlots = 12;
  static constexpr std::size_t kStagePiece = std::size_t{4} << 20;

  int device = 0;
  int sm_count = 1;
  cudaStream_t stream[2] = {nullptr, nullptr};
  cudaEvent_t phase[4] = {};       // timing: start, uploaded, computed, downloaded
  cudaEvent_t stage_done[2] = {};  // staging buffer free again
  bool stage_busy[2] = {false, false};
  int stage_next = 0;
  cudaEvent_t chunk_done[kMaxChunkEvents] = {};
  cudaEvent_t join = nullptr;
  Block dev_blocks[kDeviceSlots];
  Block pinned_blocks[kPinnedSlots];

  ~CudaState();
  void* device_raw(int slot, std::size_t bytes);
  void* pinned_raw(int slot, std::size_t bytes);
  template <class T>
  T* dev(int slot, std::size_t count) {
    return static_cast<T*>(device_raw(slot, count * sizeof(T)));
  }
  template <class T>
  T* host(int slot, std::size_t count) {
    return static_cast<T*>(pinned_raw(slot, count * sizeof(T)));
  }
};

// The context's CUDA state, created on first use; makes its device current for the calling thread.
CudaState& cuda_state(KernelContext::Impl& ctx);

// Pinned slots reserved by the staged copies; kernels use pinned slots from kFirstFreePinned on.
constexpr int kStagePinned0 = 0, kStagePinned1 = 1, kScalarPinned = 2, kFirstFreePinned = 3;

// Pageable host -> device through two pinned staging buffers: the host copy of one piece overlaps the DMA of the
// previous one. Returns once everything is queued on `stream`.
void upload(CudaState& s, cudaStream_t stream, void* dst, const void* src, std::size_t bytes, KernelStats& stats);
// Device -> pageable host, pipelined the same way; returns when the data is on the host.
void download(CudaState& s, cudaStream_t stream, void* dst, const void* src, std::size_t bytes, KernelStats& stats);
// Small device -> host copy through the scalar pinned slot, synchronous.
void download_small(CudaState& s, cudaStream_t stream, void* dst, const void* src, std::size_t bytes,
                    KernelStats& stats);
// Small host -> device copy through a pinned slot (queued; the slot must not be reused in the same call).
void upload_small(CudaState& s, cudaStream_t stream, int pinned_slot, void* dst, const void* src, std::size_t bytes,
                  KernelStats& stats);

// Events on the main stream around the phases of a call; finish() waits and fills the stats. Phases are only
// reported when both boundaries were marked (a pipelined call overlaps them).
class PhaseTimer {
 public:
  explicit PhaseTimer(CudaState& s);
  void uploaded();
  void computed();
  void finish(KernelStats& stats);

 private:
  CudaState& s_;
  bool uploaded_ = false, computed_ = false;
};

inline unsigned grid_for(std::size_t n, unsigned block = kBlock) {
  const std::size_t g = (n + block - 1) / block;
  return static_cast<unsigned>(g == 0 ? 1 : (g > 0x7fffffffu ? 0x7fffffffu : g));
}

// Grid-stride launches: a bounded number of blocks, a few per SM.
inline unsigned grid_stride_blocks(const CudaState& s, std::size_t n, unsigned block = kBlock) {
  const unsigned want = grid_for(n, block);
  const unsigned cap = static_cast<unsigned>(s.sm_count) * 8u;
  return want < cap ? want : cap;
}

// Device-side helpers --------------------------------------------------------------------------------------

// Float <-> unsigned with the same order, for atomicMin / atomicMax on floats.
__device__ __forceinline__ unsigned float_to_ordered(float f) {
  const unsigned u = __float_as_uint(f);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}
inline float ordered_to_float_host(unsigned u) {
  const unsigned bits = (u & 0x80000000u) ? (u & 0x7fffffffu) : ~u;
  float f;
  static_assert(sizeof(f) == sizeof(bits));
  __builtin_memcpy(&f, &bits, sizeof(f));
  return f;
}
inline unsigned float_to_ordered_host(float f) {
  unsigned u;
  __builtin_memcpy(&u, &f, sizeof(u));
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

template <class T>
__device__ __forceinline__ T warp_sum(T v) {
  for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(0xffffffffu, v, off);
  return v;
}
__device__ __forceinline__ unsigned warp_min(unsigned v) {
  for (int off = 16; off > 0; off >>= 1) v = min(v, __shfl_down_sync(0xffffffffu, v, off));
  return v;
}
__device__ __forceinline__ unsigned warp_max(unsigned v) {
  for (int off = 16; off > 0; off >>= 1) v = max(v, __shfl_down_sync(0xffffffffu, v, off));
  return v;
}

// Adds the number of lanes with `flag` set to *counter (one atomic per warp). All lanes must call it.
__device__ __forceinline__ void warp_count(bool flag, unsigned long long* counter) {
  const unsigned bits = __ballot_sync(0xffffffffu, flag);
  if ((threadIdx.x & 31u) == 0 && bits) atomicAdd(counter, static_cast<unsigned long long>(__popc(bits)));
}

// Bounds of the valid points (as ordered unsigned) and counts, reduced on the device.
struct DeviceBounds {
  unsigned lo[3];
  unsigned hi[3];
  unsigned long long valid;
  unsigned long long nonfinite;
};
DeviceBounds initial_bounds();

// valid = finite and (no mask or mask[i] == 0); non-finite points are counted whatever the mask says.
__global__ void bounds_kernel(const float4* pts, std::size_t n, const std::uint8_t* exclude, DeviceBounds* out);
// Runs bounds_kernel on `stream` (initial value staged through `pinned_slot`) and returns the result on the host.
DeviceBounds reduce_bounds(CudaState& s, cudaStream_t stream, int pinned_slot, const float4* pts, std::size_t n,
                           const std::uint8_t* exclude, DeviceBounds* d_bounds, KernelStats& stats);

}  // namespace dc::gpu::detail

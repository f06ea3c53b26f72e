#include "common.cuh"

#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "cuda_entry.h"
#include "kernel_math.h"

namespace dc::gpu::detail {

void cuda_throw(cudaError_t err, const char* what, const char* file, int line) {
  throw std::runtime_error(std::string("CUDA error ") + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) +
                           ") in " + what + " at " + file + ":" + std::to_string(line));
}

int cuda_device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    (void)cudaGetLastError();  // clear: no driver or no device simply means "use the CPU"
    return 0;
  }
  return n;
}

std::string cuda_device_name() {
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) return "CUDA device";
  char buf[384];
  std::snprintf(buf, sizeof buf, "%s (sm_%d%d, %.0f GiB)", prop.name, prop.major, prop.minor,
                static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

CudaState::~CudaState() {
  cudaSetDevice(device);
  for (auto s : stream)
    if (s) cudaStreamSynchronize(s);
  for (auto& b : dev_blocks)
    if (b.ptr) cudaFree(b.ptr);
  for (auto& b : pinned_blocks)
    if (b.ptr) cudaFreeHost(b.ptr);
  for (auto e : phase)
    if (e) cudaEventDestroy(e);
  for (auto e : stage_done)
    if (e) cudaEventDestroy(e);
  for (auto e : chunk_done)
    if (e) cudaEventDestroy(e);
  if (join) cudaEventDestroy(join);
  for (auto s : stream)
    if (s) cudaStreamDestroy(s);
}

void destroy_cuda_state(CudaState* state) {
  delete state;
}

CudaState& cuda_state(KernelContext::Impl& ctx) {
  if (ctx.cuda) {
    DC_CUDA(cudaSetDevice(ctx.cuda->device));
    return *ctx.cuda;
  }
  auto s = std::make_unique<CudaState>();
  DC_CUDA(cudaSetDevice(s->device));
  DC_CUDA(cudaDeviceGetAttribute(&s->sm_count, cudaDevAttrMultiProcessorCount, s->device));
  for (auto& st : s->stream) DC_CUDA(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
  for (auto& e : s->phase) DC_CUDA(cudaEventCreate(&e));
  for (auto& e : s->stage_done) DC_CUDA(cudaEventCreateWithFlags(&e, cudaEventDisableTiming));
  for (auto& e : s->chunk_done) DC_CUDA(cudaEventCreateWithFlags(&e, cudaEventDisableTiming));
  DC_CUDA(cudaEventCreateWithFlags(&s->join, cudaEventDisableTiming));
  ctx.cuda = s.release();
  return *ctx.cuda;
}

void* CudaState::device_raw(int slot, std::size_t bytes) {
  Block& b = dev_blocks[slot];
  if (bytes > b.bytes || !b.ptr) {
    if (b.ptr) DC_CUDA(cudaFree(b.ptr));  // synchronizes: nothing of this call is in flight on an old buffer
    b.ptr = nullptr, b.bytes = 0;
    const std::size_t grown = bytes + bytes / 2 + 256;
    DC_CUDA(cudaMalloc(&b.ptr, grown));
    b.bytes = grown;
  }
  return b.ptr;
}

void* CudaState::pinned_raw(int slot, std::size_t bytes) {
  Block& b = pinned_blocks[slot];
  if (bytes > b.bytes || !b.ptr) {
    if (b.ptr) {
      DC_CUDA(cudaDeviceSynchronize());
      DC_CUDA(cudaFreeHost(b.ptr));
    }
    b.ptr = nullptr, b.bytes = 0;
    const std::size_t grown = bytes + bytes / 2 + 256;
    DC_CUDA(cudaMallocHost(&b.ptr, grown));
    b.bytes = grown;
  }
  return b.ptr;
}

namespace {
char* stage_buffer(CudaState& s, int k) {
  return s.host<char>(k == 0 ? kStagePinned0 : kStagePinned1, CudaState::kStagePiece);
}
void wait_stage(CudaState& s, int k) {
  if (s.stage_busy[k]) {
    DC_CUDA(cudaEventSynchronize(s.stage_done[k]));
    s.stage_busy[k] = false;
  }
}
}  // namespace

void upload(CudaState& s, cudaStream_t stream, void* dst, const void* src, std::size_t bytes, KernelStats& stats) {
  auto* d = static_cast<char*>(dst);
  const auto* h = static_cast<const char*>(src);
  for (std::size_t off = 0; off < bytes; off += CudaState::kStagePiece) {
    const std::size_t len = bytes - off < CudaState::kStagePiece ? bytes - off : CudaState::kStagePiece;
    const int k = s.stage_next;
    s.stage_next ^= 1;
    wait_stage(s, k);
    char* stage = stage_buffer(s, k);
    std::memcpy(stage, h + off, len);
    DC_CUDA(cudaMemcpyAsync(d + off, stage, len, cudaMemcpyHostToDevice, stream));
    DC_CUDA(cudaEventRecord(s.stage_done[k], stream));
    s.stage_busy[k] = true;
  }
  stats.bytes_uploaded += bytes;
}

void download(CudaState& s, cudaStream_t stream, void* dst, const void* src, std::size_t bytes, KernelStats& stats) {
  auto* h = static_cast<char*>(dst);
  const auto* d = static_cast<const char*>(src);
  std::size_t prev_off = 0, prev_len = 0;
  int prev = -1;
  for (std::size_t off = 0; off < bytes; off += CudaState::kStagePiece) {
    const std::size_t len = bytes - off < CudaState::kStagePiece ? bytes - off : CudaState::kStagePiece;
    const int k = s.stage_next;
    s.stage_next ^= 1;
    wait_stage(s, k);
    DC_CUDA(cudaMemcpyAsync(stage_buffer(s, k), d + off, len, cudaMemcpyDeviceToHost, stream));
    DC_CUDA(cudaEventRecord(s.stage_done[k], stream));
    s.stage_busy[k] = true;
    if (prev >= 0) {  // copy out the previous piece while this one is in flight
      wait_stage(s, prev);
      std::memcpy(h + prev_off, stage_buffer(s, prev), prev_len);
    }
    prev = k, prev_off = off, prev_len = len;
  }
  if (prev >= 0) {
    wait_stage(s, prev);
    std::memcpy(h + prev_off, stage_buffer(s, prev), prev_len);
  }
  stats.bytes_downloaded += bytes;
}

void download_small(CudaState& s, cudaStream_t stream, void* dst, const void* src, std::size_t bytes,
                    KernelStats& stats) {
  void* tmp = s.host<char>(kScalarPinned, bytes);
  DC_CUDA(cudaMemcpyAsync(tmp, src, bytes, cudaMemcpyDeviceToHost, stream));
  DC_CUDA(cudaStreamSynchronize(stream));
  std::memcpy(dst, tmp, bytes);
  stats.bytes_downloaded += bytes;
}

void upload_small(CudaState& s, cudaStream_t stream, int pinned_slot, void* dst, const void* src, std::size_t bytes,
                  KernelStats& stats) {
  void* tmp = s.host<char>(pinned_slot, bytes);
  std::memcpy(tmp, src, bytes);
  DC_CUDA(cudaMemcpyAsync(dst, tmp, bytes, cudaMemcpyHostToDevice, stream));
  stats.bytes_uploaded += bytes;
}

PhaseTimer::PhaseTimer(CudaState& s) : s_(s) {
  DC_CUDA(cudaEventRecord(s_.phase[0], s_.stream[0]));
}
void PhaseTimer::uploaded() {
  DC_CUDA(cudaEventRecord(s_.phase[1], s_.stream[0]));
  uploaded_ = true;
}
void PhaseTimer::computed() {
  DC_CUDA(cudaEventRecord(s_.phase[2], s_.stream[0]));
  computed_ = true;
}
void PhaseTimer::finish(KernelStats& stats) {
  DC_CUDA(cudaEventRecord(s_.phase[3], s_.stream[0]));
  DC_CUDA(cudaEventSynchronize(s_.phase[3]));
  if (!uploaded_ || !computed_) {
    float total = 0;
    DC_CUDA(cudaEventElapsedTime(&total, s_.phase[0], s_.phase[3]));
    stats.upload_ms = stats.download_ms = 0;
    stats.compute_ms = total;  // transfers included: phases overlapped
    return;
  }
  float a = 0, b = 0, c = 0;
  DC_CUDA(cudaEventElapsedTime(&a, s_.phase[0], s_.phase[1]));
  DC_CUDA(cudaEventElapsedTime(&b, s_.phase[1], s_.phase[2]));
  DC_CUDA(cudaEventElapsedTime(&c, s_.phase[2], s_.phase[3]));
  stats.upload_ms = a, stats.compute_ms = b, stats.download_ms = c;
}

DeviceBounds initial_bounds() {
  DeviceBounds b{};
  for (int a = 0; a < 3; ++a) b.lo[a] = float_to_ordered_host(kFloatMax), b.hi[a] = float_to_ordered_host(-kFloatMax);
  return b;
}

__global__ void bounds_kernel(const float4* pts, std::size_t n, const std::uint8_t* exclude, DeviceBounds* out) {
  unsigned lo[3] = {0xffffffffu, 0xffffffffu, 0xffffffffu}, hi[3] = {0, 0, 0};
  unsigned long long valid = 0, nonfinite = 0;
  for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
    const float4 q = pts[i];
    if (!is_finite3(q.x, q.y, q.z)) {
      ++nonfinite;
      continue;
    }
    if (exclude && exclude[i]) continue;
    ++valid;
    const unsigned ox = float_to_ordered(q.x), oy = float_to_ordered(q.y), oz = float_to_ordered(q.z);
    lo[0] = min(lo[0], ox), lo[1] = min(lo[1], oy), lo[2] = min(lo[2], oz);
    hi[0] = max(hi[0], ox), hi[1] = max(hi[1], oy), hi[2] = max(hi[2], oz);
  }
  for (int a = 0; a < 3; ++a) lo[a] = warp_min(lo[a]), hi[a] = warp_max(hi[a]);
  valid = warp_sum(valid), nonfinite = warp_sum(nonfinite);
  if ((threadIdx.x & 31u) == 0) {
    for (int a = 0; a < 3; ++a) {
      if (lo[a] != 0xffffffffu) atomicMin(&out->lo[a], lo[a]);
      if (hi[a] != 0) atomicMax(&out->hi[a], hi[a]);
    }
    if (valid) atomicAdd(&out->valid, valid);
    if (nonfinite) atomicAdd(&out->nonfinite, nonfinite);
  }
}

DeviceBounds reduce_bounds(CudaState& s, cudaStream_t stream, int pinned_slot, const float4* pts, std::size_t n,
                           const std::uint8_t* exclude, DeviceBounds* d_bounds, KernelStats& stats) {
  const DeviceBounds init = initial_bounds();
  upload_small(s, stream, pinned_slot, d_bounds, &init, sizeof init, stats);
  bounds_kernel<<<grid_stride_blocks(s, n), kBlock, 0, stream>>>(pts, n, exclude, d_bounds);
  DC_CUDA_LAUNCHED();
  DeviceBounds b{};
  download_small(s, stream, &b, d_bounds, sizeof b, stats);
  return b;
}

}  // namespace dc::gpu::detail

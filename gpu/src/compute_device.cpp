#include "dc/gpu/compute_device.h"

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "cuda_entry.h"

namespace dc::gpu {

namespace {

std::atomic<BackendPreference> g_preference{BackendPreference::Auto};

struct CudaProbe {
  bool available = false;
  std::string name;
};

const CudaProbe& cuda_probe() {
  static const CudaProbe probe = [] {
    CudaProbe p;
    if (built_with_cuda() && detail::cuda_device_count() > 0) {
      p.available = true;
      p.name = detail::cuda_device_name();
    }
    return p;
  }();
  return probe;
}

// DC_COMPUTE_BACKEND=cpu|cuda|auto; anything else (or unset) leaves the choice to the setting.
BackendPreference env_preference() {
  const char* v = std::getenv("DC_COMPUTE_BACKEND");
  if (!v) return BackendPreference::Auto;
  std::string s(v);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "cpu") return BackendPreference::Cpu;
  if (s == "cuda" || s == "gpu") return BackendPreference::Cuda;
  return BackendPreference::Auto;
}

std::string cpu_name() {
  const unsigned n = std::thread::hardware_concurrency();
  return "CPU (" + std::to_string(n ? n : 1) + " threads)";
}

}  // namespace

bool built_with_cuda() {
  return DC_GPU_HAVE_CUDA != 0;
}

bool cuda_device_available() {
  return cuda_probe().available;
}

void set_preferred_backend(BackendPreference preference) {
  g_preference.store(preference);
}
BackendPreference preferred_backend() {
  return g_preference.load();
}

Backend resolve_backend(BackendPreference forced) {
  BackendPreference p = forced;
  if (p == BackendPreference::Auto) p = env_preference();
  if (p == BackendPreference::Auto) p = g_preference.load();
  if (p == BackendPreference::Cpu) return Backend::Cpu;
  // Auto and Cuda both run on CUDA only when a device is there.
  return cuda_device_available() ? Backend::Cuda : Backend::Cpu;
}

DeviceInfo active_device() {
  if (resolve_backend() == Backend::Cuda) return {Backend::Cuda, cuda_probe().name};
  return {Backend::Cpu, cpu_name()};
}

const char* backend_name(Backend backend) {
  return backend == Backend::Cuda ? "CUDA" : "CPU";
}

namespace {
std::atomic<FallbackHandler> g_fallback_handler{nullptr};
}

void set_fallback_handler(FallbackHandler handler) { g_fallback_handler.store(handler); }

void report_fallback(const std::string& message) {
  if (FallbackHandler handler = g_fallback_handler.load())
    handler(message);
  else
    std::fprintf(stderr, "dc_gpu: %s\n", message.c_str());
}

}  // namespace dc::gpu

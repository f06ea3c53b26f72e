#pragma once
#include <string>

#include "dc/gpu/export.h"

namespace dc::gpu {

enum class Backend { Cpu, Cuda };

// What a caller asks for. Auto runs on CUDA when the library was built with it and a device is present.
enum class BackendPreference { Auto, Cpu, Cuda };

struct DeviceInfo {
  Backend backend = Backend::Cpu;
  std::string name;  // "NVIDIA H200 (sm_90, 140 GiB)" or "CPU (N threads)"
};

// The backend kernels dispatch to when the KernelContext does not force one. Resolution order:
// environment variable DC_COMPUTE_BACKEND=cpu|cuda|auto (a per-run override), then set_preferred_backend(),
// then Auto. Asking for CUDA without a usable device gives the CPU.
DC_GPU_API DeviceInfo active_device();

// The application's setting; thread-safe.
DC_GPU_API void set_preferred_backend(BackendPreference preference);
DC_GPU_API BackendPreference preferred_backend();

// Resolves a preference: a non-Auto `forced` wins, then the environment, then the global setting.
DC_GPU_API Backend resolve_backend(BackendPreference forced = BackendPreference::Auto);

DC_GPU_API bool built_with_cuda();
// True when built with CUDA and the runtime reports at least one device (false without a driver).
DC_GPU_API bool cuda_device_available();

DC_GPU_API const char* backend_name(Backend backend);

// Where the library reports a CUDA failure that made a call fall back to the CPU (the result is still right, only
// slower). The application routes it to its log; without a handler the message goes to stderr. Thread-safe.
using FallbackHandler = void (*)(const std::string& message);
DC_GPU_API void set_fallback_handler(FallbackHandler handler);
DC_GPU_API void report_fallback(const std::string& message);

}  // namespace dc::gpu

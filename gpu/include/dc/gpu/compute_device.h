#pragma once
#include <string>

namespace dc::gpu {

enum class Backend { Cpu, Cuda };

struct DeviceInfo {
  Backend backend = Backend::Cpu;
  std::string name;  // "NVIDIA H200" or "CPU (N threads)"
};

// The backend kernels dispatch to: CUDA when built with it and a device is present, else CPU.
DeviceInfo active_device();

}  // namespace dc::gpu

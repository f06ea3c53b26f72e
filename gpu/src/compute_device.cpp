#include "dc/gpu/compute_device.h"

#include <thread>

namespace dc::gpu {

DeviceInfo active_device() {
  return {Backend::Cpu, "CPU (" + std::to_string(std::thread::hardware_concurrency()) + " threads)"};
}

}  // namespace dc::gpu

#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace dc::core {

// SHA-256 (FIPS 180-4), small and dependency-free: the manifest needs checksums a training pipeline can verify with
// `sha256sum`, and the project has no crypto library.
class Sha256 {
public:
  void update(const void* data, std::size_t size);
  std::string hex_digest();  // finishes the hash; call once

  // Hash of a whole file; throws std::runtime_error naming the file when it cannot be read.
  static std::string of_file(const std::filesystem::path& file);

private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes hashed so far
};

}  // namespace dc::core

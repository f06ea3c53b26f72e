#pragma once
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace dc::core {

// SHA-256 through OpenSSL's libcrypto (uses the CPU's SHA extensions where present): the manifest needs checksums
// a training pipeline can verify with `sha256sum`, and hashing must keep up with copying the payloads.
class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  std::string hex_digest();  // finishes the hash; call once

  // Hash of a whole file; throws std::runtime_error naming the file when it cannot be read.
  static std::string of_file(const std::filesystem::path& file);

private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace dc::core

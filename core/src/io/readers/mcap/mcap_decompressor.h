#pragma once
#include "io/readers/mcap/mcap_byte_reader.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

struct ZSTD_DCtx_s;
struct LZ4F_dctx_s;

namespace dc::core {

// Decompresses the records of MCAP chunks: compression "" (none), "zstd" and "lz4" (the LZ4 frame format). Keeps
// its zstd/lz4 contexts between calls, so one instance per thread; not thread-safe.
class McapDecompressor {
 public:
  // Chunks claiming more than this are refused (a damaged or hostile size must not allocate without bound).
  static constexpr std::uint64_t kMaxUncompressedSize = std::uint64_t(1) << 30;

  McapDecompressor();
  ~McapDecompressor();
  McapDecompressor(const McapDecompressor&) = delete;
  McapDecompressor& operator=(const McapDecompressor&) = delete;

  // Exactly `uncompressed_size` bytes, or ParseError naming `chunk` (the Chunk record) and what is wrong: unknown
  // compression, a size over the limit, data that is not zstd/lz4, data that holds more or fewer bytes.
  std::vector<std::uint8_t> decompress(std::string_view compression, std::span<const std::uint8_t> compressed,
                                       std::uint64_t uncompressed_size, const McapRecordPlace& chunk);

 private:
  std::vector<std::uint8_t> zstd(std::span<const std::uint8_t> in, std::size_t size, const McapRecordPlace& chunk);
  std::vector<std::uint8_t> lz4(std::span<const std::uint8_t> in, std::size_t size, const McapRecordPlace& chunk);

  ZSTD_DCtx_s* zstd_ = nullptr;
  LZ4F_dctx_s* lz4_ = nullptr;
};

}  // namespace dc::core

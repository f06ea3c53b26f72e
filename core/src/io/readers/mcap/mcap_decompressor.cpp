#include "io/readers/mcap/mcap_decompressor.h"

#include "dc/core/io/parse_error.h"

#include <lz4frame.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace dc::core {

namespace {

[[noreturn]] void fail(const McapRecordPlace& chunk, const std::string& what) {
  throw ParseError(chunk.file ? *chunk.file : std::filesystem::path(), chunk.describe() + ": " + what);
}

std::string sizes(std::uint64_t got, std::uint64_t want) {
  return "decompresses to " + std::to_string(got) + " bytes, the Chunk says " + std::to_string(want);
}

}  // namespace

McapDecompressor::McapDecompressor() {
  zstd_ = ZSTD_createDCtx();
  if (LZ4F_isError(LZ4F_createDecompressionContext(&lz4_, LZ4F_VERSION))) lz4_ = nullptr;
  if (!zstd_ || !lz4_) {
    ZSTD_freeDCtx(zstd_);
    if (lz4_) LZ4F_freeDecompressionContext(lz4_);
    throw std::bad_alloc();
  }
}

McapDecompressor::~McapDecompressor() {
  ZSTD_freeDCtx(zstd_);
  LZ4F_freeDecompressionContext(lz4_);
}

std::vector<std::uint8_t> McapDecompressor::decompress(std::string_view compression,
                                                       std::span<const std::uint8_t> compressed,
                                                       std::uint64_t uncompressed_size, const McapRecordPlace& chunk) {
  if (compression != "" && compression != "zstd" && compression != "lz4")
    fail(chunk, "unknown compression \"" + std::string(compression) + "\"");
  if (uncompressed_size > kMaxUncompressedSize)
    fail(chunk, "uncompressed_size " + std::to_string(uncompressed_size) + " is over the limit of " +
                    std::to_string(kMaxUncompressedSize) + " bytes");
  const auto size = static_cast<std::size_t>(uncompressed_size);
  if (compression.empty()) {
    if (compressed.size() != size) fail(chunk, sizes(compressed.size(), size) + " (no compression)");
    return {compressed.begin(), compressed.end()};
  }
  return compression == "zstd" ? zstd(compressed, size, chunk) : lz4(compressed, size, chunk);
}

std::vector<std::uint8_t> McapDecompressor::zstd(std::span<const std::uint8_t> in, std::size_t size,
                                                 const McapRecordPlace& chunk) {
  const unsigned long long stated = ZSTD_getFrameContentSize(in.data(), in.size());
  if (stated == ZSTD_CONTENTSIZE_ERROR) fail(chunk, "records are not zstd data");
  std::vector<std::uint8_t> out;
  if (stated != ZSTD_CONTENTSIZE_UNKNOWN && ZSTD_findFrameCompressedSize(in.data(), in.size()) == in.size()) {
    // One frame that states its size: check it before allocating anything.
    if (stated != size)
      fail(chunk, "the zstd frame holds " + std::to_string(stated) + " bytes, the Chunk says " + std::to_string(size));
    out.resize(size);
    const std::size_t n = ZSTD_decompressDCtx(zstd_, out.data(), out.size(), in.data(), in.size());
    if (ZSTD_isError(n)) fail(chunk, std::string("zstd: ") + ZSTD_getErrorName(n));
    if (n != size) fail(chunk, sizes(n, size));
    return out;
  }
  // Several frames, or sizes not stated: stream, growing the output as data really comes out.
  ZSTD_DCtx_reset(zstd_, ZSTD_reset_session_only);
  out.resize(std::min<std::size_t>(size, std::max<std::size_t>(std::size_t(1) << 16, in.size() * 4)));
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  std::size_t produced = 0;
  std::size_t hint = 1;  // 0 once a frame is decoded and flushed
  while (src.pos < src.size || hint != 0) {
    // When the output is full, a one-byte probe finds data beyond the stated size.
    const bool full = produced == out.size() && out.size() == size;
    if (produced == out.size() && !full) out.resize(std::min(size, out.size() * 2));
    std::uint8_t probe = 0;
    ZSTD_outBuffer dst = full ? ZSTD_outBuffer{&probe, 1, 0} : ZSTD_outBuffer{out.data(), out.size(), produced};
    const std::size_t in_before = src.pos;
    hint = ZSTD_decompressStream(zstd_, &dst, &src);
    if (ZSTD_isError(hint)) fail(chunk, std::string("zstd: ") + ZSTD_getErrorName(hint));
    if (full && dst.pos > 0) fail(chunk, "zstd data holds more than the " + std::to_string(size) + " bytes stated");
    const bool progress = src.pos != in_before || (!full && dst.pos != produced);
    if (!full) produced = dst.pos;
    if (!progress) fail(chunk, src.pos == src.size ? "zstd data ends inside a frame" : "zstd makes no progress");
  }
  if (produced != size) fail(chunk, sizes(produced, size));
  out.resize(produced);
  return out;
}

std::vector<std::uint8_t> McapDecompressor::lz4(std::span<const std::uint8_t> in, std::size_t size,
                                                const McapRecordPlace& chunk) {
  // LZ4 expands at most about 255:1; a larger claim is damage, found before allocating.
  if (size > in.size() * 256 + (std::size_t(1) << 16))
    fail(chunk, "lz4 cannot expand " + std::to_string(in.size()) + " bytes to " + std::to_string(size));
  LZ4F_resetDecompressionContext(lz4_);
  std::vector<std::uint8_t> out(size);
  std::uint8_t probe = 0;
  std::size_t produced = 0, consumed = 0;
  while (consumed < in.size()) {
    // When the output is full, a one-byte probe finds data beyond the stated size.
    const bool full = produced == size;
    std::uint8_t* dst = full ? &probe : out.data() + produced;
    std::size_t dst_n = full ? 1 : size - produced;
    std::size_t src_n = in.size() - consumed;
    const std::size_t r = LZ4F_decompress(lz4_, dst, &dst_n, in.data() + consumed, &src_n, nullptr);
    if (LZ4F_isError(r)) fail(chunk, std::string("lz4: ") + LZ4F_getErrorName(r));
    if (full && dst_n > 0) fail(chunk, "lz4 data holds more than the " + std::to_string(size) + " bytes stated");
    produced += full ? 0 : dst_n;
    consumed += src_n;
    if (r != 0 && consumed == in.size()) fail(chunk, "lz4 data ends inside a frame");
    if (dst_n == 0 && src_n == 0 && r != 0) fail(chunk, "lz4 decompression makes no progress");
  }
  if (produced != size) fail(chunk, sizes(produced, size));
  return out;
}

}  // namespace dc::core

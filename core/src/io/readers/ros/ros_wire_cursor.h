#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace dc::core {

// Message encodings as MCAP channels name them: "cdr" (ROS 2, XCDR1 with a 4-byte encapsulation header) and
// "ros1" (ROS 1 serialization: little endian, packed).
enum class RosWireEncoding { Cdr, Ros1 };

// Reads a T stored at p (no alignment needed), reversing its bytes when `swap` (big-endian data).
template <class T>
T load_wire(const std::uint8_t* p, bool swap) {
  std::uint8_t b[sizeof(T)];
  std::memcpy(b, p, sizeof(T));
  if (swap) {
    for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
  }
  T v;
  std::memcpy(&v, b, sizeof(T));
  return v;
}

// A bounds-checked read position in one serialized message. CDR: primitives align to their size (8-byte types to 8)
// relative to the end of the encapsulation header; strings are a uint32 length counting the NUL; big-endian
// payloads are swapped on read. ROS 1: no alignment, strings are a uint32 length without NUL. Every read that would
// pass the end throws ParseError(source, "byte N: ...").
class RosWireCursor {
 public:
  // For Cdr, reads and checks the encapsulation header (0x00 0x01 little endian, 0x00 0x00 big endian); parameter
  // lists (PL_CDR) and XCDR2 are rejected by name.
  RosWireCursor(std::span<const std::uint8_t> bytes, RosWireEncoding encoding, const std::filesystem::path& source);

  RosWireEncoding encoding() const { return encoding_; }
  bool swap_bytes() const { return swap_; }
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return bytes_.size() - pos_; }

  // CDR: skips padding up to a multiple of n from the origin (no-op for ROS 1).
  void align(std::size_t n);
  // Skips `count` elements of `size` bytes each (aligned to `size` first when count > 0) and returns the offset of
  // the first; the whole run must be present.
  std::size_t skip_elements(std::uint64_t count, std::size_t size, std::string_view what);
  std::uint32_t read_u32(std::string_view what);

  struct Run {
    std::size_t offset = 0;  // first byte of the characters
    std::size_t length = 0;  // characters (bytes for string, code units for wstring), without NUL
  };
  Run read_string(std::string_view what);
  Run read_wstring(std::string_view what);  // CDR: uint32 count of 4-byte code units; ROS 1 has no wstring

  [[noreturn]] void fail(const std::string& message) const;

 private:
  void need(std::uint64_t n, std::string_view what) const;

  std::span<const std::uint8_t> bytes_;
  RosWireEncoding encoding_;
  const std::filesystem::path& source_;
  std::size_t origin_ = 0;  // alignment origin: end of the CDR encapsulation header
  std::size_t pos_ = 0;
  bool swap_ = false;
};

}  // namespace dc::core

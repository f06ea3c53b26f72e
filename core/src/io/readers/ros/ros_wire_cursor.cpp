#include "io/readers/ros/ros_wire_cursor.h"

#include "dc/core/io/parse_error.h"

#include <bit>
#include <cstdio>

namespace dc::core {

static_assert(std::endian::native == std::endian::little, "the ROS decoders assume a little-endian host");

namespace {
const char* cdr_kind_name(std::uint8_t kind) {
  switch (kind) {
    case 0x02: return "PL_CDR_BE (parameter list)";
    case 0x03: return "PL_CDR_LE (parameter list)";
    case 0x06: return "CDR2_BE (XCDR2)";
    case 0x07: return "CDR2_LE (XCDR2)";
    case 0x08: return "D_CDR2_BE (XCDR2 delimited)";
    case 0x09: return "D_CDR2_LE (XCDR2 delimited)";
    case 0x0a: return "PL_CDR2_BE (XCDR2 parameter list)";
    case 0x0b: return "PL_CDR2_LE (XCDR2 parameter list)";
    default: return nullptr;
  }
}
}  // namespace

RosWireCursor::RosWireCursor(std::span<const std::uint8_t> bytes, RosWireEncoding encoding,
                             const std::filesystem::path& source)
    : bytes_(bytes), encoding_(encoding), source_(source) {
  if (encoding_ != RosWireEncoding::Cdr) return;
  if (bytes_.size() < 4)
    fail("CDR message of " + std::to_string(bytes_.size()) + " bytes has no 4-byte encapsulation header");
  if (bytes_[0] != 0x00 || bytes_[1] > 0x01) {
    const char* kind = bytes_[0] == 0x00 ? cdr_kind_name(bytes_[1]) : nullptr;
    char hex[8];
    std::snprintf(hex, sizeof hex, "%02x %02x", bytes_[0], bytes_[1]);
    fail(kind ? std::string("CDR encapsulation ") + kind + " is not supported (only plain CDR, XCDR1)"
              : std::string("unknown CDR encapsulation header ") + hex);
  }
  swap_ = bytes_[1] == 0x00;  // 0x00 0x00: big endian
  origin_ = pos_ = 4;
}

void RosWireCursor::fail(const std::string& message) const {
  throw ParseError(source_, "byte " + std::to_string(pos_) + ": " + message);
}

void RosWireCursor::need(std::uint64_t n, std::string_view what) const {
  if (n > remaining())
    fail("truncated: " + std::string(what) + " needs " + std::to_string(n) + " bytes, " +
         std::to_string(remaining()) + " left");
}

void RosWireCursor::align(std::size_t n) {
  if (encoding_ != RosWireEncoding::Cdr || n <= 1) return;
  const std::size_t pad = (n - (pos_ - origin_) % n) % n;
  need(pad, "alignment padding");
  pos_ += pad;
}

std::size_t RosWireCursor::skip_elements(std::uint64_t count, std::size_t size, std::string_view what) {
  if (count == 0) return pos_;
  align(size);
  if (count > remaining() / size)  // no overflow: division instead of count * size
    fail("truncated: " + std::string(what) + " has " + std::to_string(count) + " elements of " +
         std::to_string(size) + " bytes, " + std::to_string(remaining()) + " bytes left");
  const std::size_t first = pos_;
  pos_ += static_cast<std::size_t>(count) * size;
  return first;
}

std::uint32_t RosWireCursor::read_u32(std::string_view what) {
  align(4);
  need(4, what);
  const auto v = load_wire<std::uint32_t>(bytes_.data() + pos_, swap_);
  pos_ += 4;
  return v;
}

RosWireCursor::Run RosWireCursor::read_string(std::string_view what) {
  const std::uint32_t length = read_u32(what);
  need(length, what);
  Run run{pos_, length};
  pos_ += length;
  // CDR counts the terminating NUL; tolerate writers that leave it out (or write 0 for an empty string).
  if (encoding_ == RosWireEncoding::Cdr && length > 0 && bytes_[run.offset + length - 1] == 0) --run.length;
  return run;
}

RosWireCursor::Run RosWireCursor::read_wstring(std::string_view what) {
  if (encoding_ != RosWireEncoding::Cdr) fail("wstring in a ROS 1 message");
  const std::uint32_t length = read_u32(what);
  const std::size_t first = skip_elements(length, 4, what);
  return Run{first, length};
}

}  // namespace dc::core

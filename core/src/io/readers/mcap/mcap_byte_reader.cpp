#include "io/readers/mcap/mcap_byte_reader.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/mcap/mcap_records.h"

#include <cstdio>
#include <cstring>

namespace dc::core {

std::string McapRecordPlace::describe() const {
  const char* name = mcap_opcode_name(opcode);
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", opcode);
  std::string s = std::strcmp(name, "unknown") == 0 ? std::string("record of unknown opcode ") + hex
                                                    : std::string(name) + " record";
  s += " at byte " + std::to_string(record_offset);
  if (chunk_offset != UINT64_MAX) s += " of the records of the Chunk at byte " + std::to_string(chunk_offset);
  return s;
}

void McapByteReader::fail(const std::string& what) const {
  throw ParseError(place_.file ? *place_.file : std::filesystem::path(), place_.describe() + ": " + what);
}

void McapByteReader::need(std::uint64_t n, const char* field) const {
  if (n > remaining())
    fail(std::string(field) + " needs " + std::to_string(n) + " bytes, only " + std::to_string(remaining()) + " left");
}

std::uint8_t McapByteReader::u8(const char* field) {
  need(1, field);
  return bytes_[pos_++];
}

std::uint16_t McapByteReader::u16(const char* field) {
  need(2, field);
  const std::uint8_t* p = bytes_.data() + pos_;
  pos_ += 2;
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

std::uint32_t McapByteReader::u32(const char* field) {
  need(4, field);
  const std::uint8_t* p = bytes_.data() + pos_;
  pos_ += 4;
  return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}

std::uint64_t McapByteReader::u64(const char* field) {
  need(8, field);
  const std::uint8_t* p = bytes_.data() + pos_;
  pos_ += 8;
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::span<const std::uint8_t> McapByteReader::bytes(std::uint64_t n, const char* field) {
  need(n, field);
  auto s = bytes_.subspan(pos_, n);
  pos_ += n;
  return s;
}

std::string McapByteReader::string(const char* field) {
  const std::uint32_t n = u32(field);
  auto s = bytes(n, field);
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

std::span<const std::uint8_t> McapByteReader::bytes32(const char* field) {
  return bytes(u32(field), field);
}

std::span<const std::uint8_t> McapByteReader::bytes64(const char* field) {
  return bytes(u64(field), field);
}

std::map<std::string, std::string> McapByteReader::string_map(const char* field) {
  McapByteReader sub(bytes32(field), place_);
  std::map<std::string, std::string> out;
  while (sub.remaining() > 0) {
    std::string key = sub.string(field);
    out[std::move(key)] = sub.string(field);
  }
  return out;
}

std::map<std::uint16_t, std::uint64_t> McapByteReader::u16_u64_map(const char* field) {
  McapByteReader sub(bytes32(field), place_);
  if (sub.remaining() % 10 != 0)
    fail(std::string(field) + " is " + std::to_string(sub.remaining()) +
         " bytes long, not a whole number of (uint16, uint64) pairs");
  std::map<std::uint16_t, std::uint64_t> out;
  while (sub.remaining() > 0) {
    const std::uint16_t key = sub.u16(field);
    out[key] = sub.u64(field);
  }
  return out;
}

}  // namespace dc::core

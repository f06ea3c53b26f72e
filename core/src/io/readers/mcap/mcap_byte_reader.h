#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace dc::core {

// Where a byte span came from, for error messages; built only when something is wrong (cheap to pass around).
struct McapRecordPlace {
  const std::filesystem::path* file = nullptr;
  std::uint8_t opcode = 0;
  std::uint64_t record_offset = 0;  // of the record: in the file, or in the chunk's records when chunk_offset is set
  std::uint64_t chunk_offset = UINT64_MAX;  // file offset of the Chunk holding the record; UINT64_MAX: top-level

  // "Channel record at byte 1234" / "Message record at byte 40 of the records of the Chunk at byte 28"
  std::string describe() const;
};

// Bounds-checked little-endian cursor over the content of one record. Every read checks what is left first and
// throws ParseError(file, "<record place>: <field> needs N bytes, only M left") on overrun; lengths read from the
// data are checked before anything is allocated.
class McapByteReader {
 public:
  McapByteReader(std::span<const std::uint8_t> bytes, const McapRecordPlace& place) : bytes_(bytes), place_(place) {}

  std::uint8_t u8(const char* field);
  std::uint16_t u16(const char* field);
  std::uint32_t u32(const char* field);
  std::uint64_t u64(const char* field);
  std::string string(const char* field);  // uint32 length + bytes
  std::span<const std::uint8_t> bytes(std::uint64_t n, const char* field);
  std::span<const std::uint8_t> bytes32(const char* field);               // uint32 length + bytes
  std::span<const std::uint8_t> bytes64(const char* field);               // uint64 length + bytes
  std::map<std::string, std::string> string_map(const char* field);       // uint32 byte length + pairs
  std::map<std::uint16_t, std::uint64_t> u16_u64_map(const char* field);  // uint32 byte length + pairs
  std::span<const std::uint8_t> rest() { return bytes(remaining(), "rest"); }

  std::uint64_t position() const { return pos_; }
  std::uint64_t remaining() const { return bytes_.size() - pos_; }
  const McapRecordPlace& place() const { return place_; }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  void need(std::uint64_t n, const char* field) const;

  std::span<const std::uint8_t> bytes_;
  McapRecordPlace place_;
  std::uint64_t pos_ = 0;
};

}  // namespace dc::core

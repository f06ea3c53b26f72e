#pragma once
#include "dc/core/util/progress.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dc::core::nuscenes {

// A nuScenes token in 24 bytes instead of a heap string: the usual 32 lowercase hex digits are packed into two
// words; anything else (hand-written tables) is interned in a TokenPool. Empty: no token ("" or null).
struct Token {
  std::uint64_t hi = 0, lo = 0;
  std::uint32_t kind = 0;  // 0 none, 1 packed hex, 2 interned (lo = pool id)
  bool empty() const { return kind == 0; }
  friend bool operator==(const Token&, const Token&) = default;
};

struct TokenHash {
  std::size_t operator()(const Token& t) const noexcept {
    return static_cast<std::size_t>(t.hi * 0x9E3779B97F4A7C15ull ^ t.lo ^ (static_cast<std::uint64_t>(t.kind) << 61));
  }
};

class TokenPool {
public:
  Token make(std::string_view text);
  std::string text(const Token& token) const;  // back to what the table said

private:
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<std::string> names_;
};

// One JSON value of a record field. Arrays keep their numbers and strings, flattened over at most one level of
// nesting (camera_intrinsic is a 3 x 3 list of lists); anything else in them makes the array irregular.
struct JsonValue {
  enum class Type : std::uint8_t { Absent, Null, Bool, Integer, Float, String, Array, Object };
  Type type = Type::Absent;
  bool boolean = false;
  bool is_unsigned_overflow = false;  // an unsigned integer above INT64_MAX
  std::int64_t integer = 0;
  double number = 0;
  std::string text;
  std::vector<double> numbers;
  std::vector<std::string> strings;
  int rows = 0;            // nested arrays seen
  bool irregular = false;  // objects, mixed nesting or more than the kept maximum inside the array
};

// A record of a table as its callback sees it: typed access by field number (the order of `keys` given to
// parse_json_table). Wrong types throw ParseError naming the table file, the record, its byte offset and the key.
class JsonRecord {
public:
  std::size_t index() const { return index_; }
  const JsonValue& value(int key) const { return (*values_)[static_cast<std::size_t>(key)]; }
  bool present(int key) const;  // present and not null

  std::string_view text(int key) const;           // required string
  std::string_view optional_text(int key) const;  // string; "" when absent or null
  Token token(int key, TokenPool& pool) const;    // string token, "" or null -> none
  std::vector<Token> tokens(int key, TokenPool& pool) const;  // array of strings; absent -> none
  std::int64_t integer(int key) const;            // required integer (a float with an integral value is accepted)
  std::int64_t optional_integer(int key, std::int64_t fallback) const;
  bool boolean(int key) const;
  std::vector<double> numbers(int key, std::size_t count) const;        // array of exactly `count` numbers
  std::vector<double> numbers_or_empty(int key, std::size_t count) const;  // [] (or absent / null) or `count`

  [[noreturn]] void fail(int key, const std::string& what) const;

private:
  friend class JsonTableHandler;
  const std::vector<JsonValue>* values_ = nullptr;
  const std::vector<std::string_view>* keys_ = nullptr;
  const std::filesystem::path* file_ = nullptr;
  std::size_t index_ = 0;
  std::function<std::uint64_t()> offset_;  // byte offset of the parser now (just after the record)
};

// Streams `file`, a JSON array of objects (a nuScenes table), calling `on_record` for each object with the fields
// named in `keys` (others are skipped). Memory stays bounded by the records the callback keeps. Throws ParseError
// naming the file, byte offset and line for malformed JSON, and for a top level that is not an array of objects;
// throws Cancelled when `progress` is cancelled. Returns the number of records.
std::size_t parse_json_table(const std::filesystem::path& file, const std::vector<std::string_view>& keys,
                             const std::function<void(const JsonRecord&)>& on_record, const Progress& progress = {});

// 1-based line of byte `offset` in `file` (counts newlines; 0 when the file cannot be read).
int line_of_offset(const std::filesystem::path& file, std::uint64_t offset);

}  // namespace dc::core::nuscenes

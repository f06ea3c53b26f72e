#include "io/readers/nuscenes/nuscenes_json_table.h"

#include "dc/core/io/parse_error.h"
#include "dc/core/model/ingest_error.h"
#include "io/readers/file_check.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <memory>

namespace dc::core::nuscenes {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxArrayNumbers = 64;   // a 3 x 3 intrinsic is the largest numeric field
constexpr std::size_t kMaxArrayStrings = 256;  // attribute_tokens lists a few
constexpr std::size_t kCancelCheckEvery = 4096;

// Lowercase hex digit values, -1 for every other byte: a token is decoded without a branch per character.
constexpr std::array<std::int8_t, 256> kHexValue = [] {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  return t;
}();

const char* type_name(JsonValue::Type t) {
  switch (t) {
    case JsonValue::Type::Absent: return "missing";
    case JsonValue::Type::Null: return "null";
    case JsonValue::Type::Bool: return "a boolean";
    case JsonValue::Type::Integer: return "an integer";
    case JsonValue::Type::Float: return "a number";
    case JsonValue::Type::String: return "a string";
    case JsonValue::Type::Array: return "an array";
    case JsonValue::Type::Object: return "an object";
  }
  return "unknown";
}

}  // namespace

Token TokenPool::make(std::string_view text) {
  Token t;
  if (text.empty()) return t;
  if (text.size() == 32) {
    std::uint64_t words[2] = {0, 0};
    int invalid = 0;  // any -1 sets the sign bit
    for (std::size_t w = 0; w < 2; ++w)
      for (std::size_t i = 0; i < 16; ++i) {
        const int d = kHexValue[static_cast<unsigned char>(text[w * 16 + i])];
        invalid |= d;
        words[w] = (words[w] << 4) | static_cast<std::uint64_t>(d & 15);
      }
    if (invalid >= 0) {
      t.kind = 1;
      t.hi = words[0];
      t.lo = words[1];
      return t;
    }
  }
  auto [it, inserted] = ids_.try_emplace(std::string(text), static_cast<std::uint32_t>(names_.size()));
  if (inserted) names_.push_back(it->first);
  t.kind = 2;
  t.lo = it->second;
  return t;
}

std::string TokenPool::text(const Token& t) const {
  if (t.kind == 0) return {};
  if (t.kind == 2) return t.lo < names_.size() ? names_[t.lo] : std::string("?");
  static const char* digits = "0123456789abcdef";
  std::string s(32, '0');
  for (int i = 0; i < 16; ++i) {
    s[static_cast<std::size_t>(15 - i)] = digits[(t.hi >> (4 * i)) & 15];
    s[static_cast<std::size_t>(31 - i)] = digits[(t.lo >> (4 * i)) & 15];
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------------

bool JsonRecord::present(int key) const {
  const auto t = value(key).type;
  return t != JsonValue::Type::Absent && t != JsonValue::Type::Null;
}

void JsonRecord::fail(int key, const std::string& what) const {
  const std::uint64_t offset = offset_ ? offset_() : 0;
  throw ParseError(*file_, line_of_offset(*file_, offset),
                   safe_message("record " + std::to_string(index_) + " (ending near byte " + std::to_string(offset) +
                                "): key '" + std::string((*keys_)[static_cast<std::size_t>(key)]) + "': " + what));
}

std::string_view JsonRecord::text(int key) const {
  const JsonValue& v = value(key);
  if (v.type != JsonValue::Type::String) fail(key, std::string("expected a string, got ") + type_name(v.type));
  return v.text;
}

std::string_view JsonRecord::optional_text(int key) const {
  if (!present(key)) return {};
  return text(key);
}

Token JsonRecord::token(int key, TokenPool& pool) const {
  if (!present(key)) return {};
  return pool.make(text(key));
}

std::vector<Token> JsonRecord::tokens(int key, TokenPool& pool) const {
  const JsonValue& v = value(key);
  if (!present(key)) return {};
  if (v.type != JsonValue::Type::Array || v.irregular || !v.numbers.empty() || v.rows > 0)
    fail(key, std::string("expected an array of token strings, got ") +
                  (v.type == JsonValue::Type::Array ? "an array of other values" : type_name(v.type)));
  std::vector<Token> out;
  out.reserve(v.strings.size());
  for (const auto& s : v.strings) out.push_back(pool.make(s));
  return out;
}

std::int64_t JsonRecord::integer(int key) const {
  const JsonValue& v = value(key);
  if (v.type == JsonValue::Type::Integer) {
    if (v.is_unsigned_overflow) fail(key, "integer out of range");
    return v.integer;
  }
  if (v.type == JsonValue::Type::Float && std::isfinite(v.number) && v.number == std::floor(v.number) &&
      std::abs(v.number) < 9.0e15)
    return static_cast<std::int64_t>(v.number);
  fail(key, std::string("expected an integer, got ") + type_name(v.type));
}

std::int64_t JsonRecord::optional_integer(int key, std::int64_t fallback) const {
  return present(key) ? integer(key) : fallback;
}

bool JsonRecord::boolean(int key) const {
  const JsonValue& v = value(key);
  if (v.type != JsonValue::Type::Bool) fail(key, std::string("expected true or false, got ") + type_name(v.type));
  return v.boolean;
}

std::vector<double> JsonRecord::numbers(int key, std::size_t count) const {
  const JsonValue& v = value(key);
  if (v.type != JsonValue::Type::Array)
    fail(key, "expected an array of " + std::to_string(count) + " numbers, got " + type_name(v.type));
  if (v.irregular || !v.strings.empty() || v.numbers.size() != count)
    fail(key, "expected an array of " + std::to_string(count) + " numbers");
  for (double x : v.numbers)
    if (!std::isfinite(x)) fail(key, "number out of range");
  return v.numbers;
}

std::vector<double> JsonRecord::numbers_or_empty(int key, std::size_t count) const {
  const JsonValue& v = value(key);
  if (!present(key)) return {};
  if (v.type == JsonValue::Type::Array && !v.irregular && v.numbers.empty() && v.strings.empty() && v.rows == 0)
    return {};
  return numbers(key, count);
}

// ---------------------------------------------------------------------------------------------------------------

// nlohmann's SAX events for one table: an array of records, each an object of fields.
class JsonTableHandler {
public:
  using json = nlohmann::json;

  JsonTableHandler(const fs::path& file, const std::vector<std::string_view>& keys,
                   const std::function<void(const JsonRecord&)>& on_record, const Progress& progress,
                   std::function<std::uint64_t()> offset)
      : file_(file), keys_(keys), on_record_(on_record), progress_(progress), values_(keys.size()) {
    record_.values_ = &values_;
    record_.keys_ = &keys_;
    record_.file_ = &file_;
    record_.offset_ = std::move(offset);
  }

  std::size_t records() const { return count_; }

  bool null() { return scalar([](JsonValue& v) { v.type = JsonValue::Type::Null; }, nullptr, nullptr); }
  bool boolean(bool b) {
    return scalar([b](JsonValue& v) { v.type = JsonValue::Type::Bool; v.boolean = b; }, nullptr, nullptr);
  }
  bool number_integer(json::number_integer_t i) {
    const double d = static_cast<double>(i);
    return scalar([i](JsonValue& v) { v.type = JsonValue::Type::Integer; v.integer = i; v.is_unsigned_overflow = false; },
                  &d, nullptr);
  }
  bool number_unsigned(json::number_unsigned_t u) {
    const double d = static_cast<double>(u);
    return scalar(
        [u](JsonValue& v) {
          v.type = JsonValue::Type::Integer;
          v.is_unsigned_overflow = u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
          v.integer = v.is_unsigned_overflow ? 0 : static_cast<std::int64_t>(u);
        },
        &d, nullptr);
  }
  bool number_float(json::number_float_t f, const json::string_t&) {
    const double d = f;
    return scalar([f](JsonValue& v) { v.type = JsonValue::Type::Float; v.number = f; }, &d, nullptr);
  }
  bool string(json::string_t& s) {
    return scalar([&s](JsonValue& v) { v.type = JsonValue::Type::String; v.text.assign(s); }, nullptr, &s);
  }
  bool binary(json::binary_t&) { return scalar([](JsonValue& v) { v.type = JsonValue::Type::Null; }, nullptr, nullptr); }

  bool start_object(std::size_t) {
    const std::size_t depth = depth_;
    if (depth == 0) top_level_fail("an object");
    if (depth == 1) {
      for (int k : touched_) values_[static_cast<std::size_t>(k)].type = JsonValue::Type::Absent;
      touched_.clear();
      current_ = -1;
    } else if (depth == 2) {
      if (current_ >= 0) slot().type = JsonValue::Type::Object;
    } else if (current_ >= 0 && stack_[2] == kArray) {
      slot().irregular = true;
    }
    push(kObject);
    return true;
  }

  bool end_object() {
    if (depth_ == 2) {
      record_.index_ = count_;
      on_record_(record_);
      ++count_;
      if (count_ % kCancelCheckEvery == 0 && progress_.cancelled()) throw Cancelled();
    }
    pop();
    return true;
  }

  bool start_array(std::size_t) {
    const std::size_t depth = depth_;
    if (depth == 1) element_fail("an array");
    if (depth == 2 && current_ >= 0) {
      JsonValue& v = slot();
      v.type = JsonValue::Type::Array;
      v.numbers.clear();
      v.strings.clear();
      v.rows = 0;
      v.irregular = false;
    } else if (depth == 3 && current_ >= 0 && stack_[2] == kArray) {
      ++slot().rows;
    } else if (depth > 3 && current_ >= 0 && stack_[2] == kArray) {
      slot().irregular = true;
    }
    push(kArray);
    return true;
  }

  bool end_array() {
    pop();
    return true;
  }

  bool key(json::string_t& k) {
    if (depth_ != 2) return true;
    current_ = -1;
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] == k) {
        current_ = static_cast<int>(i);
        touched_.push_back(current_);
        JsonValue& v = slot();
        v.type = JsonValue::Type::Null;  // overwritten by the value event
        break;
      }
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 7: syntax error ..." -> from "syntax error".
    if (const auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    const std::uint64_t offset = position > 0 ? position - 1 : 0;
    throw ParseError(file_, line_of_offset(file_, offset),
                     "byte " + std::to_string(offset) + ": malformed JSON: " + quote_input(what, 300));
  }

private:
  static constexpr char kArray = 'a', kObject = 'o';
  static constexpr std::size_t kKeptLevels = 4;

  JsonValue& slot() { return values_[static_cast<std::size_t>(current_)]; }
  // Only the kinds of the outer levels matter (table, record, field, row): deeper ones are only counted, so a file
  // of nested brackets costs no memory here.
  void push(char kind) {
    if (depth_ < kKeptLevels) stack_[depth_] = kind;
    ++depth_;
  }
  void pop() {
    if (depth_ > 0) --depth_;
  }

  [[noreturn]] void top_level_fail(const char* found) {
    throw ParseError(file_, line_of_offset(file_, record_.offset_()),
                     std::string("a nuScenes table must be a JSON array of records, found ") + found);
  }
  [[noreturn]] void element_fail(const char* found) {
    const std::uint64_t offset = record_.offset_();
    throw ParseError(file_, line_of_offset(file_, offset),
                     "record " + std::to_string(count_) + " (near byte " + std::to_string(offset) +
                         ") is " + found + ", not an object");
  }

  template <class Set>
  bool scalar(Set set, const double* number, const std::string* text) {
    const std::size_t depth = depth_;
    if (depth == 0) top_level_fail("a single value");
    if (depth == 1) element_fail("a single value");
    if (current_ < 0) return true;
    if (depth == 2) {
      set(slot());
      return true;
    }
    if (stack_[2] != kArray) return true;  // inside an object-valued field: not read
    JsonValue& v = slot();
    if (depth == 3 && text && v.strings.size() < kMaxArrayStrings) v.strings.push_back(*text);
    else if ((depth == 3 || (depth == 4 && stack_[3] == kArray)) && number && v.numbers.size() < kMaxArrayNumbers)
      v.numbers.push_back(*number);
    else v.irregular = true;
    return true;
  }

  const fs::path& file_;
  const std::vector<std::string_view>& keys_;
  const std::function<void(const JsonRecord&)>& on_record_;
  const Progress& progress_;
  std::vector<JsonValue> values_;
  std::vector<int> touched_;
  char stack_[kKeptLevels] = {};
  std::size_t depth_ = 0;
  int current_ = -1;
  std::size_t count_ = 0;
  JsonRecord record_;
};

std::size_t parse_json_table(const fs::path& file, const std::vector<std::string_view>& keys,
                             const std::function<void(const JsonRecord&)>& on_record, const Progress& progress) {
  require_regular_file(file, "nuScenes table");
  auto buffer = std::make_unique<char[]>(1 << 20);
  std::ifstream in;
  in.rdbuf()->pubsetbuf(buffer.get(), 1 << 20);
  in.open(file, std::ios::binary);
  if (!in) throw ParseError(file, "cannot open nuScenes table");
  std::streambuf* sb = in.rdbuf();
  auto offset = [sb]() -> std::uint64_t {
    const auto pos = sb->pubseekoff(0, std::ios::cur, std::ios::in);
    return pos < 0 ? 0 : static_cast<std::uint64_t>(pos);
  };
  JsonTableHandler handler(file, keys, on_record, progress, offset);
  nlohmann::json::sax_parse(in, &handler);
  return handler.records();
}

int line_of_offset(const fs::path& file, std::uint64_t offset) {
  if (file_problem(file)) return 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) return 0;
  std::vector<char> chunk(1 << 16);
  std::uint64_t seen = 0;
  int line = 1;
  while (seen < offset && in) {
    const std::uint64_t want = std::min<std::uint64_t>(chunk.size(), offset - seen);
    in.read(chunk.data(), static_cast<std::streamsize>(want));
    const auto got = static_cast<std::uint64_t>(in.gcount());
    for (std::uint64_t i = 0; i < got; ++i) line += chunk[i] == '\n' ? 1 : 0;
    seen += got;
    if (got == 0) break;
  }
  return line;
}

}  // namespace dc::core::nuscenes

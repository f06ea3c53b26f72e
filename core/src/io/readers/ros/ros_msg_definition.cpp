#include "io/readers/ros/ros_msg_definition.h"

#include "dc/core/io/parse_error.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace dc::core {

namespace {

constexpr int kMaxNesting = 32;
constexpr std::uint64_t kSizeCap = std::numeric_limits<std::uint64_t>::max() / 4;

std::string_view trim(std::string_view s) {
  const auto not_space = [](char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; };
  while (!s.empty() && !not_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && !not_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_separator(std::string_view t) {
  return t.size() >= 3 && std::all_of(t.begin(), t.end(), [](char c) { return c == '='; });
}

std::optional<std::uint32_t> parse_count(std::string_view digits) {
  if (digits.empty() || digits.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > 0x7fffffffu) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

std::uint64_t sat_add(std::uint64_t a, std::uint64_t b) { return std::min(kSizeCap, a + std::min(b, kSizeCap)); }
std::uint64_t sat_mul(std::uint64_t a, std::uint64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kSizeCap / b ? kSizeCap : a * b;
}

std::optional<RosPrimitive> primitive_from_name(std::string_view n, RosSchemaDialect dialect) {
  static const std::map<std::string_view, RosPrimitive> kNames = {
      {"bool", RosPrimitive::Bool},       {"int8", RosPrimitive::Int8},       {"uint8", RosPrimitive::UInt8},
      {"int16", RosPrimitive::Int16},     {"uint16", RosPrimitive::UInt16},   {"int32", RosPrimitive::Int32},
      {"uint32", RosPrimitive::UInt32},   {"int64", RosPrimitive::Int64},     {"uint64", RosPrimitive::UInt64},
      {"float32", RosPrimitive::Float32}, {"float64", RosPrimitive::Float64}, {"string", RosPrimitive::String},
      {"wstring", RosPrimitive::WString}, {"char", RosPrimitive::UInt8}};
  // ROS 1's deprecated byte is int8; ROS 2's byte is an octet.
  if (n == "byte") return dialect == RosSchemaDialect::Ros1 ? RosPrimitive::Int8 : RosPrimitive::UInt8;
  auto it = kNames.find(n);
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

struct RawField {
  std::string type;  // as written, with array suffix
  std::string name;
  int line = 0;
};

struct Section {
  std::string name;  // normalized
  std::vector<RawField> fields;
  int line = 0;      // of its MSG: line (0 for the main section)
};

std::string package_of(const std::string& type_name) {
  const auto slash = type_name.find('/');
  return slash == std::string::npos ? std::string() : type_name.substr(0, slash);
}

class Resolver {
 public:
  Resolver(std::vector<Section> sections, RosSchemaDialect dialect, const std::filesystem::path& source)
      : sections_(std::move(sections)), dialect_(dialect), source_(source) {
    for (std::size_t i = 0; i < sections_.size(); ++i) by_name_.emplace(sections_[i].name, i);  // first one wins
  }

  std::vector<RosMessageType> run() {
    resolve_section(0, 0);
    return std::move(types_);
  }

 private:
  std::uint32_t new_type(std::string name) {
    const auto index = static_cast<std::uint32_t>(types_.size());
    types_.push_back(RosMessageType{std::move(name), {}, 0, 1});
    return index;
  }

  // Types that need no section: ROS 1 time/duration, ROS 2 builtin_interfaces when a writer left them out.
  std::optional<std::uint32_t> builtin_type(const std::string& name) {
    struct Builtin {
      const char* name;
      RosPrimitive sec, nsec;
      const char* nsec_name;
    };
    static const Builtin kBuiltins[] = {
        {"time", RosPrimitive::UInt32, RosPrimitive::UInt32, "nsec"},
        {"duration", RosPrimitive::Int32, RosPrimitive::Int32, "nsec"},
        {"builtin_interfaces/Time", RosPrimitive::Int32, RosPrimitive::UInt32, "nanosec"},
        {"builtin_interfaces/Duration", RosPrimitive::Int32, RosPrimitive::UInt32, "nanosec"}};
    for (const auto& b : kBuiltins) {
      if (name != b.name) continue;
      if (auto it = done_.find(name); it != done_.end()) return it->second;
      const std::uint32_t index = new_type(name);
      types_[index].fields.push_back(RosField{"sec", b.sec, 0, RosArrayKind::None, 0, 0});
      types_[index].fields.push_back(RosField{b.nsec_name, b.nsec, 0, RosArrayKind::None, 0, 0});
      types_[index].min_wire_size = 8;
      done_.emplace(name, index);
      return index;
    }
    return std::nullopt;
  }

  std::string qualify(const std::string& base, const std::string& package) const {
    if (base == "Header") return "std_msgs/Header";
    if (base.find('/') != std::string::npos) return normalize_ros_type_name(base);
    if (base == "time" || base == "duration") return base;
    return package.empty() ? base : package + "/" + base;
  }

  std::uint32_t resolve_type(const std::string& base, const std::string& package, const RawField& f, int depth) {
    const std::string name = qualify(base, package);
    if (auto it = done_.find(name); it != done_.end()) return it->second;
    if (in_progress_.count(name))
      throw ParseError(source_, f.line, "type " + name + " contains itself (field '" + f.name + "')");
    auto section = by_name_.find(name);
    if (section == by_name_.end()) {
      // ROS 1 time/duration, and ROS 2 builtin_interfaces a writer left out.
      if (auto b = builtin_type(name)) return *b;
      // A bare name of a type defined once in another package (some writers drop the package).
      if (base.find('/') == std::string::npos) {
        std::optional<std::size_t> match;
        for (std::size_t i = 0; i < sections_.size(); ++i) {
          const auto& n = sections_[i].name;
          if (n.size() > base.size() && n.compare(n.size() - base.size(), base.size(), base) == 0 &&
              n[n.size() - base.size() - 1] == '/') {
            if (match) { match.reset(); break; }
            match = i;
          }
        }
        if (match) return resolve_section(*match, depth);
      }
      throw ParseError(source_, f.line,
                       "field '" + f.name + "' has type " + name + ", which the schema does not define (no 'MSG: " +
                           name + "' section)");
    }
    return resolve_section(section->second, depth);
  }

  std::uint32_t resolve_section(std::size_t s, int depth) {
    const Section& sec = sections_[s];
    if (auto it = done_.find(sec.name); it != done_.end()) return it->second;
    if (depth > kMaxNesting)
      throw ParseError(source_, sec.line, "message types nested deeper than " + std::to_string(kMaxNesting));
    in_progress_.insert(sec.name);
    const std::uint32_t index = new_type(sec.name);
    const std::string package = package_of(sec.name);
    std::vector<RosField> fields;
    std::uint64_t min_size = 0;
    std::uint32_t nesting = 1;
    for (const RawField& raw : sec.fields) {
      RosField field;
      field.name = raw.name;
      std::string base = raw.type;
      if (!base.empty() && base.back() == ']') {
        const auto open = base.rfind('[');
        if (open == std::string::npos) throw ParseError(source_, raw.line, "malformed array type '" + raw.type + "'");
        const std::string_view inside = std::string_view(base).substr(open + 1, base.size() - open - 2);
        if (inside.empty()) {
          field.array = RosArrayKind::Unbounded;
        } else {
          const bool bounded = inside.substr(0, 2) == "<=";
          const auto n = parse_count(bounded ? inside.substr(2) : inside);
          if (!n) throw ParseError(source_, raw.line, "bad array size in '" + raw.type + "'");
          field.array = bounded ? RosArrayKind::Bounded : RosArrayKind::Fixed;
          field.array_size = *n;
        }
        base.resize(open);
      }
      for (const char* s_prefix : {"string<=", "wstring<="}) {
        const std::string_view prefix(s_prefix);
        if (base.compare(0, prefix.size(), prefix) == 0) {
          const auto n = parse_count(std::string_view(base).substr(prefix.size()));
          if (!n) throw ParseError(source_, raw.line, "bad string bound in '" + raw.type + "'");
          field.string_bound = *n;
          base.resize(prefix.size() - 2);
        }
      }
      if (base.empty() || base.find_first_of("[]<=") != std::string::npos)
        throw ParseError(source_, raw.line, "malformed type '" + raw.type + "'");
      std::uint64_t element_min = 0;
      if (auto p = primitive_from_name(base, dialect_)) {
        field.type = *p;
        element_min = (*p == RosPrimitive::String || *p == RosPrimitive::WString) ? 4 : primitive_size(*p);
      } else {
        field.type = RosPrimitive::Message;
        field.message_type = resolve_type(base, package, raw, depth + 1);
        element_min = types_[field.message_type].min_wire_size;
        nesting = std::max(nesting, types_[field.message_type].nesting + 1);
        if (nesting > kMaxNesting)
          throw ParseError(source_, raw.line, "message types nested deeper than " + std::to_string(kMaxNesting));
      }
      if (field.array == RosArrayKind::None) min_size = sat_add(min_size, element_min);
      else if (field.array == RosArrayKind::Fixed) min_size = sat_add(min_size, sat_mul(field.array_size, element_min));
      else min_size = sat_add(min_size, 4);
      fields.push_back(std::move(field));
    }
    types_[index].fields = std::move(fields);
    types_[index].min_wire_size = min_size;
    types_[index].nesting = nesting;
    in_progress_.erase(sec.name);
    done_.emplace(sec.name, index);
    return index;
  }

  std::vector<Section> sections_;
  RosSchemaDialect dialect_;
  const std::filesystem::path& source_;
  std::map<std::string, std::size_t> by_name_;
  std::map<std::string, std::uint32_t> done_;
  std::set<std::string> in_progress_;
  std::vector<RosMessageType> types_;
};

}  // namespace

std::size_t primitive_size(RosPrimitive type) {
  switch (type) {
    case RosPrimitive::Bool:
    case RosPrimitive::Int8:
    case RosPrimitive::UInt8: return 1;
    case RosPrimitive::Int16:
    case RosPrimitive::UInt16: return 2;
    case RosPrimitive::Int32:
    case RosPrimitive::UInt32:
    case RosPrimitive::Float32: return 4;
    case RosPrimitive::Int64:
    case RosPrimitive::UInt64:
    case RosPrimitive::Float64: return 8;
    case RosPrimitive::String:
    case RosPrimitive::WString:
    case RosPrimitive::Message: return 0;
  }
  return 0;
}

const char* to_string(RosPrimitive type) {
  switch (type) {
    case RosPrimitive::Bool: return "bool";
    case RosPrimitive::Int8: return "int8";
    case RosPrimitive::UInt8: return "uint8";
    case RosPrimitive::Int16: return "int16";
    case RosPrimitive::UInt16: return "uint16";
    case RosPrimitive::Int32: return "int32";
    case RosPrimitive::UInt32: return "uint32";
    case RosPrimitive::Int64: return "int64";
    case RosPrimitive::UInt64: return "uint64";
    case RosPrimitive::Float32: return "float32";
    case RosPrimitive::Float64: return "float64";
    case RosPrimitive::String: return "string";
    case RosPrimitive::WString: return "wstring";
    case RosPrimitive::Message: return "message";
  }
  return "?";
}

std::string normalize_ros_type_name(std::string_view name) {
  std::string s(trim(name));
  const auto first = s.find('/');
  if (first != std::string::npos) {
    const auto second = s.find('/', first + 1);
    if (second != std::string::npos && s.substr(first + 1, second - first - 1) == "msg") s.erase(first, 4);
  }
  return s;
}

RosMsgDefinition RosMsgDefinition::parse(std::string_view type_name, std::string_view text, RosSchemaDialect dialect,
                                         const std::filesystem::path& source) {
  std::vector<Section> sections(1);
  sections[0].name = normalize_ros_type_name(type_name);
  if (sections[0].name.empty()) throw ParseError(source, "schema has no type name");
  bool expect_header = false;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    const std::string_view t = trim(line);
    if (is_separator(t)) {
      expect_header = true;
      continue;
    }
    if (t.empty() || t.front() == '#') continue;
    if (expect_header) {
      if (t.substr(0, 4) == "IDL:")
        throw ParseError(source, line_no, "IDL definitions are not supported (only .msg text)");
      if (t.substr(0, 4) != "MSG:")
        throw ParseError(source, line_no, "expected 'MSG: package/Type' after the separator line");
      Section s;
      s.name = normalize_ros_type_name(t.substr(4));
      s.line = line_no;
      if (s.name.empty()) throw ParseError(source, line_no, "'MSG:' without a type name");
      sections.push_back(std::move(s));
      expect_header = false;
      continue;
    }
    // TYPE NAME [default] [# comment]   or   TYPE NAME=VALUE (a constant; a string constant's value may hold '#').
    std::size_t i = 0;
    while (i < t.size() && !is_space(t[i])) ++i;
    const std::string_view type = t.substr(0, i);
    while (i < t.size() && is_space(t[i])) ++i;
    const std::size_t name_begin = i;
    while (i < t.size() && is_word(t[i])) ++i;
    const std::string_view name = t.substr(name_begin, i - name_begin);
    while (i < t.size() && is_space(t[i])) ++i;
    if (i < t.size() && t[i] == '=') continue;  // constant
    if (name.empty() || (name.front() >= '0' && name.front() <= '9'))
      throw ParseError(source, line_no, "expected 'TYPE NAME', got '" + std::string(t.substr(0, 80)) + "'");
    const std::size_t name_end = name_begin + name.size();
    if (name_end < t.size() && !is_space(t[name_end]) && t[name_end] != '#')
      throw ParseError(source, line_no, "bad character after field name '" + std::string(name) + "'");
    sections.back().fields.push_back(RawField{std::string(type), std::string(name), line_no});
  }
  if (expect_header) throw ParseError(source, line_no, "separator line without a following 'MSG:' section");

  RosMsgDefinition def;
  def.dialect_ = dialect;
  def.types_ = Resolver(std::move(sections), dialect, source).run();
  return def;
}

}  // namespace dc::core

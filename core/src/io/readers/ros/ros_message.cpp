#include "io/readers/ros/ros_message.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/ros/ros_wire_cursor.h"

#include <limits>

namespace dc::core {

namespace {

bool is_integer(RosPrimitive t) {
  switch (t) {
    case RosPrimitive::Bool:
    case RosPrimitive::Int8:
    case RosPrimitive::UInt8:
    case RosPrimitive::Int16:
    case RosPrimitive::UInt16:
    case RosPrimitive::Int32:
    case RosPrimitive::UInt32:
    case RosPrimitive::Int64:
    case RosPrimitive::UInt64: return true;
    default: return false;
  }
}

bool is_numeric(RosPrimitive t) { return is_integer(t) || t == RosPrimitive::Float32 || t == RosPrimitive::Float64; }

// Signed value of an integer primitive; `negative_overflow` set for uint64 values above INT64_MAX.
std::int64_t load_integer(RosPrimitive t, const std::uint8_t* p, bool swap, bool& too_large) {
  too_large = false;
  switch (t) {
    case RosPrimitive::Bool: return *p != 0;
    case RosPrimitive::Int8: return static_cast<std::int8_t>(*p);
    case RosPrimitive::UInt8: return *p;
    case RosPrimitive::Int16: return load_wire<std::int16_t>(p, swap);
    case RosPrimitive::UInt16: return load_wire<std::uint16_t>(p, swap);
    case RosPrimitive::Int32: return load_wire<std::int32_t>(p, swap);
    case RosPrimitive::UInt32: return load_wire<std::uint32_t>(p, swap);
    case RosPrimitive::Int64: return load_wire<std::int64_t>(p, swap);
    case RosPrimitive::UInt64: {
      const auto v = load_wire<std::uint64_t>(p, swap);
      too_large = v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
      return static_cast<std::int64_t>(v & 0x7fffffffffffffffull);
    }
    default: return 0;
  }
}

double load_number(RosPrimitive t, const std::uint8_t* p, bool swap) {
  if (t == RosPrimitive::Float32) return load_wire<float>(p, swap);
  if (t == RosPrimitive::Float64) return load_wire<double>(p, swap);
  if (t == RosPrimitive::UInt64) return static_cast<double>(load_wire<std::uint64_t>(p, swap));
  bool too_large = false;
  return static_cast<double>(load_integer(t, p, swap, too_large));
}

}  // namespace

const RosNode& RosValue::node() const { return message_->nodes_[node_]; }

void RosValue::fail(const std::string& message) const {
  std::string where = node().field ? "field '" + node().field->name + "'" : "message " +
                                                                                message_->definition_->root().name;
  if (element_ != kWhole) where += " element " + std::to_string(element_);
  throw ParseError(message_->source_, where + ": " + message);
}

std::string_view RosValue::name() const {
  const RosNode& n = node();
  return n.field ? std::string_view(n.field->name) : std::string_view();
}

RosPrimitive RosValue::type() const { return node().type; }

bool RosValue::is_array() const { return node().array && element_ == kWhole; }

const std::string& RosValue::type_name() const {
  if (!is_message()) fail(std::string("is a ") + (is_array() ? "array" : to_string(type())) + ", not a message");
  return message_->definition_->type(node().message_type).name;
}

std::size_t RosValue::size() const {
  if (!is_array()) fail("is not an array");
  return node().count;
}

RosValue RosValue::operator[](std::size_t i) const {
  const RosNode& n = node();
  if (!is_array()) fail("is not an array");
  if (i >= n.count) fail("index " + std::to_string(i) + " out of range (" + std::to_string(n.count) + " elements)");
  if (primitive_size(n.type) > 0) return RosValue(message_, node_, static_cast<std::uint32_t>(i));
  return RosValue(message_, n.first_child + static_cast<std::uint32_t>(i));
}

std::optional<RosValue> RosValue::find_field(std::string_view name) const {
  if (!is_message()) return std::nullopt;
  const RosNode& n = node();
  for (std::uint32_t k = 0; k < n.child_count; ++k) {
    const RosNode& child = message_->nodes_[n.first_child + k];
    if (child.field && child.field->name == name) return RosValue(message_, n.first_child + k);
  }
  return std::nullopt;
}

RosValue RosValue::field(std::string_view name) const {
  if (!is_message()) fail("has no fields (looking for '" + std::string(name) + "')");
  if (auto v = find_field(name)) return *v;
  fail(type_name() + " has no field '" + std::string(name) + "'");
}

std::optional<RosValue> RosValue::find(std::string_view path) const {
  RosValue v = *this;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      const auto close = path.find(']', i);
      if (close == std::string_view::npos || close == i + 1) return std::nullopt;
      std::size_t index = 0;
      for (std::size_t k = i + 1; k < close; ++k) {
        if (path[k] < '0' || path[k] > '9' || index > (std::size_t{1} << 40)) return std::nullopt;
        index = index * 10 + static_cast<std::size_t>(path[k] - '0');
      }
      if (!v.is_array() || index >= v.size()) return std::nullopt;
      v = v[index];
      i = close + 1;
      continue;
    }
    const auto end = path.find_first_of(".[", i);
    const std::string_view name = path.substr(i, end == std::string_view::npos ? path.size() - i : end - i);
    auto f = v.find_field(name);
    if (!f) return std::nullopt;
    v = *f;
    i += name.size();
  }
  return v;
}

RosValue RosValue::at(std::string_view path) const {
  if (auto v = find(path)) return *v;
  fail("no value at path '" + std::string(path) + "'");
}

const std::uint8_t* RosValue::scalar_bytes(const char* wanted) const {
  const RosNode& n = node();
  if (is_array()) fail(std::string("is an array, not ") + wanted);
  const std::size_t size = primitive_size(n.type);
  if (size == 0) fail(std::string("is a ") + to_string(n.type) + ", not " + wanted);
  const std::size_t offset = n.offset + (element_ == kWhole ? 0 : std::size_t{element_} * size);
  return message_->bytes_.data() + offset;  // inside the bytes: the decoder checked the whole run
}

bool RosValue::as_bool() const {
  const std::uint8_t* p = scalar_bytes("a bool");
  if (!is_integer(type())) fail(std::string("is a ") + to_string(type()) + ", not a bool");
  bool too_large = false;
  return load_integer(type(), p, message_->swap_, too_large) != 0 || too_large;
}

std::int64_t RosValue::as_int() const {
  const std::uint8_t* p = scalar_bytes("an integer");
  if (!is_integer(type())) fail(std::string("is a ") + to_string(type()) + ", not an integer");
  bool too_large = false;
  const std::int64_t v = load_integer(type(), p, message_->swap_, too_large);
  if (too_large) fail("uint64 value does not fit int64");
  return v;
}

std::uint64_t RosValue::as_uint() const {
  const std::uint8_t* p = scalar_bytes("an integer");
  if (!is_integer(type())) fail(std::string("is a ") + to_string(type()) + ", not an integer");
  if (type() == RosPrimitive::UInt64) return load_wire<std::uint64_t>(p, message_->swap_);
  bool too_large = false;
  const std::int64_t v = load_integer(type(), p, message_->swap_, too_large);
  if (v < 0) fail("negative value " + std::to_string(v) + " where an unsigned one is needed");
  return static_cast<std::uint64_t>(v);
}

double RosValue::as_double() const {
  const std::uint8_t* p = scalar_bytes("a number");
  if (!is_numeric(type())) fail(std::string("is a ") + to_string(type()) + ", not a number");
  return load_number(type(), p, message_->swap_);
}

std::string_view RosValue::as_string() const {
  const RosNode& n = node();
  if (is_array() || n.type != RosPrimitive::String)
    fail(std::string("is a ") + (is_array() ? "array" : to_string(n.type)) + ", not a string");
  return std::string_view(reinterpret_cast<const char*>(message_->bytes_.data() + n.offset), n.count);
}

std::span<const std::uint8_t> RosValue::bytes() const {
  const RosNode& n = node();
  if (!is_array() || primitive_size(n.type) != 1)
    fail(std::string("is not an array of bytes (") + to_string(n.type) + (is_array() ? "[])" : ")"));
  return message_->bytes_.subspan(n.offset, n.count);
}

std::vector<double> RosValue::as_doubles() const {
  const RosNode& n = node();
  if (!is_array() || !is_numeric(n.type))
    fail(std::string("is not a numeric array (") + to_string(n.type) + (is_array() ? "[])" : ")"));
  const std::size_t size = primitive_size(n.type);
  std::vector<double> out(n.count);
  const std::uint8_t* p = message_->bytes_.data() + n.offset;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = load_number(n.type, p + i * size, message_->swap_);
  return out;
}

}  // namespace dc::core

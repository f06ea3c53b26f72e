#include "number_format.h"

#include <charconv>
#include <stdexcept>

namespace dc::core::generator {

namespace {
// -0 prints as "-0.0..."; KITTI's files never do.
double no_negative_zero(double v) {
  return v == 0.0 ? 0.0 : v;
}

template <typename... Args>
std::string to_text(double value, Args... args) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, no_negative_zero(value), args...);
  if (r.ec != std::errc{}) throw std::invalid_argument("number does not fit its text buffer");
  return std::string(buf, r.ptr);
}
}  // namespace

std::string format_scientific(double value, int precision) {
  return to_text(value, std::chars_format::scientific, precision);
}

std::string format_fixed(double value, int precision) {
  std::string s = to_text(value, std::chars_format::fixed, precision);
  if (s.find_first_not_of("-0.") == std::string::npos && s.front() == '-') s.erase(0, 1);  // "-0.000" -> "0.000"
  return s;
}

std::string format_shortest(double value) {
  return to_text(value);
}

double parse_double(std::string_view text) {
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size())
    throw std::invalid_argument("not a number: '" + std::string(text) + "'");
  return v;
}

}  // namespace dc::core::generator

#include "io/readers/text_util.h"

#include "dc/core/model/ingest_error.h"

#include <charconv>
#include <cmath>

namespace dc::core {

namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
}  // namespace

std::string trim(std::string_view text) {
  std::size_t b = 0, e = text.size();
  while (b < e && is_space(text[b])) ++b;
  while (e > b && is_space(text[e - 1])) --e;
  return std::string(text.substr(b, e - b));
}

std::vector<std::string> split_whitespace(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) out.emplace_back(text.substr(start, i - start));
  }
  return out;
}

bool parse_double(std::string_view token, double& value) {
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  if (token.empty()) return false;
  // from_chars would accept "nan"/"inf"; calibration, labels and OXTS never contain them.
  const char* end = token.data() + token.size();
  auto [ptr, ec] = std::from_chars(token.data(), end, value);
  return ec == std::errc() && ptr == end && std::isfinite(value);
}

bool parse_int(std::string_view token, long long& value) {
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  if (token.empty()) return false;
  const char* end = token.data() + token.size();
  auto [ptr, ec] = std::from_chars(token.data(), end, value);
  return ec == std::errc() && ptr == end;
}

std::string number_problem(std::string_view token) {
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  double value = 0;
  const char* end = token.data() + token.size();
  auto [ptr, ec] = std::from_chars(token.data(), end, value);
  if (ptr == end && !token.empty() && ec == std::errc::result_out_of_range) return "is out of range";
  return "is not a number";
}

std::string shorten(std::string_view text, std::size_t max_chars) { return quote_input(text, max_chars); }

void strip_bom(std::string& first_line) {
  if (first_line.rfind("\xEF\xBB\xBF", 0) == 0) first_line.erase(0, 3);
}

void for_each_text_line(std::istream& in, const std::function<void(const std::string& text, int line)>& row) {
  std::string raw;
  for (int line = 1; std::getline(in, raw); ++line) {
    if (line == 1) strip_bom(raw);
    const std::string text = trim(raw);
    if (!text.empty()) row(text, line);
  }
}

}  // namespace dc::core

#pragma once
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace dc::core {

// Small locale-independent helpers shared by the KITTI text parsers.
std::string trim(std::string_view text);
std::vector<std::string> split_whitespace(std::string_view text);
// Whole-token, finite decimal number ("1.5e-3", "-2", "+0.1"); false for anything else.
bool parse_double(std::string_view token, double& value);
// Whole-token decimal integer.
bool parse_int(std::string_view token, long long& value);
// Why a token that parse_double() refused is bad: "is out of range" (1e999) or "is not a number".
std::string number_problem(std::string_view token);
// Offending input quoted in a message: escaped and cut to max_chars (see quote_input()).
std::string shorten(std::string_view text, std::size_t max_chars = 120);
// Removes a UTF-8 byte order mark at the start of a file's first line (editors on Windows write one).
void strip_bom(std::string& first_line);
// Calls `row` with each non-blank line of a text file, trimmed, and its 1-based number (a BOM stripped first).
void for_each_text_line(std::istream& in, const std::function<void(const std::string& text, int line)>& row);

}  // namespace dc::core

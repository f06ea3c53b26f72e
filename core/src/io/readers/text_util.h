#pragma once
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
// Cuts long offending text down for messages.
std::string shorten(std::string_view text, std::size_t max_chars = 40);

}  // namespace dc::core

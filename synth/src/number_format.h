#pragma once
#include <string>
#include <string_view>

namespace dc::core::generator {

// Locale-independent number text (printf honours LC_NUMERIC, which a Qt host sets from the environment).
std::string format_scientific(double value, int precision = 6);  // like printf("%.6e"): 7.215377e+02
std::string format_fixed(double value, int precision);
std::string format_shortest(double value);   // shortest text that reads back exactly
double parse_double(std::string_view text);  // throws std::invalid_argument

}  // namespace dc::core::generator

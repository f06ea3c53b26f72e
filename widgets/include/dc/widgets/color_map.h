#pragma once
#include "dc/core/model/box_label.h"
#include <array>
#include <cstdint>
#include <string_view>

namespace dc::widgets {

struct Rgb8 {
  std::uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb8&) const = default;
};

enum class ColorMapKind { Turbo, Viridis };

// 256-entry tables, index 0 = low end. Turbo runs dark blue -> red, viridis purple -> yellow.
const std::array<Rgb8, 256>& color_table(ColorMapKind kind);

// t is clamped to [0, 1]; NaN maps to the low end.
Rgb8 map_color(ColorMapKind kind, float t);
inline Rgb8 turbo(float t) {
  return map_color(ColorMapKind::Turbo, t);
}
inline Rgb8 viridis(float t) {
  return map_color(ColorMapKind::Viridis, t);
}

// Fixed color per object class so that all views agree; unknown classes get a neutral gray-blue.
Rgb8 class_color(std::string_view category);
// A box's color in every view: its class color, faded most of the way to gray once a reviewer rejected it (it stays
// visible for the review but no longer reads as an object).
Rgb8 box_color(const dc::core::BoxLabel& box);
// Points outside every box in label color mode.
inline constexpr Rgb8 kUnlabeledColor{110, 110, 110};

}  // namespace dc::widgets

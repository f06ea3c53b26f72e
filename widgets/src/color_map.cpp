#include "dc/widgets/color_map.h"

#include <algorithm>
#include <cmath>

namespace dc::widgets {

namespace {

std::uint8_t to_byte(double v) {
  return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
}

// Polynomial fit of Google's Turbo colormap (Mikhailov, 2019); max error well below one 8-bit level.
Rgb8 turbo_exact(double x) {
  const double x2 = x * x, x3 = x2 * x, x4 = x3 * x, x5 = x4 * x;
  const double r =
      0.13572138 + 4.61539260 * x - 42.66032258 * x2 + 132.13108234 * x3 - 152.94239396 * x4 + 59.28637943 * x5;
  const double g = 0.09140261 + 2.19418839 * x + 4.84296658 * x2 - 14.18503333 * x3 + 4.27729857 * x4 + 2.82956604 * x5;
  const double b =
      0.10667330 + 12.64194608 * x - 60.58204836 * x2 + 110.36276771 * x3 - 89.90310912 * x4 + 27.34824973 * x5;
  return {to_byte(r), to_byte(g), to_byte(b)};
}

// Degree-6 polynomial fit of matplotlib's viridis.
Rgb8 viridis_exact(double t) {
  static constexpr double c[7][3] = {
      {0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
      {0.1050930431085774, 1.404613529898575, 1.384590162594685},
      {-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
      {-4.634230498983486, -5.799100973351585, -19.33244095627987},
      {6.228269936347081, 14.17993336680509, 56.69055260068105},
      {4.776384997670288, -13.74514537774601, -65.35303263337234},
      {-5.435455855934631, 4.645852612178535, 26.3124352495832},
  };
  double rgb[3];
  for (int k = 0; k < 3; ++k) {
    double v = c[6][k];
    for (int i = 5; i >= 0; --i) v = v * t + c[i][k];
    rgb[k] = v;
  }
  return {to_byte(rgb[0]), to_byte(rgb[1]), to_byte(rgb[2])};
}

std::array<Rgb8, 256> make_table(Rgb8 (*f)(double)) {
  std::array<Rgb8, 256> table;
  for (int i = 0; i < 256; ++i) table[static_cast<std::size_t>(i)] = f(i / 255.0);
  return table;
}

}  // namespace

const std::array<Rgb8, 256>& color_table(ColorMapKind kind) {
  static const std::array<Rgb8, 256> turbo_table = make_table(turbo_exact);
  static const std::array<Rgb8, 256> viridis_table = make_table(viridis_exact);
  return kind == ColorMapKind::Viridis ? viridis_table : turbo_table;
}

Rgb8 map_color(ColorMapKind kind, float t) {
  if (!(t > 0.f)) t = 0.f;  // also NaN
  if (t > 1.f) t = 1.f;
  return color_table(kind)[static_cast<std::size_t>(t * 255.f + 0.5f)];
}

Rgb8 class_color(std::string_view category) {
  if (category == "Car") return {0, 200, 255};
  if (category == "Van") return {70, 130, 255};
  if (category == "Truck") return {255, 140, 0};
  if (category == "Pedestrian") return {255, 50, 50};
  if (category == "Person_sitting") return {255, 110, 170};
  if (category == "Cyclist") return {255, 230, 0};
  if (category == "Tram") return {180, 80, 255};
  if (category == "Misc") return {60, 220, 120};
  if (category == "DontCare") return {150, 150, 150};
  return {170, 170, 200};
}

Rgb8 box_color(const dc::core::BoxLabel& box) {
  const Rgb8 c = class_color(box.category);
  if (box.review != dc::core::ReviewState::Rejected) return c;
  constexpr double kFade = 0.75;
  constexpr double kGray = 95;
  auto f = [](std::uint8_t v) { return static_cast<std::uint8_t>(std::lround(v + (kGray - v) * kFade)); };
  return {f(c.r), f(c.g), f(c.b)};
}

}  // namespace dc::widgets

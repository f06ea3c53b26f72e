#include "io/readers/kitti/kitti_label_file.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/text_util.h"

#include "io/readers/file_check.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace dc::core {

namespace {
constexpr const char* kColumns[] = {"type", "truncated", "occluded", "alpha",  "left", "top",
                                    "right", "bottom",   "h",        "w",      "l",    "x",
                                    "y",    "z",         "rotation_y", "score"};
// Plausibility limits: one absurd box must never reach the catalog or the 3D view.
constexpr double kMaxSize = 100.0;       // m; the longest KITTI objects (trams) are ~35 m
constexpr double kMaxDistance = 1000.0;  // m from the camera
constexpr double kMaxAngle = 2 * 3.14159265358979323846 + 1e-6;
constexpr double kMaxPixel = 100000.0;

void check_ranges(const std::string& type, const double* v, const std::filesystem::path& file, int line) {
  // KITTI class names are short identifiers ("Car", "Person_sitting"); anything else is corrupt text.
  if (type.size() > 64)
    throw ParseError(file, line, "column 1 (type) '" + shorten(type, 40) + "' is too long for a class name");
  for (char c : type)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
      throw ParseError(file, line, "column 1 (type) '" + shorten(type) + "' is not a class name (letters, digits, _ -)");
  auto out_of = [&](int column, const char* range) {
    char value[32];
    std::snprintf(value, sizeof value, "%.6g", v[column]);
    throw ParseError(file, line,
                     "column " + std::to_string(column + 1) + " (" + kColumns[column] + ") " + value +
                         " out of range " + range + "; row rejected");
  };
  for (int c = 4; c < 8; ++c)
    if (std::abs(v[c]) > kMaxPixel) out_of(c, "-100000..100000 px");
  // DontCare rows carry placeholders (-1 occlusion and sizes, -1000 positions, -10 rotation).
  if (v[2] < -1 || v[2] > 3) out_of(2, "-1..3");
  if (type == "DontCare") return;
  if (v[1] < 0 || v[1] > 1) out_of(1, "0..1");
  if (v[2] < 0 || v[2] > 3) out_of(2, "0..3");
  if (std::abs(v[3]) > kMaxAngle) out_of(3, "-2pi..2pi");
  for (int c = 8; c <= 10; ++c)
    if (!(v[c] > 0) || v[c] > kMaxSize) out_of(c, "(0, 100] m");
  for (int c = 11; c <= 13; ++c)
    if (std::abs(v[c]) > kMaxDistance) out_of(c, "-1000..1000 m");
  if (std::abs(v[14]) > kMaxAngle) out_of(14, "-2pi..2pi");
}

}  // namespace

KittiLabelRow parse_kitti_label_line(const std::string& text, const std::filesystem::path& file, int line) {
  const auto tokens = split_whitespace(text);
  if (tokens.size() != 15 && tokens.size() != 16)
    throw ParseError(file, line, "expected 15 or 16 columns, got " + std::to_string(tokens.size()));
  double v[16] = {};
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    if (!parse_double(tokens[i], v[i]))
      throw ParseError(file, line,
                       "column " + std::to_string(i + 1) + " (" + kColumns[i] + ") '" + shorten(tokens[i]) +
                           "' " + number_problem(tokens[i]));
  }
  if (v[2] != std::floor(v[2]))
    throw ParseError(file, line, "column 3 (occluded) '" + shorten(tokens[2]) + "' is not an integer");
  check_ranges(tokens[0], v, file, line);

  KittiLabelRow row;
  row.line = line;
  row.type = tokens[0];
  row.truncated = v[1];
  row.occluded = static_cast<int>(v[2]);
  row.alpha = v[3];
  for (int i = 0; i < 4; ++i) row.bbox[i] = v[4 + i];
  row.box.h = v[8];
  row.box.w = v[9];
  row.box.l = v[10];
  row.box.bottom_center = {v[11], v[12], v[13]};
  row.box.rotation_y = v[14];
  if (tokens.size() == 16) row.score = v[15];
  return row;
}

std::vector<KittiLabelRow> read_kitti_label_file(const std::filesystem::path& file, const std::string& drive,
                                                 std::vector<IngestError>& errors) {
  require_regular_file(file, "cannot open label file");
  std::ifstream in(file);
  if (!in) throw ParseError(file, "cannot open label file");
  std::vector<KittiLabelRow> rows;
  for_each_text_line(in, [&](const std::string& text, int line) {
    try {
      rows.push_back(parse_kitti_label_line(text, file, line));
    } catch (const ParseError& e) {
      errors.push_back(IngestError::make(file.string(), e.line(), e.message() + "; row skipped", drive));
    }
  });
  return rows;
}

}  // namespace dc::core

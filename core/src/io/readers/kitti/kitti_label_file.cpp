#include "io/readers/kitti/kitti_label_file.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/text_util.h"

#include <cmath>
#include <fstream>

namespace dc::core {

namespace {
constexpr const char* kColumns[] = {"type", "truncated", "occluded", "alpha",  "left", "top",
                                    "right", "bottom",   "h",        "w",      "l",    "x",
                                    "y",    "z",         "rotation_y", "score"};
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
                           "' is not a number");
  }
  if (v[2] != std::floor(v[2]))
    throw ParseError(file, line, "column 3 (occluded) '" + tokens[2] + "' is not an integer");

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
  std::ifstream in(file);
  if (!in) throw ParseError(file, "cannot open label file");
  std::vector<KittiLabelRow> rows;
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    const std::string text = trim(raw);
    if (text.empty()) continue;
    try {
      rows.push_back(parse_kitti_label_line(text, file, line));
    } catch (const ParseError& e) {
      errors.push_back({file.string(), e.line(), e.message() + "; row skipped", drive});
    }
  }
  return rows;
}

}  // namespace dc::core

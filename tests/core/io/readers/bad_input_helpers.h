#pragma once
// Shared by the bad-input tests: how reader problems read to a user ("file:line: message"), counts of what a
// drive kept, and editing one line of a copied text file.
#include "dc/core/model/drive.h"
#include "test_support.h"

#include <algorithm>
#include <filesystem>

#include <string>

namespace dc::test {

inline std::string describe(const dc::core::IngestError& e) {
  return e.path + (e.line > 0 ? ":" + std::to_string(e.line) : std::string()) + ": " + e.message;
}

inline std::string all_errors(const dc::core::Drive& d) {
  std::string s;
  for (const auto& e : d.errors) s += describe(e) + "\n";
  return s;
}

inline std::size_t count_frames(const dc::core::Drive& d, const std::string& sensor) {
  return static_cast<std::size_t>(
      std::count_if(d.frames.begin(), d.frames.end(), [&](const dc::core::Frame& f) { return f.sensor == sensor; }));
}

inline std::size_t count_labels(const dc::core::Drive& d, std::int64_t frame) {
  return static_cast<std::size_t>(std::count_if(
      d.labels.begin(), d.labels.end(), [&](const dc::core::BoxLabel& l) { return l.frame_index == frame; }));
}

// Replaces line `line` (1-based) of a text file.
inline void replace_line(const std::filesystem::path& file, int line, const std::string& text) {
  std::string all = read_text(file), out;
  std::size_t pos = 0;
  for (int k = 1; pos <= all.size(); ++k) {
    std::size_t end = all.find('\n', pos);
    if (end == std::string::npos) end = all.size();
    out += (k == line ? text : all.substr(pos, end - pos));
    if (end < all.size()) out += '\n';
    pos = end + 1;
  }
  std::filesystem::remove(file);  // the copy may be read-only like its source
  write_text(file, out);
}

}  // namespace dc::test

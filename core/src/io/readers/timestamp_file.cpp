#include "io/readers/timestamp_file.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/file_check.h"
#include "io/readers/text_util.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace dc::core {

std::vector<TimestampLine> read_timestamp_file(const std::filesystem::path& file, const std::string& drive,
                                               std::vector<IngestError>& errors, const std::string& time_zone) {
  require_regular_file(file, "cannot open timestamps file");
  std::ifstream in(file);
  if (!in) throw ParseError(file, "cannot open timestamps file");
  std::vector<std::string> lines;
  for (std::string raw; std::getline(in, raw);) {
    if (lines.empty()) strip_bom(raw);
    lines.push_back(trim(raw));
  }
  // Trailing empty lines are the end of the file, not missing frames.
  while (!lines.empty() && lines.back().empty()) lines.pop_back();

  std::vector<TimestampLine> out;
  out.reserve(lines.size());
  const TimestampLine* previous = nullptr;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    TimestampLine entry{static_cast<std::int64_t>(i), 0, line};
    try {
      entry.timestamp_ns = parse_kitti_timestamp(lines[i]);
    } catch (const std::invalid_argument& e) {
      const std::string what = lines[i].empty() ? std::string("empty line is not a timestamp") : e.what();
      errors.push_back(IngestError::make(file.string(), line,
                                         what + "; frame " + std::to_string(i) + " has no timestamp", drive));
      continue;
    }
    try {
      entry.timestamp_ns = local_to_utc(entry.timestamp_ns, time_zone);
    } catch (const std::invalid_argument& e) {
      throw ParseError(file, e.what());
    }
    if (previous && entry.timestamp_ns < previous->timestamp_ns) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.9g", double(previous->timestamp_ns - entry.timestamp_ns) * 1e-9);
      errors.push_back(IngestError::make(file.string(), line,
                                         std::string("timestamp goes backwards by ") + seconds + " s (after line " +
                                             std::to_string(previous->line) + ")",
                                         drive));
    }
    out.push_back(entry);
    previous = &out.back();
  }
  return out;
}

}  // namespace dc::core

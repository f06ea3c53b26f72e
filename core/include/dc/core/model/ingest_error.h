#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace dc::core {

// Makes offending input safe to show in a message: control characters and invalid UTF-8 bytes are escaped
// ("\x1b"), and text longer than max_chars is cut and ends in "..." (a 20 MB junk line must not be echoed).
std::string quote_input(std::string_view text, std::size_t max_chars = 120);
// The same for a whole message (escaped, capped at kMaxMessageChars); idempotent on its own output.
inline constexpr std::size_t kMaxMessageChars = 2000;
std::string safe_message(std::string_view message);

// A recorded, non-fatal problem found while ingesting: the rest of the work went on.
struct IngestError {
  std::string path;     // the offending file or folder
  int line = 0;         // 1-based line for text formats, 0 when not applicable
  std::string message;  // what is wrong, in words
  std::string drive;    // drive name when known, else empty

  // Builds one with the message passed through safe_message(); readers use this rather than braces.
  static IngestError make(std::string path, int line, std::string_view message, std::string drive = {});
};

}  // namespace dc::core

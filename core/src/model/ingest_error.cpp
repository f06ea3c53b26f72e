#include "dc/core/model/ingest_error.h"

#include <algorithm>
#include <cstdio>

namespace dc::core {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when the bytes there are not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  unsigned min = 0;
  if (b >= 0xC2 && b <= 0xDF) n = 2, min = 0x80;
  else if (b >= 0xE0 && b <= 0xEF) n = 3, min = 0x800;
  else if (b >= 0xF0 && b <= 0xF4) n = 4, min = 0x10000;
  else return 0;
  if (i + n > s.size()) return 0;
  unsigned cp = b & (0x3F >> (n - 1));
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Escapes up to max_chars input characters; true when input was left over.
bool escape_into(std::string& out, std::string_view text, std::size_t max_chars) {
  std::size_t i = 0, shown = 0;
  while (i < text.size() && shown < max_chars) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x20 && b < 0x7F) {
      out += text[i++];
    } else if (b >= 0x80 && utf8_length(text, i) > 0) {
      const std::size_t n = utf8_length(text, i);
      out.append(text.substr(i, n));
      i += n;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      out += buf;
      ++i;
    }
    ++shown;
  }
  return i < text.size();
}

}  // namespace

std::string quote_input(std::string_view text, std::size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars) + 3);
  if (escape_into(out, text, max_chars)) out += "...";
  return out;
}

std::string safe_message(std::string_view message) { return quote_input(message, kMaxMessageChars); }

IngestError IngestError::make(std::string path, int line, std::string_view message, std::string drive) {
  return {std::move(path), line, safe_message(message), std::move(drive)};
}

}  // namespace dc::core

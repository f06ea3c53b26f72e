#pragma once
#include <string>

namespace dc::core {

// A recorded, non-fatal problem found while ingesting: the rest of the work went on.
struct IngestError {
  std::string path;     // the offending file or folder
  int line = 0;         // 1-based line for text formats, 0 when not applicable
  std::string message;  // what is wrong, in words
  std::string drive;    // drive name when known, else empty
};

}  // namespace dc::core

#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace dc::core {

// What stops `file` from being read as a plain file, in words ("not a regular file (fifo)", "not found",
// "not readable: Permission denied"), or nothing. Checked before opening: opening a FIFO for reading blocks
// until a writer appears, so a reader must never do it. Never throws.
std::optional<std::string> file_problem(const std::filesystem::path& file);
// Throws ParseError(file, "<what>: <problem>") when file_problem() reports one.
void require_regular_file(const std::filesystem::path& file, const std::string& what);
// Whether anything (file, folder, FIFO, broken link) is at `p`: a FIFO named like a label file is not "absent".
bool exists_any(const std::filesystem::path& p);

}  // namespace dc::core

#include "io/readers/file_check.h"

#include "dc/core/io/parse_error.h"

#include <cerrno>
#include <cstring>
#include <system_error>
#include <unistd.h>

namespace dc::core {

namespace fs = std::filesystem;

namespace {
const char* kind_name(fs::file_type t) {
  switch (t) {
    case fs::file_type::directory: return "directory";
    case fs::file_type::fifo: return "fifo";
    case fs::file_type::socket: return "socket";
    case fs::file_type::block: return "block device";
    case fs::file_type::character: return "character device";
    case fs::file_type::symlink: return "symlink";
    default: return "unknown type";
  }
}
}  // namespace

std::optional<std::string> file_problem(const fs::path& file) {
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (st.type() == fs::file_type::not_found) {
    std::error_code lec;
    if (fs::is_symlink(fs::symlink_status(file, lec))) return std::string("broken symbolic link");
    return std::string("not found");
  }
  if (ec) return "cannot stat: " + ec.message();
  if (st.type() != fs::file_type::regular) return std::string("not a regular file (") + kind_name(st.type()) + ")";
  if (::access(file.c_str(), R_OK) != 0) return std::string("not readable: ") + std::strerror(errno);
  return std::nullopt;
}

void require_regular_file(const fs::path& file, const std::string& what) {
  if (auto problem = file_problem(file)) throw ParseError(file, what + ": " + *problem);
}

bool exists_any(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found && !ec;
}

}  // namespace dc::core

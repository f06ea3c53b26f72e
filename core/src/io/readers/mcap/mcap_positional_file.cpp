#include "io/readers/mcap/mcap_positional_file.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/file_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace dc::core {

McapPositionalFile::McapPositionalFile(const std::filesystem::path& file) : path_(file) {
  require_regular_file(file, "cannot open MCAP file");
  fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) throw ParseError(file, std::string("cannot open MCAP file: ") + std::strerror(errno));
  struct stat st {};
  // Checked again on the open descriptor: the path may have been swapped for something else meanwhile.
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw ParseError(file, "cannot open MCAP file: not a regular file");
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
}

McapPositionalFile::~McapPositionalFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t McapPositionalFile::read_some(std::uint64_t offset, std::span<std::uint8_t> out) const {
  std::size_t done = 0;
  while (done < out.size() && offset + done < size_) {
    const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw ParseError(path_, "read error at byte " + std::to_string(offset + done) + ": " + std::strerror(errno));
    }
    if (n == 0) break;  // the file shrank since it was opened
    done += static_cast<std::size_t>(n);
  }
  return done;
}

void McapPositionalFile::read(std::uint64_t offset, std::span<std::uint8_t> out) const {
  if (offset > size_ || out.size() > size_ - offset)
    throw ParseError(path_, "cannot read " + std::to_string(out.size()) + " bytes at byte " + std::to_string(offset) +
                                ": the file has " + std::to_string(size_) + " bytes");
  if (read_some(offset, out) != out.size())
    throw ParseError(path_, "file shrank while being read (at byte " + std::to_string(offset) + ")");
}

std::vector<std::uint8_t> McapPositionalFile::read(std::uint64_t offset, std::uint64_t n) const {
  if (offset > size_ || n > size_ - offset)
    throw ParseError(path_, "cannot read " + std::to_string(n) + " bytes at byte " + std::to_string(offset) +
                                ": the file has " + std::to_string(size_) + " bytes");
  std::vector<std::uint8_t> out(static_cast<std::size_t>(n));
  read(offset, out);
  return out;
}

void McapPositionalFile::advise_sequential() const {
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

}  // namespace dc::core

#include "export/staging_folder.h"

#include "dc/core/util/logging.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

namespace dc::core {

namespace fs = std::filesystem;

namespace {

// Removes `.NAME.partial-*` folders in `parent` that no live process holds locked. A folder made a moment ago may
// not be locked yet by its maker: an empty one younger than a minute is left alone.
int sweep_abandoned(const fs::path& parent, const std::string& prefix) {
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path folder = it->path();
    if (folder.filename().string().rfind(prefix, 0) != 0 || !it->is_directory(ec) || it->is_symlink(ec)) continue;
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      std::error_code e2;
      const auto age = fs::file_time_type::clock::now() - fs::last_write_time(folder, e2);
      if (!e2 && !(fs::is_empty(folder, e2) && age < std::chrono::minutes(1))) {
        if (fs::remove_all(folder, e2) > 0 && !e2) {
          ++removed;
          log_info("export: removed " + folder.string() + ", the staging folder of an export that was killed");
        }
      }
    }
    ::close(fd);
  }
  return removed;
}

}  // namespace

StagingFolder::StagingFolder(const fs::path& target) : target_(fs::absolute(target).lexically_normal()) {
  if (target_.filename().empty()) target_ = target_.parent_path();
  std::error_code ec;
  const auto status = fs::symlink_status(target_, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status))
      throw std::invalid_argument("export target " + target_.string() + " exists and is not a folder");
    if (!fs::is_empty(target_, ec) || ec)
      throw std::invalid_argument("export target " + target_.string() +
                                  " exists and is not empty; choose a new folder or remove it");
  }
  const fs::path parent = target_.parent_path();
  fs::create_directories(parent, ec);
  if (ec) throw std::invalid_argument("cannot create " + parent.string() + ": " + ec.message());
  const std::string prefix = "." + target_.filename().string() + ".partial-";
  swept_ = sweep_abandoned(parent, prefix);
  // mkdtemp: a unique name created atomically, so two exports to one target cannot share a staging folder.
  std::string pattern = (parent / (prefix + "XXXXXX")).string();
  if (!::mkdtemp(pattern.data()))
    throw std::invalid_argument("cannot create a staging folder in " + parent.string() + ": " + std::strerror(errno));
  path_ = pattern;
  lock_fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock_fd_ >= 0 && ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
  }
}

StagingFolder::~StagingFolder() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void StagingFolder::commit() {
  std::error_code ec;
  // rename(2) replaces an empty folder atomically; a target that became non-empty meanwhile makes it fail.
  fs::rename(path_, target_, ec);
  if (ec)
    throw std::invalid_argument("cannot move the export into " + target_.string() + ": " + ec.message() +
                                " (is it empty?)");
  committed_ = true;
}

}  // namespace dc::core

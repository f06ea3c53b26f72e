#include "export/staging_folder.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

namespace dc::core {

namespace fs = std::filesystem;

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
  // mkdtemp: a unique name created atomically, so two exports to one target cannot share a staging folder.
  std::string pattern = (parent / ("." + target_.filename().string() + ".partial-XXXXXX")).string();
  if (!::mkdtemp(pattern.data()))
    throw std::invalid_argument("cannot create a staging folder in " + parent.string() + ": " + std::strerror(errno));
  path_ = pattern;
}

StagingFolder::~StagingFolder() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
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
